import { conversationKey } from '../../src/runtime/port.ts';
import type { Reply } from '../../src/chat/reply.ts';
import type { Logger } from '../../src/logger.ts';
import type { InboundMessage, StewardPort } from '../../src/runtime/port.ts';
import { z } from 'zod';
import type { SlackMessage } from './blocks.ts';
import { renderAnswered, renderNotice, renderReply } from './blocks.ts';
import type { SlackDirectory } from './directory.ts';
import type { WebClient } from './web.ts';

// One turn of a Slack conversation (a DM, or a channel thread): the core answers, the question just
// answered is re-drawn as "✔ <answer>" without its buttons, and the replies are posted. A slow turn
// shows "⏳ Working on it…" first, which then becomes the first reply.

export const WORKING_NOTICE = '⏳ Working on it…';
export const APOLOGY_NOT_SAVED =
  "Sorry, something went wrong on my side and that message wasn't saved. Please try again in a moment.";
const APOLOGY_NOT_SHOWN = "Sorry, I couldn't show you my whole answer. Say *status* to see where we are.";

/** After this long without an answer from the core, the user sees the working notice. */
const WORKING_NOTICE_AFTER_MS = 1500;
const PLATFORM = 'slack';

export interface SlackPlace {
  channel: string;
  /** The thread's root in a channel; undefined in a DM, where Steward answers at the top level. */
  threadTs?: string;
}

export interface TurnRequest extends SlackPlace {
  user: { id: string; username?: string };
  /** What the core receives: typed text, or the value of the clicked choice or button. */
  text: string;
  /** People the typed text mentions (other than Steward), as the core's InboundMessage has them. */
  mentions?: InboundMessage['mentions'];
  /** Slack's event id, or an id for the click, so a redelivery changes nothing. */
  eventId: string;
  /** For a typed message, its identity (see InboundMessage), so a copy under another event id changes nothing. */
  messageKeys?: string[];
  /** How the answer reads on the question it answered, e.g. the label of the clicked button. */
  answerLabel?: string;
  /** For clicks on a question: its `ask`, so the core can refuse a question that is no longer live. */
  ask?: string;
  /** Slack says this is a retry of an event it sent before. */
  mayRepeat?: boolean;
}

/** How a Slack turn ended, for the listener that started it (not the core's TurnOutcome). */
export type SlackTurnEnd = 'answered' | 'duplicate' | 'stale' | 'failed';

/** The question message that is waiting for an answer, kept so it can be redrawn once answered. */
// An unanswered question is forgotten after a month: its message then stays as it is.
const PENDING_TTL_MS = 30 * 24 * 60 * 60 * 1000;

const PendingQuestionSchema = z.object({
  channel: z.string(),
  ts: z.string(),
  questionId: z.string(),
  // The message as Steward posted it (Block Kit), to redraw; Slack checks it when it is sent again.
  message: z.custom<SlackMessage>((value) => typeof value === 'object' && value !== null && 'text' in value),
});
type PendingQuestion = z.infer<typeof PendingQuestionSchema>;

export class TurnRunner {
  constructor(
    private readonly services: StewardPort,
    private readonly web: WebClient,
    private readonly directory: SlackDirectory,
    private readonly logger: Logger,
  ) {}

  async run(request: TurnRequest): Promise<SlackTurnEnd> {
    const key = pendingKey(request);
    const notice = this.startNotice(request);
    let replies: Reply[];
    try {
      const person = await this.directory.person(request.user.id);
      const displayName = person.displayName ?? request.user.username;
      const result = await this.services.handleTurn({
        platform: PLATFORM,
        channelId: request.channel,
        ...(request.threadTs ? { threadId: request.threadTs } : {}),
        user: {
          userId: request.user.id,
          ...(displayName ? { displayName } : {}),
          ...(person.email ? { email: person.email } : {}),
        },
        text: request.text,
        ...(request.mentions?.length ? { mentions: request.mentions } : {}),
        eventId: request.eventId,
        ...(request.messageKeys ? { messageKeys: request.messageKeys } : {}),
        ...(request.ask ? { ask: request.ask } : {}),
        ...(request.mayRepeat ? { mayRepeat: true } : {}),
      });
      if (result.duplicate || result.stale) {
        await this.dropNotice(request, await notice.settle());
        return result.duplicate ? 'duplicate' : 'stale';
      }
      replies = result.replies;
    } catch (error) {
      this.logger.error({ err: describe(error), channel: request.channel }, 'Slack turn failed');
      await this.say(request, APOLOGY_NOT_SAVED, await notice.settle());
      return 'failed';
    }
    try {
      const hadPending = await this.closePending(key, replies, request.answerLabel ?? request.text);
      const asked = await this.postReplies(request, key, replies, await notice.settle());
      // A new question overwrote the entry; without one, the answered question is forgotten.
      if (hadPending && !asked) await this.services.state.delete(PLATFORM, key);
    } catch (error) {
      this.logger.error({ err: describe(error), channel: request.channel }, 'Slack replies could not be posted');
      await this.say(request, APOLOGY_NOT_SHOWN, undefined);
      return 'failed';
    }
    // Escalations this turn caused were handed to the outbox worker by the core.
    return 'answered';
  }

