import type { Activity } from 'botbuilder';
import type { Reply } from '../../src/chat/reply.ts';
import type { OutboxTransport } from '../../src/outbox/transport.ts';
import type { StewardPort } from '../../src/runtime/port.ts';
import { isPersonal, locationOf, userIdOf } from './inbound.ts';

// "Ask a human" on Teams: the question posted to the team's channel starts a thread; a reviewer's
// reply there (mentioning Steward, as Teams only shows a bot the messages that mention it) is the answer.

function handoffThreadKey(conversationId: string, rootActivityId: string): string {
  return `teams:${conversationId.split(';')[0]}:${rootActivityId}`;
}

/** Wraps the transport so a delivered handoff question remembers its thread. */
export function recordingTeamsHandoffThreads(transport: OutboxTransport, services: StewardPort): OutboxTransport {
  return services.recordingHandoffThreads(transport, (receipt) =>
    receipt.conversationId && receipt.activityId
      ? handoffThreadKey(receipt.conversationId, receipt.activityId)
      : undefined,
  );
}

/**
 * A channel reply in the thread of a handed-over question is relayed. Undefined when the thread is no
 * handoff (the engine takes the message); otherwise what to say in the thread, if anything.
 */
export async function relayIfHandoffReply(
  services: StewardPort,
  activity: Partial<Activity>,
  text: string,
): Promise<{ reply?: Reply } | undefined> {
  if (isPersonal(activity) || !activity.conversation?.id) return undefined;
  const { threadId } = locationOf(activity);
  if (!threadId || threadId === activity.id) return undefined;
  const outcome = await services.relayHumanAnswer({
    threadKey: handoffThreadKey(activity.conversation.id, threadId),
    answer: text,
    reviewer: {
      platform: 'teams',
      userId: userIdOf(activity),
      ...(activity.from?.name ? { displayName: activity.from.name } : {}),
    },
    ...(activity.id ? { messageId: `teams:${activity.id}` } : {}),
  });
  switch (outcome.kind) {
    case 'relayed':
      void services.deliverNow();
      return { reply: { text: 'Thanks, I passed your answer on to the person who asked.', tone: 'success' } };
    // Teams redelivered a reply already relayed: it was thanked the first time.
    case 'duplicate':
      return {};
    case 'ignored':
      if (outcome.reason === 'unknown-handoff') return undefined;
      if (outcome.reason === 'not-reviewer') return { reply: { text: outcome.text, tone: 'info' } };
      // Nothing was passed on, so the thread must not be told it was.
      if (outcome.reason === 'empty-answer')
        return {
          reply: {
            text: "Write your answer after mentioning me, and I'll pass it on to the person who asked.",
            tone: 'info',
          },
        };
      return {
        reply: {
          text: "This is your own question, so I didn't pass that on. I'll pass the team's answer on to you when someone replies.",
          tone: 'info',
        },
      };
  }
}
