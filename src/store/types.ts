import type { Prisma, PrismaClient } from '../generated/prisma/client.ts';

// What the repositories share. Prisma stays inside src/store: the rest of Steward sees the Store
// (store.ts), plain rows and the errors below, never a Prisma client.

/** A Prisma client, or the client of an open transaction: every repository works on either. */
export type Client = PrismaClient | Prisma.TransactionClient;

/** Rows as stored, for the code that presents them. */
export type {
  App as AppRow,
  AppStatus,
  AuditEvent as AuditRow,
  Handoff as HandoffRow,
  OutboxMessage as OutboxRow,
  OutboxStatus,
  ReviewDecision as DecisionRow,
} from '../generated/prisma/client.ts';

/** JSON as written to a JSON column: whatever JSON.stringify keeps. */
export function toJson(value: unknown): Prisma.InputJsonValue {
  return JSON.parse(JSON.stringify(value)) as Prisma.InputJsonValue;
}

/** Thrown when another turn saved the same conversation first; the turn is re-run on fresh state. */
export class ConcurrentTurnError extends Error {
  constructor(key: string) {
    super(`Conversation ${key} was changed by another turn`);
    this.name = 'ConcurrentTurnError';
  }
}
