// The Prisma driver adapter for PGlite, as shipped with a few corrections. It runs where PGlite runs: in
// the embedded database's own thread (pglite-worker.ts), and in the migration scripts.
import { PGlite } from '@electric-sql/pglite';
import { DriverAdapterError } from '@prisma/driver-adapter-utils';
import type {
  IsolationLevel,
  SqlDriverAdapter,
  SqlMigrationAwareDriverAdapterFactory,
  SqlQuery,
  Transaction,
} from '@prisma/driver-adapter-utils';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { ISOLATION_LEVELS, toAdapterError, withOverrides } from './adapter-fixes.ts';

/**
 * pglite-prisma-adapter 0.7.2, corrected:
 * - executeScript did not await PGlite's exec(): a failing migration was recorded as applied and its
 *   error surfaced later as an unhandled rejection.
 * - an isolation level was set before BEGIN (no effect); it is now the transaction's first statement.
 * - its shadow database (for `diff` from a migrations folder) was never closed, and replayed whole
 *   migration files through the extended protocol, which takes one statement per prepared statement:
 *   argument-less SQL now goes through exec(), and the shadow PGlite is closed on dispose.
 */
export function pgliteAdapterFactory(client: PGlite): SqlMigrationAwareDriverAdapterFactory {
  const stock = new PrismaPGlite(client) as unknown as SqlMigrationAwareDriverAdapterFactory;
  return {
    provider: 'postgres',
    adapterName: stock.adapterName,
    connect: async () => fixed(await stock.connect(), client),
    connectToShadowDb: pgliteShadowDb,
  };
}

function fixed(adapter: SqlDriverAdapter, db: PGlite): SqlDriverAdapter {
  return withOverrides(adapter, {
    async executeScript(script: string) {
      try {
        await db.exec(script);
      } catch (error) {
        throw toAdapterError(error);
      }
    },
    async startTransaction(level?: IsolationLevel): Promise<Transaction> {
      if (level !== undefined && !ISOLATION_LEVELS.has(level)) {
        throw new DriverAdapterError({ kind: 'InvalidIsolationLevel', level });
      }
      const tx = await adapter.startTransaction();
      if (level !== undefined) {
        await tx.executeRaw({ sql: `SET TRANSACTION ISOLATION LEVEL ${level}`, args: [], argTypes: [] });
      }
      return tx;
    },
  });
}

/** A throwaway in-memory database, for the schema engine's status and diff; closed on dispose. */
export async function pgliteShadowDb(): Promise<SqlDriverAdapter> {
  const shadow = new PGlite();
  await shadow.waitReady;
  const base = fixed(await new PrismaPGlite(shadow).connect(), shadow);
  return withOverrides(base, {
    async executeRaw(query: SqlQuery) {
      if (query.args.length > 0) return base.executeRaw(query);
      try {
        const results = await shadow.exec(query.sql);
        return results.reduce((n, r) => n + (r.affectedRows ?? 0), 0);
      } catch (error) {
        throw toAdapterError(error);
      }
    },
    dispose: () => shadow.close(),
  });
}
