import type { Prisma } from '../generated/prisma/client.ts';
import type { DbOrTx } from './types.ts';

export interface Actor {
  platform: string;
  userId: string;
  displayName?: string;
}

export const SYSTEM_ACTOR: Actor = { platform: 'system', userId: 'steward', displayName: 'Steward' };

/** Appends to the audit log. The table refuses UPDATE and DELETE, so entries cannot be rewritten. */
export async function recordAudit(
  db: DbOrTx,
  entry: { actor: Actor; action: string; appId?: string; details?: Prisma.InputJsonValue },
): Promise<void> {
  await db.auditEvent.create({
    data: {
      actorPlatform: entry.actor.platform,
      actorId: entry.actor.userId,
      actorName: entry.actor.displayName ?? null,
      action: entry.action,
      appId: entry.appId ?? null,
      ...(entry.details === undefined ? {} : { details: entry.details }),
    },
  });
}
