import type { Client, HandoffRow } from './types.ts';

// Questions handed over to a team ("ask a human"): open until someone in the team's thread answers.

const OPEN = 'open';
const ANSWERED = 'answered';

interface NewHandoff {
  team: string;
  question: string;
  maker: { platform: string; userId: string; channelId: string; threadId?: string };
  destinationPlatform: string;
  destination: string;
}

export interface HandoffRepository {
  /** The maker's open handoff of this very question to this team, if any. */
  findOpen(maker: { platform: string; userId: string }, team: string, question: string): Promise<HandoffRow | null>;
  create(handoff: NewHandoff): Promise<HandoffRow>;
  /** By id, or by the thread its question was posted in. */
  find(by: { id?: string; threadKey?: string }): Promise<HandoffRow | null>;
  /** Remembers the question's thread; false when the handoff is unknown or already has another thread. */
  recordThread(id: string, threadKey: string): Promise<boolean>;
  /** Marks it answered; false when it was answered before (a follow-up reply). */
  markAnswered(id: string, answeredBy: string, at?: Date): Promise<boolean>;
}

export function handoffRepository(db: Client): HandoffRepository {
  return {
    findOpen: (maker, team, question) =>
      db.handoff.findFirst({
        where: { makerPlatform: maker.platform, makerUserId: maker.userId, question, team, status: OPEN },
      }),
    create: (handoff) =>
      db.handoff.create({
        data: {
          team: handoff.team,
          question: handoff.question,
          makerPlatform: handoff.maker.platform,
          makerUserId: handoff.maker.userId,
          makerChannelId: handoff.maker.channelId,
          makerThreadId: handoff.maker.threadId ?? null,
          destinationPlatform: handoff.destinationPlatform,
          destination: handoff.destination,
        },
      }),
    async find(by) {
      if (by.id) return db.handoff.findUnique({ where: { id: by.id } });
      if (by.threadKey) return db.handoff.findUnique({ where: { threadKey: by.threadKey } });
      return null;
    },
    async recordThread(id, threadKey) {
      const updated = await db.handoff.updateMany({
        where: { id, OR: [{ threadKey: null }, { threadKey }] },
        data: { threadKey },
      });
      return updated.count === 1;
    },
    async markAnswered(id, answeredBy, at = new Date()) {
      const marked = await db.handoff.updateMany({
        where: { id, status: OPEN },
        data: { status: ANSWERED, answeredBy, answeredAt: at },
      });
      return marked.count === 1;
    },
  };
}
