import { createHash } from 'node:crypto';
// `prisma migrate deploy` and `prisma migrate status` without the Prisma CLI: the wasm schema engine applies
// prisma/migrations and keeps `_prisma_migrations` exactly as the stock CLI does (checksum = sha256 hex of
// migration.sql), so a connected machine can still use the stock CLI on the same database.
//
// Processes exit normally afterwards: every connection opened here is closed, and the engine's leftover
// timers are cleared (see schema-engine.ts). No explicit process.exit() is needed.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { connect } from './connect.ts';
import type { Connection, DatabaseTarget } from './connect.ts';
import { projectRoot } from '../paths.ts';
import { openSchemaEngine } from './schema-engine.ts';
import type { MigrationList, SchemaFilter, SchemaFile } from './schema-engine.ts';

export const DEFAULT_MIGRATIONS_DIR = path.join(projectRoot, 'prisma', 'migrations');
export const DEFAULT_SCHEMA_PATH = path.join(projectRoot, 'prisma', 'schema.prisma');

export const NO_FILTER: SchemaFilter = { externalTables: [], externalEnums: [] };

export interface MigrateOptions {
  /** Migrations folder; default: the project's prisma/migrations. */
  migrationsDir?: string;
  /** Receives the schema engine's log lines (JSON). Default: dropped. */
  log?: (line: string) => void;
}

export interface MigrationStatus {
  /** In the folder, not yet applied to the database (in order). */
  pending: string[];
  /** Applied successfully to the database, in the order they were applied. */
  applied: string[];
  /** Recorded as failed in `_prisma_migrations`: deploy refuses to go on until resolved. */
  failed: string[];
  /** Applied, but migration.sql changed since (checksum mismatch). */
  edited: string[];
  /** Applied to the database but missing from the folder. */
  notInFolder: string[];
}

/**
 * Reads a migrations folder as the Prisma CLI does: the lock file, then each sub-folder's migration.sql,
 * sorted by name. A missing folder counts as no migrations.
 */
export async function readMigrationsList(migrationsDir = DEFAULT_MIGRATIONS_DIR): Promise<MigrationList> {
  const baseDir = path.resolve(migrationsDir);
  const lockPath = 'migration_lock.toml';
  const lockContent = await readFile(path.join(baseDir, lockPath), 'utf8').catch(() => null);
  const entries = await readdir(baseDir, { withFileTypes: true }).catch(() => []);
  const dirs = entries.filter((e) => e.isDirectory()).map((e) => e.name);
  dirs.sort((a, b) => a.localeCompare(b));
  const migrationDirectories = await Promise.all(
    dirs.map(async (name) => {
      const file = 'migration.sql';
      const content = await readFile(path.join(baseDir, name, file), 'utf8').then(
        (value) => ({ tag: 'ok' as const, value }),
        (error: unknown) => ({ tag: 'error' as const, value: error instanceof Error ? error.message : String(error) }),
      );
      return { path: name, migrationFile: { path: file, content } };
    }),
  );
  return { baseDir, lockfile: { path: lockPath, content: lockContent }, migrationDirectories, shadowDbInitScript: '' };
}

async function schemaFiles(): Promise<SchemaFile[] | undefined> {
  // Deploy and status do not need the schema; it only improves the engine's messages when present.
  const content = await readFile(DEFAULT_SCHEMA_PATH, 'utf8').catch(() => undefined);
  return content === undefined ? undefined : [{ path: DEFAULT_SCHEMA_PATH, content }];
}

async function withEngine<T>(
  factory: SqlMigrationAwareDriverAdapterFactory,
  opts: MigrateOptions,
  run: (engine: Awaited<ReturnType<typeof openSchemaEngine>>) => Promise<T>,
): Promise<T> {
  const engine = await openSchemaEngine({ adapterFactory: factory, schemaFiles: await schemaFiles(), log: opts.log });
  try {
    return await run(engine);
  } finally {
    engine.close();
  }
}

/**
 * True when every local migration is recorded as applied with the same checksum. Then a start needs
 * no schema engine at all (it costs ~0.5 s and tens of MB); anything else goes to the engine, which
 * applies, or reports edited and failed migrations as the stock CLI does.
 */
