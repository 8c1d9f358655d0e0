import type { Activity } from 'botbuilder';
import { z } from 'zod';
import type { Reply, ReplyButton, ReplyField } from '../../src/chat/reply.ts';
import { parseReviewAction } from '../../src/runtime/port.ts';

// The core's neutral Reply as a Teams message: plain markdown text when there is nothing to show but
// words, otherwise an Adaptive Card 1.5 whose `fallbackText` is the reply's complete plain text.
// The data each card action sends back is defined here too, so writing and reading it stay together.

export const ADAPTIVE_CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';
/** Single choices up to this many become buttons; more (or multiple choice) become a dropdown. */
export const MAX_CHOICE_BUTTONS = 5;
const MAX_PROMPT_LENGTH = 300;

type AdaptiveElement = Record<string, unknown>;
export interface AdaptiveCard {
  type: 'AdaptiveCard';
  $schema: string;
  version: '1.5';
  body: AdaptiveElement[];
  actions?: AdaptiveElement[];
  fallbackText: string;
  msteams: { width: 'Full' };
}

// ------------------------------------------------------------------------------- action data

/** What a click sends back. `prompt` lets the answered card be redrawn without storing the original. */
const AnswerData = z.object({
  steward: z.literal('answer'),
  answer: z.string(),
  label: z.string(),
  questionId: z.string().optional(),
  /** The reply's `ask`: the core refuses a click on a question that is no longer live. */
  ask: z.string().optional(),
  prompt: z.string().default(''),
});
/** A dropdown's submit; Teams merges the selection in as `choice` ("a,b" for multiple). */
const ChoiceData = z.object({
  steward: z.literal('choice'),
  questionId: z.string().optional(),
  ask: z.string().optional(),
  prompt: z.string().default(''),
  labels: z.record(z.string(), z.string()).default({}),
  choice: z.string().optional(),
});
/** A reviewer's decision; Teams merges the reason input in as `reason`. */
const ReviewData = z.object({
  steward: z.literal('review'),
  action: z.string(),
  label: z.string().default(''),
  reason: z.string().optional(),
});
const CardActionData = z.discriminatedUnion('steward', [AnswerData, ChoiceData, ReviewData]);

export type CardAction =
  /** An answer to a question: `text` goes to the core as the user's message, `label` is shown on the answered card. */
  | { kind: 'answer'; text: string; label: string; questionId?: string; ask?: string; prompt: string }
  | { kind: 'review'; action: string; reason: string };

/** Reads the data of a clicked Steward card action (Action.Submit value or Action.Execute data). */
export function readCardAction(value: unknown): CardAction | undefined {
  const parsed = CardActionData.safeParse(value);
  if (!parsed.success) return undefined;
  const data = parsed.data;
  if (data.steward === 'review') return { kind: 'review', action: data.action, reason: data.reason?.trim() ?? '' };
  const common = {
    ...(data.questionId ? { questionId: data.questionId } : {}),
    ...(data.ask ? { ask: data.ask } : {}),
    prompt: data.prompt,
  };
  if (data.steward === 'answer')
    return { kind: 'answer', text: data.answer, label: data.label || data.answer, ...common };
  const picked = (data.choice ?? '')
    .split(',')
    .map((value) => value.trim())
    .filter(Boolean);
  return {
    kind: 'answer',
    text: picked.join(', '),
    label: picked.map((value) => data.labels[value] ?? value).join(', '),
    ...common,
  };
}

// ---------------------------------------------------------------------------------- rendering

/** Chat markup from the core (Slack-style *bold*) as Teams markdown (**bold**). */
export function teamsMarkdown(text: string): string {
  // Like Slack, emphasis hugs its words: in "2 * 3 * 4" the asterisks stay.
  return text.replace(/(^|[^*\w])\*([^*\s](?:[^*\n]*[^*\s])?)\*(?=[^*\w]|$)/gu, '$1**$2**');
}

/** The first line or title of a reply: what an answered card still shows, and the notification summary. */
export function promptOf(reply: Pick<Reply, 'title' | 'text'>): string {
  const first = reply.title ?? reply.text.split('\n')[0] ?? '';
  const plain = first.replace(/\*([^*\n]+)\*/gu, '$1').trim();
  return plain.length > MAX_PROMPT_LENGTH ? `${plain.slice(0, MAX_PROMPT_LENGTH - 1)}…` : plain;
}

