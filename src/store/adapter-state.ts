import type { z } from 'zod';
import type { Prisma } from '../generated/prisma/client.ts';
import type { Db } from './types.ts';

// State an adapter keeps for itself (the question message waiting for an answer, a channel's id),
// by platform and key, in the database so any instance can take any turn. Values are JSON, checked
// with the caller's schema when read back: a value that no longer fits reads as absent.

export interface AdapterState {
  get<T>(platform: string, key: string, schema: z.ZodType<T>): Promise<T | undefined>;
  set(platform: string, key: string, value: unknown): Promise<void>;
  delete(platform: string, key: string): Promise<void>;
}

export function createAdapterState(db: Db): AdapterState {
  return {
    async get(platform, key, schema) {
      const row = await db.platformReference.findUnique({ where: { platform_key: { platform, key } } });
      if (!row) return undefined;
      const parsed = schema.safeParse(row.reference);
      return parsed.success ? parsed.data : undefined;
    },
    async set(platform, key, value) {
      const reference = JSON.parse(JSON.stringify(value)) as Prisma.InputJsonValue;
      await db.platformReference.upsert({
        where: { platform_key: { platform, key } },
        create: { platform, key, reference },
        update: { reference },
      });
    },
    async delete(platform, key) {
      await db.platformReference.deleteMany({ where: { platform, key } });
    },
  };
}
