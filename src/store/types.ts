import type { Prisma, PrismaClient } from '../generated/prisma/client.ts';
import { AppStatus as AppStatusValues, OutboxStatus as OutboxStatusValues } from '../generated/prisma/enums.ts';

// What the repositories share. Prisma stays inside src/store: the rest of Steward sees the Store
// (store.ts), plain rows and the errors below, never a Prisma client.

/** A Prisma client, or the client of an open transaction: every repository works on either. */
export type Client = PrismaClient | Prisma.TransactionClient;

/** Rows as stored, for the code that presents them. */
export type {
  App as AppRow,
  AppStatus,
  AuditEvent as AuditRow,
  DiscoveredItem as DiscoveredItemRow,
  Handoff as HandoffRow,
  OutboxMessage as OutboxRow,
  OutboxStatus,
  PolicyVersion as PolicyVersionRow,
  ReviewDecision as DecisionRow,
} from '../generated/prisma/client.ts';

/**
 * A value for a JSON column. Prisma serializes it as JSON.stringify does (undefined fields dropped), so
 * nothing is copied here: this runs on every turn's state.
 */
export function toJson(value: unknown): Prisma.InputJsonValue {
  return value as Prisma.InputJsonValue;
}

/** Every app status and outbox status, as the schema's enums define them. */
export const APP_STATUSES = Object.values(AppStatusValues);
export const OUTBOX_STATUSES = Object.values(OutboxStatusValues);

/** Thrown when another turn saved the same conversation first; the turn is re-run on fresh state. */
export class ConcurrentTurnError extends Error {
  constructor(key: string) {
    super(`Conversation ${key} was changed by another turn`);
    this.name = 'ConcurrentTurnError';
  }
}
