import type { OutboxPayload } from '../chat/outbox-payload.ts';
import { parseOutboxPayload } from '../chat/outbox-payload.ts';
import type { ClaimedMessage } from '../store/outbox.ts';
import type { Store } from '../store/store.ts';
import type { OutboxTransport } from './transport.ts';
import { DeliveryError } from './transport.ts';

// Delivers the outbox: claims what is due (store/outbox.ts: several instances never take the same
// message, and a crashed instance's are taken again when their lease ends), hands each to its
// platform's transport, and records the outcome: delivered, retried later, or dead.

export interface OutboxWorkerOptions {
  store: Store;
  transports: OutboxTransport[];
  maxAttempts?: number;
  leaseMs?: number;
  batchSize?: number;
  onEvent?: (event: {
    type: 'delivered' | 'retry' | 'dead';
    id: string;
    platform: string;
    destination: string;
    error?: string;
  }) => void;
}

function backoffMs(attempt: number): number {
  return Math.min(1000 * 2 ** (attempt - 1), 5 * 60_000);
}

export class OutboxWorker {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;
  private readonly maxAttempts: number;
  private readonly leaseMs: number;
  private readonly batchSize: number;

  constructor(private readonly options: OutboxWorkerOptions) {
    this.maxAttempts = options.maxAttempts ?? 8;
    this.leaseMs = options.leaseMs ?? 60_000;
    this.batchSize = options.batchSize ?? 20;
  }

  /** Adapters register their transport once they are created, after the core is open. */
  addTransport(transport: OutboxTransport): void {
    this.options.transports = [...this.options.transports.filter((t) => t.platform !== transport.platform), transport];
  }

  get platforms(): string[] {
    return this.options.transports.map((transport) => transport.platform);
  }

  /** Delivers everything that is due now; returns how many messages were attempted. */
  async drain(): Promise<number> {
    // One drain at a time per process; callers share the one in flight.
    this.running ??= this.drainAll().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  start(pollMs: number): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      void this.drain().catch(() => undefined);
    }, pollMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
  }

  private async drainAll(): Promise<number> {
    let total = 0;
    for (;;) {
      const claimed = await this.claim();
      if (claimed.length === 0) return total;
      total += claimed.length;
      for (const row of claimed) await this.deliver(row);
    }
  }

  private claim(): Promise<ClaimedMessage[]> {
    return this.options.store.outbox.claim(this.platforms, this.batchSize, this.leaseMs);
  }

  /** An update needs the receipt of the message it edits; until that one is delivered, it waits. */
  private async originalOf(payload: OutboxPayload) {
    if (payload.kind !== 'update') return undefined;
    const original = await this.options.store.outbox.original(payload.updateOf);
    if (!original) return undefined;
    if (original.status === 'pending')
      throw new DeliveryError('The message to update has not been delivered yet', true, 2000);
    return {
      id: original.id,
      destination: original.destination,
      ...(original.receipt ? { receipt: original.receipt } : {}),
    };
  }

  private async deliver(row: ClaimedMessage): Promise<void> {
    const transport = this.options.transports.find((candidate) => candidate.platform === row.platform);
    const { outbox } = this.options.store;
    try {
      if (!transport) throw new DeliveryError(`No transport for ${row.platform}`, false);
      // A payload that does not parse never will: it goes to the dead letters, saying what is wrong.
      const parsed = parseOutboxPayload(row.kind, row.payload);
      if (!parsed.ok) throw new DeliveryError(parsed.error, false);
      const { payload } = parsed;
      const original = await this.originalOf(payload);
      const outgoing = {
        ...(original ? { original } : {}),
        id: row.id,
        platform: row.platform,
        destination: row.destination,
        payload,
        reply: payload.reply,
        attempt: row.attempts,
      };
      // A delivery cut short by a crash may have reached the platform: look before posting again.
      const already = row.interrupted && transport.findDelivered ? await transport.findDelivered(outgoing) : undefined;
      const { receipt } = already ?? (await transport.deliver(outgoing));
      await outbox.markDelivered(row.id, receipt);
      this.options.onEvent?.({ type: 'delivered', id: row.id, platform: row.platform, destination: row.destination });
    } catch (error) {
      const failure =
        error instanceof DeliveryError
          ? error
          : new DeliveryError(error instanceof Error ? error.message : String(error), true);
      const dead = !failure.retryable || row.attempts >= this.maxAttempts;
      const delay = failure.retryAfterMs ?? backoffMs(row.attempts);
      await outbox.markFailed(row.id, {
        dead,
        error: failure.message,
        uncertain: failure.uncertain,
        nextAttemptAt: new Date(Date.now() + (dead ? 0 : delay)),
      });
      this.options.onEvent?.({
        type: dead ? 'dead' : 'retry',
        id: row.id,
        platform: row.platform,
        destination: row.destination,
        error: failure.message,
      });
    }
  }
}
