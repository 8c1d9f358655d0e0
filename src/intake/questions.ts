import type { ChoiceOption } from '../chat/reply.ts';
import { conditionHolds } from '../assessment/rules.ts';
import type { CustomQuestion, Policy } from '../policy/schema.ts';
import { ANSWERS_PREFIX } from '../policy/schema.ts';
import { answerLabel, formatAnswer, labelFromId } from '../profile/answers.ts';
import type { Draft, DraftKey } from '../profile/draft.ts';
import { partialProfile } from '../profile/draft.ts';
import type { ProfileField } from '../profile/fields.ts';
import { FIELDS } from '../profile/fields.ts';
import { readChoice, readMultiChoice } from './understand/choices.ts';
import { backupOwnerRequiredAt } from './backup-owner.ts';
import { readCount } from './understand/count.ts';
import { customOptions, customReader } from './understand/custom.ts';
import { readDepartment, readName, readText } from './understand/free-text.ts';
import type { PersonAnswerContext } from './understand/person.ts';
import { readBackupOwner } from './understand/person.ts';
import type { Reading } from './understand/reading.ts';
import { readSystems } from './understand/systems.ts';
import type { ChoiceQuestionId, Vocabulary, YesNoQuestionId } from './understand/vocabulary.ts';
import { defaultVocabulary } from './understand/vocabulary.ts';
import { readYesNo } from './understand/yes-no.ts';

// The intake questions: the profile's fields (src/profile/fields.ts), each with how a maker's answer
// to it is read.

/**
 * What decides, beside the answers, whether a question is asked: the policy, and the draft as it will be
 * submitted (with the facts the maker confirmed), whose tier it is.
 */
export interface AskContext {
  policy: Policy;
  effective: Draft;
}

/** A built-in question's profile key, or `answers.<id>` for one of the policy's own questions. */
export type QuestionId = DraftKey | `answers.${string}`;

export interface Question extends Omit<ProfileField, 'id'> {
  id: QuestionId;
  /** One of the policy's own questions (intake.questions): its answer is kept in the draft's `answers`. */
  custom?: CustomQuestion;
  /** What an answer looks like, for the LLM that rephrases an answer the rules could not read. */
  accepts?: string;
  /** What the maker's words say, with the vocabulary's synonyms. */
  read: (text: string, vocabulary: Vocabulary) => Reading;
  /** For answers that name a person: read with who is answering and whom the message mentions. */
  readWith?: (text: string, context: PersonAnswerContext) => Reading;
  /** Without an AskContext, a question that depends on the policy is asked only when it has an answer. */
  appliesTo?: (draft: Draft, context?: AskContext) => boolean;
}

/** A certain reading, else the hint to show: for forms (a Slack modal), where nothing is asked back. */
export function parseAnswer(
  question: Question,
  text: string,
  vocabulary: Vocabulary = defaultVocabulary(),
): { ok: true; value: unknown } | { ok: false; hint: string } {
  const reading = question.read(text, vocabulary);
  if (reading.kind === 'value') return { ok: true, value: reading.value };
  if (reading.kind === 'miss') return { ok: false, hint: reading.hint };
  if (reading.kind === 'access')
    return {
      ok: false,
      hint: `Does it read from or write to ${reading.missing.join(', ')}? Say it for each system, for example: ${reading.missing[0]} (read).`,
    };
  return { ok: false, hint: `Please be more specific, or use the option's name.` };
}

const choice =
  (id: ChoiceQuestionId, options: ChoiceOption[], flags: { riskRelevant?: boolean; ordered?: boolean } = {}) =>
  (text: string, vocabulary: Vocabulary) =>
    readChoice(
      text,
      {
        options,
        phrases: vocabulary.choices[id] ?? [],
        riskRelevant: flags.riskRelevant ?? false,
        ordered: flags.ordered ?? false,
      },
      vocabulary,
    );
const multiChoice = (id: ChoiceQuestionId, options: ChoiceOption[]) => (text: string, vocabulary: Vocabulary) =>
  readMultiChoice(
    text,
    { options, phrases: vocabulary.choices[id] ?? [], riskRelevant: true, ordered: false },
    vocabulary,
  );
