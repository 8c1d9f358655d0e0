import type { Prisma, PrismaClient } from '../generated/prisma/client.ts';

/** The database as the core sees it: a Prisma client, or the client of an open transaction. */
export type Db = PrismaClient;
export type Tx = Prisma.TransactionClient;
export type DbOrTx = Db | Tx;

/** Thrown when another turn saved the same conversation first; the turn is re-run on fresh state. */
export class ConcurrentTurnError extends Error {
  constructor(key: string) {
    super(`Conversation ${key} was changed by another turn`);
    this.name = 'ConcurrentTurnError';
  }
}
