// Prisma's schema engine (migrate deploy / status / diff) as WebAssembly, driven through a driver adapter.
// The native engine cannot be downloaded here, and Node 20 cannot `import` a .wasm file, so the module
// is instantiated by hand, as the package's own schema_engine.js would do under a bundler.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import type {
  ApplyMigrationsInput,
  ApplyMigrationsOutput,
  DiagnoseMigrationHistoryInput,
  DiagnoseMigrationHistoryOutput,
  DiffParams,
  DiffResult,
  SchemaEngine,
} from '@prisma/schema-engine-wasm';
import type * as EngineBindings from '@prisma/schema-engine-wasm/schema_engine_bg';

export type { DiffTarget, MigrationList, SchemaFilter } from '@prisma/schema-engine-wasm';

type Bindings = typeof EngineBindings;

// The project's lib settings have no WebAssembly typings (no DOM lib); this is the part used here.
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, Record<string, unknown>>) => { exports: unknown };
}
const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/** A Prisma schema file handed to the engine: path (for messages) and content. */
export interface SchemaFile {
  path: string;
  content: string;
}

export interface SchemaEngineOptions {
  /** Driver adapter factory of the database to migrate; unwrapped (it is bound here). */
  adapterFactory: SqlMigrationAwareDriverAdapterFactory;
  /** Prisma schema files; only `diff` from/to a datamodel needs them. */
  schemaFiles?: SchemaFile[];
  /** Receives the engine's log lines (JSON strings). Default: dropped. */
  log?: (line: string) => void;
}

/** The engine commands this project uses. `close()` frees the engine; call it exactly once. */
export interface SchemaEngineSession {
  applyMigrations(input: ApplyMigrationsInput): Promise<ApplyMigrationsOutput>;
  diagnoseMigrationHistory(input: DiagnoseMigrationHistoryInput): Promise<DiagnoseMigrationHistoryOutput>;
  diff(params: DiffParams): Promise<DiffResult>;
  version(): Promise<string>;
  close(): void;
}

// The engine arms setTimeout guards (e.g. ~10 s around connects) and never clears them; left alone they
// keep a finished CLI process or test worker alive. Timers are tracked and cleared whenever no engine
// command is running: no Rust future can then be waiting on them.
//
// This state lives on globalThis, not in this module: the glue module (schema_engine_bg.js) is a
// process-wide singleton holding the one wasm instance, while this module may be evaluated more than
// once (vitest re-imports project files per test file but shares node_modules).
interface EngineState {
  pendingTimers: Set<NodeJS.Timeout>;
  commandsRunning: number;
  bindings?: Promise<Bindings>;
}
const STATE_KEY = Symbol.for('steward.db.schemaEngineWasm');
const globals = globalThis as Record<symbol, EngineState | undefined>;
const state: EngineState = (globals[STATE_KEY] ??= { pendingTimers: new Set<NodeJS.Timeout>(), commandsRunning: 0 });

function trackedSetTimeout(callback: () => void, ms: number): NodeJS.Timeout {
  const timer = setTimeout(() => {
    state.pendingTimers.delete(timer);
    callback();
  }, ms >>> 0);
  state.pendingTimers.add(timer);
  return timer;
}

function clearTimersIfIdle(): void {
  if (state.commandsRunning > 0) return;
  for (const timer of state.pendingTimers) clearTimeout(timer);
  state.pendingTimers.clear();
}

async function tracked<T>(run: () => Promise<T>): Promise<T> {
  state.commandsRunning++;
  try {
    return await run();
  } finally {
    state.commandsRunning--;
    clearTimersIfIdle();
  }
}

