import type { z } from 'zod';
import type { Client } from './types.ts';
import { toJson } from './types.ts';

// State an adapter keeps for itself (the question message waiting for an answer, a channel's id),
// by platform and key, in the database so any instance can take any turn. Values are JSON, checked
// with the caller's schema when read back: a value that no longer fits reads as absent. An entry may
// expire: from then on it reads as absent, and the hourly clean-up deletes it.

interface StateEntry {
  key: string;
  value: unknown;
  /** How long the entry lives; without it, until it is deleted. */
  ttlMs?: number;
}

export interface AdapterState {
  get<T>(platform: string, key: string, schema: z.ZodType<T>): Promise<T | undefined>;
  set(platform: string, key: string, value: unknown, options?: { ttlMs?: number }): Promise<void>;
  delete(platform: string, key: string): Promise<void>;
  /** Every live entry whose key starts with `prefix`, most recently written first. */
  list(platform: string, prefix: string): Promise<Array<{ key: string; value: unknown }>>;
  /** Deletes `remove` and writes `entries` in one transaction: nobody sees half of the change. */
  replace(platform: string, remove: string[], entries: StateEntry[]): Promise<void>;
}

export interface AdapterStateStore extends AdapterState {
  /** Deletes the entries that expired before `now`; returns how many. */
  forgetExpired(now?: Date): Promise<number>;
}

function expiry(ttlMs: number | undefined): Date | null {
  return ttlMs === undefined ? null : new Date(Date.now() + ttlMs);
}

async function upsert(db: Client, platform: string, entry: StateEntry): Promise<void> {
  const reference = toJson(entry.value);
  const expiresAt = expiry(entry.ttlMs);
  await db.platformReference.upsert({
    where: { platform_key: { platform, key: entry.key } },
    create: { platform, key: entry.key, reference, expiresAt },
    update: { reference, expiresAt },
  });
}

/** Live: no expiry, or one still ahead. */
const live = () => ({ OR: [{ expiresAt: null }, { expiresAt: { gt: new Date() } }] });

export function adapterStateStore(
  db: Client,
  transaction: <T>(work: (tx: Client) => Promise<T>) => Promise<T>,
): AdapterStateStore {
  return {
    async get(platform, key, schema) {
      const row = await db.platformReference.findFirst({ where: { platform, key, ...live() } });
      if (!row) return undefined;
      const parsed = schema.safeParse(row.reference);
      return parsed.success ? parsed.data : undefined;
    },
    set: (platform, key, value, options = {}) =>
      upsert(db, platform, { key, value, ...(options.ttlMs === undefined ? {} : { ttlMs: options.ttlMs }) }),
    async delete(platform, key) {
      await db.platformReference.deleteMany({ where: { platform, key } });
    },
    async list(platform, prefix) {
      const rows = await db.platformReference.findMany({
        where: { platform, key: { startsWith: prefix }, ...live() },
        orderBy: { updatedAt: 'desc' },
      });
      return rows.map((row) => ({ key: row.key, value: row.reference }));
    },
    async replace(platform, remove, entries) {
      await transaction(async (tx) => {
        if (remove.length > 0) await tx.platformReference.deleteMany({ where: { platform, key: { in: remove } } });
        for (const entry of entries) await upsert(tx, platform, entry);
      });
    },
    async forgetExpired(now = new Date()) {
      const result = await db.platformReference.deleteMany({ where: { expiresAt: { lt: now } } });
      return result.count;
    },
  };
}
