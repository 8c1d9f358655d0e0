import type { Activity } from 'botbuilder';
import type { InboundMessage } from '../../src/chat/engine.ts';
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

/** The message text without the bot's @mention (Teams puts "<at>Steward</at>" in channel messages). */
export function messageText(activity: Partial<Activity>): string {
  let text = activity.text ?? '';
  const botId = activity.recipient?.id;
  for (const entity of activity.entities ?? []) {
    const mentioned = (entity as { mentioned?: { id?: string } }).mentioned;
    const mentionText = (entity as { text?: string }).text;
    if (entity.type === 'mention' && mentioned?.id === botId && mentionText) text = text.split(mentionText).join(' ');
  }
  // Other people's mentions read as their names.
  return text
    .replace(/<at>([^<]*)<\/at>/giu, '$1')
    .replace(/&nbsp;/gu, ' ')
    .replace(/\s+/gu, ' ')
    .trim();
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

export function inboundMessage(activity: Partial<Activity>, text: string): InboundMessage {
  return {
    platform: PLATFORM,
    ...locationOf(activity),
    user: { userId: userIdOf(activity), ...(activity.from?.name ? { displayName: activity.from.name } : {}) },
    text,
    ...(activity.id ? { eventId: activity.id } : {}),
  };
}
