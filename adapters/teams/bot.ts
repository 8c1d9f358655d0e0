import { ActivityTypes } from 'botbuilder';
import type { TurnContext } from 'botbuilder';
import { ShuttingDownError } from '../../src/runtime/port.ts';
import { readCardAction, replyActivity } from './cards.ts';
import type { TeamsBotDeps } from './deps.ts';
import { handleMembership } from './handlers/membership.ts';
import { handleMessage } from './handlers/message.ts';
import type { CardActionResponse } from './handlers/review.ts';
import { reviewFromInvoke, reviewFromSubmit } from './handlers/review.ts';
import type { AdaptiveCardInvokeValue } from './types.ts';

// One turn: routes an authenticated activity to its handler. Errors are handled here, not by the
// adapter's onTurnError, which would also swallow the failures of proactive sends.

const SORRY = "Sorry, something went wrong on my side and that message wasn't saved. Please try again.";
const MAX_REMEMBERED_USERS = 10_000;

export function createTeamsBot(deps: TeamsBotDeps): (context: TurnContext) => Promise<void> {
  return async (context) => {
    const activity = context.activity;
    if (deps.rememberedUsers.size > MAX_REMEMBERED_USERS) deps.rememberedUsers.clear();
    try {
      switch (activity.type) {
        case ActivityTypes.Message:
          return await onMessage(context, deps);
        case ActivityTypes.Invoke:
          return await onInvoke(context, deps);
        case ActivityTypes.ConversationUpdate:
        case ActivityTypes.InstallationUpdate:
          return await handleMembership(context, deps);
        default:
          // Reactions, typing and future events need nothing from Steward.
          return;
      }
    } catch (error) {
      // A 5xx makes Teams deliver the activity again, to this instance's successor.
      if (error instanceof ShuttingDownError) throw error;
      deps.logger.error(
        { activityType: activity.type, name: activity.name, error: describe(error) },
        'Teams: turn failed',
      );
      if (activity.type === ActivityTypes.Invoke) {
        await respond(context, {
          statusCode: 500,
          type: 'application/vnd.microsoft.error',
          value: { code: 'InternalError', message: SORRY },
        });
      } else if (activity.type === ActivityTypes.Message) {
        await context.sendActivity(replyActivity({ text: SORRY, tone: 'error' })).catch(() => undefined);
      }
    }
  };
}

async function onMessage(context: TurnContext, deps: TeamsBotDeps): Promise<void> {
  const { value, text } = context.activity;
  if (value === undefined) return handleMessage(context, deps);
  // Action.Submit: Teams sends the card's data as the message value, with no text.
  const action = readCardAction(value);
  if (action?.kind === 'review') return reviewFromSubmit(context, deps, action);
  if (action?.kind === 'answer') return handleMessage(context, deps, action);
  // Someone else's card (or a malformed one): only its text, if any, means something.
  if (text?.trim()) return handleMessage(context, deps);
}

/** Action.Execute sends an `adaptiveCard/action` invoke; Steward's reviewer buttons use it. */
async function onInvoke(context: TurnContext, deps: TeamsBotDeps): Promise<void> {
  if (context.activity.name !== 'adaptiveCard/action') return;
  const action = readCardAction((context.activity.value as AdaptiveCardInvokeValue | undefined)?.action?.data);
  if (action?.kind === 'review') return respond(context, await reviewFromInvoke(context, deps, action));
  if (action?.kind === 'answer') {
    await handleMessage(context, deps, action);
    return respond(context, {
      statusCode: 200,
      type: 'application/vnd.microsoft.activity.message',
      value: `✔ ${action.label}`,
    });
  }
  return respond(context, {
    statusCode: 400,
    type: 'application/vnd.microsoft.error',
    value: { code: 'BadRequest', message: 'Unknown card action.' },
  });
}

async function respond(context: TurnContext, body: CardActionResponse): Promise<void> {
  await context.sendActivity({ type: ActivityTypes.InvokeResponse, value: { status: 200, body } });
}

/** An error as a log line: name, message and the Bot Connector's status, never request headers (they carry tokens). */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const { statusCode, code } = error as { statusCode?: number; code?: string };
  return [error.name, statusCode, code, error.message].filter((part) => part !== undefined && part !== '').join(' ');
}
