import type { Activity } from 'botbuilder';
import { recordHandoffThread, relayHumanAnswer } from '../../src/handbook/handoff.ts';
import type { OutboxTransport } from '../../src/outbox/transport.ts';
import type { Services } from '../../src/runtime/services.ts';
import { isPersonal, locationOf, userIdOf } from './inbound.ts';

// "Ask a human" on Teams: the question posted to the team's channel starts a thread; a reviewer's
// reply there (mentioning Steward, as Teams only shows a bot the messages that mention it) is the answer.

export function handoffThreadKey(conversationId: string, rootActivityId: string): string {
  return `teams:${conversationId.split(';')[0]}:${rootActivityId}`;
}

/** Wraps the transport so a delivered handoff question remembers its thread. */
export function recordingHandoffThreads(transport: OutboxTransport, db: Services['db']['prisma']): OutboxTransport {
  return {
    ...transport,
    async deliver(message) {
      const delivered = await transport.deliver(message);
      const handoffId = message.payload.handoffId;
      const receipt = delivered.receipt;
      if (typeof handoffId === 'string' && !message.destination.startsWith('user:') && receipt?.conversationId && receipt.activityId) {
        await recordHandoffThread(db, handoffId, handoffThreadKey(receipt.conversationId, receipt.activityId));
      }
      return delivered;
    },
  };
}

/** A channel reply in the thread of a handed-over question is relayed; returns whether it was one. */
export async function relayIfHandoffReply(services: Services, activity: Partial<Activity>, text: string): Promise<boolean> {
  if (isPersonal(activity) || !activity.conversation?.id) return false;
  const { threadId } = locationOf(activity);
  if (!threadId || threadId === activity.id) return false;
  const outcome = await relayHumanAnswer(services.db.prisma, {
    threadKey: handoffThreadKey(activity.conversation.id, threadId),
    answer: text,
    reviewer: { platform: 'teams', userId: userIdOf(activity), ...(activity.from?.name ? { displayName: activity.from.name } : {}) },
    ...(activity.id ? { messageId: `teams:${activity.id}` } : {}),
  });
  if (outcome.kind === 'ignored' && outcome.reason === 'unknown-handoff') return false;
  if (outcome.kind === 'relayed') void services.worker.drain().catch(() => undefined);
  return true;
}
