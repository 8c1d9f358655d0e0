import type { types } from '@slack/bolt';
import type { ChoiceOption, Reply, ReplyField } from '../../src/chat/reply.ts';

// The core's neutral Reply as Block Kit, plus the plain-text fallback Slack shows in notifications.
// Clicking a choice or button sends its `value` back to the core as if the user had typed it.

export type Block = types.KnownBlock;
type ActionsElement = types.ActionsBlockElement;
type PlainText = types.PlainTextElement;

export interface SlackMessage {
  text: string;
  blocks: Block[];
}

/** Action ids of Steward's own interactive elements. */
export const ACTION_IDS = {
  /** A button whose value is sent to the core (choices, yes/no, submit, escalation decisions). */
  button: 'steward_reply_button',
  /** A select menu whose picked value is sent to the core. */
  select: 'steward_reply_select',
  /** Ticking a box of a multi-choice question: state only, answered with the submit button. */
  pick: 'steward_reply_pick',
  /** Sends the ticked boxes of a multi-choice question. */
  submitPicks: 'steward_reply_submit',
  /** Opens the registration form (App Home and /steward register). */
  openRegistration: 'steward_open_registration',
} as const;

/** Slack's limits (Block Kit reference). */
export const LIMITS = {
  buttonText: 75,
  optionText: 75,
  optionValue: 150,
  header: 150,
  section: 3000,
  fieldText: 2000,
  fieldsPerSection: 10,
} as const;

const MAX_ACTIONS_PER_BLOCK = 25;
/** Choices up to this many are buttons; more become a select menu. */
const MAX_CHOICE_BUTTONS = 5;
/** Checkboxes take at most 10 options; longer lists use a multi-select menu. */
const MAX_CHECKBOXES = 10;

/** Characters that Slack reads as markup (mentions like <!channel>, links): user-provided text must not ping anyone. */
export function escapeText(text: string): string {
  return text.replace(/&/gu, '&amp;').replace(/</gu, '&lt;').replace(/>/gu, '&gt;');
}

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

export function plain(text: string, max: number = LIMITS.buttonText): PlainText {
  return { type: 'plain_text', text: truncate(text, max), emoji: true };
}

export function mrkdwnSections(text: string, type: 'mrkdwn' | 'plain_text' = 'mrkdwn'): types.SectionBlock[] {
  const sections: types.SectionBlock[] = [];
  let rest = text;
  while (rest.length > 0) {
    let cut = rest.length <= LIMITS.section ? rest.length : rest.lastIndexOf('\n', LIMITS.section);
    if (cut <= 0) cut = LIMITS.section;
    const chunk = rest.slice(0, cut);
    sections.push({
      type: 'section',
      text: type === 'mrkdwn' ? { type, text: chunk } : { type, text: chunk, emoji: false },
    });
    rest = rest.slice(cut).replace(/^\n/u, '');
  }
  return sections;
}

/**
 * The block id of a question's controls says whom the question was asked, so a click by someone
 * else in a channel thread is not taken as that person's answer, and which asking of the question
 * it is (the reply's `ask`), so the core can refuse a click on one that is no longer live.
 */
function questionBlockId(askedTo: string | undefined, reply: Pick<Reply, 'questionId' | 'ask'>): string {
  return `steward_q|${askedTo ?? ''}|${reply.questionId ?? ''}|${reply.ask ?? ''}`;
}

export function parseQuestionBlockId(
  blockId: string,
): { askedTo?: string; questionId?: string; ask?: string } | undefined {
  const [prefix, askedTo, questionId, ask] = blockId.split('|');
  if (prefix !== 'steward_q') return undefined;
  return { ...(askedTo ? { askedTo } : {}), ...(questionId ? { questionId } : {}), ...(ask ? { ask } : {}) };
}

function option(choice: ChoiceOption, withDescription = false): types.PlainTextOption {
  // "Personal data (names, emails...)": the parenthesis becomes the description where Slack has one.
  const split = withDescription ? /^(.+?) \((.+)\)$/u.exec(choice.label) : null;
  if (split)
    return {
      text: plain(split[1]!, LIMITS.optionText),
      description: plain(split[2]!, LIMITS.optionText),
      value: choice.value.slice(0, LIMITS.optionValue),
    };
  return { text: plain(choice.label, LIMITS.optionText), value: choice.value.slice(0, LIMITS.optionValue) };
}

function choiceElements(choices: NonNullable<Reply['choices']>, asButtons: boolean): ActionsElement[] {
  const options = choices.options;
  if (choices.multiple) {
    const picker: ActionsElement =
      options.length <= MAX_CHECKBOXES
        ? { type: 'checkboxes', action_id: ACTION_IDS.pick, options: options.map((choice) => option(choice, true)) }
        : {
            type: 'multi_static_select',
            action_id: ACTION_IDS.pick,
            placeholder: plain('Pick all that apply'),
            options: options.map((choice) => option(choice)),
          };
    return [
      picker,
      { type: 'button', action_id: ACTION_IDS.submitPicks, text: plain('Done'), value: 'submit', style: 'primary' },
    ];
  }
  if (asButtons && options.length <= MAX_CHOICE_BUTTONS) {
    return options.map((choice, index) => ({
      type: 'button',
      action_id: `${ACTION_IDS.button}:c${index}`,
      text: plain(choice.label),
      value: choice.value,
    }));
  }
  return [
    {
      type: 'static_select',
      action_id: ACTION_IDS.select,
      placeholder: plain(asButtons ? 'Choose…' : 'Change an answer…'),
      options: options.map((choice) => option(choice)),
    },
  ];
}

