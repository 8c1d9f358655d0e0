import type { DialogueContext } from '../intake/context.ts';
import { converse } from '../intake/dialogue.ts';
import { parseConversationState } from '../intake/state.ts';
import type { LastQuestion } from '../intake/state.ts';
import type { Owner } from '../profile/schema.ts';
import type { Store } from '../store/store.ts';
import { ConcurrentTurnError } from '../store/types.ts';
import type { Reply } from '../chat/reply.ts';

// Runs one turn of a conversation: load its state, converse, and save the new state together with
// every effect of the turn in one transaction. Racing turns retry on fresh state; duplicates do nothing.
// One question is live per conversation: the last one asked, until the next turn. A click on an older
// one is refused here, the same way on every platform.

export interface InboundMessage {
  platform: string;
  /** DM or channel id. */
  channelId: string;
  /** Thread the message belongs to, when the platform threads replies. */
  threadId?: string;
  user: { userId: string; displayName?: string; email?: string };
  text: string;
  /**
   * People the message mentions, as the platform identifies them (Slack <@U…>, Teams <at> entities):
   * adapters turn a mention into readable text ("@Pat Lee"), and this keeps who it was.
   */
  mentions?: Mention[];
  /** The platform's id for this delivery (Slack event_id, Teams activity id): a second delivery is ignored. */
  eventId?: string;
  /**
   * The message's own identity, where one message can arrive as several deliveries with different
   * event ids (Slack: channel and ts, and client_msg_id): any of them seen before makes this a duplicate.
   */
  messageKeys?: string[];
  /** For a click on a question: the `ask` of the reply clicked. A question no longer live is not answered. */
  ask?: string;
  /**
   * The platform says this delivery may repeat an earlier one (a Slack retry): it is looked for before
   * any work is done. Clicks are always looked for. Otherwise only the turn's transaction checks.
   */
  mayRepeat?: boolean;
}

interface Mention {
  userId: string;
  displayName?: string;
  /** The mention as it reads in `text` ("@Pat Lee"). */
  text: string;
}

export interface TurnResult {
  replies: Reply[];
  /** True when the event had already been handled: nothing was done and nothing should be sent. */
  duplicate: boolean;
  /** True when a click answered a question that is no longer live: nothing changed; the replies say so. */
  stale: boolean;
  /** The turn may have queued outgoing messages (it submitted an app, or handed a question over). */
  queued?: boolean;
}

export type DialogueDeps = Omit<
  DialogueContext,
  'speaker' | 'store' | 'address' | 'turn' | 'requestHuman' | 'mentions'
> & {
  requestHuman?(
    question: LastQuestion,
    maker: { speaker: Owner; address: { channelId: string; threadId?: string } },
    tx: Store,
  ): Promise<Reply[]>;
};

export const STALE_CLICK_NOTICE: Reply = {
  text: 'That question has already been answered or has moved on, so I ignored the click. Please answer the latest one.',
  tone: 'info',
};

export function conversationKey(message: Pick<InboundMessage, 'platform' | 'channelId' | 'threadId' | 'user'>): string {
  return [message.platform, message.channelId, message.threadId ?? '-', message.user.userId].join(':');
}

class DuplicateEventError extends Error {}

const MAX_ATTEMPTS = 8;
const HOUR_MS = 60 * 60 * 1000;

export interface TurnObserver {
  (turn: { platform: string; outcome: 'ok' | 'duplicate' | 'error'; seconds: number }): void;
}

export class ConversationEngine {
  /** When old event ids and expired adapter state were last forgotten (any instance may; it is idempotent). */
  private forgotAt = 0;

  constructor(
    private readonly store: Store,
    /** Read on each turn: the policy in force (and so the dialogue's deps) may change between turns. */
    private readonly deps: () => DialogueDeps,
    private readonly observe?: TurnObserver,
    /** Called after a turn that queued outgoing messages, so they go out now rather than at the next poll. */
    private readonly onQueued?: () => void,
  ) {}

  async handle(message: InboundMessage): Promise<TurnResult> {
    const started = performance.now();
    const seconds = () => (performance.now() - started) / 1000;
    try {
      const result = await this.run(message);
      this.observe?.({
        platform: message.platform,
        outcome: result.duplicate ? 'duplicate' : 'ok',
        seconds: seconds(),
      });
      return result;
    } catch (error) {
      this.observe?.({ platform: message.platform, outcome: 'error', seconds: seconds() });
      throw error;
    }
  }

