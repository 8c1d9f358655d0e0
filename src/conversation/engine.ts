import type { Prisma } from '../generated/prisma/client.ts';
import type { DialogueContext } from '../intake/context.ts';
import { converse } from '../intake/dialogue.ts';
import { parseConversationState } from '../intake/state.ts';
import type { LastQuestion } from '../intake/state.ts';
import type { Owner } from '../profile/schema.ts';
import type { Db, Tx } from '../store/types.ts';
import { ConcurrentTurnError } from '../store/types.ts';
import { forgetOldEvents, isRemembered, rememberEvent } from '../store/processed-events.ts';
import type { Reply } from '../chat/reply.ts';

// Runs one turn of a conversation: load its state, converse, and save the new state together with
// every effect of the turn in one transaction. Racing turns retry on fresh state; duplicates do nothing.

export interface InboundMessage {
  platform: string;
  /** DM or channel id. */
  channelId: string;
  /** Thread the message belongs to, when the platform threads replies. */
  threadId?: string;
  user: { userId: string; displayName?: string; email?: string };
  text: string;
  /** The platform's id for this delivery (Slack event_id, Teams activity id): a second delivery is ignored. */
  eventId?: string;
}

export interface TurnResult {
  replies: Reply[];
  /** True when the event had already been handled: nothing was done and nothing should be sent. */
  duplicate: boolean;
  /** The turn may have queued outgoing messages (it submitted an app, or handed a question over). */
  queued?: boolean;
}

export type DialogueDeps = Omit<DialogueContext, 'speaker' | 'db' | 'address' | 'turn' | 'requestHuman'> & {
  requestHuman?(
    question: LastQuestion,
    maker: { speaker: Owner; address: { channelId: string; threadId?: string } },
    tx: Tx,
  ): Promise<Reply[]>;
};

export function conversationKey(message: Pick<InboundMessage, 'platform' | 'channelId' | 'threadId' | 'user'>): string {
  return [message.platform, message.channelId, message.threadId ?? '-', message.user.userId].join(':');
}

class DuplicateEventError extends Error {}

const MAX_ATTEMPTS = 8;

export interface TurnObserver {
  (turn: { platform: string; outcome: 'ok' | 'duplicate' | 'error'; seconds: number }): void;
}

export class ShuttingDownError extends Error {
  constructor() {
    super('Steward is shutting down and takes no new turns');
    this.name = 'ShuttingDownError';
  }
}

export class ConversationEngine {
  private readonly inflight = new Set<Promise<unknown>>();
  private accepting = true;
  /** When old event ids were last forgotten (every instance does it now and then; it is idempotent). */
  private forgotAt = 0;

  constructor(
    private readonly db: Db,
    private readonly deps: DialogueDeps,
    private readonly observe?: TurnObserver,
    /** Called after a turn that queued outgoing messages, so they go out now rather than at the next poll. */
    private readonly onQueued?: () => void,
  ) {}

  /** Turns still running (an adapter may have acknowledged the request already). */
  get inflightTurns(): number {
    return this.inflight.size;
  }

  /** For shutdown: refuse new turns, and wait (up to `timeoutMs`) for those in flight to finish. */
  async drain(timeoutMs = 10_000): Promise<void> {
    this.accepting = false;
    const deadline = new Promise((resolve) => setTimeout(resolve, timeoutMs).unref());
    await Promise.race([Promise.allSettled([...this.inflight]), deadline]);
  }

  /** Whether a platform's event (Slack event_id, Teams activity id) was already taken as a turn. */
  hasHandled(platform: string, eventId: string): Promise<boolean> {
    return isRemembered(this.db, `${platform}:${eventId}`);
  }

