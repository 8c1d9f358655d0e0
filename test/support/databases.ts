// Fresh databases for tests: PGlite always, PostgreSQL too when TEST_DATABASE_URL points at a server
// (e.g. postgresql://postgres@127.0.0.1:5432/test); each test database is created there and dropped after.
import { randomBytes } from 'node:crypto';
import { cpSync, rmSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { applyMigrations } from '../../src/db/migrate.ts';
import { postgresLocation, stripSecrets } from '../../src/db/connect.ts';
import type { DatabaseTarget } from '../../src/db/connect.ts';
import { openDatabase } from '../../src/db/open.ts';
import type { Database, OpenOptions } from '../../src/db/open.ts';

export type TestLabel = 'pglite' | 'postgres';

export interface TestDatabase {
  label: TestLabel;
  db: Database;
  /** Where it lives, e.g. to reopen it or hand it to a spawned process (after db.close() for PGlite). */
  target: DatabaseTarget;
  /** Closes the database and deletes it (PGlite directory / PostgreSQL database). */
  cleanup(): Promise<void>;
}

export interface TestOpenOptions extends OpenOptions {
  /**
   * PGlite only: start from an empty directory instead of a copy of a freshly migrated one. A new PGlite
   * directory costs ~3.5 s (initdb in wasm) against ~0.6 s for a copy; tests of migrations need it.
   */
  pristine?: boolean;
}

/** Which targets the test run covers: always PGlite, PostgreSQL when TEST_DATABASE_URL is set. */
export function testLabels(): TestLabel[] {
  return process.env.TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];
}

async function tempDir(prefix: string): Promise<{ dir: string; cleanup(): Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** An empty temporary directory for a PGlite database (e.g. for a spawned process); cleanup deletes it. */
export function pgliteTestDir(): Promise<{ dir: string; cleanup(): Promise<void> }> {
  return tempDir('steward-pglite-');
}

// One migrated PGlite directory per test module graph, copied for each test database. Test workers are
// often killed rather than exited, so the directory is named after its process and removed by a later run
// once that process is gone.
const TEMPLATE_PREFIX = 'steward-pglite-template-';
let template: Promise<string> | undefined;

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function removeStaleTemplates(): Promise<void> {
  const entries = await readdir(tmpdir()).catch(() => []);
  for (const name of entries) {
    const pid = Number(/^steward-pglite-template-(\d+)-/.exec(name)?.[1]);
    if (pid && !processAlive(pid)) await rm(path.join(tmpdir(), name), { recursive: true, force: true });
  }
}

function migratedTemplate(): Promise<string> {
  template ??= (async () => {
    await removeStaleTemplates();
    const { dir } = await tempDir(`${TEMPLATE_PREFIX}${process.pid}-`);
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    const data = path.join(dir, 'data');
    await applyMigrations({ kind: 'pglite', dir: data });
    return data;
  })();
  template.catch(() => {
    template = undefined;
  });
  return template;
}

/** A fresh PGlite database in its own temporary directory, migrated unless `migrate: false`. */
export async function pgliteOnly(opts: TestOpenOptions = {}): Promise<TestDatabase> {
  const { pristine, ...openOpts } = opts;
  const usesTemplate = !pristine && (openOpts.migrate ?? true) && openOpts.migrationsDir === undefined;
  const source = usesTemplate ? await migratedTemplate() : undefined;
  const tmp = await pgliteTestDir();
  const dir = path.join(tmp.dir, 'data');
  if (source) cpSync(source, dir, { recursive: true });
  const target: DatabaseTarget = { kind: 'pglite', dir };
  let db: Database;
  try {
    db = await openDatabase(target, openOpts);
  } catch (error) {
    await tmp.cleanup();
    throw error;
  }
  return {
    label: 'pglite',
    db,
    target,
    async cleanup() {
      try {
        await db.close();
      } finally {
        await tmp.cleanup();
      }
    },
  };
}

/**
 * A new, empty database steward_t_<random> on the TEST_DATABASE_URL server; cleanup drops it WITH (FORCE),
 * which also ends connections a spawned process may have left. undefined when TEST_DATABASE_URL is unset.
 */
export function postgresTestUrl(): Promise<{ url: string; cleanup(): Promise<void> }> | undefined {
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl) return undefined;
  return (async () => {
    const name = `steward_t_${randomBytes(6).toString('hex')}`;
    await adminQuery(serverUrl, `CREATE DATABASE "${name}"`);
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    let dropped = false;
    return {
      url: url.toString(),
      async cleanup() {
        if (dropped) return;
        dropped = true;
        await adminQuery(serverUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      },
    };
  })();
}

async function adminQuery(serverUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 10_000 });
  try {
    await client.connect();
    await client.query(sql);
  } catch (error) {
    const reason = stripSecrets(error instanceof Error ? error.message : String(error), serverUrl);
    // eslint-disable-next-line preserve-caught-error -- only the message, with any password stripped
    throw new Error(`TEST_DATABASE_URL (PostgreSQL at ${postgresLocation(serverUrl)}): ${sql}: ${reason}`);
  } finally {
    await client.end().catch(() => {});
  }
}

/** A fresh PostgreSQL test database; throws when TEST_DATABASE_URL is unset. */
async function postgresOnly(opts: OpenOptions = {}): Promise<TestDatabase> {
  const pending = postgresTestUrl();
  if (!pending) throw new Error('TEST_DATABASE_URL is not set: no PostgreSQL server to test against');
  const { url, cleanup } = await pending;
  const target: DatabaseTarget = { kind: 'postgres', url };
  let db: Database;
  try {
    db = await openDatabase(target, opts);
  } catch (error) {
    await cleanup();
    throw error;
  }
  return {
    label: 'postgres',
    db,
    target,
    async cleanup() {
      try {
        await db.close();
      } finally {
        await cleanup();
      }
    },
  };
}

/** One fresh database of the given kind. */
export function openTestDatabase(label: TestLabel, opts: TestOpenOptions = {}): Promise<TestDatabase> {
  if (label === 'pglite') return pgliteOnly(opts);
  const { pristine: _pristine, ...openOpts } = opts;
  return postgresOnly(openOpts);
}

/** A migrated PGlite directory, closed, for a spawned process to open (much faster than a new one). */
export async function migratedPgliteDir(): Promise<{ dir: string; cleanup(): Promise<void> }> {
  const database = await pgliteOnly();
  await database.db.close();
  if (database.target.kind !== 'pglite') throw new Error('expected a PGlite database');
  return { dir: database.target.dir, cleanup: database.cleanup };
}
