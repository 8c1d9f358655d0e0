// The messages between the main thread (pglite-thread.ts) and the embedded database's thread
// (pglite-worker.ts): one request per driver adapter call, one reply each, matched by id.
import { DriverAdapterError } from '@prisma/driver-adapter-utils';
import type { IsolationLevel, SqlQuery } from '@prisma/driver-adapter-utils';

export type WorkerRequest = { id: number } & (
  | { op: 'queryRaw' | 'executeRaw'; query: SqlQuery; tx?: number }
  | { op: 'executeScript'; script: string }
  /** `tx` is chosen by the main thread, which goes on without waiting: the transaction's queries follow. */
  | { op: 'startTransaction'; tx: number; isolationLevel?: IsolationLevel }
  | { op: 'commit' | 'rollback'; tx: number }
  | { op: 'close' }
);

export interface SerializedError {
  name: string;
  message: string;
  /** A DriverAdapterError's mapped cause, which Prisma turns into its own error codes. */
  cause?: unknown;
}

export type WorkerReply =
  | { ready: true }
  | { ready: false; error: SerializedError }
  | { id: number; result: unknown }
  | { id: number; error: SerializedError };

export function serializeError(error: unknown): SerializedError {
  // Recognised by shape, as Prisma does: the PGlite adapter may bring its own copy of the class.
  if (error instanceof Error && error.name === 'DriverAdapterError' && typeof error.cause === 'object')
    return { name: error.name, message: error.message, cause: error.cause };
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: 'Error', message: String(error) };
}

export function deserializeError(error: SerializedError): Error {
  if (error.name === 'DriverAdapterError' && error.cause)
    return new DriverAdapterError(error.cause as ConstructorParameters<typeof DriverAdapterError>[0]);
  const rebuilt = new Error(error.message);
  rebuilt.name = error.name;
  return rebuilt;
}
