import type { types } from '@slack/bolt';
import type { ChoiceOption, Reply } from '../../src/chat/reply.ts';
import { fieldErrors } from '../../src/runtime/port.ts';
import { parseAnswer, questionById } from '../../src/runtime/port.ts';
import type { Policy } from '../../src/runtime/port.ts';
import type { Block } from './blocks.ts';
import { LIMITS, mrkdwnSections, plain, renderReply, truncate } from './blocks.ts';

// The registration form: the same profile fields as the chat intake, for people who prefer a form.
// Each input block's id is the profile field it fills ('ai.decisionImpact'), so the core's field
// errors land next to the right input (response_action: 'errors').

export const REGISTRATION_CALLBACK_ID = 'steward_register';
/** The action id of the one element inside each input block. */
const ANSWER = 'answer';

type ViewState = Record<
  string,
  Record<
    string,
    {
      value?: string | null;
      selected_option?: { value: string } | null;
      selected_options?: Array<{ value: string }>;
      selected_user?: string | null;
    }
  >
>;
type InputElement = types.InputBlockElement;

const YES_NO: ChoiceOption[] = [
  { value: 'yes', label: 'Yes' },
  { value: 'no', label: 'No' },
];

function optionsOf(id: string): ChoiceOption[] {
  return questionById(id)?.options ?? [];
}

function staticOption(choice: ChoiceOption, withDescription = false): types.PlainTextOption {
  const split = withDescription ? /^(.+?) \((.+)\)$/u.exec(choice.label) : null;
  if (split)
    return {
      text: plain(split[1]!, LIMITS.optionText),
      description: plain(split[2]!, LIMITS.optionText),
      value: choice.value,
    };
  return { text: plain(choice.label, LIMITS.optionText), value: choice.value };
}

const text = (maxLength: number, multiline = false, placeholder?: string): InputElement => ({
  type: 'plain_text_input',
  action_id: ANSWER,
  max_length: maxLength,
  multiline,
  ...(placeholder ? { placeholder: plain(placeholder, 150) } : {}),
});
const select = (options: ChoiceOption[]): InputElement => ({
  type: 'static_select',
  action_id: ANSWER,
  placeholder: plain('Choose…'),
  options: options.map((choice) => staticOption(choice)),
});
const radios = (options: ChoiceOption[]): InputElement => ({
  type: 'radio_buttons',
  action_id: ANSWER,
  options: options.map((choice) => staticOption(choice)),
});
const checkboxes = (options: ChoiceOption[]): InputElement => ({
  type: 'checkboxes',
  action_id: ANSWER,
  options: options.map((choice) => staticOption(choice, true)),
});

interface FormField {
  /** The profile path this input fills; also its block id. */
  block: string;
  label: string;
  element: InputElement;
  optional?: boolean;
  hint?: string;
}

const FIELDS: FormField[] = [
  { block: 'name', label: 'App name', element: text(120) },
  { block: 'description', label: 'What does it do, and who uses it?', element: text(4000, true) },
  { block: 'platform', label: 'Built with', element: select(optionsOf('platform')) },
  { block: 'department', label: 'Department or team that owns it', element: text(200) },
  { block: 'audience', label: 'Who will use it?', element: radios(optionsOf('audience')) },
  {
    block: 'userCount',
    label: 'Roughly how many people will use it?',
    element: { type: 'number_input', action_id: ANSWER, is_decimal_allowed: false, min_value: '0' },
  },
  {
    block: 'dataCategories',
    label: 'Data it handles',
    element: checkboxes(optionsOf('dataCategories')),
    optional: true,
    hint: 'Tick all that apply; leave empty if none do.',
  },
  {
    block: 'systems',
    label: 'Connected systems',
    element: text(2000, true, 'Salesforce (write), SharePoint (read)'),
    optional: true,
    hint: 'Each system and whether the app reads from it or writes to it. Leave empty if it connects to nothing.',
  },
  {
    block: 'ai.used',
    label: 'Does it use AI (GPT, Copilot, a model that predicts, ranks or generates)?',
    element: radios(YES_NO),
  },
  {
    block: 'ai.generatesContent',
    label: 'Does the AI write text, images or other content people read?',
    element: radios(YES_NO),
    optional: true,
  },
  {
    block: 'ai.decisionImpact',
    label: "How much do the AI's outputs affect decisions about people?",
    element: select(optionsOf('aiDecisionImpact')),
    optional: true,
  },
  {
    block: 'ai.profiling',
    label: 'Does it score, rank or predict things about individual people?',
    element: radios(YES_NO),
    optional: true,
  },
  {
    block: 'ai.domains',
    label: 'Is the AI used in any of these areas?',
    element: checkboxes(optionsOf('aiDomains')),
    optional: true,
  },
  {
    block: 'ai.practices',
    label: 'Does the AI do any of these?',
    element: checkboxes(optionsOf('aiPractices')),
    optional: true,
  },
  {
    block: 'criticality',
    label: 'If it stopped working for a day, how bad would that be?',
    element: radios(optionsOf('criticality')),
  },
  {
    block: 'externalSharing',
    label: 'Is the app or its data shared outside the company (customers, suppliers, partners)?',
    element: radios(YES_NO),
  },
  {
    block: 'backupOwner',
    label: 'Backup owner',
    element: { type: 'users_select', action_id: ANSWER, placeholder: plain('Choose a person…') },
    // Optional here: whether this app needs one depends on its tier, which the core tells on submit.
    optional: true,
    hint: "Someone other than you who looks after the app when you're away. Apps at higher risk need one; if yours does, the form will say so.",
  },
];

