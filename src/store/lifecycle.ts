import type { Client } from './types.ts';

// After registration: people who left, and recertification cycles. The apps' own lifecycle fields
// (backup owner, orphaned, retired, certified, exempt) are written through the app repository.

interface PersonRef {
  platform: string;
  userId: string;
}

export interface LeaverRepository {
  /** Records that the person left; false when they were recorded already (nothing changes). */
  record(person: PersonRef & { email?: string; source: string }): Promise<boolean>;
  has(person: PersonRef): Promise<boolean>;
}

export interface RecertificationRow {
  id: string;
  appId: string;
  dueAt: Date;
  ownerPlatform: string;
  ownerUserId: string;
  askedAt: Date;
  remindedAt: Date | null;
  leadsToldAt: Date | null;
  answeredAt: Date | null;
  answer: string | null;
  answeredBy: string | null;
}

export interface RecertificationRepository {
  /** Opens the cycle for the app and due date; false when it is open already (asked once per cycle). */
  open(cycle: { appId: string; dueAt: Date; owner: PersonRef; askedAt: Date }): Promise<boolean>;
  /** The app's cycle still waiting for an answer, if any. */
  openOf(appId: string): Promise<RecertificationRow | null>;
  /** Every cycle waiting for an answer, oldest first. */
  unanswered(): Promise<RecertificationRow[]>;
  answer(id: string, answer: { answer: string; by: string; at: Date }): Promise<void>;
  markReminded(id: string, at: Date): Promise<void>;
  markLeadsTold(id: string, at: Date): Promise<void>;
}

export function leaverRepository(db: Client): LeaverRepository {
  return {
    async record(person) {
      const inserted = await db.leaver.createMany({
        data: [
          { platform: person.platform, userId: person.userId, email: person.email ?? null, source: person.source },
        ],
        skipDuplicates: true,
      });
      return inserted.count > 0;
    },
    async has(person) {
      return (await db.leaver.count({ where: { platform: person.platform, userId: person.userId } })) > 0;
    },
  };
}

export function recertificationRepository(db: Client): RecertificationRepository {
  return {
    async open(cycle) {
      const inserted = await db.recertification.createMany({
        data: [
          {
            appId: cycle.appId,
            dueAt: cycle.dueAt,
            ownerPlatform: cycle.owner.platform,
            ownerUserId: cycle.owner.userId,
            askedAt: cycle.askedAt,
          },
        ],
        skipDuplicates: true,
      });
      return inserted.count > 0;
    },
    openOf: (appId) => db.recertification.findFirst({ where: { appId, answeredAt: null }, orderBy: { dueAt: 'desc' } }),
    unanswered: () => db.recertification.findMany({ where: { answeredAt: null }, orderBy: { askedAt: 'asc' } }),
    async answer(id, answer) {
      await db.recertification.update({
        where: { id },
        data: { answer: answer.answer, answeredBy: answer.by, answeredAt: answer.at },
      });
    },
    async markReminded(id, at) {
      await db.recertification.update({ where: { id }, data: { remindedAt: at } });
    },
    async markLeadsTold(id, at) {
      await db.recertification.update({ where: { id }, data: { leadsToldAt: at } });
    },
  };
}
