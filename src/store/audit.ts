import type { AuditRow, Client } from './types.ts';
import { toJson } from './types.ts';

export interface Actor {
  platform: string;
  userId: string;
  displayName?: string;
}

export const SYSTEM_ACTOR: Actor = { platform: 'system', userId: 'steward', displayName: 'Steward' };

interface AuditEntry {
  actor: Actor;
  action: string;
  appId?: string;
  details?: unknown;
}

/** The audit trail: appended to, read in order, never rewritten (the table refuses UPDATE and DELETE). */
export interface AuditLog {
  record(entry: AuditEntry): Promise<void>;
  /** Every entry, oldest first. */
  all(): Promise<AuditRow[]>;
  count(action: string): Promise<number>;
}

export function auditLog(db: Client): AuditLog {
  return {
    async record(entry) {
      await db.auditEvent.create({
        data: {
          actorPlatform: entry.actor.platform,
          actorId: entry.actor.userId,
          actorName: entry.actor.displayName ?? null,
          action: entry.action,
          appId: entry.appId ?? null,
          ...(entry.details === undefined ? {} : { details: toJson(entry.details) }),
        },
      });
    },
    all: () => db.auditEvent.findMany({ orderBy: { id: 'asc' } }),
    count: (action) => db.auditEvent.count({ where: { action } }),
  };
}