export function needsCard(reply: Reply): boolean {
  return Boolean(reply.title || reply.fields?.length || reply.choices?.options.length || reply.buttons?.length);
}

/**
 * Words for a markdown message. Teams turns markdown messages into HTML and lets HTML through, so a
 * typed "<EU>" would be taken for a tag: &, < and > go as entities, which markdown shows as the
 * characters again, once. Inside `code` markdown shows entities as written, so code is left alone.
 */
export function escapeForMarkdown(text: string): string {
  return text
    .split(/(`[^`\n]*`)/u)
    .map((part, index) =>
      index % 2 === 1 ? part : part.replace(/&/gu, '&amp;').replace(/</gu, '&lt;').replace(/>/gu, '&gt;'),
    )
    .join('');
}

/**
 * The whole Teams message for a reply. Cards take the text as it is: Adaptive Card text has no HTML,
 * and Teams on mobile shows entities there literally.
 */
export function replyActivity(reply: Reply): Partial<Activity> {
  if (!needsCard(reply))
    return {
      type: 'message',
      text: teamsMarkdown(escapeForMarkdown(reply.text)).split('\n').join('\n\n'),
      textFormat: 'markdown',
    };
  return cardActivity(renderCard(reply), promptOf(reply));
}

export function cardActivity(card: AdaptiveCard, summary: string): Partial<Activity> {
  return { type: 'message', summary, attachments: [{ contentType: ADAPTIVE_CARD_CONTENT_TYPE, content: card }] };
}

export function renderCard(reply: Reply): AdaptiveCard {
  const prompt = promptOf(reply);
  const body: AdaptiveElement[] = [];
  const actions: AdaptiveElement[] = [];
  if (reply.title)
    body.push({
      type: 'TextBlock',
      text: reply.title,
      weight: 'Bolder',
      size: 'Medium',
      wrap: true,
      ...toneColor(reply.tone),
    });
  for (const [index, line] of textLines(reply).entries()) {
    const spacing = index === 0 ? 'Small' : 'None';
    // Quoted text (reply.literal) goes as a TextRun, which Teams shows exactly as written: a TextBlock
    // would read markdown (bold, links) into an app's name or a maker's words.
    body.push(
      reply.literal
        ? { type: 'RichTextBlock', inlines: [{ type: 'TextRun', text: line }], spacing }
        : { type: 'TextBlock', text: teamsMarkdown(line), wrap: true, spacing },
    );
  }
  if (reply.fields?.length) body.push(...(reply.literal ? literalFields(reply.fields) : [factSet(reply.fields)]));

  const choices = reply.choices;
  const dropdown = Boolean(choices && (choices.multiple || choices.options.length > MAX_CHOICE_BUTTONS));
  const common = {
    ...(reply.questionId ? { questionId: reply.questionId } : {}),
    ...(reply.ask ? { ask: reply.ask } : {}),
    prompt,
  };
  // A dropdown's required input must not block the card's other buttons.
  const independent: Record<string, string> = dropdown ? { associatedInputs: 'none' } : {};
  if (choices && dropdown) {
    const labels = Object.fromEntries(choices.options.map((option) => [option.value, option.label]));
    body.push(
      {
        type: 'Input.ChoiceSet',
        id: 'choice',
        style: 'compact',
        isMultiSelect: choices.multiple,
        isRequired: true,
        errorMessage: choices.multiple ? 'Pick at least one option.' : 'Pick an option.',
        placeholder: choices.multiple ? 'Pick all that apply' : 'Pick one',
        choices: choices.options.map((option) => ({ title: option.label, value: option.value })),
      },
      {
        type: 'ActionSet',
        actions: [
          {
            type: 'Action.Submit',
            title: reply.questionId === 'summary' ? 'Change' : 'Send',
            data: { steward: 'choice', ...common, labels },
          },
          ...(choices.multiple
            ? [
                {
                  type: 'Action.Submit',
                  title: 'None of these',
                  associatedInputs: 'none',
                  data: { steward: 'answer', answer: 'none', label: 'None of these', ...common },
                },
              ]
            : []),
        ],
      },
    );
  } else if (choices) {
    for (const option of choices.options) {
      actions.push({
        type: 'Action.Submit',
        title: option.label,
        data: { steward: 'answer', answer: option.value, label: option.label, ...common },
      });
    }
  }
  for (const button of reply.buttons ?? []) actions.push(buttonAction(button, common, independent));

  return {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.5',
    body,
    ...(actions.length > 0 ? { actions } : {}),
    fallbackText: reply.text,
    msteams: { width: 'Full' },
  };
}

/** A question card once answered: the prompt and "✔ <answer>", without actions. */
export function answeredCard(prompt: string, answer: string): AdaptiveCard {
  return {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.5',
    body: [
      { type: 'TextBlock', text: prompt, wrap: true, isSubtle: true },
      { type: 'TextBlock', text: `✔ ${answer}`, wrap: true, weight: 'Bolder', color: 'Good', spacing: 'Small' },
    ],
    fallbackText: `${prompt}\n✔ ${answer}`,
    msteams: { width: 'Full' },
  };
}

/**
 * Reviewer buttons ("review approve|reject|changes ...") are Universal Actions (Action.Execute), so the
 * bot can answer the clicker alone; reject and request changes first ask for the reason.
 */
function buttonAction(
  button: ReplyButton,
  common: Record<string, string>,
  independent: Record<string, string>,
): AdaptiveElement {
  const style =
    button.style === 'primary' ? { style: 'positive' } : button.style === 'danger' ? { style: 'destructive' } : {};
  const review = parseReviewAction(button.value);
  if (!review) {
    return {
      type: 'Action.Submit',
      title: button.label,
      ...style,
      ...independent,
      data: { steward: 'answer', answer: button.value, label: button.label, ...common },
    };
  }
  const data = { steward: 'review', action: button.value, label: button.label };
  const execute = (title: string) => ({
    type: 'Action.Execute',
    title,
    verb: 'review',
    ...style,
    data,
    // Teams clients without Universal Actions fall back to a plain submit; the bot handles both.
    fallback: { type: 'Action.Submit', title, data },
  });
  if (review.decision === 'approve') return execute(button.label);
  return {
    type: 'Action.ShowCard',
    title: button.label,
    card: {
      type: 'AdaptiveCard',
      body: [
        {
          type: 'Input.Text',
          id: 'reason',
          label: review.decision === 'reject' ? 'Why is it rejected?' : 'What needs to change?',
          isMultiline: true,
          isRequired: true,
          maxLength: 1000,
          errorMessage: 'Please give a reason.',
        },
      ],
      actions: [execute(button.label)],
    },
  };
}

/** Letters and digits only: "APP-0001  Tracker — Approved" and "APP-0001 Tracker: Approved" read the same. */
function gist(text: string): string {
  return text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
}

/** The reply's text without the lines its fields already show (and headings left with nothing under them). */
function textLines(reply: Reply): string[] {
  const shown = new Set(
    (reply.fields ?? []).flatMap((field) => [
      gist(`${field.label}${field.value}`),
      gist(`${field.label}${field.value}inferred`),
    ]),
  );
  const lines = reply.text
    .split('\n')
    .filter((line) => line.trim() !== '' && !shown.has(gist(line)))
    .filter((line, index) => !(index === 0 && reply.title && line.replace(/:$/u, '').trim() === reply.title));
  while (lines.length > 0 && lines.at(-1)!.trim().endsWith(':') && reply.fields?.length) lines.pop();
  return lines;
}

function factSet(fields: ReplyField[]): AdaptiveElement {
  return {
    type: 'FactSet',
    facts: fields.map((field) => ({
      title: field.label,
      value: `${field.value}${field.inferred ? ' (inferred)' : ''}`,
    })),
  };
}

/** Fields as label and value TextRuns: a FactSet's values are markdown. */
function literalFields(fields: ReplyField[]): AdaptiveElement[] {
  return fields.map((field, index) => ({
    type: 'RichTextBlock',
    spacing: index === 0 ? 'Medium' : 'None',
    inlines: [
      { type: 'TextRun', text: `${field.label}: `, weight: 'Bolder' },
      { type: 'TextRun', text: `${field.value}${field.inferred ? ' (inferred)' : ''}` },
    ],
  }));
}

function toneColor(tone: Reply['tone']): Record<string, string> {
  const colors: Record<string, string> = {
    success: 'Good',
    warning: 'Warning',
    error: 'Attention',
    question: 'Accent',
  };
  return tone && colors[tone] ? { color: colors[tone] } : {};
}