function buttonElements(buttons: NonNullable<Reply['buttons']>): ActionsElement[] {
  return buttons.map((button, index) => ({
    type: 'button',
    action_id: `${ACTION_IDS.button}:b${index}`,
    text: plain(button.label),
    value: button.value,
    ...(button.style ? { style: button.style } : {}),
  }));
}

function fieldLine(field: ReplyField): string {
  return `${field.label}: ${field.value}`;
}

function fieldSections(fields: ReplyField[], literal: boolean): types.SectionBlock[] {
  const sections: types.SectionBlock[] = [];
  for (let start = 0; start < fields.length; start += LIMITS.fieldsPerSection) {
    sections.push({
      type: 'section',
      fields: fields.slice(start, start + LIMITS.fieldsPerSection).map((field) =>
        literal
          ? {
              type: 'plain_text' as const,
              text: truncate(`${field.label}\n${field.value}${field.inferred ? ' (inferred)' : ''}`, LIMITS.fieldText),
              emoji: false,
            }
          : {
              type: 'mrkdwn' as const,
              text: truncate(
                `*${escapeText(field.label)}*\n${escapeText(field.value)}${field.inferred ? ' _(inferred)_' : ''}`,
                LIMITS.fieldText,
              ),
            },
      ),
    });
  }
  return sections;
}

const TONE_MARK: Partial<Record<NonNullable<Reply['tone']>, string>> = { error: '⚠️ ', warning: '⚠️ ' };

export interface RenderOptions {
  /** The Slack user a question is for (see questionBlockId). */
  askedTo?: string;
}

/**
 * Block Kit for a reply: its title as a header, its text, its fields as section fields (the text's
 * "Label: value" lines are not repeated), and its choices and buttons as interactive elements.
 */
export function renderReply(reply: Reply, options: RenderOptions = {}): SlackMessage {
  const fields = reply.fields ?? [];
  const fieldLines = new Set(fields.flatMap((field) => [fieldLine(field), `${fieldLine(field)} (inferred)`]));
  const lines = reply.text.split('\n');
  if (reply.title && lines[0]?.replace(/:$/u, '') === reply.title) lines.shift();
  const isFieldLine = (line: string) => fieldLines.has(line.trim());
  const firstField = lines.findIndex(isFieldLine);
  const lastField = lines.length - 1 - [...lines].reverse().findIndex(isFieldLine);
  const before = firstField === -1 ? lines : lines.slice(0, firstField);
  const after = firstField === -1 ? [] : lines.slice(lastField + 1).filter((line) => !isFieldLine(line));

  const blocks: Block[] = [];
  if (reply.title) blocks.push({ type: 'header', text: plain(reply.title, LIMITS.header) });
  const mark = reply.tone ? (TONE_MARK[reply.tone] ?? '') : '';
  // Quoted text (reply.literal) goes as plain_text, which Slack shows exactly as written: no bold, italics,
  // strike-through, links or mentions read into an app's name or a maker's words.
  const section = (text: string) =>
    reply.literal ? mrkdwnSections(text, 'plain_text') : mrkdwnSections(escapeText(text));
  const intro = before.join('\n').trim();
  if (intro) blocks.push(...section(`${mark}${intro}`));
  if (fields.length > 0) blocks.push(...fieldSections(fields, reply.literal === true));
  const outro = after.join('\n').trim();
  if (outro) blocks.push(...section(outro));

  const buttons = reply.buttons ?? [];
  // The summary's "change" list is long and secondary: a menu next to the submit buttons.
  const choices = reply.choices ? choiceElements(reply.choices, buttons.length === 0) : [];
  const elements = [...choices, ...buttonElements(buttons)];
  // Slack takes at most 25 elements per actions block: a digest with many apps' buttons gets several.
  const blockId = questionBlockId(options.askedTo, reply);
  for (let start = 0; start < elements.length; start += MAX_ACTIONS_PER_BLOCK) {
    const chunk = elements.slice(start, start + MAX_ACTIONS_PER_BLOCK);
    blocks.push({ type: 'actions', block_id: start === 0 ? blockId : `${blockId}|${start}`, elements: chunk });
  }
  return { text: escapeText(`${mark}${reply.text}`), blocks };
}

/**
 * A question once answered: as it was, without its controls, plus "✔ <answer>", so the chat reads like a
 * filled-in form. Without an answer (the question is asked again below) only the controls go.
 */
export function renderAnswered(question: SlackMessage, answer: string | undefined): SlackMessage {
  const blocks: Block[] = question.blocks.filter((block) => block.type !== 'actions');
  if (answer === undefined) return { text: question.text, blocks };
  const line = escapeText(truncate(`✔ ${answer}`, LIMITS.section - 100));
  return {
    text: `${question.text}\n${line}`,
    blocks: [...blocks, { type: 'context', elements: [{ type: 'mrkdwn', text: line }] }],
  };
}

/** A short status line, e.g. "⏳ Working on it…". */
export function renderNotice(text: string): SlackMessage {
  return { text, blocks: [{ type: 'context', elements: [{ type: 'mrkdwn', text }] }] };
}

export function renderReplies(replies: Reply[], options: RenderOptions = {}): SlackMessage {
  const rendered = replies.map((reply) => renderReply(reply, options));
  // A message holds at most 50 blocks; the text fallback keeps everything.
  return {
    text: rendered.map((message) => message.text).join('\n\n'),
    blocks: rendered.flatMap((message) => message.blocks).slice(0, 50),
  };
}
