import { mkdirSync, openSync, readFileSync, unlinkSync, writeSync, closeSync } from 'node:fs';
import path from 'node:path';

// PGlite allows one process per data directory. The process that opens it holds this lock; any
// other `steward` process sees who holds it and goes through that process's control socket instead.

export interface LockInfo {
  pid: number;
  /** What the holder is doing, for messages: "steward serve", "steward chat". */
  purpose: string;
  /** Unix socket where the holder runs CLI commands on others' behalf. */
  controlSocket?: string;
  startedAt: string;
}

export type LockAttempt = { acquired: true; release(): void } | { acquired: false; heldBy: LockInfo };

const LOCK_FILE = 'steward.lock';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readLock(lockPath: string): LockInfo | undefined {
  try {
    return JSON.parse(readFileSync(lockPath, 'utf8')) as LockInfo;
  } catch {
    return undefined;
  }
}

function lockPathFor(dir: string): string {
  return path.join(dir, LOCK_FILE);
}

export function acquireEmbeddedLock(dir: string, info: Omit<LockInfo, 'pid' | 'startedAt'>): LockAttempt {
  mkdirSync(dir, { recursive: true });
  const lockPath = lockPathFor(dir);
  const mine: LockInfo = { pid: process.pid, startedAt: new Date().toISOString(), ...info };
  for (let attempt = 0; attempt < 3; attempt += 1) {
    try {
      const fd = openSync(lockPath, 'wx', 0o600);
      writeSync(fd, JSON.stringify(mine));
      closeSync(fd);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        if (readLock(lockPath)?.pid === process.pid) unlinkSync(lockPath);
      };
      process.once('exit', release);
      return { acquired: true, release };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = readLock(lockPath);
      if (holder && holder.pid !== process.pid && isAlive(holder.pid)) return { acquired: false, heldBy: holder };
      // The holder died (kill -9, power loss): the lock is stale and PGlite's files are closed.
      try {
        unlinkSync(lockPath);
      } catch {
        // someone else removed it first; try again
      }
    }
  }
  const holder = readLock(lockPath);
  return { acquired: false, heldBy: holder ?? { pid: 0, purpose: 'another steward process', startedAt: '' } };
}

/** Updates the control socket recorded in a lock this process holds. */
export function recordControlSocket(dir: string, socketPath: string): void {
  const lockPath = lockPathFor(dir);
  const current = readLock(lockPath);
  if (current?.pid !== process.pid) return;
  const fd = openSync(lockPath, 'w', 0o600);
  writeSync(fd, JSON.stringify({ ...current, controlSocket: socketPath }));
  closeSync(fd);
}

export class EmbeddedDatabaseBusyError extends Error {
  constructor(
    readonly dir: string,
    readonly heldBy: LockInfo,
  ) {
    super(
      `The embedded database at ${dir} is in use by process ${heldBy.pid} (${heldBy.purpose}). ` +
        'Stop that process first, or set DATABASE_URL to use PostgreSQL, which many processes can share.',
    );
    this.name = 'EmbeddedDatabaseBusyError';
  }
}
