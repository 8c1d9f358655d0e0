import type { TurnContext } from 'botbuilder';
import { parseReviewAction } from '../../../src/runtime/port.ts';
import type { DecisionOutcome } from '../../../src/runtime/port.ts';
import { replyActivity } from '../cards.ts';
import type { CardAction } from '../cards.ts';
import { PLATFORM, userIdOf } from '../inbound.ts';
import type { TeamsBotDeps } from '../deps.ts';

// A reviewer's Approve / Reject / Request changes on an escalation card. The core checks the clicker is
// a reviewer of that team (audits refusals), records the first decision and queues the card updates and
// the maker's notice; this handler only says how it went, to the clicker alone.

type ReviewClick = Extract<CardAction, { kind: 'review' }>;

/** The `adaptiveCard/action` invoke response: a message Teams shows to the clicker only. */
export interface CardActionResponse {
  statusCode: number;
  type: 'application/vnd.microsoft.activity.message' | 'application/vnd.microsoft.error';
  value: string | { code: string; message: string };
}

async function decideFromCard(
  context: TurnContext,
  deps: TeamsBotDeps,
  click: ReviewClick,
): Promise<DecisionOutcome | undefined> {
  const action = parseReviewAction(click.action);
  if (!action) return undefined;
  const activity = context.activity;
  const outcome = await deps.services.decide({
    ...action,
    ...(click.reason ? { reason: click.reason } : {}),
    reviewer: {
      platform: PLATFORM,
      userId: userIdOf(activity),
      ...(activity.from?.name ? { displayName: activity.from.name } : {}),
    },
  });
  // The updated escalation cards and the maker's notice are in the outbox: send them now.
  void deps.services.deliverNow();
  return outcome;
}

/** Action.Execute: the outcome as an invoke response, seen by the clicker only. */
export async function reviewFromInvoke(
  context: TurnContext,
  deps: TeamsBotDeps,
  click: ReviewClick,
): Promise<CardActionResponse> {
  const outcome = await decideFromCard(context, deps, click);
  if (!outcome)
    return {
      statusCode: 400,
      type: 'application/vnd.microsoft.error',
      value: { code: 'BadRequest', message: 'This button is not a review action.' },
    };
  return { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: outcome.text };
}

/**
 * Action.Submit (clients without Universal Actions): a submit can only be answered in the
 * conversation, so refusals are replied in the thread; a decision shows on the updated card.
 */
export async function reviewFromSubmit(context: TurnContext, deps: TeamsBotDeps, click: ReviewClick): Promise<void> {
  const outcome = await decideFromCard(context, deps, click);
  if (!outcome) return;
  if (outcome.kind !== 'decided') await context.sendActivity(replyActivity({ text: outcome.text, tone: 'warning' }));
}
