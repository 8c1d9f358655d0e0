import { TurnContext } from 'botbuilder';
import type { Reply } from '../../../src/chat/reply.ts';
import { conversationKey } from '../../../src/conversation/engine.ts';
import { answeredCard, cardActivity, needsCard, promptOf, replyActivity } from '../cards.ts';
import type { CardAction } from '../cards.ts';
import { PLATFORM, inboundMessage, isPersonal, messageText, userIdOf } from '../inbound.ts';
import type { OpenQuestion } from '../references.ts';
import type { TeamsBotDeps } from '../deps.ts';
import { relayIfHandoffReply } from '../handoffs.ts';

// A user's message, typed or clicked: the core handles it, the replies go back as messages and cards
// in the same chat or thread. One question card per conversation is live: once the user answers
// (typing or clicking), it is redrawn as "✔ <answer>", and clicks on older cards are turned away.

type AnswerClick = Extract<CardAction, { kind: 'answer' }>;

export async function handleMessage(context: TurnContext, deps: TeamsBotDeps, click?: AnswerClick): Promise<void> {
  const activity = context.activity;
  await rememberUser(context, deps);
  const text = click ? click.text : messageText(activity);
  // A reviewer answering a handed-over question in its channel thread: relay it, and say so there.
  const handoff = click ? undefined : await relayIfHandoffReply(deps.services, activity, text);
  if (handoff) {
    if (handoff.reply) await context.sendActivity(replyActivity(handoff.reply));
    return;
  }
  const inbound = inboundMessage(activity, text);
  const key = conversationKey(inbound);
  const open = await deps.references.openQuestion(key);

  // Only question cards can go stale: a button on a card that asks nothing ("Ask a human" under a
  // handbook answer) is never the open question, and works like typing its value.
  if (click?.questionId && isStale(click, open, activity.replyToId)) {
    // A redelivered click that was handled while its card was live must not be turned away now.
    if (await alreadyHandled(deps, activity.id)) return;
    if (activity.replyToId)
      await context.updateActivity({
        ...cardActivity(answeredCard(click.prompt, 'This question has moved on.'), click.prompt),
        id: activity.replyToId,
      });
    await context.sendActivity(
      replyActivity({
        text: 'That card is no longer current, so I ignored the click. Please answer the latest question.',
        tone: 'info',
      }),
    );
    return;
  }

  const result = await deps.services.engine.handle(inbound);
  if (result.duplicate) return;
  if (open) {
    await context.updateActivity({
      ...cardActivity(answeredCard(open.prompt, click ? click.label : preview(text)), open.prompt),
      id: open.activityId,
    });
  }
  let nextOpen: OpenQuestion | undefined;
  for (const reply of result.replies) {
    const sent = await context.sendActivity(replyActivity(reply));
    if (sent?.id && awaitsClick(reply)) {
      nextOpen = {
        activityId: sent.id,
        ...(reply.questionId ? { questionId: reply.questionId } : {}),
        prompt: promptOf(reply),
      };
    } else if (nextOpen && reply.questionId) {
      nextOpen = undefined;
    }
  }
  if (open || nextOpen) await deps.references.setOpenQuestion(key, nextOpen);
}

/** A question card with something to click. */
function awaitsClick(reply: Reply): boolean {
  return Boolean(reply.questionId && needsCard(reply) && (reply.choices?.options.length || reply.buttons?.length));
}

function isStale(click: AnswerClick, open: OpenQuestion | undefined, cardActivityId: string | undefined): boolean {
  if (!open) return true;
  if (cardActivityId && cardActivityId !== open.activityId) return true;
  return Boolean(click.questionId && open.questionId && click.questionId !== open.questionId);
}

/** Whether the core already handled this activity (a redelivery of a click it took while the card was live). */
async function alreadyHandled(deps: TeamsBotDeps, activityId: string | undefined): Promise<boolean> {
  return activityId ? deps.services.engine.hasHandled(PLATFORM, activityId) : false;
}

/** Keeps how to reach this user later: their personal chat, or their Teams id to open one with. */
async function rememberUser(context: TurnContext, deps: TeamsBotDeps): Promise<void> {
  const activity = context.activity;
  const aadObjectId = userIdOf(activity);
  const cacheKey = `${aadObjectId}|${activity.conversation.id.split(';')[0]}`;
  if (deps.rememberedUsers.has(cacheKey)) return;
  if (isPersonal(activity)) {
    const reference = TurnContext.getConversationReference(activity);
    delete reference.activityId;
    await deps.references.saveUser(aadObjectId, { kind: 'personal', reference });
  } else if (activity.serviceUrl) {
    const tenantId =
      activity.conversation.tenantId ?? (activity.channelData as { tenant?: { id?: string } } | undefined)?.tenant?.id;
    await deps.references.saveUser(aadObjectId, {
      kind: 'member',
      serviceUrl: activity.serviceUrl,
      channelId: activity.channelId,
      ...(tenantId ? { tenantId } : {}),
      bot: activity.recipient,
      user: activity.from,
    });
  }
  deps.rememberedUsers.add(cacheKey);
}

function preview(text: string, max = 200): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
