import type { App, RespondArguments, SlashCommand } from '@slack/bolt';
import type { Reply } from '../../../src/chat/reply.ts';
import { raceAckBudget } from '../ack-budget.ts';
import { ACTION_IDS, mrkdwnSections, plain, renderReplies } from '../blocks.ts';
import type { SlackMessage } from '../blocks.ts';
import type { SlackRuntime } from '../runtime.ts';
import { plainFromSlackText } from '../text.ts';
import { APOLOGY_NOT_SAVED, WORKING_NOTICE } from '../turns.ts';

// /steward register | ask <question> | status [app] | apps | help. Answers are ephemeral (only the
// person who typed the command sees them). `register` starts the chat intake in the DM with Steward,
// where the rest of the conversation happens; anything else gets the help text.

export const COMMAND = '/steward';

/**
 * Read-only commands run in a conversation of their own (per channel and user), so they never
 * disturb a registration in progress in the DM.
 */
const COMMAND_THREAD = 'slash-command';

type Parsed = { kind: 'register' } | { kind: 'core'; text: string; preface?: Reply };

export function parseSubcommand(text: string): Parsed {
  const [first = '', ...rest] = text.trim().split(/\s+/u);
  const argument = rest.join(' ');
  switch (first.toLowerCase()) {
    case 'register':
      return { kind: 'register' };
    case '':
    case 'help':
      return { kind: 'core', text: 'help' };
    case 'apps':
      return { kind: 'core', text: 'my apps' };
    case 'status':
      return { kind: 'core', text: argument ? `status ${argument}` : 'status' };
    case 'ask':
      if (!argument)
        return {
          kind: 'core',
          text: 'help',
          preface: {
            text: 'What would you like to know? For example: `/steward ask Can I put card numbers in Airtable?`',
            tone: 'info',
          },
        };
      return { kind: 'core', text: `ask ${argument}` };
    default:
      return {
        kind: 'core',
        text: 'help',
        preface: { text: `I don't know \`${COMMAND} ${first.slice(0, 40)}\`. Here's what I can do:`, tone: 'info' },
      };
  }
}

function ephemeral(message: SlackMessage): RespondArguments {
  return { response_type: 'ephemeral', text: message.text, blocks: message.blocks };
}

export function registerCommandListeners(app: App, slack: SlackRuntime): void {
  app.command(COMMAND, async ({ command, ack, respond }) => {
    let acked = false;
    const answer = async (message: RespondArguments) => {
      if (acked) await respond({ ...message, replace_original: true });
      else {
        acked = true;
        await ack(message);
      }
    };
    try {
      // Slack escapes a command's text like a message's ("R&amp;D"); with the manifest's should_escape
      // off, mentions and links arrive as typed, but a "<@U1|name>" from another setup reads the same.
      const parsed = parseSubcommand(plainFromSlackText(command.text));
      if (parsed.kind === 'register') {
        await startRegistration(slack, command, answer);
        return;
      }
      const work = slack.services.handleTurn({
        platform: 'slack',
        channelId: command.channel_id,
        threadId: COMMAND_THREAD,
        user: { userId: command.user_id, displayName: command.user_name },
        text: parsed.text,
        eventId: `command:${command.trigger_id}`,
      });
      let raced = await raceAckBudget(work);
      if (!raced.done) {
        await answer({ response_type: 'ephemeral', text: WORKING_NOTICE });
        raced = { done: true, value: await raced.later };
      }
      const replies = [...(parsed.preface ? [parsed.preface] : []), ...raced.value.replies];
      await answer(ephemeral(renderReplies(replies)));
    } catch (error) {
      slack.logger.error(
        { err: error instanceof Error ? error.message : String(error), command: command.command },
        'slash command failed',
      );
      await answer({ response_type: 'ephemeral', text: APOLOGY_NOT_SAVED }).catch(() => undefined);
    }
  });
}

/** `/steward register`: the questions come in the DM with Steward; a form is one click away. */
async function startRegistration(
  slack: SlackRuntime,
  command: SlashCommand,
  answer: (response: RespondArguments) => Promise<void>,
): Promise<void> {
  const opened = await slack.web.conversations.open({ users: command.user_id });
  const dm = opened.channel?.id;
  if (!dm) throw new Error('conversations.open returned no channel');
  const where =
    dm === command.channel_id
      ? "Let's register your app right here."
      : "I've sent you a direct message to register your app.";
  await answer({
    response_type: 'ephemeral',
    text: `${where} Prefer a form? Use the button.`,
    blocks: [
      ...mrkdwnSections(`${where} Prefer a form?`),
      {
        type: 'actions',
        block_id: 'steward_register_choice',
        elements: [
          { type: 'button', action_id: ACTION_IDS.openRegistration, text: plain('Use a form instead'), value: 'form' },
        ],
      },
    ],
  });
  await slack.turns.run({
    user: { id: command.user_id, username: command.user_name },
    channel: dm,
    text: 'register',
    eventId: `command:${command.trigger_id}`,
  });
}
