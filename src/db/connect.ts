// Connections to the database: embedded PGlite (default, a directory) or PostgreSQL (a URL), as Prisma
// driver adapters; used by openDatabase (open.ts) and by the migration code (migrate.ts).
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import type { PrismaPg as PrismaPgAdapter } from '@prisma/adapter-pg';
import type pg from 'pg';
import { toAdapterError, withOverrides } from './adapter-fixes.ts';
import { projectRoot } from '../paths.ts';
import { startPGliteThread } from './pglite-thread.ts';
import type { PGliteThread } from './pglite-thread.ts';

export type DatabaseTarget = { kind: 'pglite'; dir: string } | { kind: 'postgres'; url: string };

/** A raw connection, as used by the migration code: an adapter factory plus its owner's close(). */
export interface Connection {
  kind: DatabaseTarget['kind'];
  describe: string;
  adapterFactory: SqlMigrationAwareDriverAdapterFactory;
  close(): Promise<void>;
}

/** postgresql://user:secret@host/db -> postgresql://user:***@host/db (unparseable input -> "<invalid URL>"). */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    for (const key of [...parsed.searchParams.keys()]) {
      if (/pass|secret|token|key/i.test(key)) parsed.searchParams.set(key, '***');
    }
    return parsed.toString();
  } catch {
    return '<invalid URL>';
  }
}

