// What both driver adapters are corrected with: errors as Prisma expects them, and call forwarding.
import { DriverAdapterError } from '@prisma/driver-adapter-utils';
import type { IsolationLevel, SqlDriverAdapter } from '@prisma/driver-adapter-utils';

/** A PGlite / pg error as the adapters report it, so Prisma and the engine show the database's message. */
export function toAdapterError(error: unknown): unknown {
  const e = error as { code?: unknown; message?: unknown; severity?: unknown; detail?: unknown; hint?: unknown };
  if (typeof e?.code !== 'string' || typeof e.message !== 'string') return error;
  return new DriverAdapterError({
    kind: 'postgres',
    code: e.code,
    severity: typeof e.severity === 'string' ? e.severity : 'ERROR',
    message: e.message,
    detail: typeof e.detail === 'string' ? e.detail : undefined,
    column: undefined,
    hint: typeof e.hint === 'string' ? e.hint : undefined,
    originalCode: e.code,
    originalMessage: e.message,
  });
}

/** Forwards every adapter call, overriding a few. */
export function withOverrides(adapter: SqlDriverAdapter, overrides: Partial<SqlDriverAdapter>): SqlDriverAdapter {
  return {
    provider: adapter.provider,
    adapterName: adapter.adapterName,
    queryRaw: (q) => adapter.queryRaw(q),
    executeRaw: (q) => adapter.executeRaw(q),
    executeScript: (s) => adapter.executeScript(s),
    startTransaction: (level) => adapter.startTransaction(level),
    getConnectionInfo: adapter.getConnectionInfo ? () => adapter.getConnectionInfo!() : undefined,
    dispose: () => adapter.dispose(),
    ...overrides,
  };
}

export const ISOLATION_LEVELS = new Set<IsolationLevel>([
  'READ UNCOMMITTED',
  'READ COMMITTED',
  'REPEATABLE READ',
  'SERIALIZABLE',
]);