const yesNoAbout = (question: YesNoQuestionId) => (text: string, vocabulary: Vocabulary) =>
  readYesNo(text, vocabulary, { question, riskRelevant: true });

const options = (id: DraftKey): ChoiceOption[] => FIELDS.find((field) => field.id === id)?.options ?? [];

const READERS: Record<DraftKey, Question['read']> = {
  name: readName,
  description: (text) => readText(text, { min: 1, max: 4000, what: 'description' }),
  platform: choice('platform', options('platform')),
  department: readDepartment,
  audience: choice('audience', options('audience'), { ordered: true }),
  userCount: readCount,
  dataCategories: multiChoice('dataCategories', options('dataCategories')),
  systems: readSystems,
  aiUsed: yesNoAbout('aiUsed'),
  aiGeneratesContent: yesNoAbout('aiGeneratesContent'),
  aiDecisionImpact: choice('aiDecisionImpact', options('aiDecisionImpact'), { riskRelevant: true, ordered: true }),
  aiProfiling: yesNoAbout('aiProfiling'),
  aiDomains: multiChoice('aiDomains', options('aiDomains')),
  aiPractices: multiChoice('aiPractices', options('aiPractices')),
  criticality: choice('criticality', options('criticality'), { ordered: true }),
  externalSharing: yesNoAbout('externalSharing'),
  // A person can only be read with the message (speaker, mentions): see readWith. Alone, an address or id.
  backupOwner: (text) => readBackupOwner(text),
};

/** The intake's own take on a field, beyond the profile's. */
const INTAKE_ONLY: Partial<Record<DraftKey, Partial<Question>>> = {
  backupOwner: {
    readWith: readBackupOwner,
    // Kept (and shown) once given; asked from the policy's tier up.
    appliesTo: (draft, context) =>
      draft.backupOwner !== undefined ||
      (context !== undefined && backupOwnerRequiredAt(context.effective, context.policy) !== undefined),
  },
};

/** The built-in questions, the same for every policy. */
export const QUESTIONS: Question[] = FIELDS.map((field) => ({
  ...field,
  read: READERS[field.id],
  ...INTAKE_ONLY[field.id],
}));

const ACCEPTS: Record<CustomQuestion['type'], string> = {
  yesno: 'yes or no',
  choice: 'one of the options',
  multi: 'one or more of the options, or none',
  number: 'a number',
  text: 'free text',
};

/** One of the policy's own questions as the intake asks it: like a built-in one, its answer kept in `answers`. */
function customQuestion(custom: CustomQuestion): Question {
  const label = answerLabel(custom);
  const options = custom.options ? customOptions(custom) : undefined;
  return {
    id: `${ANSWERS_PREFIX}${custom.id}` as QuestionId,
    custom,
    label,
    aliases: [...new Set([label.toLowerCase(), labelFromId(custom.id).toLowerCase(), custom.id.toLowerCase()])],
    prompt:
      custom.type === 'multi' && !/all that apply/iu.test(custom.ask)
        ? `${custom.ask} Pick all that apply, or say none.`
        : custom.ask,
    why: custom.help,
    ...(options ? { options } : {}),
    ...(custom.type === 'multi' ? { multiple: true } : {}),
    // Skipped, an optional question is kept as answered with nothing (null), so it is not asked again.
    ...(custom.required ? {} : { skipValue: null }),
    riskRelevant: true,
    accepts: ACCEPTS[custom.type],
    format: (value) => formatAnswer(custom, value),
    read: customReader(custom),
    // Asked when its condition certainly holds on the answers so far (with the facts the maker confirmed).
    // Without the policy's context, only where it has an answer.
    appliesTo: (draft, context) => {
      if (!custom.when) return true;
      if (!context) return answerIn(draft, `${ANSWERS_PREFIX}${custom.id}` as QuestionId) !== undefined;
      return conditionHolds(custom.when, partialProfile(context.effective), context.policy);
    },
  };
}

const byPolicy = new WeakMap<Policy, Question[]>();

