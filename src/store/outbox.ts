import { z } from 'zod';
import type { OutboxPayload, ReviewDigestPayload } from '../chat/outbox-payload.ts';
import { OutboxPayloadSchema, outboxRowKind, parseOutboxPayload } from '../chat/outbox-payload.ts';
import type { Client, OutboxRow, OutboxStatus } from './types.ts';
import { OUTBOX_STATUSES } from './types.ts';

// Outgoing messages, written in the transaction of whatever caused them and delivered by the outbox
// worker. Rows are claimed with FOR UPDATE SKIP LOCKED and a lease, so several instances never take
// the same row, and a crashed instance's rows are picked up when the lease ends.

export interface OutboxEntry {
  /** The same key twice is the same message: it is written once (retried turns, duplicate events). */
  dedupeKey: string;
  platform: string;
  destination: string;
  /** What to send; the row's `kind` column follows from its kind. */
  payload: OutboxPayload;
  appId?: string;
}

interface PostedEscalation {
  id: string;
  platform: string;
  destination: string;
  payload: Extract<OutboxPayload, { kind: 'escalation' }>;
}

export interface PostedDigest {
  id: string;
  platform: string;
  destination: string;
  payload: ReviewDigestPayload;
}

export interface ClaimedMessage {
  id: string;
  kind: string;
  platform: string;
  destination: string;
  /** As stored: the worker parses it. */
  payload: unknown;
  attempts: number;
  /** Set when an earlier claim's lease ran out without an outcome: that process died mid-delivery. */
  interrupted: boolean;
}

/** A message another one edits (an escalation a decision updates): how far it got, and where it went. */
interface DeliveredOriginal {
  id: string;
  status: OutboxStatus;
  destination: string;
  receipt?: Record<string, string>;
}

interface DeliveryFailure {
  dead: boolean;
  error: string;
  uncertain: boolean;
  nextAttemptAt: Date;
}

/** `steward outbox --status`: one status, the undelivered ones (pending and dead), or all. */
export type OutboxFilter = OutboxStatus | 'undelivered' | 'all';
export const OUTBOX_FILTERS: readonly OutboxFilter[] = [...OUTBOX_STATUSES, 'undelivered', 'all'];

export interface OutboxRepository {
  /** Queues messages (in the caller's transaction, on a transaction's store); returns how many were new. */
  enqueue(entries: OutboxEntry[]): Promise<number>;
  /** Every copy of an app version's escalation queued so far, on every platform (unreadable rows left out). */
  escalationsOf(appId: string, appVersion: number): Promise<PostedEscalation[]>;
  /** The review digests (one per channel and policy change) that list this app version. */
  digestsListing(appId: string, appVersion: number): Promise<PostedDigest[]>;
  /** Takes up to `batchSize` due messages for these platforms, for `leaseMs`. */
  claim(platforms: string[], batchSize: number, leaseMs: number): Promise<ClaimedMessage[]>;
  original(id: string): Promise<DeliveredOriginal | null>;
  markDelivered(id: string, receipt: Record<string, string> | undefined, at?: Date): Promise<void>;
  markFailed(id: string, failure: DeliveryFailure): Promise<void>;
  /** Dead letters back to pending: one by id, or all of them; returns how many. */
  retryDead(id?: string): Promise<number>;
  list(filter: OutboxFilter): Promise<OutboxRow[]>;
  counts(): Promise<Partial<Record<OutboxStatus, number>>>;
  /** How far the messages with these dedupe keys got: status and, for dead letters, the error. */
  deliveryOf(dedupeKeys: string[]): Promise<Map<string, { status: OutboxStatus; error: string | null }>>;
  oldestPendingAt(): Promise<Date | undefined>;
  /** Escalations raised so far, by team. */
  escalationsByTeam(): Promise<Array<{ team: string; count: number }>>;
}

/** What a transport returned for a delivered message (Slack channel + ts, Teams activity id). */
const ReceiptSchema = z.record(z.string(), z.string());

