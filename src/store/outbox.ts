import type { Prisma } from '../generated/prisma/client.ts';
import type { DbOrTx } from './types.ts';

export interface OutboxEntry {
  /** The same key twice is the same message: it is written once (retried turns, duplicate events). */
  dedupeKey: string;
  /** An update edits the message of the outbox row named by payload.updateOf, using its receipt. */
  kind: 'escalation' | 'notification' | 'reminder' | 'update';
  platform: string;
  destination: string;
  payload: Prisma.InputJsonValue;
  appId?: string;
}

/** Queues outgoing messages in the caller's transaction; the outbox worker delivers them. */
export async function enqueueOutbox(db: DbOrTx, entries: OutboxEntry[]): Promise<number> {
  if (entries.length === 0) return 0;
  const result = await db.outboxMessage.createMany({
    data: entries.map((entry) => ({
      dedupeKey: entry.dedupeKey,
      kind: entry.kind,
      platform: entry.platform,
      destination: entry.destination,
      payload: entry.payload,
      appId: entry.appId ?? null,
    })),
    skipDuplicates: true,
  });
  return result.count;
}
