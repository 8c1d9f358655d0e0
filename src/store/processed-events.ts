import type { Client } from './types.ts';

// Platform event ids already handled (Slack event_id, Teams activity id), and the identities of the
// messages they carried (Slack channel + ts, client_msg_id): a redelivery under any of them is ignored.
// They are kept long enough to outlast every platform's retries, then forgotten, so the table does
// not grow for ever. (The audit trail is kept for good; this is not it.)

/** Slack retries for minutes and Teams within the hour; a day leaves a wide margin. */
const EVENT_MEMORY_MS = 24 * 60 * 60 * 1000;

export interface ProcessedEvents {
  /** Records the event (in the caller's transaction, on a transaction's store); false when already recorded. */
  remember(id: string): Promise<boolean>;
  isRemembered(id: string): Promise<boolean>;
  /** Forgets events recorded longer than a day before `now`; returns how many. */
  forgetOld(now?: Date): Promise<number>;
}

export function processedEvents(db: Client): ProcessedEvents {
  return {
    async remember(id) {
      const inserted = await db.processedEvent.createMany({ data: [{ id }], skipDuplicates: true });
      return inserted.count > 0;
    },
    async isRemembered(id) {
      return (await db.processedEvent.findUnique({ where: { id } })) !== null;
    },
    async forgetOld(now = new Date()) {
      const result = await db.processedEvent.deleteMany({
        where: { createdAt: { lt: new Date(now.getTime() - EVENT_MEMORY_MS) } },
      });
      return result.count;
    },
  };
}