/** Removes the URL's password (raw or percent-decoded) from a message that may quote it. */
export function stripSecrets(message: string, url: string): string {
  let out = message;
  try {
    const parsed = new URL(url);
    const secrets = [parsed.password, safeDecode(parsed.password)];
    for (const [key, value] of parsed.searchParams) if (/pass|secret|token|key/i.test(key)) secrets.push(value);
    for (const secret of secrets) if (secret) out = out.split(secret).join('***');
  } catch {
    // not a URL: nothing recognisable to strip
  }
  return url ? out.split(url).join(redactUrl(url)) : out;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** "host:port/db" of a PostgreSQL URL, for messages. */
export function postgresLocation(url: string): string {
  try {
    const parsed = new URL(url);
    const host = parsed.hostname || parsed.searchParams.get('host') || 'localhost';
    const port = parsed.port || '5432';
    const db = safeDecode(parsed.pathname.replace(/^\//, '')) || '(default database)';
    return `${host}:${port}/${db}`;
  } catch {
    return '<invalid URL>';
  }
}

export function describeTarget(target: DatabaseTarget): string {
  return target.kind === 'pglite' ? `PGlite at ${target.dir}` : `PostgreSQL at ${postgresLocation(target.url)}`;
}

/** A new embedded database starts as a copy of this one, with the migrations of its day applied. */
export const PGLITE_TEMPLATE = path.join(projectRoot, 'prisma', 'pglite-template.tar.gz');

// PGlite keeps its files in one directory that only one PGlite instance may use at a time.
const openPGliteDirs = new Set<string>();

/**
 * Starts PGlite on `dir` in its own thread, creating the directory (from the migrated template when
 * `fromTemplate`). connect() calls it; a command may call it first, so the database opens while the
 * rest of its code loads, and hand the result to connect() as `started`.
 */
export async function startPGlite(dir: string, fromTemplate: boolean): Promise<PGliteThread> {
  const key = path.resolve(dir);
  await mkdir(key, { recursive: true }); // PGlite does not create parent directories
  // Postgres' default 128 MB of shared buffers lives inside the wasm heap; Steward's working set is
  // small, and 16 MB keeps an embedded process at about half the memory.
  return startPGliteThread(
    key,
    ['-c', 'shared_buffers=16MB', '-c', 'temp_buffers=2MB'],
    fromTemplate ? PGLITE_TEMPLATE : undefined,
  );
}

async function connectPGlite(
  dir: string,
  fromTemplate: boolean,
  started: Promise<PGliteThread> | undefined,
): Promise<Connection> {
  const describe = `PGlite at ${dir}`;
  const key = path.resolve(dir);
  if (openPGliteDirs.has(key)) {
    throw new Error(`Cannot open ${describe}: it is already open in this process (close the other Database first)`);
  }
  openPGliteDirs.add(key);
  let thread: PGliteThread;
  try {
    thread = await (started ?? startPGlite(key, fromTemplate));
  } catch (error) {
    openPGliteDirs.delete(key);
    throw new Error(`Cannot open ${describe}: ${reason(error)}`, { cause: error });
  }
  let closed = false;
  return {
    kind: 'pglite',
    describe,
    adapterFactory: thread.adapterFactory,
    async close() {
      if (closed) return;
      closed = true;
      try {
        await thread.close();
      } finally {
        openPGliteDirs.delete(key);
      }
    },
  };
}

async function connectPostgres(url: string, poolMax?: number): Promise<Connection> {
  const describe = `PostgreSQL at ${postgresLocation(url)}`;
  if (!/^postgres(ql)?:$/.test(URL.canParse(url) ? new URL(url).protocol : '')) {
    throw new Error('Invalid PostgreSQL URL: expected postgresql://user:password@host:port/database');
  }
  // Imported here: an embedded process never loads the PostgreSQL driver.
  const { default: pgModule } = await import('pg');
  const { PrismaPg } = await import('@prisma/adapter-pg');
  const pool = new pgModule.Pool({
    connectionString: url,
    connectionTimeoutMillis: 10_000,
    ...(poolMax ? { max: poolMax } : {}),
  });
  // An idle client dropped by the server emits 'error' on the pool; unhandled it would crash the process.
  // The next query simply gets a fresh connection.
  pool.on('error', () => {});
  try {
    await pool.query('SELECT 1');
  } catch (error) {
    await pool.end().catch(() => {});
    // eslint-disable-next-line preserve-caught-error -- only the driver's message, with any password stripped
    throw new Error(`Cannot connect to ${describe}: ${stripSecrets(reason(error), url)}`);
  }
  let closed = false;
  return {
    kind: 'postgres',
    describe,
    adapterFactory: postgresAdapterFactory(pool, PrismaPg),
    async close() {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
}

/**
 * Opens the raw connection only (no Prisma client, no migrations). `poolMax: 1` for migrations: the
 * schema engine takes a session-level advisory lock, which must be released on the session that took it.
 * With a larger pool the unlock can land on another connection and the lock stays held, blocking every
 * other process's migration until this one exits.
 */
export function connect(
  target: DatabaseTarget,
  opts: {
    poolMax?: number;
    /** A new PGlite directory starts from the migrated template. */ fromTemplate?: boolean;
    /** PGlite already being started on this directory by startPGlite(). */ started?: Promise<PGliteThread>;
  } = {},
): Promise<Connection> {
  return target.kind === 'pglite'
    ? connectPGlite(target.dir, opts.fromTemplate ?? false, opts.started)
    : connectPostgres(target.url, opts.poolMax);
}

function reason(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) {
    return error.errors.map((e) => reason(e)).join('; ');
  }
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    const text = error.message || (typeof code === 'string' ? code : error.name);
    return typeof code === 'string' && !text.includes(code) ? `${text} (${code})` : text;
  }
  return String(error);
}

// ---------------------------------------------------------------------------------------------------------
// Adapter fixes (see also adapter-fixes.ts and pglite-adapter.ts).

/**
 * @prisma/adapter-pg 7.10 on a pool owned by the caller, corrected:
 * - executeScript split scripts on every ";" (breaking function bodies and string literals) and ran the
 *   pieces on whichever pooled connection was free. The script now goes whole, as one simple-protocol
 *   query, which PostgreSQL runs as a single implicit transaction (as the native engine does).
 * - no shadow database: new migrations are diffed on PGlite (scripts/new-migration.ts).
 */
function postgresAdapterFactory(
  pool: pg.Pool,
  PrismaPg: typeof PrismaPgAdapter,
): SqlMigrationAwareDriverAdapterFactory {
  const stock = new PrismaPg(pool);
  return {
    provider: 'postgres',
    adapterName: stock.adapterName,
    connect: async () =>
      withOverrides(await stock.connect(), {
        async executeScript(script: string) {
          try {
            await pool.query(script);
          } catch (error) {
            throw toAdapterError(error);
          }
        },
      }),
    connectToShadowDb: () =>
      Promise.reject(new Error('No shadow database on PostgreSQL here: diff against PGlite instead')),
  };
}
