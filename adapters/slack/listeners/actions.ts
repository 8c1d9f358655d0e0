import type { App, BlockAction, BlockElementAction } from '@slack/bolt';
import { ACTION_IDS, parseQuestionBlockId } from '../blocks.ts';
import { registrationModal } from '../modal.ts';
import { isReviewAction } from '../review.ts';
import type { SlackRuntime } from '../runtime.ts';
import { APOLOGY_NOT_SAVED } from '../turns.ts';
import { STALE_CLICK_NOTICE } from '../../../src/runtime/port.ts';

// Clicks (block_actions). A choice or button is the user's answer: its value goes to the core as if
// typed. Escalation buttons ("review approve ...") go to the review desk. Each click is acked at once.

const ANSWER_CONTROLS = new RegExp(`^(${ACTION_IDS.button}|${ACTION_IDS.select})`, 'u');

interface Clicked {
  value: string;
  /** How the answer reads on the question, e.g. the button's label. */
  label: string;
}

function clicked(action: BlockElementAction): Clicked | undefined {
  if (action.type === 'button' && action.value !== undefined) return { value: action.value, label: action.text.text };
  if (action.type === 'static_select' && action.selected_option)
    return { value: action.selected_option.value, label: action.selected_option.text.text };
  return undefined;
}

/** The title of the clicked message (its header block), e.g. "Review needed: APP-0042 Complaint tracker". */
function headerOf(message: BlockAction['message']): string | undefined {
  const blocks = (message?.blocks ?? []) as Array<{ type?: string; text?: { text?: string } }>;
  return blocks.find((block) => block.type === 'header')?.text?.text;
}

export function registerActionListeners(app: App, slack: SlackRuntime): void {
  const apologize = async (body: BlockAction, text = APOLOGY_NOT_SAVED) => {
    const channel = body.channel?.id ?? body.user.id;
    await slack.web.chat.postEphemeral({ channel, user: body.user.id, text }).catch((error: unknown) => {
      slack.logger.error(
        { err: error instanceof Error ? error.message : String(error) },
        'could not tell the user about a failure',
      );
    });
  };

  const answer = async (body: BlockAction, blockId: string, choice: Clicked) => {
    if (isReviewAction(choice.value)) {
      await slack.reviews.onClick({
        value: choice.value,
        user: { id: body.user.id, username: body.user.username },
        channel: body.channel?.id ?? '',
        triggerId: body.trigger_id,
        ...(headerOf(body.message) ? { subject: headerOf(body.message) } : {}),
      });
      return;
    }
    const message = body.message;
    const channel = body.channel?.id;
    if (!message || !channel) return;
    const { askedTo, ask } = parseQuestionBlockId(blockId) ?? {};
    if (askedTo && askedTo !== body.user.id) {
      await apologize(body, `This question is for <@${askedTo}>. Mention me to start your own conversation.`);
      return;
    }
    const outcome = await slack.turns.run({
      user: { id: body.user.id, username: body.user.username },
      channel,
      ...(message.thread_ts ? { threadTs: String(message.thread_ts) } : {}),
      text: choice.value,
      // One answer per question message: double clicks and redelivered clicks change nothing.
      eventId: `action:${channel}:${message.ts}`,
      answerLabel: choice.label,
      ...(ask ? { ask } : {}),
    });
    if (outcome === 'stale') await apologize(body, STALE_CLICK_NOTICE.text);
  };

  app.action<BlockAction>({ action_id: ANSWER_CONTROLS }, async ({ ack, body, action }) => {
    await ack();
    const choice = clicked(action);
    if (!choice) return;
    try {
      await answer(body, action.block_id, choice);
    } catch (error) {
      slack.logger.error({ err: error instanceof Error ? error.message : String(error) }, 'click failed');
      await apologize(body);
    }
  });

  // Ticking boxes only changes the message's state; the Done button sends the picks.
  app.action<BlockAction>(ACTION_IDS.pick, async ({ ack }) => {
    await ack();
  });

  app.action<BlockAction>(ACTION_IDS.submitPicks, async ({ ack, body, action }) => {
    await ack();
    const picked = body.state?.values[action.block_id]?.[ACTION_IDS.pick]?.selected_options ?? [];
    const choice: Clicked =
      picked.length === 0
        ? { value: 'none', label: 'None' }
        : {
            value: picked.map((option) => option.value).join(', '),
            label: picked.map((option) => option.text.text).join(', '),
          };
    try {
      await answer(body, action.block_id, choice);
    } catch (error) {
      slack.logger.error({ err: error instanceof Error ? error.message : String(error) }, 'click failed');
      await apologize(body);
    }
  });

  app.action<BlockAction>(ACTION_IDS.openRegistration, async ({ ack, body }) => {
    await ack();
    try {
      await slack.web.views.open({ trigger_id: body.trigger_id, view: registrationModal(slack.services.policy) });
    } catch (error) {
      slack.logger.error(
        { err: error instanceof Error ? error.message : String(error) },
        'could not open the registration form',
      );
      await apologize(body, "Sorry, I couldn't open the form. Please try again, or message me *register*.");
    }
  });
}
