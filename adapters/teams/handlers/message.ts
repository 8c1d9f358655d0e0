import { TurnContext } from 'botbuilder';
import type { Reply } from '../../../src/chat/reply.ts';
import { conversationKey } from '../../../src/runtime/port.ts';
import { STALE_CLICK_NOTICE } from '../../../src/runtime/port.ts';
import { answeredCard, cardActivity, needsCard, promptOf, replyActivity } from '../cards.ts';
import type { CardAction } from '../cards.ts';
import { inboundMessage, isPersonal, messageText, userIdOf } from '../inbound.ts';
import type { OpenQuestion } from '../references.ts';
import type { TeamsBotDeps } from '../deps.ts';
import { relayIfHandoffReply } from '../handoffs.ts';

// A user's message, typed or clicked: the core handles it, the replies go back as messages and cards
// in the same chat or thread. Once the user answers (typing or clicking), the open question card is
// redrawn as "✔ <answer>"; a click on an older card is turned away by the core, and its card says so.

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

  // Only question cards carry an ask: a button on a card that asks nothing ("Ask a human" under a
  // handbook answer) is never stale, and works like typing its value.
  const result = await deps.services.handleTurn({ ...inbound, ...(click?.ask ? { ask: click.ask } : {}) });
  if (result.duplicate) return;
  if (result.stale) {
    if (activity.replyToId && click)
      await context.updateActivity({
        ...cardActivity(answeredCard(click.prompt, 'This question has moved on.'), click.prompt),
        id: activity.replyToId,
      });
    await context.sendActivity(replyActivity(result.replies[0] ?? STALE_CLICK_NOTICE));
    return;
  }
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
