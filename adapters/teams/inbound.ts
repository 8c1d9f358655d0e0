import type { Activity } from 'botbuilder';
import type { InboundMessage } from '../../src/runtime/port.ts';
import { tidyText } from '../shared/tidy-text.ts';
import { htmlToText, plainText } from './html-text.ts';
import type { TeamsChannelData } from './types.ts';

// Teams activities in the core's terms: who spoke, where, and what they said.

export const PLATFORM = 'teams';

export function channelDataOf(activity: Partial<Activity>): TeamsChannelData {
  return (activity.channelData ?? {}) as TeamsChannelData;
}

/** Reviewers and makers are known by their Entra object id; the Emulator has none, so its user id stands in. */
export function userIdOf(activity: Partial<Activity>): string {
  return activity.from?.aadObjectId ?? activity.from?.id ?? 'unknown';
}

export function isPersonal(activity: Partial<Activity>): boolean {
  const type = activity.conversation?.conversationType;
  return type === 'personal' || (type === undefined && !activity.conversation?.isGroup);
}

/** How Teams writes the bot's mention in `text`: the entity's own text, else "<at>Name</at>". */
function botMentions(activity: Partial<Activity>): string[] {
  const botId = activity.recipient?.id;
  const written: string[] = [];
  for (const entity of activity.entities ?? []) {
    const { mentioned, text } = entity as { mentioned?: { id?: string; name?: string }; text?: string };
    if (entity.type !== 'mention' || !botId || mentioned?.id !== botId) continue;
    if (text) written.push(text);
    // Teams has been seen leaving the entity's text out when a name holds "&" (botbuilder-js#2083).
    if (mentioned.name) written.push(`<at>${mentioned.name}</at>`);
    if (mentioned.name?.includes('&')) written.push(`<at>${mentioned.name.replace(/&/gu, '&amp;')}</at>`);
  }
  return written;
}

/**
 * What the person typed: without the bot's own @mention (Teams puts "<at>Steward</at>" in channel
 * messages), other people's mentions as their names, HTML entities decoded, and in html/xml text the
 * markup read as text. A "<" typed in plain text stays (Teams sends it raw there, as "&lt;" in html).
 */
export function messageText(activity: Partial<Activity>): string {
  let text = activity.text ?? '';
  for (const mention of botMentions(activity)) text = text.split(mention).join(' ');
  const format = activity.textFormat?.toLowerCase();
  return tidyText(format === 'xml' || format === 'html' ? htmlToText(text) : plainText(text));
}

/**
 * Where a message belongs. A channel message's conversation id ends in ";messageid=<root post>": that
 * root is the thread, and the channel id comes without it.
 */
export function locationOf(activity: Partial<Activity>): { channelId: string; threadId?: string } {
  const conversationId = activity.conversation?.id ?? 'unknown';
  if (isPersonal(activity)) return { channelId: conversationId };
  const [base, ...rest] = conversationId.split(';');
  const rootId = /(?:^|;)messageid=([^;]+)/u.exec(rest.join(';'))?.[1];
  const channelData = channelDataOf(activity);
  const channelId = channelData.channel?.id ?? channelData.teamsChannelId ?? base ?? conversationId;
  const threadId = rootId ?? activity.replyToId ?? activity.id;
  return { channelId, ...(threadId ? { threadId } : {}) };
}

type Mention = NonNullable<InboundMessage['mentions']>[number];

/**
 * The people a message mentions, other than the bot, as their mention reads in `text` (Teams' "<at>Pat
 * Lee</at>" becomes "Pat Lee"). A person is known by their Entra object id where Teams gives it, as
 * makers are (userIdOf), else by their Teams id.
 */
export function mentionsOf(activity: Partial<Activity>, text: string): Mention[] {
  const botId = activity.recipient?.id;
  const mentions: Mention[] = [];
  for (const entity of activity.entities ?? []) {
    const { mentioned, text: written } = entity as {
      mentioned?: { id?: string; name?: string; aadObjectId?: string };
      text?: string;
    };
    const userId = mentioned?.aadObjectId ?? mentioned?.id;
    if (entity.type !== 'mention' || !userId || mentioned?.id === botId) continue;
    if (mentions.some((mention) => mention.userId === userId)) continue;
    const readable = tidyText(plainText(written ?? '')) || mentioned?.name || '';
    if (readable === '' || !text.includes(readable)) continue;
    mentions.push({ userId, ...(mentioned?.name ? { displayName: mentioned.name } : {}), text: readable });
  }
  return mentions;
}

export function inboundMessage(activity: Partial<Activity>, text: string): InboundMessage {
  const mentions = mentionsOf(activity, text);
  return {
    platform: PLATFORM,
    ...locationOf(activity),
    user: { userId: userIdOf(activity), ...(activity.from?.name ? { displayName: activity.from.name } : {}) },
    text,
    ...(mentions.length > 0 ? { mentions } : {}),
    ...(activity.id ? { eventId: activity.id } : {}),
  };
}
