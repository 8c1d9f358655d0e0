import type { Reply, ReplyButton } from '../chat/reply.ts';
import type { DialogueContext } from './context.ts';
import { askContext, draftOf, effectiveDraft } from './progress.ts';
import type { Question } from './questions.ts';
import { answerIn, applicableQuestions, isAnswered, questionById } from './questions.ts';
import type { FactsState, IntakeState } from './state.ts';
import { preview } from './understand/reading.ts';

// The dialogue's replies, apart from its logic: questions, read-backs, refusals, summaries.

export const HELP_TEXT = [
  "I'm Steward. I register the apps you build (Power Apps, flows, Zaps, custom GPTs, macros...) and tell you which guardrails apply.",
  '• *register*: register an app, or just tell me about it ("I built a Power App for complaint tracking")',
  '• *my apps*: your apps and their status',
  '• *status APP-0042*: one app’s status and risk',
  '• *update <app>*: change a registered app',
  '• *help*: this message',
].join('\n');

export const INTAKE_HELP =
  'While we go: *back* to the previous question, *skip* for optional ones, *change <item>* to edit an answer, *status* for progress, *cancel* to stop.';

const YES_NO_BUTTONS: ReplyButton[] = [
  { label: 'Yes', value: 'yes' },
  { label: 'No', value: 'no' },
];

export function stepHelp(intake: IntakeState, ctx: DialogueContext): string {
  if (intake.step === 'summary')
    return 'This is the summary of your answers. Reply *yes* to submit, or *change <item>* to edit one.';
  if (intake.step === 'duplicate')
    return 'You already registered an app with this name. *update* changes that app; *rename* registers a new one.';
  if (intake.step.startsWith('hint:'))
    return 'Something you wrote suggests a risk that changes which rules apply, so please confirm it with yes or no.';
  const question = questionById(intake.step.slice(2), ctx.policy);
  return question ? `${question.why}${question.skipValue !== undefined ? ' You can *skip* this one.' : ''}` : '';
}

export function progressText(intake: IntakeState, ctx: DialogueContext): string {
  const context = askContext(intake, ctx.policy);
  const draft = context.effective;
  const questions = applicableQuestions(draft, context);
  const answered = questions.filter((question) => isAnswered(draft, question)).length;
  const what = intake.updating
    ? `updating ${intake.updating.reference}`
    : `registering ${draft.name ? `"${draft.name}"` : 'a new app'}`;
  return `We're ${what}: ${answered} of ${questions.length} questions answered. Nothing is registered until you confirm the summary.`;
}

export function duplicateReply(intake: IntakeState, name: string): Reply {
  const reference = intake.duplicateOf?.reference ?? '';
  return {
    text: `You already registered ${reference} "${name}". Do you want to update that app instead of registering a new one?`,
    buttons: [
      { label: `Update ${reference}`, value: 'update', style: 'primary' },
      { label: 'Register a new one', value: 'rename' },
    ],
    questionId: 'duplicate',
    tone: 'question',
  };
}

const yesNoQuestions = new WeakMap<DialogueContext['vocabulary'], Map<string, boolean>>();

/** Whether a question is answered with a yes or a no (it gets Yes/No buttons); found once per vocabulary. */
function isYesNo(question: Question, ctx: DialogueContext): boolean {
  let known = yesNoQuestions.get(ctx.vocabulary);
  if (!known) yesNoQuestions.set(ctx.vocabulary, (known = new Map()));
  let answer = known.get(question.id);
  if (answer === undefined) {
    const yes = question.read('yes', ctx.vocabulary);
    const no = question.read('no', ctx.vocabulary);
    answer =
      !question.options && yes.kind === 'value' && yes.value === true && no.kind === 'value' && no.value === false;
    known.set(question.id, answer);
  }
  return answer;
}

/** What we are waiting for now: the question, the read-back of an answer, or the summary. */
export function stepReply(intake: IntakeState, ctx: DialogueContext): Reply {
  if (intake.step === 'summary') return summaryReply(intake, ctx);
  if (intake.step === 'duplicate') return duplicateReply(intake, String(intake.draft.name ?? ''));
  if (intake.step.startsWith('hint:')) {
    const hint = ctx.policy.intake.riskHints.find((candidate) => `hint:${candidate.id}` === intake.step);
    return {
      text: hint?.confirm ?? 'Please confirm with yes or no.',
      buttons: YES_NO_BUTTONS,
      questionId: intake.step,
      tone: 'question',
    };
  }
  const question = questionById(intake.step.slice(2), ctx.policy);
  if (!question) return summaryReply(intake, ctx);
  if (intake.clarify) return clarifyReply(intake, question);
  return questionReply(intake, question, ctx);
}

