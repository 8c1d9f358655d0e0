// A command that will open the embedded database starts it first: PGlite boots on its own thread
// (about 0.4 s) while the command's code loads on this one, instead of after it.
import { startPGlite } from '../db/connect.ts';
import type { PGliteThread } from '../db/pglite-thread.ts';
import { EmbeddedDatabaseBusyError, acquireEmbeddedLock } from './embedded-lock.ts';

export interface EarlyEmbeddedStart {
  dir: string;
  /** Hands the lock and the starting database to openServices, which then closes them; once only. */
  take(): { started: Promise<PGliteThread>; release(): void } | undefined;
  /** Closes the database and releases the lock, unless openServices took them. */
  dispose(): Promise<void>;
}

/** Takes the embedded database's lock (EmbeddedDatabaseBusyError when held) and starts opening it. */
export function startEmbeddedEarly(dir: string, purpose: string): EarlyEmbeddedStart {
  const lock = acquireEmbeddedLock(dir, { purpose });
  if (!lock.acquired) throw new EmbeddedDatabaseBusyError(dir, lock.heldBy);
  const started = startPGlite(dir, true);
  // A failed start is reported where it is awaited (openServices), not as an unhandled rejection.
  started.catch(() => undefined);
  let taken = false;
  return {
    dir,
    take() {
      if (taken) return undefined;
      taken = true;
      return { started, release: () => lock.release() };
    },
    async dispose() {
      if (taken) return;
      taken = true;
      try {
        await (await started).close();
      } catch {
        // it never opened: nothing to close
      } finally {
        lock.release();
      }
    },
  };
}
