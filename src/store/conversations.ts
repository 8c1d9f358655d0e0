import type { Client } from './types.ts';
import { ConcurrentTurnError, toJson } from './types.ts';

// Each conversation's state (what Steward is waiting for), versioned: a turn saves only on top of the
// version it read, so two instances taking turns of one conversation at once cannot lose either.

interface ConversationPlace {
  platform: string;
  channelId: string;
  threadId?: string;
  userId: string;
}

interface StoredConversation {
  key: string;
  /** As stored: the dialogue parses it. */
  state: unknown;
  version: number;
}

export interface ConversationRepository {
  /** The conversation, created idle if this is its first message. */
  open(key: string, place: ConversationPlace): Promise<StoredConversation>;
  /** Saves the next state on top of `readVersion`; ConcurrentTurnError when another turn saved first. */
  save(key: string, readVersion: number, state: unknown): Promise<void>;
}

export function conversationRepository(db: Client): ConversationRepository {
  const find = (key: string) =>
    db.conversation.findUnique({ where: { key }, select: { key: true, state: true, version: true } });
  return {
    async open(key, place) {
      const existing = await find(key);
      if (existing) return existing;
      // Two first messages may race: create-if-absent, then read whichever row won.
      await db.conversation.createMany({
        data: [
          {
            key,
            platform: place.platform,
            channelId: place.channelId,
            threadId: place.threadId ?? null,
            userId: place.userId,
            state: { mode: 'idle' },
          },
        ],
        skipDuplicates: true,
      });
      const created = await find(key);
      if (!created) throw new Error(`Conversation ${key} could not be created`);
      return created;
    },
    async save(key, readVersion, state) {
      const saved = await db.conversation.updateMany({
        where: { key, version: readVersion },
        data: { state: toJson(state), version: { increment: 1 } },
      });
      if (saved.count !== 1) throw new ConcurrentTurnError(key);
    },
  };
}