const BLOCK_IDS = FIELDS.map((field) => field.block);

function inputBlock(field: FormField): types.InputBlock {
  return {
    type: 'input',
    block_id: field.block,
    label: plain(field.label, 2000),
    element: field.element,
    ...(field.optional ? { optional: true } : {}),
    ...(field.hint ? { hint: plain(field.hint, 2000) } : {}),
  };
}

type CustomQuestion = Policy['intake']['questions'][number];

/** Slack allows 100 blocks in a modal; the built-in form takes about 20. */
const MAX_CUSTOM_INPUTS = 60;

/**
 * An input for one of the policy's own questions, its block id `answers.<id>`. Optional on the form:
 * whether it applies depends on other answers (its `when`), which a form cannot tell while it is filled in.
 */
function customField(question: CustomQuestion): FormField {
  const options = (question.options ?? []).map((option) => ({ value: option.value, label: option.label }));
  const element: InputElement =
    question.type === 'yesno'
      ? radios(YES_NO)
      : question.type === 'choice'
        ? options.length <= 6
          ? radios(options)
          : select(options)
        : question.type === 'multi'
          ? checkboxes(options)
          : question.type === 'number'
            ? text(100, false, 'For example 300, about 1,200 or 5k')
            : text(2000, true);
  return {
    block: `answers.${question.id}`,
    label: question.ask,
    element,
    optional: true,
    hint: question.when ? `${question.help} Answer if it applies to your app.` : question.help,
  };
}

function customFields(policy: Policy | undefined): FormField[] {
  return (policy?.intake.questions ?? []).slice(0, MAX_CUSTOM_INPUTS).map(customField);
}

/** The form; with the policy, its own questions after the built-in ones. */
export function registrationModal(policy?: Policy): types.ModalView {
  const aiStart = FIELDS.findIndex((field) => field.block === 'ai.generatesContent');
  const custom = customFields(policy);
  const blocks: Block[] = [
    ...mrkdwnSections(
      'Tell us about your app. Steward assesses its risk with the governance policy and tells the right reviewers.',
    ),
    ...FIELDS.slice(0, aiStart).map(inputBlock),
    { type: 'context', elements: [{ type: 'mrkdwn', text: '*Only if it uses AI:*' }] },
    ...FIELDS.slice(aiStart).map(inputBlock),
    ...(custom.length > 0
      ? [
          { type: 'context', elements: [{ type: 'mrkdwn', text: '*Your organisation also asks:*' }] } as Block,
          ...custom.map(inputBlock),
        ]
      : []),
  ];
  return {
    type: 'modal',
    callback_id: REGISTRATION_CALLBACK_ID,
    title: plain('Register an app', 24),
    submit: plain('Register', 24),
    close: plain('Cancel', 24),
    blocks,
  };
}

/** A modal that only shows a message: the registration's result, or that it is still running. */
export function messageModal(title: string, reply: Reply): types.ModalView {
  return {
    type: 'modal',
    callback_id: `${REGISTRATION_CALLBACK_ID}_result`,
    title: plain(title, 24),
    close: plain('Close', 24),
    blocks: renderReply(reply).blocks.slice(0, 100),
  };
}

