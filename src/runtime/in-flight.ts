// Work still running after a platform got its acknowledgement (a turn, a decision, a form, the replies
// being posted), so a shutdown can refuse new work and let this finish before the database closes,
// rather than cut it off halfway. One for the whole process, whatever the platform.

const DEFAULT_GRACE_MS = 10_000;

export class ShuttingDownError extends Error {
  constructor() {
    super('Steward is shutting down and takes no new turns');
    this.name = 'ShuttingDownError';
  }
}

export class InFlightWork {
  private readonly running = new Set<Promise<unknown>>();
  private accepting = true;

  /** Starts new work, unless shutting down (ShuttingDownError). */
  start<T>(work: () => Promise<T>): Promise<T> {
    if (!this.accepting) return Promise.reject(new ShuttingDownError());
    return this.track(work());
  }

  /** Waits for work already started (an adapter's follow-up to a turn): never refused. */
  async track<T>(work: Promise<T>): Promise<T> {
    this.running.add(work);
    try {
      return await work;
    } finally {
      this.running.delete(work);
    }
  }

  get size(): number {
    return this.running.size;
  }

  /** Refuses new work, and waits for what is running now, at most `graceMs`. */
  async drain(graceMs = DEFAULT_GRACE_MS): Promise<void> {
    this.accepting = false;
    if (this.running.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, graceMs);
    });
    await Promise.race([Promise.allSettled([...this.running]), timeout]);
    clearTimeout(timer);
  }
}