async function isUpToDate(conn: Connection, migrationsList: MigrationList): Promise<boolean> {
  const adapter = await conn.adapterFactory.connect();
  try {
    const exists = await adapter.queryRaw({
      sql: `SELECT to_regclass('"_prisma_migrations"')::text AS name`,
      args: [],
      argTypes: [],
    });
    if (exists.rows[0]?.[0] === null || exists.rows[0]?.[0] === undefined) return false;
    const applied = await adapter.queryRaw({
      sql: `SELECT migration_name, checksum FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
      args: [],
      argTypes: [],
    });
    const checksums = new Map(applied.rows.map((row) => [String(row[0]), String(row[1])]));
    return migrationsList.migrationDirectories.every((dir) => {
      const content = dir.migrationFile.content;
      return (
        content.tag === 'ok' && checksums.get(dir.path) === createHash('sha256').update(content.value).digest('hex')
      );
    });
  } finally {
    await adapter.dispose();
  }
}

/** Applies pending migrations over an open connection. Exported for openDatabase(). */
export async function applyMigrationsOn(conn: Connection, opts: MigrateOptions = {}): Promise<{ applied: string[] }> {
  const migrationsList = await readMigrationsList(opts.migrationsDir);
  if (await isUpToDate(conn, migrationsList).catch(() => false)) return { applied: [] };
  try {
    const out = await withEngine(conn.adapterFactory, opts, (engine) =>
      engine.applyMigrations({ migrationsList, filters: NO_FILTER }),
    );
    return { applied: out.appliedMigrationNames };
  } catch (error) {
    throw new Error(`Migrating ${conn.describe}: ${(error as Error).message}`, { cause: error });
  }
}

/** Reads the migration status over an open connection. */
async function migrationStatusOn(conn: Connection, opts: MigrateOptions = {}): Promise<MigrationStatus> {
  const migrationsList = await readMigrationsList(opts.migrationsDir);
  const local = migrationsList.migrationDirectories.map((d) => d.path);
  try {
    const diagnosis = await withEngine(conn.adapterFactory, opts, (engine) =>
      engine.diagnoseMigrationHistory({ migrationsList, optInToShadowDatabase: false, filters: NO_FILTER }),
    );
    const applied = diagnosis.hasMigrationsTable ? await appliedMigrationNames(conn.adapterFactory) : [];
    const history = diagnosis.history;
    let pending: string[];
    if (!diagnosis.hasMigrationsTable) pending = local;
    else if (history?.diagnostic === 'databaseIsBehind' || history?.diagnostic === 'historiesDiverge') {
      pending = history.unappliedMigrationNames;
    } else pending = [];
    const notInFolder =
      history?.diagnostic === 'migrationsDirectoryIsBehind' || history?.diagnostic === 'historiesDiverge'
        ? history.unpersistedMigrationNames
        : [];
    return {
      pending,
      applied,
      failed: diagnosis.failedMigrationNames,
      edited: diagnosis.editedMigrationNames,
      notInFolder,
    };
  } catch (error) {
    throw new Error(`Reading migration status of ${conn.describe}: ${(error as Error).message}`, { cause: error });
  }
}

async function appliedMigrationNames(factory: SqlMigrationAwareDriverAdapterFactory): Promise<string[]> {
  const adapter = await factory.connect();
  try {
    const result = await adapter.queryRaw({
      sql: `SELECT migration_name FROM "_prisma_migrations"
            WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL
            ORDER BY finished_at, migration_name`,
      args: [],
      argTypes: [],
    });
    return result.rows.map((row) => String(row[0]));
  } finally {
    await adapter.dispose();
  }
}

/**
 * `prisma migrate deploy`: applies the folder's pending migrations in order; a no-op when up to date.
 * For PGlite this opens the directory itself: do not call it while the same directory is open in this
 * process (openDatabase() migrates by default and reuses its own connection).
 */
export async function applyMigrations(db: DatabaseTarget, opts: MigrateOptions = {}): Promise<{ applied: string[] }> {
  const conn = await connect(db, { poolMax: 1, fromTemplate: true });
  try {
    return await applyMigrationsOn(conn, opts);
  } finally {
    await conn.close();
  }
}

/** `prisma migrate status`: which migrations are pending and which are applied. */
export async function migrationStatus(db: DatabaseTarget, opts: MigrateOptions = {}): Promise<MigrationStatus> {
  const conn = await connect(db, { poolMax: 1 });
  try {
    return await migrationStatusOn(conn, opts);
  } finally {
    await conn.close();
  }
}