function questionReply(intake: IntakeState, question: Question, ctx: DialogueContext): Reply {
  const draft = draftOf(intake);
  let text = question.prompt;
  const current = answerIn(draft, question);
  if (current !== undefined) text += ` (Currently: ${question.format(current)}.)`;
  if (question.id === 'dataCategories') {
    const noted = effectiveDraft(intake, ctx.policy).dataCategories ?? [];
    if (current === undefined && noted.length > 0)
      text += ` Already noted from your earlier answers: ${question.format(noted)}.`;
  }
  // After two unread answers in a row: the ways out, as buttons.
  const wayOut: ReplyButton[] = [];
  if (intake.misses >= 2) {
    if (question.skipValue !== undefined) wayOut.push({ label: 'Skip', value: 'skip' });
    if (ctx.policy.intake.helpTeam && ctx.requestHuman) wayOut.push({ label: 'Ask a human', value: 'ask a human' });
  }
  const buttons = [...(isYesNo(question, ctx) ? YES_NO_BUTTONS : []), ...wayOut];
  return {
    text,
    ...(question.options ? { choices: { multiple: question.multiple ?? false, options: question.options } } : {}),
    ...(buttons.length > 0 ? { buttons } : {}),
    questionId: intake.step,
    tone: 'question',
  };
}

/** "Did you mean ...?", "Which one ...?", "Does it read or write ...?" */
function clarifyReply(intake: IntakeState, question: Question): Reply {
  const clarify = intake.clarify!;
  if (clarify.kind === 'confirm') {
    const reading = `*${question.format(clarify.value)}*`;
    return {
      text: clarify.byLlm ? `I read that as ${reading}. Is that right?` : `Did you mean ${reading}?`,
      buttons: YES_NO_BUTTONS,
      questionId: `${intake.step}:confirm`,
      tone: 'question',
    };
  }
  if (clarify.kind === 'choose') {
    const label = (value: string) => question.options?.find((option) => option.value === value)?.label ?? value;
    return {
      text: `Which did you mean: ${clarify.candidates.map((value) => `*${label(value)}*`).join(' or ')}?`,
      buttons: clarify.candidates.map((value) => ({ label: label(value).replace(/ \(.*\)$/u, ''), value })),
      questionId: `${intake.step}:choose`,
      tone: 'question',
    };
  }
  const system = clarify.missing[0]!;
  const noted = clarify.known.length > 0 ? `Noted: ${question.format(clarify.known)}. ` : '';
  return {
    text: `${noted}Does it only read from ${system}, or also write to it (create, update or delete)?`,
    buttons: [
      { label: 'Only reads', value: 'read' },
      { label: 'Writes too', value: 'write' },
    ],
    questionId: `${intake.step}:access:${system}`,
    tone: 'question',
  };
}

/** A refusal that never repeats itself word for word: each miss in a row says more and offers more. */
export function missReply(
  intake: IntakeState,
  question: Question,
  answer: string,
  hint: string,
  ctx: DialogueContext,
): Reply {
  if (intake.misses <= 1) return { text: hint, tone: 'error' };
  const ways = [
    question.options ? 'pick one of the options' : undefined,
    question.skipValue !== undefined ? 'say *skip*' : undefined,
    ctx.policy.intake.helpTeam && ctx.requestHuman
      ? `say *ask a human* and I'll pass it to the ${ctx.policy.teams[ctx.policy.intake.helpTeam]?.name ?? 'governance'} team`
      : undefined,
  ].filter(Boolean);
  const opening =
    intake.misses === 2
      ? `Sorry, I still couldn't read "${preview(answer)}".`
      : `I couldn't read "${preview(answer)}" either (that's ${intake.misses} tries).`;
  return { text: `${opening} ${hint}${ways.length > 0 ? ` You can also ${ways.join(', or ')}.` : ''}`, tone: 'error' };
}

export function summaryReply(intake: IntakeState, ctx: DialogueContext): Reply {
  const context = askContext(intake, ctx.policy);
  const draft = context.effective;
  const questions = applicableQuestions(draft, context);
  const fields = questions.map((question) => {
    const value = answerIn(draft, question);
    const inferred = intake.inferred.includes(question.id);
    return {
      label: question.label,
      value: value === undefined ? '—' : question.format(value),
      ...(inferred ? { inferred } : {}),
    };
  });
  const anyInferred = fields.some((field) => field.inferred);
  const heading = intake.updating ? `Summary of ${intake.updating.reference} (new version)` : 'Summary';
  const lines = fields.map((field) => `${field.label}: ${field.value}${field.inferred ? ' (inferred)' : ''}`);
  return {
    title: heading,
    text: [
      `${heading}:`,
      ...lines,
      anyInferred ? 'Items marked (inferred) come from your description; check them before you submit.' : '',
      'Reply *yes* to submit, *change <item>* to edit (e.g. *change audience*), or *cancel*.',
    ]
      .filter(Boolean)
      .join('\n'),
    fields,
    buttons: [
      { label: intake.updating ? 'Submit new version' : 'Submit', value: 'yes', style: 'primary' },
      { label: 'Cancel', value: 'cancel', style: 'danger' },
    ],
    choices: {
      multiple: false,
      options: questions.map((question) => ({
        value: `change ${question.aliases[0] ?? question.id}`,
        label: `Change: ${question.label}`,
      })),
    },
    questionId: 'summary',
    tone: 'question',
  };
}

export function factReply(facts: FactsState): Reply {
  const fact = facts.facts[facts.index];
  return {
    text: `${fact?.fact ?? ''} Is that right?`,
    buttons: YES_NO_BUTTONS,
    questionId: `fact:${facts.index}`,
    tone: 'question',
  };
}
