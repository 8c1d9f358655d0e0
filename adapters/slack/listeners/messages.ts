import type { App } from '@slack/bolt';
import { z } from 'zod';
import type { SlackRuntime } from '../runtime.ts';
import { relayThreadReply } from '../handoffs.ts';
import type { ReadMessage } from '../message-text.ts';
import { readMessage, readMessageText } from '../message-text.ts';
import { IncomingMessageSchema } from '../event-shape.ts';
import type { IncomingMessage } from '../event-shape.ts';

// Direct messages (message.im) and @mentions in channels (app_mention, answered in the thread) are
// turns of a conversation with the core. Messages from bots, Steward's own included, and edits,
// deletions and other message subtypes are not.

function parseIncoming(raw: unknown, slack: SlackRuntime): IncomingMessage | undefined {
  const parsed = IncomingMessageSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const fields = parsed.error.issues.map((issue) => issue.path.join('.') || '(event)');
  slack.logger.warn({ fields }, 'ignored a Slack message event of an unexpected shape');
  return undefined;
}

const ClientMessageIdSchema = z.object({ client_msg_id: z.string().min(1).optional() });

/**
 * The message's own identity: Slack may deliver one message under several event ids (as `message` and
 * as `app_mention`, or again with a new id), and the core answers it once. A channel's ts is unique in it;
 * client_msg_id, where the sender's client set one, is the same in every copy.
 */
function messageKeys(raw: unknown, message: IncomingMessage): string[] {
  const clientMessageId = ClientMessageIdSchema.safeParse(raw).data?.client_msg_id;
  return [`${message.channel}:${message.ts}`, ...(clientMessageId ? [`client:${clientMessageId}`] : [])];
}

function fromPerson(message: IncomingMessage): message is IncomingMessage & { user: string } {
  return message.subtype === undefined && message.bot_id === undefined && typeof message.user === 'string';
}

/** What the person typed, without Steward's mention (a bare mention asks for help), and whom they mentioned. */
async function typed(
  slack: SlackRuntime,
  message: IncomingMessage,
  botUserId: string | undefined,
): Promise<ReadMessage> {
  const read = await readMessage(message, { botUserId, directory: slack.directory });
  return read.text === '' ? { text: 'help', mentions: [] } : read;
}

export function registerMessageListeners(app: App, slack: SlackRuntime): void {
  app.message(async ({ message, body, context }) => {
    const event = parseIncoming(message, slack);
    if (!event || !fromPerson(event)) return;
    // In channels Steward only listens to threads (a reviewer answering a handed-over question);
    // everything addressed to it there arrives as app_mention.
    if (event.channel_type !== 'im') {
      const mentionsSteward = context.botUserId !== undefined && (event.text ?? '').includes(`<@${context.botUserId}`);
      if (event.thread_ts && event.thread_ts !== event.ts && !mentionsSteward) {
        const text = await readMessageText(event, { botUserId: context.botUserId, directory: slack.directory });
        await relayThreadReply(slack, {
          channel: event.channel,
          threadTs: event.thread_ts,
          ts: event.ts,
          user: event.user,
          text,
        });
      }
      return;
    }
    if (context.retryNum)
      slack.logger.info({ retryNum: context.retryNum, retryReason: context.retryReason }, 'Slack redelivered an event');
    await slack.turns.run({
      user: { id: event.user },
      channel: event.channel,
      ...(await typed(slack, event, context.botUserId)),
      eventId: body.event_id,
      messageKeys: messageKeys(message, event),
      mayRepeat: Boolean(context.retryNum),
    });
  });

  app.event('app_mention', async ({ event, body, context }) => {
    const mention = parseIncoming(event, slack);
    // A mention in the DM also arrives as message.im (with another event id): answer that one only.
    if (!mention || !fromPerson(mention) || mention.channel_type === 'im' || mention.channel.startsWith('D')) return;
    if (context.retryNum)
      slack.logger.info({ retryNum: context.retryNum, retryReason: context.retryReason }, 'Slack redelivered an event');
    await slack.turns.run({
      user: { id: mention.user },
      channel: mention.channel,
      // A mention starts a thread, or continues the one it was written in.
      threadTs: mention.thread_ts ?? mention.ts,
      ...(await typed(slack, mention, context.botUserId)),
      eventId: body.event_id,
      messageKeys: messageKeys(event, mention),
      mayRepeat: Boolean(context.retryNum),
    });
  });
}
