import type { OutboxTransport, OutgoingMessage } from '../../src/outbox/transport.ts';
import { DeliveryError } from '../../src/outbox/transport.ts';
import { renderReply } from './blocks.ts';
import type { SlackMessage } from './blocks.ts';
import type { ChannelResolver } from './channels.ts';
import { isChannelName } from './channels.ts';
import { SlackDirectory } from './directory.ts';
import type { WebClient } from './web.ts';
import { classifySlackError, slackErrorCode } from './web.ts';

// Delivers the outbox on Slack: escalations and reminders to reviewers' channels, notifications to a
// maker's DM ('user:U123'), or to the DM of a person known only by their e-mail address
// ('email:pat@example.com', found with users.lookupByEmail), and updates of messages delivered before
// (by the receipt { channel, ts }).

interface SlackReceipt extends Record<string, string> {
  channel: string;
  ts: string;
}

const EMAIL_PREFIX = 'email:';

/** Finds people by e-mail address: SlackDirectory, which caches what it finds. */
type EmailDirectory = Pick<SlackDirectory, 'userIdByEmail'>;

const UPDATE_FALLBACK_CODES = new Set(['message_not_found', 'cant_update_message', 'channel_not_found']);

/** Every outbox post carries its outbox id as message metadata, so a post interrupted by a crash can be found. */
const OUTBOX_EVENT = 'steward_outbox';

/**
 * `people` looks up 'email:' destinations; by default a directory of its own on `web`, the delivery
 * client, so a rate-limited lookup fails at once and the outbox worker schedules the retry.
 */
