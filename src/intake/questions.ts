import type { ChoiceOption } from '../chat/reply.ts';
import type { Policy } from '../policy/schema.ts';
import type { Draft, DraftKey } from '../profile/draft.ts';
import type { ProfileField } from '../profile/fields.ts';
import { FIELDS } from '../profile/fields.ts';
import { readChoice, readMultiChoice } from './understand/choices.ts';
import { backupOwnerRequiredAt } from './backup-owner.ts';
import { readCount } from './understand/count.ts';
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

export interface Question extends ProfileField {
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

export const QUESTIONS: Question[] = FIELDS.map((field) => ({
  ...field,
  read: READERS[field.id],
  ...INTAKE_ONLY[field.id],
}));

export function questionById(id: string): Question | undefined {
  return QUESTIONS.find((question) => question.id === id);
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
  return QUESTIONS.find((question) => applies(question, draft, context) && draft[question.id] === undefined);
}

export function applicableQuestions(draft: Draft, context?: AskContext): Question[] {
  return QUESTIONS.filter((question) => applies(question, draft, context));
}
