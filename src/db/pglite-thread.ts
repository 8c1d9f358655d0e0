// The main thread's side of the embedded database: a Prisma driver adapter whose every call is a
// message to PGlite's own thread (pglite-worker.ts), so SQL never blocks the event loop.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type {
  IsolationLevel,
  SqlDriverAdapter,
  SqlMigrationAwareDriverAdapterFactory,
  SqlQuery,
  SqlResultSet,
  Transaction,
  TransactionOptions,
} from '@prisma/driver-adapter-utils';
import type { SerializedError, WorkerReply, WorkerRequest } from './pglite-protocol.ts';
import { deserializeError } from './pglite-protocol.ts';

type Request = WorkerRequest extends infer R ? (R extends unknown ? Omit<R, 'id'> : never) : never;

/** What PGlite's driver adapter says of its transactions (Prisma sends no BEGIN/COMMIT of its own). */
const PGLITE_TRANSACTION_OPTIONS: TransactionOptions = { usePhantomQuery: true };

export interface PGliteThread {
  adapterFactory: SqlMigrationAwareDriverAdapterFactory;
  close(): Promise<void>;
}

/**
 * PGlite's Postgres (8.7 MB of WebAssembly) compiled once per process and its file-system bundle read
 * once, handed to every database thread after the first: a process that opens the embedded database
 * again and again (the test suite) does not compile it each time. The first open (the only one of a
 * server or a command) lets its thread load its own, so nothing is kept on this thread for it (~20 MB).
 */
let opened = 0;
interface SharedFiles {
  /** A compiled WebAssembly.Module (its type is not in this project's type libraries). */
  wasmModule: object;
  fsBundle: Blob;
}
let shared: Promise<SharedFiles> | undefined;

function sharedPGliteFiles(): Promise<SharedFiles> {
  shared ??= (async () => {
    const dist = path.dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite'));
    const [wasm, data] = await Promise.all([
      readFile(path.join(dist, 'pglite.wasm')),
      readFile(path.join(dist, 'pglite.data')),
    ]);
    // The global is there at run time; the build's type libraries do not declare it.
    const { compile } = (globalThis as unknown as { WebAssembly: { compile(bytes: Uint8Array): Promise<object> } })
      .WebAssembly;
    return { wasmModule: await compile(wasm), fsBundle: new Blob([data]) };
  })();
  // A failure is not kept: the next open tries again (and PGlite's own loading is the fallback).
  shared.catch(() => (shared = undefined));
  return shared;
}

/**
 * The worker's JavaScript only passes query results through, all short-lived: a small young generation
 * keeps its heap small (50 makers: peak RSS 311 -> 284 MB, the same turns per second).
 */
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 4 };

/**
 * The worker's file next to this one: .js when compiled; when running the sources, a small script
 * that registers tsx in the worker first (a worker does not inherit a loader registered at run time).
 */
function spawnWorker(workerData: unknown): Worker {
  const here = new URL(import.meta.url);
  const extension = path.extname(here.pathname);
  const file = new URL(`./pglite-worker${extension}`, here);
  if (extension !== '.ts') return new Worker(file, { workerData, resourceLimits: WORKER_LIMITS });
  const tsxRoot = path.dirname(createRequire(import.meta.url).resolve('tsx/package.json'));
  const tsx = pathToFileURL(path.join(tsxRoot, 'dist', 'esm', 'api', 'index.mjs')).href;
  const boot = `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(file.href)}); });`;
  return new Worker(boot, { eval: true, workerData, resourceLimits: WORKER_LIMITS });
}

/**
 * Opens PGlite on `dir` in its own thread; `settings` are added to its defaults ("-c name=value"); a new
 * directory starts as a copy of `template` (a gzipped data directory) when given.
 */
export async function startPGliteThread(dir: string, settings: string[], template?: string): Promise<PGliteThread> {
  const files = opened++ > 0 ? await sharedPGliteFiles().catch(() => undefined) : undefined;
  const worker = spawnWorker({ dir, settings, ...(template ? { template } : {}), ...(files ?? {}) });
  const pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  let nextId = 1;
  let nextTransaction = 1;
  let exited: Error | undefined;

  const ready = new Promise<void>((resolve, reject) => {
    worker.once('message', (message: WorkerReply) => {
      if ('ready' in message && message.ready) resolve();
      else reject(deserializeError((message as { error: SerializedError }).error));
    });
    worker.once('error', reject);
  });
  await ready;
  worker.on('message', (message: WorkerReply) => {
    if (!('id' in message)) return;
    const waiting = pending.get(message.id);
    pending.delete(message.id);
    if ('error' in message) waiting?.reject(deserializeError(message.error));
    else waiting?.resolve(message.result);
  });
  worker.on('exit', (code) => {
    exited = new Error(`The embedded database's thread stopped (exit code ${code})`);
    for (const waiting of pending.values()) waiting.reject(exited);
    pending.clear();
  });
  worker.on('error', (error) => {
    exited = error;
  });

  const call = <T>(request: Request): Promise<T> => {
    if (exited) return Promise.reject(exited);
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      worker.postMessage({ ...request, id });
    });
  };

  const transaction = (id: number, options: TransactionOptions): Transaction => ({
    provider: 'postgres',
    adapterName: 'pglite-thread',
    options,
    queryRaw: (query: SqlQuery) => call<SqlResultSet>({ op: 'queryRaw', query, tx: id }),
    executeRaw: (query: SqlQuery) => call<number>({ op: 'executeRaw', query, tx: id }),
    commit: () => call<void>({ op: 'commit', tx: id }),
    rollback: () => call<void>({ op: 'rollback', tx: id }),
  });

  const adapter: SqlDriverAdapter = {
    provider: 'postgres',
    adapterName: 'pglite-thread',
    queryRaw: (query) => call<SqlResultSet>({ op: 'queryRaw', query }),
    executeRaw: (query) => call<number>({ op: 'executeRaw', query }),
    executeScript: (script) => call<void>({ op: 'executeScript', script }),
    // The transaction's first query goes out with its start, not after a round trip: PGlite's one
    // connection is held from the start to the commit, so every round trip saved there is a wait saved
    // for every other turn. Messages arrive in order; a failed start fails the queries that follow.
    startTransaction(isolationLevel?: IsolationLevel) {
      const id = nextTransaction++;
      call<TransactionOptions>({ op: 'startTransaction', tx: id, ...(isolationLevel ? { isolationLevel } : {}) }).catch(
        () => undefined,
      );
      return Promise.resolve(transaction(id, PGLITE_TRANSACTION_OPTIONS));
    },
    getConnectionInfo: () => ({ supportsRelationJoins: true }),
    dispose: () => Promise.resolve(),
  };

  let closing: Promise<void> | undefined;
  return {
    adapterFactory: {
      provider: 'postgres',
      adapterName: 'pglite-thread',
      connect: () => Promise.resolve(adapter),
      // Only `migrate status` and diffs use one: an in-memory database here is fine for them.
      connectToShadowDb: async () => (await import('./pglite-adapter.ts')).pgliteShadowDb(),
    },
    close() {
      closing ??= (async () => {
        if (!exited) await call({ op: 'close' }).catch(() => undefined);
        await worker.terminate();
      })();
      return closing;
    },
  };
}