export function createSlackTransport(
  web: WebClient,
  channels: ChannelResolver,
  people: EmailDirectory = new SlackDirectory(web),
): OutboxTransport {
  async function channelFor(destination: string): Promise<{ channel: string; cached: boolean; user?: string }> {
    // Posting to a user id lands in the user's DM with the app.
    if (destination.startsWith('user:')) return { channel: destination.slice('user:'.length), cached: false };
    if (destination.startsWith(EMAIL_PREFIX)) {
      const user = await userByEmail(destination);
      return { channel: user, cached: false, user };
    }
    if (!isChannelName(destination)) return { channel: destination, cached: false };
    const resolved = await call('conversations.list', destination, () => channels.resolve(destination));
    if (!resolved) {
      throw new DeliveryError(
        `Slack channel ${destination} not found: create it, or invite @Steward if it is private`,
        false,
      );
    }
    return { channel: resolved.id, cached: resolved.cached };
  }

  /** The id of the Slack user an 'email:' destination names; a dead letter when there is none. */
  async function userByEmail(destination: string): Promise<string> {
    const address = destination.slice(EMAIL_PREFIX.length).trim();
    if (!/^[^@\s]+@[^@\s]+$/u.test(address)) {
      throw new DeliveryError(`not an e-mail address (destination ${describeDestination(destination)})`, false);
    }
    const user = await call('users.lookupByEmail', destination, () => people.userIdByEmail(address));
    if (!user) {
      // Outbox errors are stored with the row: the address is masked there, as it is in the logs.
      throw new DeliveryError(
        `no Slack user has that e-mail address (destination ${describeDestination(destination)})`,
        false,
      );
    }
    return user;
  }

  async function post(
    destination: string,
    message: SlackMessage,
    outboxId?: string,
    threadTs?: string,
  ): Promise<SlackReceipt> {
    const { channel, cached, user } = await channelFor(destination);
    try {
      const result = await web.chat.postMessage({
        channel,
        text: message.text,
        blocks: message.blocks,
        unfurl_links: false,
        unfurl_media: false,
        ...(threadTs ? { thread_ts: threadTs } : {}),
        ...(outboxId ? { metadata: { event_type: OUTBOX_EVENT, event_payload: { outbox_id: outboxId } } } : {}),
      });
      return { channel: result.channel ?? channel, ts: String(result.ts), ...(user ? { user } : {}) };
    } catch (error) {
      // A cached id may belong to a channel since deleted or recreated: look the name up again next time.
      if (cached && slackErrorCode(error) === 'channel_not_found') {
        await channels.forget(destination);
        throw new DeliveryError(
          `Slack chat.postMessage to ${destination}: the remembered channel id is gone; it will be looked up again`,
          true,
        );
      }
      throw toDeliveryError(error, 'chat.postMessage', destination);
    }
  }

  async function update(message: OutgoingMessage, rendered: SlackMessage): Promise<SlackReceipt> {
    const receipt = message.original?.receipt;
    if (!receipt?.channel || !receipt.ts) return post(message.destination, rendered);
    try {
      await web.chat.update({ channel: receipt.channel, ts: receipt.ts, text: rendered.text, blocks: rendered.blocks });
      return { channel: receipt.channel, ts: receipt.ts };
    } catch (error) {
      // The original was deleted (or cannot be edited): the news still has to reach the channel.
      if (UPDATE_FALLBACK_CODES.has(slackErrorCode(error) ?? '')) return post(message.destination, rendered);
      throw toDeliveryError(error, 'chat.update', message.destination);
    }
  }

  return {
    platform: 'slack',
    async deliver(message) {
      const rendered = renderReply(message.reply);
      const { payload } = message;
      switch (payload.kind) {
        case 'update':
          return { receipt: await update(message, rendered) };
        case 'handoff-answer': {
          // An answer to a question the maker asked in a channel thread goes back into that thread.
          const { channelId, threadId } = payload;
          const inThread = threadId !== null && !channelId.startsWith('D');
          return {
            receipt: inThread
              ? await post(channelId, rendered, message.id, threadId)
              : await post(message.destination, rendered, message.id),
          };
        }
        case 'escalation':
        case 'reminder':
        case 'notification':
        case 'review-digest':
        case 'handoff-question':
          return { receipt: await post(message.destination, rendered, message.id) };
      }
    },
    // After a crash mid-delivery: was it posted? Look for our outbox id in the channel's recent messages.
    async findDelivered(message) {
      switch (message.payload.kind) {
        case 'update':
          return undefined; // editing twice changes nothing
        case 'escalation':
        case 'reminder':
        case 'notification':
        case 'review-digest':
        case 'handoff-question':
        case 'handoff-answer':
          break;
      }
      const target = await channelFor(message.destination);
      let { channel } = target;
      if (message.destination.startsWith('user:') || target.user) {
        const opened = await call('conversations.open', message.destination, () =>
          web.conversations.open({ users: channel }),
        );
        channel = opened.channel?.id ?? channel;
      }
      const history = await call('conversations.history', message.destination, () =>
        web.conversations.history({ channel, limit: 100, include_all_metadata: true }),
      );
      const found = history.messages?.find((candidate) => {
        const metadata = candidate.metadata as
          { event_type?: string; event_payload?: { outbox_id?: unknown } } | undefined;
        return metadata?.event_type === OUTBOX_EVENT && metadata.event_payload?.outbox_id === message.id;
      });
      return found?.ts
        ? { receipt: { channel, ts: found.ts, ...(target.user ? { user: target.user } : {}) } }
        : undefined;
    },
  };
}

async function call<T>(method: string, destination: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw toDeliveryError(error, method, destination);
  }
}

/** 429 -> retry after Retry-After; 5xx, timeouts, unreachable -> retry; anything else Slack refuses -> dead letter. */
function toDeliveryError(error: unknown, method: string, destination: string): DeliveryError {
  if (error instanceof DeliveryError) return error;
  const failure = classifySlackError(error, method);
  const message = `${failure.message} (destination ${describeDestination(destination)})`;
  return new DeliveryError(message, failure.kind !== 'refused', failure.retryAfterMs, failure.uncertain ?? false);
}

/** A destination as errors show it: an e-mail address is masked (p***@example.com), as outbox rows keep errors. */
function describeDestination(destination: string): string {
  if (!destination.startsWith(EMAIL_PREFIX)) return destination;
  const address = destination.slice(EMAIL_PREFIX.length).trim();
  const at = address.lastIndexOf('@');
  if (at <= 0) return `${EMAIL_PREFIX}***`;
  return `${EMAIL_PREFIX}${address.slice(0, 1)}***${address.slice(at)}`;
}
