import type { OutboxPayload } from '../chat/outbox-payload.ts';
import { OutboxPayloadSchema, outboxRowKind, parseOutboxPayload } from '../chat/outbox-payload.ts';
import type { DbOrTx } from './types.ts';

export interface OutboxEntry {
  /** The same key twice is the same message: it is written once (retried turns, duplicate events). */
  dedupeKey: string;
  platform: string;
  destination: string;
  /** What to send; the row's `kind` column follows from its kind. */
  payload: OutboxPayload;
  appId?: string;
}

/** Queues outgoing messages in the caller's transaction; the outbox worker delivers them. */
export async function enqueueOutbox(db: DbOrTx, entries: OutboxEntry[]): Promise<number> {
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
}

interface PostedEscalation {
  id: string;
  platform: string;
  destination: string;
  payload: Extract<OutboxPayload, { kind: 'escalation' }>;
}

/** Every copy of an app version's escalation queued so far, on every platform (unreadable rows left out). */
export async function escalationsOf(db: DbOrTx, appId: string, appVersion: number): Promise<PostedEscalation[]> {
  const rows = await db.outboxMessage.findMany({ where: { appId, kind: 'escalation' }, orderBy: { createdAt: 'asc' } });
  return rows.flatMap((row) => {
    const parsed = parseOutboxPayload(row.kind, row.payload);
    return parsed.ok && parsed.payload.kind === 'escalation' && parsed.payload.appVersion === appVersion
      ? [{ id: row.id, platform: row.platform, destination: row.destination, payload: parsed.payload }]
      : [];
  });
}
