// Opens the database: embedded PGlite (default, a directory) or PostgreSQL (a URL), behind one Prisma client.
import { PrismaClient } from '../generated/prisma/client.ts';
import type { Store } from '../store/store.ts';
import { createStore } from '../store/store.ts';
import { connect } from './connect.ts';
import type { DatabaseTarget } from './connect.ts';
import type { PGliteThread } from './pglite-thread.ts';

export interface Database {
  /** What Steward reads and writes through: repositories and transactions. */
  store: Store;
  /** The client itself, for the migration tools and for tests that look at rows directly. */
  prisma: PrismaClient;
  kind: DatabaseTarget['kind'];
  /** "PGlite at ./data/pglite" or "PostgreSQL at host:port/db"; never carries a password. */
  describe: string;
  /** Disconnects Prisma and closes PGlite or the PostgreSQL pool. Idempotent. */
  close(): Promise<void>;
}

export interface OpenOptions {
  /** Apply pending migrations (= `prisma migrate deploy`) before returning. Default true. */
  migrate?: boolean;
  /** Migrations folder; default: the project's prisma/migrations. */
  migrationsDir?: string;
  /** PGlite already being started on the target's directory (see startPGlite in connect.ts). */
  started?: Promise<PGliteThread>;
}

/**
 * Opens the database, applies pending migrations (unless `migrate: false`) and returns a Prisma client.
 * Close it: until then no other PGlite may open the same directory (refused in this process; other
 * processes are not detected, so run one Steward process per PGlite directory).
 */
export async function openDatabase(target: DatabaseTarget, opts: OpenOptions = {}): Promise<Database> {
  // A new embedded database that is to be migrated anyway starts from the migrated template.
  const conn = await connect(target, {
    fromTemplate: opts.migrate ?? true,
    ...(opts.started ? { started: opts.started } : {}),
  });
  try {
    if (opts.migrate ?? true) {
      // Imported lazily: only processes that migrate load the schema engine.
      const { applyMigrationsOn } = await import('./migrate.ts');
      if (target.kind === 'pglite') {
        await applyMigrationsOn(conn, { migrationsDir: opts.migrationsDir });
      } else {
        const single = await connect(target, { poolMax: 1 });
        try {
          await applyMigrationsOn(single, { migrationsDir: opts.migrationsDir });
        } finally {
          await single.close();
        }
      }
    }
  } catch (error) {
    await conn.close().catch(() => {});
    throw error;
  }
  const prisma = new PrismaClient({ adapter: conn.adapterFactory });
  let closing: Promise<void> | undefined;
  return {
    store: createStore(prisma),
    prisma,
    kind: conn.kind,
    describe: conn.describe,
    close() {
      closing ??= (async () => {
        try {
          await prisma.$disconnect();
        } finally {
          await conn.close();
        }
      })();
      return closing;
    },
  };
}