export function outboxRepository(db: Client): OutboxRepository {
  return {
    async enqueue(entries) {
      if (entries.length === 0) return 0;
      const result = await db.outboxMessage.createMany({
        data: entries.map((entry) => {
          // Checked as it is written, so what the worker reads back parses.
          const payload = OutboxPayloadSchema.parse(entry.payload);
          return {
            dedupeKey: entry.dedupeKey,
            kind: outboxRowKind(payload),
            platform: entry.platform,
            destination: entry.destination,
            payload,
            appId: entry.appId ?? null,
          };
        }),
        skipDuplicates: true,
      });
      return result.count;
    },
    async escalationsOf(appId, appVersion) {
      const rows = await db.outboxMessage.findMany({
        where: { appId, kind: 'escalation' },
        orderBy: { createdAt: 'asc' },
      });
      return rows.flatMap((row) => {
        const parsed = parseOutboxPayload(row.kind, row.payload);
        return parsed.ok && parsed.payload.kind === 'escalation' && parsed.payload.appVersion === appVersion
          ? [{ id: row.id, platform: row.platform, destination: row.destination, payload: parsed.payload }]
          : [];
      });
    },
    async digestsListing(appId, appVersion) {
      // Few: one per reviewer channel and policy change.
      const rows = await db.outboxMessage.findMany({ where: { kind: 'digest' }, orderBy: { createdAt: 'asc' } });
      return rows.flatMap((row) => {
        const parsed = parseOutboxPayload(row.kind, row.payload);
        return parsed.ok &&
          parsed.payload.kind === 'review-digest' &&
          parsed.payload.items.some((item) => item.appId === appId && item.appVersion === appVersion)
          ? [{ id: row.id, platform: row.platform, destination: row.destination, payload: parsed.payload }]
          : [];
      });
    },
    async claim(platforms, batchSize, leaseMs) {
      if (platforms.length === 0) return [];
      return db.$queryRaw<ClaimedMessage[]>`
        WITH picked AS (
          SELECT "id", ("lockedUntil" IS NOT NULL OR "uncertain") AS interrupted FROM "OutboxMessage"
           WHERE "status" = 'pending' AND "nextAttemptAt" <= now()
             AND ("lockedUntil" IS NULL OR "lockedUntil" < now())
             AND "platform" = ANY(${platforms}::text[])
           ORDER BY "createdAt"
           LIMIT ${batchSize}
           FOR UPDATE SKIP LOCKED)
        UPDATE "OutboxMessage" AS o
           SET "lockedUntil" = now() + make_interval(secs => ${leaseMs / 1000}), "attempts" = o."attempts" + 1
          FROM picked
         WHERE o."id" = picked."id"
        RETURNING o."id", o."kind", o."platform", o."destination", o."payload", o."attempts", picked.interrupted`;
    },
    async original(id) {
      const row = await db.outboxMessage.findUnique({ where: { id } });
      if (!row) return null;
      const receipt = ReceiptSchema.safeParse(row.receipt);
      return {
        id: row.id,
        status: row.status,
        destination: row.destination,
        ...(receipt.success ? { receipt: receipt.data } : {}),
      };
    },
    async markDelivered(id, receipt, at = new Date()) {
      await db.outboxMessage.update({
        where: { id },
        data: {
          status: 'delivered',
          deliveredAt: at,
          lockedUntil: null,
          lastError: null,
          uncertain: false,
          ...(receipt ? { receipt } : {}),
        },
      });
    },
    async markFailed(id, failure) {
      await db.outboxMessage.update({
        where: { id },
        data: {
          status: failure.dead ? 'dead' : 'pending',
          lockedUntil: null,
          lastError: failure.error.slice(0, 500),
          uncertain: failure.uncertain,
          nextAttemptAt: failure.nextAttemptAt,
        },
      });
    },
    async retryDead(id) {
      const retried = await db.outboxMessage.updateMany({
        where: { status: 'dead', ...(id ? { id } : {}) },
        data: { status: 'pending', attempts: 0, nextAttemptAt: new Date(), lockedUntil: null },
      });
      return retried.count;
    },
    list: (filter) =>
      db.outboxMessage.findMany({
        where:
          filter === 'all'
            ? {}
            : filter === 'undelivered'
              ? { status: { in: ['pending', 'dead'] } }
              : { status: filter },
        orderBy: { createdAt: 'asc' },
      }),
    async counts() {
      const rows = await db.outboxMessage.groupBy({ by: ['status'], _count: { _all: true } });
      return Object.fromEntries(rows.map((row) => [row.status, row._count._all]));
    },
    async deliveryOf(dedupeKeys) {
      if (dedupeKeys.length === 0) return new Map();
      const rows = await db.outboxMessage.findMany({
        where: { dedupeKey: { in: dedupeKeys } },
        select: { dedupeKey: true, status: true, lastError: true },
      });
      return new Map(rows.map((row) => [row.dedupeKey, { status: row.status, error: row.lastError }]));
    },
    async oldestPendingAt() {
      const oldest = await db.outboxMessage.findFirst({
        where: { status: 'pending' },
        orderBy: { createdAt: 'asc' },
        select: { createdAt: true },
      });
      return oldest?.createdAt;
    },
    async escalationsByTeam() {
      const rows = await db.$queryRaw<Array<{ team: string | null; count: bigint }>>`
        SELECT "payload"->>'team' AS team, count(*) AS count FROM "OutboxMessage" WHERE "kind" = 'escalation' GROUP BY 1`;
      return rows.map((row) => ({ team: row.team ?? 'unknown', count: Number(row.count) }));
    },
  };
}
