import type { z } from 'zod';
import type { Prisma } from '../generated/prisma/client.ts';
import type { Db, DbOrTx } from './types.ts';

// State an adapter keeps for itself (the question message waiting for an answer, a channel's id),
// by platform and key, in the database so any instance can take any turn. Values are JSON, checked
// with the caller's schema when read back: a value that no longer fits reads as absent.

export interface AdapterState {
  get<T>(platform: string, key: string, schema: z.ZodType<T>): Promise<T | undefined>;
  set(platform: string, key: string, value: unknown): Promise<void>;
  delete(platform: string, key: string): Promise<void>;
  /** Every entry whose key starts with `prefix`, most recently written first. */
  list(platform: string, prefix: string): Promise<Array<{ key: string; value: unknown }>>;
  /** Deletes `remove` and writes `entries` in one transaction: nobody sees half of the change. */
  replace(platform: string, remove: string[], entries: Array<{ key: string; value: unknown }>): Promise<void>;
}

function json(value: unknown): Prisma.InputJsonValue {
  return JSON.parse(JSON.stringify(value)) as Prisma.InputJsonValue;
}

async function upsert(db: DbOrTx, platform: string, key: string, value: unknown): Promise<void> {
  const reference = json(value);
  await db.platformReference.upsert({
    where: { platform_key: { platform, key } },
    create: { platform, key, reference },
    update: { reference },
  });
}

export function createAdapterState(db: Db): AdapterState {
  return {
    async get(platform, key, schema) {
      const row = await db.platformReference.findUnique({ where: { platform_key: { platform, key } } });
      if (!row) return undefined;
      const parsed = schema.safeParse(row.reference);
      return parsed.success ? parsed.data : undefined;
    },
    set: (platform, key, value) => upsert(db, platform, key, value),
    async delete(platform, key) {
      await db.platformReference.deleteMany({ where: { platform, key } });
    },
    async list(platform, prefix) {
      const rows = await db.platformReference.findMany({
        where: { platform, key: { startsWith: prefix } },
        orderBy: { updatedAt: 'desc' },
      });
      return rows.map((row) => ({ key: row.key, value: row.reference }));
    },
    async replace(platform, remove, entries) {
      await db.$transaction(async (tx) => {
        if (remove.length > 0) await tx.platformReference.deleteMany({ where: { platform, key: { in: remove } } });
        for (const entry of entries) await upsert(tx, platform, entry.key, entry.value);
      });
    },
  };
}
