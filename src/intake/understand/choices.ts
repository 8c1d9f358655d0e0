import type { ChoiceOption } from '../../chat/reply.ts';
import type { Phrase } from './phrases.ts';
import { compilePhrases, findPhrases } from './phrases.ts';
import type { Reading } from './reading.ts';
import { affirmed, confirm, hedged, meaningsInOrder, miss, preview, value } from './reading.ts';
import { fold, tokenize } from './tokens.ts';
import type { Vocabulary } from './vocabulary.ts';

// One or several options from what the maker wrote: the number, the label, the value, a synonym from
// the vocabulary, or a sentence that contains them ("an Excel sheet with a macro").

export interface ChoiceQuestion {
  options: ChoiceOption[];
  /** Vocabulary phrases for the options (besides their labels and values). */
  phrases: Phrase<string>[];
  /** A wrong guess here changes the risk tier: likely readings, typos and hedges are confirmed. */
  riskRelevant: boolean;
  /** Options run from narrow to wide (audience, criticality): a first-said widest option settles it. */
  ordered: boolean;
}

const compiledLabels = new WeakMap<ChoiceOption[], Phrase<string>[]>();

function labelPhrases(options: ChoiceOption[]): Phrase<string>[] {
  let phrases = compiledLabels.get(options);
  if (!phrases) {
    phrases = compilePhrases(
      options.flatMap((option) => [
        { text: option.value.replaceAll('-', ' '), meaning: option.value },
        { text: option.label.replace(/\s*\(.*\)$/u, ''), meaning: option.value },
      ]),
    );
    compiledLabels.set(options, phrases);
  }
  return phrases;
}

const ONLY_NUMBERS =
  /^\s*(?:(?:#|no\.?|number|option|nr\.?)\s*)?\d{1,2}(?:\s*(?:,|;|&|\+|\band\b|\bor\b|\s)\s*(?:#\s*)?\d{1,2})*\s*[.)!]?\s*$/iu;

function numbersIn(text: string): number[] {
  return [...text.matchAll(/\d{1,2}/gu)].map((match) => Number(match[0]));
}

function byNumber(text: string, options: ChoiceOption[]): { values: string[]; bad?: number } {
  const values: string[] = [];
  for (const number of numbersIn(text)) {
    const option = options[number - 1];
    if (!option) return { values, bad: number };
    if (!values.includes(option.value)) values.push(option.value);
  }
  return { values };
}

function listHint(options: ChoiceOption[]): string {
  return `Reply with a number from 1 to ${options.length}, or say it in your own words.`;
}

function optionMatches(text: string, question: ChoiceQuestion, vocabulary: Vocabulary) {
  const tokens = tokenize(text);
  const all = findPhrases(tokens, [...question.phrases, ...labelPhrases(question.options)]);
  return { tokens, matches: affirmed(tokens, all, vocabulary) };
}

export function readChoice(text: string, question: ChoiceQuestion, vocabulary: Vocabulary): Reading<string> {
  const { options } = question;
  if (ONLY_NUMBERS.test(text)) {
    const picked = byNumber(text, options);
    if (picked.bad !== undefined || picked.values.length === 0)
      return miss(`There's no option ${picked.bad ?? ''}. ${listHint(options)}`);
    return picked.values.length === 1 ? value(picked.values[0]!) : { kind: 'choose', candidates: picked.values };
  }
  const { tokens, matches } = optionMatches(text, question, vocabulary);
  const meanings = meaningsInOrder(matches);
  if (meanings.length === 0) {
    const embedded = byNumber(text, options);
    if (embedded.bad === undefined && embedded.values.length === 1) return confirm(embedded.values[0]!);
    if (embedded.bad === undefined && embedded.values.length > 1)
      return { kind: 'choose', candidates: embedded.values };
    return miss(`I couldn't match "${preview(text)}" to one of the options. ${listHint(options)}`);
  }
  if (meanings.length > 1) {
    const rank = (meaning: string) => options.findIndex((option) => option.value === meaning);
    const widest = Math.max(...meanings.map(rank));
    if (question.ordered && !question.riskRelevant && rank(meanings[0]!) === widest) return value(meanings[0]!);
    return { kind: 'choose', candidates: meanings };
  }
  const only = meanings[0]!;
  const unsure = matches.every((match) => match.phrase.likely || (question.riskRelevant && match.fuzzy));
  if (unsure || (question.riskRelevant && hedged(tokens, vocabulary))) return confirm(only);
  return value(only);
}

export function readMultiChoice(text: string, question: ChoiceQuestion, vocabulary: Vocabulary): Reading<string[]> {
  const { options } = question;
  if (ONLY_NUMBERS.test(text)) {
    const picked = byNumber(text, options);
    if (picked.bad !== undefined || picked.values.length === 0) {
      return miss(
        `There's no option ${picked.bad ?? ''}. Pick one or more numbers from 1 to ${options.length} (e.g. 1, 3), or say none.`,
      );
    }
    return value(picked.values);
  }
  const { tokens, matches } = optionMatches(text, question, vocabulary);
  const meanings = meaningsInOrder(matches);
  const none = findPhrases(tokens, vocabulary.none);
  if (meanings.length === 0) {
    // "none", "absolutely none of those": said first, it is the answer; said later, it is asked back.
    if (none.some((match) => match.start <= 1) || fold(text).trim() === '') return value([]);
    if (none.length > 0) return confirm([]);
    const embedded = byNumber(text, options);
    if (embedded.bad === undefined && embedded.values.length > 0) return confirm(embedded.values);
    return miss(
      `I couldn't match "${preview(text)}" to the list. Pick one or more numbers (e.g. 1, 3), say them in your own words, or say none.`,
    );
  }
  // Each option needs one certain mention; one said only in likely words or with a typo is confirmed.
  const certain = (meaning: string) =>
    matches.some(
      (match) => match.phrase.meaning === meaning && !match.phrase.likely && !(question.riskRelevant && match.fuzzy),
    );
  if (!meanings.every(certain) || (question.riskRelevant && hedged(tokens, vocabulary))) return confirm(meanings);
  return value(meanings);
}
