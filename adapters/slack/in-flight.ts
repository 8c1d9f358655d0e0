// Work still running after Slack got its ack (a turn, a decision, a form), so a shutdown can let it
// finish before the database closes, rather than cut it off halfway.

const DEFAULT_GRACE_MS = 10_000;

export class InFlightWork {
  private readonly running = new Set<Promise<unknown>>();

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

  /** Waits for what is running now, at most `graceMs`. */
  async settle(graceMs = DEFAULT_GRACE_MS): Promise<void> {
    if (this.running.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, graceMs);
    });
    await Promise.race([Promise.allSettled([...this.running]), timeout]);
    clearTimeout(timer);
  }
}
