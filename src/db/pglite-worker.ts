// The embedded database on its own thread. PGlite runs Postgres compiled to WebAssembly, and each query
// runs synchronously on the thread that owns it: on the main thread, one turn's queries would hold up
// every other request (Slack's acks included). Here it answers the driver adapter's calls, sent by
// pglite-thread.ts, one message each.
import { existsSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';
import type { PGliteOptions } from '@electric-sql/pglite';
import type { SqlDriverAdapter, Transaction } from '@prisma/driver-adapter-utils';
import { pgliteAdapterFactory } from './pglite-adapter.ts';
import type { WorkerReply, WorkerRequest } from './pglite-protocol.ts';
import { serializeError } from './pglite-protocol.ts';
import { restoreTemplate } from './restore-template.ts';

/**
 * `settings`: Postgres settings added to PGlite's defaults, as "-c name=value" pairs. `template`: a
 * data directory made earlier (scripts/pglite-template.ts), restored into a new `dir` instead of
 * running initdb, which takes twice the memory and time.
 */
const { dir, settings, template, wasmModule, fsBundle } = workerData as {
  dir: string;
  settings: string[];
  template?: string;
  /** Compiled and read once by the process (pglite-thread.ts); PGlite loads its own without them. */
  wasmModule?: PGliteOptions['pgliteWasmModule'];
  fsBundle?: Blob;
};
const shared = { ...(wasmModule ? { pgliteWasmModule: wasmModule } : {}), ...(fsBundle ? { fsBundle } : {}) };
const port = parentPort!;

let client: PGlite;
let adapter: SqlDriverAdapter;
/** Open transactions by the main thread's id; a query may arrive while its transaction still waits to start. */
const transactions = new Map<number, Promise<Transaction>>();

async function handle(request: WorkerRequest): Promise<unknown> {
  switch (request.op) {
    case 'queryRaw':
      return (request.tx ? await transactionOf(request.tx) : adapter).queryRaw(request.query);
    case 'executeRaw':
      return (request.tx ? await transactionOf(request.tx) : adapter).executeRaw(request.query);
    case 'executeScript':
      return adapter.executeScript(request.script);
    case 'startTransaction': {
      const starting = adapter.startTransaction(request.isolationLevel);
      // Kept even if it fails: the transaction's queries then fail with the same error.
      transactions.set(request.tx, starting);
      return (await starting).options;
    }
    case 'commit':
    case 'rollback': {
      const starting = transactionOf(request.tx);
      transactions.delete(request.tx);
      const tx = await starting;
      return request.op === 'commit' ? tx.commit() : tx.rollback();
    }
    case 'close':
      await client.close();
      return undefined;
  }
}

function transactionOf(id: number): Promise<Transaction> {
  return transactions.get(id) ?? Promise.reject(new Error(`Transaction ${id} is not open`));
}

function reply(message: WorkerReply): void {
  port.postMessage(message);
}

/** Empties the directory after a template that could not be used, keeping Steward's lock file. */
function clearUnfinished(): void {
  for (const entry of readdirSync(dir)) {
    if (entry !== 'steward.lock') rmSync(path.join(dir, entry), { recursive: true, force: true });
  }
}

async function open(): Promise<PGlite> {
  const startParams = [...PGlite.defaultStartParams, ...settings];
  // restoreTemplate writes PG_VERSION last: an interrupted restore is restored again, over itself.
  const isNew = !existsSync(path.join(dir, 'PG_VERSION'));
  if (isNew && template && existsSync(template)) {
    try {
      await restoreTemplate(template, dir);
      const restored = new PGlite(dir, { startParams, ...shared });
      await restored.waitReady;
      return restored;
    } catch {
      // A template this PGlite cannot read (made by another version): start from scratch instead.
      clearUnfinished();
    }
  }
  const created = new PGlite(dir, { startParams, ...shared });
  await created.waitReady;
  return created;
}

try {
  client = await open();
  adapter = await pgliteAdapterFactory(client).connect();
  reply({ ready: true });
} catch (error) {
  reply({ ready: false, error: serializeError(error) });
  process.exit(1);
}

port.on('message', (request: WorkerRequest) => {
  handle(request).then(
    (result) => reply({ id: request.id, result }),
    (error: unknown) => reply({ id: request.id, error: serializeError(error) }),
  );
});
