import type { Db, DbOrTx } from './types.ts';

// Platform event ids already handled (Slack event_id, Teams activity id): a redelivery is ignored.
// They are kept long enough to outlast every platform's retries, then forgotten, so the table does
// not grow for ever. (The audit trail is kept for good; this is not it.)

/** Slack retries for minutes and Teams within the hour; a day leaves a wide margin. */
const EVENT_MEMORY_MS = 24 * 60 * 60 * 1000;

/** Records the event in the caller's transaction; false when it was already recorded. */
export async function rememberEvent(db: DbOrTx, id: string): Promise<boolean> {
  const inserted = await db.processedEvent.createMany({ data: [{ id }], skipDuplicates: true });
  return inserted.count > 0;
}

export async function isRemembered(db: DbOrTx, id: string): Promise<boolean> {
  return (await db.processedEvent.findUnique({ where: { id } })) !== null;
}

/** Forgets events recorded longer than EVENT_MEMORY_MS before `now`; returns how many. */
export async function forgetOldEvents(db: Db, now = new Date()): Promise<number> {
  const result = await db.processedEvent.deleteMany({
    where: { createdAt: { lt: new Date(now.getTime() - EVENT_MEMORY_MS) } },
  });
  return result.count;
}