  private async run(message: InboundMessage): Promise<TurnResult> {
    const seenKeys = rememberedKeys(message);
    const key = conversationKey(message);
    const speaker: Owner = {
      platform: message.platform,
      userId: message.user.userId,
      ...(message.user.displayName ? { displayName: message.user.displayName } : {}),
      ...(message.user.email ? { email: message.user.email } : {}),
    };
    const deps = this.deps();
    const ctx: DialogueContext = {
      ...deps,
      speaker,
      mentions: message.mentions ?? [],
      store: this.store,
      address: { channelId: message.channelId, ...(message.threadId ? { threadId: message.threadId } : {}) },
      requestHuman: undefined,
    };
    const requestHuman = deps.requestHuman;
    if (requestHuman)
      ctx.requestHuman = (question, tx) => requestHuman(question, { speaker, address: ctx.address! }, tx);
    const place = {
      platform: message.platform,
      channelId: message.channelId,
      ...(message.threadId ? { threadId: message.threadId } : {}),
      userId: message.user.userId,
    };
    // A redelivery (also of a click taken while its question was live) is a duplicate, never stale.
    // The insert inside the transaction is what guards; this early look saves the work of a likely repeat.
    const lookFirst = seenKeys.length > 0 && (message.mayRepeat === true || message.ask !== undefined);
    for (let attempt = 1; ; attempt += 1) {
      if (lookFirst && (await this.anyRemembered(seenKeys))) return DUPLICATE;
      const conversation = await this.store.conversations.open(key, place);
      if (message.ask !== undefined && message.ask !== askOf(conversation.version))
        return { replies: [STALE_CLICK_NOTICE], duplicate: false, stale: true };
      const { state, recovered } = parseConversationState(conversation.state);
      const outcome = await converse(state, message.text, ctx);
      try {
        const replies = await this.store.transaction(async (tx) => {
          // Every key is remembered, or none: a duplicate's rollback also forgets the keys it did record.
          // One statement for all of them: on PGlite every statement is a round trip holding the one connection.
          if (!(await tx.events.rememberAll(seenKeys))) throw new DuplicateEventError();
          const committed = outcome.commit ? await outcome.commit(tx) : undefined;
          await tx.conversations.save(key, conversation.version, committed?.state ?? outcome.state);
          return [...outcome.replies, ...(committed?.replies ?? [])];
        });
        if (recovered)
          replies.unshift({ text: "Sorry, I lost track of where we were, so we're starting fresh.", tone: 'warning' });
        // Questions asked now are live until the next turn, which saves the next version.
        const ask = askOf(conversation.version + 1);
        const asked = replies.map((reply) => (reply.questionId ? { ...reply, ask } : reply));
        // Most turns queue nothing: only those that did wake the outbox, instead of a claim after every turn.
        const queued = Boolean(outcome.commit) || Boolean(ctx.turn?.handedOver);
        if (queued) this.onQueued?.();
        if (seenKeys.length > 0) await this.forgetHourly();
        return { replies: asked, duplicate: false, stale: false, queued };
      } catch (error) {
        if (error instanceof DuplicateEventError) return DUPLICATE;
        if (error instanceof ConcurrentTurnError && attempt < MAX_ATTEMPTS) continue;
        throw error;
      }
    }
  }

  private anyRemembered(keys: string[]): Promise<boolean> {
    return this.store.events.anyRemembered(keys);
  }

  /** Once an hour at most, after a turn: event ids older than their platforms' retries, and expired adapter state. */
  private async forgetHourly(now = Date.now()): Promise<void> {
    if (now - this.forgotAt < HOUR_MS) return;
    this.forgotAt = now;
    await this.store.events.forgetOld(new Date(now));
    await this.store.adapterState.forgetExpired(new Date(now));
  }
}

const DUPLICATE: TurnResult = { replies: [], duplicate: true, stale: false };

/** What marks the message as handled: its delivery's event id, and its own identity (in a namespace of its own). */
function rememberedKeys(message: InboundMessage): string[] {
  const delivery = message.eventId ? [`${message.platform}:${message.eventId}`] : [];
  const identity = (message.messageKeys ?? []).map((key) => `${message.platform}:message:${key}`);
  return [...delivery, ...new Set(identity)];
}

/** The ask of questions asked by the turn that saved `version` of the conversation. */
function askOf(version: number): string {
  return String(version);
}
