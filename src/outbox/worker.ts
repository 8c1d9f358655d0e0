import { z } from 'zod';
import type { OutboxPayload } from '../chat/outbox-payload.ts';
import { parseOutboxPayload } from '../chat/outbox-payload.ts';
import type { Db } from '../store/types.ts';
import type { OutboxTransport } from './transport.ts';
import { DeliveryError } from './transport.ts';

// Delivers the outbox. Rows are claimed with FOR UPDATE SKIP LOCKED and a lease, so several
// instances never take the same row, and a crashed instance's rows are picked up when the lease ends.

export interface OutboxWorkerOptions {
  db: Db;
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

interface ClaimedRow {
  id: string;
  kind: string;
  platform: string;
  destination: string;
  payload: unknown;
  attempts: number;
  /** Set when an earlier claim's lease ran out without an outcome: that process died mid-delivery. */
  interrupted: boolean;
}

/** What a transport returned for a delivered message (Slack channel + ts, Teams activity id). */
const ReceiptSchema = z.record(z.string(), z.string());

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

  private async claim(): Promise<ClaimedRow[]> {
    const platforms = this.platforms;
    if (platforms.length === 0) return [];
    return this.options.db.$queryRaw<ClaimedRow[]>`
      WITH picked AS (
        SELECT "id", ("lockedUntil" IS NOT NULL OR "uncertain") AS interrupted FROM "OutboxMessage"
         WHERE "status" = 'pending' AND "nextAttemptAt" <= now()
           AND ("lockedUntil" IS NULL OR "lockedUntil" < now())
           AND "platform" = ANY(${platforms}::text[])
         ORDER BY "createdAt"
         LIMIT ${this.batchSize}
         FOR UPDATE SKIP LOCKED)
      UPDATE "OutboxMessage" AS o
         SET "lockedUntil" = now() + make_interval(secs => ${this.leaseMs / 1000}), "attempts" = o."attempts" + 1
        FROM picked
       WHERE o."id" = picked."id"
      RETURNING o."id", o."kind", o."platform", o."destination", o."payload", o."attempts", picked.interrupted`;
  }

  /** An update needs the receipt of the message it edits; until that one is delivered, it waits. */
  private async originalOf(payload: OutboxPayload) {
    if (payload.kind !== 'update') return undefined;
    const original = await this.options.db.outboxMessage.findUnique({ where: { id: payload.updateOf } });
    if (!original) return undefined;
    if (original.status === 'pending')
      throw new DeliveryError('The message to update has not been delivered yet', true, 2000);
    const receipt = ReceiptSchema.safeParse(original.receipt);
    return {
      id: original.id,
      destination: original.destination,
      ...(receipt.success ? { receipt: receipt.data } : {}),
    };
  }

  private async deliver(row: ClaimedRow): Promise<void> {
    const transport = this.options.transports.find((candidate) => candidate.platform === row.platform);
    const db = this.options.db;
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
      await db.outboxMessage.update({
        where: { id: row.id },
        data: {
          status: 'delivered',
          deliveredAt: new Date(),
          lockedUntil: null,
          lastError: null,
          uncertain: false,
          ...(receipt ? { receipt } : {}),
        },
      });
      this.options.onEvent?.({ type: 'delivered', id: row.id, platform: row.platform, destination: row.destination });
    } catch (error) {
      const failure =
        error instanceof DeliveryError
          ? error
          : new DeliveryError(error instanceof Error ? error.message : String(error), true);
      const dead = !failure.retryable || row.attempts >= this.maxAttempts;
      const delay = failure.retryAfterMs ?? backoffMs(row.attempts);
      await db.outboxMessage.update({
        where: { id: row.id },
        data: {
          status: dead ? 'dead' : 'pending',
          lockedUntil: null,
          lastError: failure.message.slice(0, 500),
          uncertain: failure.uncertain,
          nextAttemptAt: new Date(Date.now() + (dead ? 0 : delay)),
        },
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
