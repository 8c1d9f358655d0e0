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
  /**
   * Records every one of `ids` in one statement; false when any was already recorded (the others are
   * then written too: roll the transaction back to forget them).
   */
  rememberAll(ids: readonly string[]): Promise<boolean>;
  /** True when any of `ids` was recorded (one look-up). */
  anyRemembered(ids: readonly string[]): Promise<boolean>;
  /** Forgets events recorded longer than a day before `now`; returns how many. */
  forgetOld(now?: Date): Promise<number>;
}

export function processedEvents(db: Client): ProcessedEvents {
  return {
    async remember(id) {
      const inserted = await db.processedEvent.createMany({ data: [{ id }], skipDuplicates: true });
      return inserted.count > 0;
    },
    async rememberAll(ids) {
      const unique = [...new Set(ids)];
      if (unique.length === 0) return true;
      const inserted = await db.processedEvent.createMany({ data: unique.map((id) => ({ id })), skipDuplicates: true });
      return inserted.count === unique.length;
    },
    async anyRemembered(ids) {
      if (ids.length === 0) return false;
      return (await db.processedEvent.findFirst({ where: { id: { in: [...ids] } }, select: { id: true } })) !== null;
    },
    async forgetOld(now = new Date()) {
      const result = await db.processedEvent.deleteMany({
        where: { createdAt: { lt: new Date(now.getTime() - EVENT_MEMORY_MS) } },
      });
      return result.count;
    },
  };
}