const FRIENDLY: Record<string, string> = {
  userCount: 'Enter a whole number of people, such as 12.',
  platform: 'Choose what the app is built with.',
  audience: 'Choose who will use it.',
  criticality: 'Choose how bad a day without it would be.',
  'ai.used': 'Say whether it uses AI.',
  externalSharing: 'Say whether it is shared outside the company.',
};

/** The input block a core error key ('systems.0.name', 'ai', 'userCount') belongs to. */
export function blockForErrorKey(key: string): string {
  if (key === 'ai') return 'ai.used';
  // An answer to one of the policy's own questions: its block is `answers.<id>`.
  const answer = /^answers\.[^.]+/u.exec(key);
  if (answer) return answer[0];
  const longestFirst = [...BLOCK_IDS].sort((a, b) => b.length - a.length);
  return longestFirst.find((block) => key === block || key.startsWith(`${block}.`)) ?? 'name';
}

export interface RegistrationForm {
  /** The profile as entered, for services.registerProfile. */
  input: Record<string, unknown>;
  /** Problems by block id, ready for response_action: 'errors'; empty when the form is valid. */
  errors: Record<string, string>;
}

/** Reads a view_submission into a profile, checking each answer with the chat intake's own parsers. */
export function readRegistration(state: { values: ViewState }, policy?: Policy): RegistrationForm {
  const values = state.values;
  const raw = (block: string) => {
    const value = values[block]?.[ANSWER]?.value;
    return typeof value === 'string' && value.trim() !== '' ? value : undefined;
  };
  const choice = (block: string) => values[block]?.[ANSWER]?.selected_option?.value ?? undefined;
  const picks = (block: string) => (values[block]?.[ANSWER]?.selected_options ?? []).map((picked) => picked.value);
  const yesNo = (block: string) => (choice(block) === 'yes' ? true : choice(block) === 'no' ? false : undefined);
  const backupUser = values.backupOwner?.[ANSWER]?.selected_user;

  const errors: Record<string, string> = {};
  const parsed = (block: string, questionId: string, fallback?: unknown): unknown => {
    const answer = raw(block);
    if (answer === undefined) return fallback;
    const question = questionById(questionId, policy);
    if (!question) return answer;
    const result = parseAnswer(question, answer);
    if (result.ok) return result.value;
    errors[block] = result.hint;
    return undefined;
  };

  const aiUsed = yesNo('ai.used');
  const input: Record<string, unknown> = {
    name: parsed('name', 'name'),
    description: parsed('description', 'description'),
    platform: choice('platform'),
    department: parsed('department', 'department'),
    audience: choice('audience'),
    userCount: parsed('userCount', 'userCount'),
    dataCategories: picks('dataCategories'),
    systems: parsed('systems', 'systems', []),
    // Answers to the AI questions count only when the app uses AI.
    ai: aiUsed
      ? {
          used: true,
          generatesContent: yesNo('ai.generatesContent') ?? false,
          decisionImpact: choice('ai.decisionImpact') ?? 'none',
          profiling: yesNo('ai.profiling') ?? false,
          domains: picks('ai.domains'),
          practices: picks('ai.practices'),
        }
      : { used: aiUsed ?? undefined },
    criticality: choice('criticality'),
    externalSharing: yesNo('externalSharing'),
    ...(backupUser ? { backupOwner: { platform: 'slack', userId: backupUser } } : {}),
  };
  // The policy's own questions: what was answered, read like the chat reads it.
  const answers: Record<string, unknown> = {};
  for (const question of policy?.intake.questions ?? []) {
    const block = `answers.${question.id}`;
    const answer =
      question.type === 'yesno'
        ? yesNo(block)
        : question.type === 'choice'
          ? choice(block)
          : question.type === 'multi'
            ? picks(block)
            : parsed(block, block);
    if (answer !== undefined && !(Array.isArray(answer) && answer.length === 0)) answers[question.id] = answer;
  }
  if (Object.keys(answers).length > 0) input.answers = answers;
  for (const [key, message] of Object.entries(fieldErrors(input) ?? {})) {
    const block = blockForErrorKey(key);
    errors[block] ??= FRIENDLY[block] ?? message;
  }
  return { input, errors };
}

/** Core error keys (as registerProfile returns them) as block errors for the form. */
export function formErrors(coreErrors: Record<string, string>): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const [key, message] of Object.entries(coreErrors)) errors[blockForErrorKey(key)] ??= truncate(message, 2000);
  return errors;
}
