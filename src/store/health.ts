import type { Client } from './types.ts';

/** What /readyz asks of the database. */
export interface DatabaseHealth {
  /** Throws when the database does not answer. */
  ping(): Promise<void>;
  /** Names of the migrations applied (and not rolled back). */
  appliedMigrations(): Promise<string[]>;
}

export function databaseHealth(db: Client): DatabaseHealth {
  return {
    async ping() {
      await db.$queryRaw`SELECT 1`;
    },
    async appliedMigrations() {
      const rows = await db.$queryRaw<Array<{ migration_name: string }>>`
        SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`;
      return rows.map((row) => row.migration_name);
    },
  };
}