/** Loads and starts the wasm module once per process (about 1 s: a 5 MB module is compiled). */
function loadSchemaEngineWasm(): Promise<Bindings> {
  state.bindings ??= (async () => {
    const bg = await import('@prisma/schema-engine-wasm/schema_engine_bg');
    const require = createRequire(import.meta.url);
    const wasmPath = require.resolve('@prisma/schema-engine-wasm/schema_engine_bg').replace(/\.js$/, '.wasm');
    // The wasm imports its glue from "./schema_engine_bg.js"; setTimeout is swapped for the tracked one.
    const glue: Record<string, unknown> = { ...bg };
    for (const name of Object.keys(glue)) {
      if (name.startsWith('__wbg_setTimeout_')) glue[name] = trackedSetTimeout;
    }
    const module = new wasmApi.Module(readFileSync(wasmPath));
    const instance = new wasmApi.Instance(module, { './schema_engine_bg.js': glue });
    bg.__wbg_set_wasm(instance.exports);
    (instance.exports as { __wbindgen_start: () => void }).__wbindgen_start();
    return bg;
  })();
  state.bindings.catch(() => {
    state.bindings = undefined;
  });
  return state.bindings;
}

/**
 * The engine's messages end in a Rust span trace ("   0: sql_schema_connector::... at ...rs:113"). Keeps
 * the message, names the migration from the trace, and drops the generic "external connector error".
 */
function tidyEngineMessage(raw: string): string {
  const lines = raw.split('\n');
  const traceStart = lines.findIndex((line) => /^\s*\d+: \S/.test(line));
  const head = traceStart === -1 ? lines : lines.slice(0, traceStart);
  const trace = traceStart === -1 ? '' : lines.slice(traceStart).join('\n');
  let text = head
    .filter((line) => line.trim() !== '' && line.trim() !== 'external connector error')
    .join('\n')
    .trim();
  if (!text) text = raw.trim();
  const migration = /migration_name="([^"]+)"/.exec(trace)?.[1];
  if (migration && !text.includes(migration)) text = `migration ${migration}: ${text}`;
  return text;
}

/** One readable Error from what the engine threw (an Error, sometimes with a Prisma code, or a value). */
function engineError(error: unknown, what: string): Error {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    const prefix = typeof code === 'string' ? `${what} (${code})` : what;
    return new Error(`${prefix}: ${tidyEngineMessage(error.message)}`, { cause: error });
  }
  if (typeof error === 'string') return new Error(`${what}: ${tidyEngineMessage(error)}`);
  let text: string;
  try {
    text = JSON.stringify(error);
  } catch {
    text = String(error);
  }
  return new Error(`${what}: ${text}`);
}

/** `SchemaEngine.new(...)` wrapped: the adapter factory is bound for error capture, commands are tracked. */
export async function openSchemaEngine(options: SchemaEngineOptions): Promise<SchemaEngineSession> {
  const bg = await loadSchemaEngineWasm();
  const datamodels = options.schemaFiles?.map((f): [string, string] => [f.path, f.content]);
  const log = options.log ?? (() => {});
  const bound = bindMigrationAwareSqlAdapterFactory(options.adapterFactory);
  let engine: SchemaEngine;
  try {
    engine = await tracked(() => bg.SchemaEngine.new({ datamodels }, log, bound));
  } catch (error) {
    throw engineError(error, 'Cannot start the Prisma schema engine');
  }
  let closed = false;
  const run = <T>(what: string, command: (e: SchemaEngine) => Promise<T>): Promise<T> => {
    if (closed) return Promise.reject(new Error(`Schema engine is closed (${what})`));
    return tracked(() => command(engine)).catch((error: unknown) => {
      throw engineError(error, what);
    });
  };
  return {
    applyMigrations: (input) => run('Applying migrations failed', (e) => e.applyMigrations(input)),
    diagnoseMigrationHistory: (input) =>
      run('Reading the migration history failed', (e) => e.diagnoseMigrationHistory(input)),
    diff: (params) => run('Schema diff failed', (e) => e.diff(params)),
    version: () => run('Reading the engine version failed', (e) => e.version()),
    close() {
      if (closed) return;
      closed = true;
      engine.free();
      clearTimersIfIdle();
    },
  };
}
