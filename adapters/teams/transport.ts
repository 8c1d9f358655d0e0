import type { OutboxTransport } from '../../src/outbox/transport.ts';
import { DeliveryError } from '../../src/outbox/transport.ts';
import { replyActivity } from './cards.ts';
import { deliveryErrorFrom } from './errors.ts';
import { PLATFORM } from './inbound.ts';
import type { PostedMessage, TeamsProactive } from './proactive.ts';
import type { TeamsReferences } from './references.ts';

// The outbox's way into Teams. Escalations and reminders go to a policy's "Team/Channel", notifications
// to "user:<aadObjectId>"; an update edits the card whose receipt ({ conversationId, activityId }) the
// original delivery returned, or posts a new one when there is none.

export interface DeliveryObserver {
  delivered(destination: string): void;
  /** A destination found unreachable (no stored reference, or the bot was removed from it). */
  unreachable(destination: string, reason: string): void;
}

export function createTeamsTransport(deps: {
  references: TeamsReferences;
  proactive: TeamsProactive;
  observer: DeliveryObserver;
}): OutboxTransport {
  const { references, proactive, observer } = deps;
  return {
    platform: PLATFORM,
    async deliver(message) {
      const destination = message.destination;
      try {
        const stored = await references.find(destination);
        if (!stored) {
          const how = destination.startsWith('user:')
            ? 'the user has not chatted with Steward in Teams yet'
            : 'Steward has not been added to that team (or the team or channel is named differently)';
          throw new DeliveryError(`No Teams conversation is known for "${destination}": ${how}`, false);
        }
        const activity = replyActivity(message.reply);
        switch (message.payload.kind) {
          case 'update': {
            const receipt = message.original?.receipt;
            if (!receipt?.conversationId || !receipt.activityId) break; // nothing to edit: posted anew
            const posted: PostedMessage = { conversationId: receipt.conversationId, activityId: receipt.activityId };
            await proactive.update(stored, posted, activity);
            observer.delivered(destination);
            return { receipt: { ...posted } };
          }
          case 'escalation':
          case 'reminder':
          case 'notification':
          case 'review-digest':
          case 'handoff-question':
          case 'handoff-answer':
            break;
        }
        const userAadObjectId = destination.startsWith('user:') ? destination.slice('user:'.length) : undefined;
        const posted = await proactive.post(stored, activity, userAadObjectId);
        observer.delivered(destination);
        return { receipt: { ...posted } };
      } catch (error) {
        const failure = deliveryErrorFrom(error, destination);
        if (!failure.retryable) observer.unreachable(destination, failure.message);
        throw failure;
      }
    },
  };
}