  private async postReplies(
    place: TurnRequest,
    key: string,
    replies: Reply[],
    noticeTs: string | undefined,
  ): Promise<boolean> {
    let reuse = noticeTs;
    let pending: PendingQuestion | undefined;
    for (const reply of replies) {
      const message = renderReply(reply, { askedTo: place.user.id });
      let ts: string;
      if (reuse) {
        await this.web.chat.update({ channel: place.channel, ts: reuse, text: message.text, blocks: message.blocks });
        ts = reuse;
        reuse = undefined;
      } else {
        const posted = await this.web.chat.postMessage({
          channel: place.channel,
          ...(place.threadTs ? { thread_ts: place.threadTs } : {}),
          text: message.text,
          blocks: message.blocks,
          unfurl_links: false,
        });
        ts = String(posted.ts);
      }
      if (reply.questionId) pending = { channel: place.channel, ts, questionId: reply.questionId, message };
    }
    if (pending) await this.savePending(key, pending);
    return pending !== undefined;
  }

  /**
   * Redraws the question this turn answered: "✔ <answer>", or just the question when it is asked again
   * below. True when there was one.
   */
  private async closePending(key: string, replies: Reply[], answer: string): Promise<boolean> {
    const pending = await this.loadPending(key);
    if (!pending) return false;
    const askedAgain = replies.some((reply) => reply.questionId === pending.questionId);
    const answered = renderAnswered(pending.message, askedAgain ? undefined : answer);
    try {
      await this.web.chat.update({
        channel: pending.channel,
        ts: pending.ts,
        text: answered.text,
        blocks: answered.blocks,
      });
    } catch (error) {
      // The conversation goes on; the old buttons are refused as stale if clicked.
      this.logger.warn({ err: describe(error) }, 'could not mark the answered question');
    }
    return true;
  }

  private loadPending(key: string): Promise<PendingQuestion | undefined> {
    return this.services.state.get(PLATFORM, key, PendingQuestionSchema);
  }

  private savePending(key: string, pending: PendingQuestion): Promise<void> {
    return this.services.state.set(PLATFORM, key, pending, { ttlMs: PENDING_TTL_MS });
  }

  private startNotice(place: SlackPlace): { settle(): Promise<string | undefined> } {
    let posting: Promise<string | undefined> | undefined;
    const timer = setTimeout(() => {
      posting = this.web.chat
        .postMessage({
          channel: place.channel,
          ...(place.threadTs ? { thread_ts: place.threadTs } : {}),
          ...renderNotice(WORKING_NOTICE),
        })
        .then((posted) => (posted.ts ? String(posted.ts) : undefined))
        .catch(() => undefined);
    }, WORKING_NOTICE_AFTER_MS);
    return {
      settle: async () => {
        clearTimeout(timer);
        return posting ? posting : undefined;
      },
    };
  }

  private async dropNotice(place: SlackPlace, noticeTs: string | undefined): Promise<void> {
    if (noticeTs) await this.web.chat.delete({ channel: place.channel, ts: noticeTs }).catch(() => undefined);
  }

  /** A short message in the conversation (an apology); replaces the working notice if one is showing. */
  private async say(place: SlackPlace, text: string, noticeTs: string | undefined): Promise<void> {
    const message = renderReply({ text, tone: 'error' });
    try {
      if (noticeTs) await this.web.chat.update({ channel: place.channel, ts: noticeTs, ...message });
      else
        await this.web.chat.postMessage({
          channel: place.channel,
          ...(place.threadTs ? { thread_ts: place.threadTs } : {}),
          ...message,
        });
    } catch (error) {
      this.logger.error({ err: describe(error), channel: place.channel }, 'could not tell the user about a failure');
    }
  }
}

/** One waiting question per conversation: the same key the core uses for the conversation. */
function pendingKey(request: TurnRequest): string {
  return `question:${conversationKey({ platform: PLATFORM, channelId: request.channel, ...(request.threadTs ? { threadId: request.threadTs } : {}), user: { userId: request.user.id } })}`;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