  async handle(message: InboundMessage): Promise<TurnResult> {
    if (!this.accepting) throw new ShuttingDownError();
    const started = performance.now();
    const turn = this.run(message);
    this.inflight.add(turn);
    try {
      const result = await turn;
      this.observe?.({
        platform: message.platform,
        outcome: result.duplicate ? 'duplicate' : 'ok',
        seconds: (performance.now() - started) / 1000,
      });
      return result;
    } catch (error) {
      this.observe?.({ platform: message.platform, outcome: 'error', seconds: (performance.now() - started) / 1000 });
      throw error;
    } finally {
      this.inflight.delete(turn);
    }
  }

  private async run(message: InboundMessage): Promise<TurnResult> {
    const eventKey = message.eventId ? `${message.platform}:${message.eventId}` : undefined;
    const key = conversationKey(message);
    const speaker: Owner = {
      platform: message.platform,
      userId: message.user.userId,
      ...(message.user.displayName ? { displayName: message.user.displayName } : {}),
      ...(message.user.email ? { email: message.user.email } : {}),
    };
    const ctx: DialogueContext = {
      ...this.deps,
      speaker,
      db: this.db,
      address: { channelId: message.channelId, ...(message.threadId ? { threadId: message.threadId } : {}) },
      requestHuman: undefined,
    };
    const requestHuman = this.deps.requestHuman;
    if (requestHuman)
      ctx.requestHuman = (question, tx) => requestHuman(question, { speaker, address: ctx.address! }, tx);
    for (let attempt = 1; ; attempt += 1) {
      // Cheap early exit for redeliveries; the insert inside the transaction is what really guards.
      if (eventKey && (await isRemembered(this.db, eventKey))) return { replies: [], duplicate: true };
      const conversation = await this.loadConversation(key, message);
      const { state, recovered } = parseConversationState(conversation.state);
      const outcome = await converse(state, message.text, ctx);
      try {
        const replies = await this.db.$transaction(async (tx) => {
          if (eventKey) {
            if (!(await rememberEvent(tx, eventKey))) throw new DuplicateEventError();
          }
          const committed = outcome.commit ? await outcome.commit(tx) : undefined;
          const nextState = committed?.state ?? outcome.state;
          const saved = await tx.conversation.updateMany({
            where: { key, version: conversation.version },
            data: { state: nextState as unknown as Prisma.InputJsonValue, version: { increment: 1 } },
          });
          if (saved.count !== 1) throw new ConcurrentTurnError(key);
          return [...outcome.replies, ...(committed?.replies ?? [])];
        });
        if (recovered)
          replies.unshift({ text: "Sorry, I lost track of where we were, so we're starting fresh.", tone: 'warning' });
        // Most turns queue nothing: only those that did wake the outbox, instead of a claim after every turn.
        const queued = Boolean(outcome.commit) || Boolean(ctx.turn?.handedOver);
        if (queued) this.onQueued?.();
        if (eventKey) await this.forgetOldEventsHourly();
        return { replies, duplicate: false, queued };
      } catch (error) {
        if (error instanceof DuplicateEventError) return { replies: [], duplicate: true };
        if (error instanceof ConcurrentTurnError && attempt < MAX_ATTEMPTS) continue;
        throw error;
      }
    }
  }

  /** Once an hour at most, after a turn: event ids older than their platforms' retries are forgotten. */
  private async forgetOldEventsHourly(now = Date.now()): Promise<void> {
    if (now - this.forgotAt < 60 * 60 * 1000) return;
    this.forgotAt = now;
    await forgetOldEvents(this.db, new Date(now));
  }

  private async loadConversation(key: string, message: InboundMessage) {
    const existing = await this.db.conversation.findUnique({ where: { key } });
    if (existing) return existing;
    // Two first messages may race: create-if-absent, then read whichever row won.
    await this.db.conversation.createMany({
      data: [
        {
          key,
          platform: message.platform,
          channelId: message.channelId,
          threadId: message.threadId ?? null,
          userId: message.user.userId,
          state: { mode: 'idle' },
        },
      ],
      skipDuplicates: true,
    });
    return this.db.conversation.findUniqueOrThrow({ where: { key } });
  }
}