/**
 * The questions a policy asks, in order: the built-in ones, then the policy's own, then the backup owner
 * (which depends on the tier, and so on every other answer, the policy's own included).
 */
function questionsFor(policy: Policy | undefined): Question[] {
  if (!policy || policy.intake.questions.length === 0) return QUESTIONS;
  let questions = byPolicy.get(policy);
  if (!questions) {
    const last = QUESTIONS.findIndex((question) => question.id === 'backupOwner');
    questions = [...QUESTIONS.slice(0, last), ...policy.intake.questions.map(customQuestion), ...QUESTIONS.slice(last)];
    byPolicy.set(policy, questions);
  }
  return questions;
}

/** A question by id (`audience`, `answers.region`); the policy's own ones only with the policy. */
export function questionById(id: string, policy?: Policy): Question | undefined {
  return questionsFor(policy).find((question) => question.id === id);
}

// Accessors for a question's answer in a draft: built-in answers sit at the draft's top level, the
// policy's own under `answers`.

type DraftLike = Draft | Record<string, unknown>;

function customId(id: QuestionId): string | undefined {
  return id.startsWith(ANSWERS_PREFIX) ? id.slice(ANSWERS_PREFIX.length) : undefined;
}

/** The draft's answer to a question; undefined while unanswered (null: an optional question skipped). */
export function answerIn(draft: DraftLike, question: QuestionId | Question): unknown {
  const id = typeof question === 'string' ? question : question.id;
  const custom = customId(id);
  if (custom === undefined) return (draft as Record<string, unknown>)[id];
  const answers = (draft as { answers?: unknown }).answers;
  return answers && typeof answers === 'object' ? (answers as Record<string, unknown>)[custom] : undefined;
}

export function isAnswered(draft: DraftLike, question: Question): boolean {
  return answerIn(draft, question) !== undefined;
}

export function setAnswer(draft: Record<string, unknown>, question: Question, value: unknown): void {
  const custom = customId(question.id);
  if (custom === undefined) {
    draft[question.id] = value;
    return;
  }
  const answers = draft.answers && typeof draft.answers === 'object' ? (draft.answers as Record<string, unknown>) : {};
  draft.answers = { ...answers, [custom]: value };
}

/**
 * The draft without answers to the policy's questions that no longer apply (an earlier answer changed so
 * a question's condition no longer holds): those are not submitted. Answers to questions the policy no
 * longer asks are kept as they were.
 */
export function withoutStaleAnswers(draft: Draft, context: AskContext): Draft {
  if (!draft.answers) return draft;
  const stale = questionsFor(context.policy).filter(
    (question) => question.custom && isAnswered(draft, question) && !applies(question, draft, context),
  );
  if (stale.length === 0) return draft;
  const answers = { ...draft.answers };
  for (const question of stale) delete answers[question.custom!.id];
  return { ...draft, answers };
}

function applies(question: Question, draft: Draft, context: AskContext | undefined): boolean {
  return !question.appliesTo || question.appliesTo(draft, context);
}

/** The question a maker names in "change audience", by label, alias or summary number. */
export function findQuestionByWords(words: string, draft: Draft, context?: AskContext): Question | undefined {
  const wanted = words
    .toLowerCase()
    .replace(/^(the|my)\s+/u, '')
    .trim();
  const applicable = applicableQuestions(draft, context);
  if (/^\d+$/u.test(wanted)) return applicable[Number(wanted) - 1];
  return (
    applicable.find((question) => question.id.toLowerCase() === wanted || question.aliases.includes(wanted)) ??
    applicable.find((question) => question.label.toLowerCase() === wanted) ??
    applicable.find((question) =>
      question.aliases.some((alias) => alias.startsWith(wanted) || wanted.startsWith(alias)),
    )
  );
}

export function nextUnanswered(draft: Draft, context?: AskContext): Question | undefined {
  return questionsFor(context?.policy).find(
    (question) => applies(question, draft, context) && !isAnswered(draft, question),
  );
}

export function applicableQuestions(draft: Draft, context?: AskContext): Question[] {
  return questionsFor(context?.policy).filter((question) => applies(question, draft, context));
}
