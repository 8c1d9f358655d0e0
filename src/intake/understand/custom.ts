import type { ChoiceOption } from '../../chat/reply.ts';
import type { CustomQuestion } from '../../policy/schema.ts';
import { answerLabel } from '../../profile/answers.ts';
import type { ChoiceQuestion } from './choices.ts';
import { readChoice, readMultiChoice } from './choices.ts';
import { readNumber } from './count.ts';
import { readText } from './free-text.ts';
import type { Phrase } from './phrases.ts';
import { compilePhrases, findPhrases } from './phrases.ts';
import type { Reading } from './reading.ts';
import { confirm, miss, value } from './reading.ts';
import { fold, tokenize } from './tokens.ts';
import type { Vocabulary, YesNoMeaning } from './vocabulary.ts';
import { readYesNo } from './yes-no.ts';

// How an answer to one of the policy's own questions is read: with the readers of the built-in questions,
// and the words the policy gives for its options (or, for a yes/no question, its cues). Every custom
// question may feed a rule, so a likely reading, a typo or a hedge is always asked back, never stored.

export type Reader = (text: string, vocabulary: Vocabulary) => Reading;

/** Longest answer kept for a text question. */
const MAX_TEXT = 2000;

export function customReader(question: CustomQuestion): Reader {
  switch (question.type) {
    case 'yesno': {
      const cues = yesNoCues(question);
      return (text, vocabulary) => readCustomYesNo(text, vocabulary, cues);
    }
    case 'number': {
      const what = answerLabel(question).toLowerCase();
      return (text) => readNumber(text, what);
    }
    case 'text': {
      const what = answerLabel(question).toLowerCase();
      return (text) =>
        NON_ANSWER.test(fold(text).trim())
          ? miss(`Please tell me the ${what} in your own words; if you don't know yet, check and tell me then.`)
          : readText(text, { min: 1, max: MAX_TEXT, what });
    }
    case 'choice':
      return choiceReader(question, customOptions(question));
    case 'multi':
      return multiReader(question, customOptions(question));
  }
}

const optionLists = new WeakMap<CustomQuestion, ChoiceOption[]>();

/** The question's options as the chat shows them; one array per question (the readers cache by it). */
export function customOptions(question: CustomQuestion): ChoiceOption[] {
  let options = optionLists.get(question);
  if (!options) {
    options = (question.options ?? []).map((option) => ({ value: option.value, label: option.label }));
    optionLists.set(question, options);
  }
  return options;
}

/** A whole answer that says nothing but "I don't know" ("dunno", "no idea, ask IT"). */
const NON_ANSWER =
  /^(?:(?:i\s+)?(?:(?:really|honestly)\s+)?(?:not sure|unsure|don'?t know|do not know|dunno|idk|no idea|no clue|not a clue|ask (?:it|\w+)|n\/?a)[\s,.!?]*)+(?:,?\s*(?:sorry|ask \w+(?:\s+\w+)?|lol|tbh)[\s,.!?]*)*$/u;

/** "not sure", "I don't know", "depends": no answer yet, whatever yes- or no-like words come with it. */
const UNSURE =
  /\b(?:not sure|unsure|not certain|don'?t know|do not know|dunno|idk|no idea|no clue|depends|it depends|(?:have|need) to check|find out)\b/u;

function readCustomYesNo(text: string, vocabulary: Vocabulary, cues: Phrase<YesNoMeaning>[]): Reading<boolean> {
  const folded = fold(text);
  if (UNSURE.test(folded))
    return miss("I need a yes or a no for this one. If you're not sure, please check and tell me when you know.");
  const reading = readYesNo(text, vocabulary, { riskRelevant: true, cues });
  if (reading.kind !== 'miss') return reading;
  // "yse", "eys": the letters of a yes in the wrong order, asked back.
  const word = folded.replace(/[^a-z]/gu, '');
  if (word.length === 3 && [...word].sort().join('') === 'esy') return confirm(true);
  return reading;
}

function yesNoCues(question: CustomQuestion): Phrase<YesNoMeaning>[] {
  return compilePhrases([
    ...(question.cues?.yes ?? []).map((text) => ({ text, meaning: 'yes' as const })),
    ...(question.cues?.no ?? []).map((text) => ({ text, meaning: 'no' as const })),
  ]);
}

function choiceQuestion(question: CustomQuestion, options: ChoiceOption[]): ChoiceQuestion {
  const phrases = compilePhrases(
    (question.options ?? []).flatMap((option) => [
      ...option.words.map((text) => ({ text, meaning: option.value })),
      ...option.likely.map((text) => ({ text, meaning: option.value, likely: true })),
    ]),
  );
  return { options, phrases, riskRelevant: true, ordered: false };
}

/**
 * Reads what stands outside brackets first: "Europe (Netherlands mainly)", "Azure OpenAI (a gpt-4o
 * deployment)" name their answer before the remark. Only when that says nothing is the remark read too.
 */
function outsideBracketsFirst<T>(text: string, read: (text: string) => Reading<T>): Reading<T> {
  const outside = text.replace(/\([^()]*\)|\[[^[\]]*\]/gu, ' ').trim();
  if (outside !== text.trim() && outside !== '') {
    const reading = read(outside);
    if (reading.kind !== 'miss') return reading;
  }
  return read(text);
}

function choiceReader(question: CustomQuestion, options: ChoiceOption[]): Reader {
  const asked = choiceQuestion(question, options);
  const several = question.several;
  return (text, vocabulary) => {
    const reading = outsideBracketsFirst(text, (part) => readChoice(part, asked, vocabulary));
    // "US and EMEA" for a region question with a "several regions" option means that option.
    if (several && reading.kind === 'choose' && reading.candidates.length > 1 && !ONLY_DIGITS.test(text))
      return value(several);
    return reading;
  };
}

const ONLY_DIGITS = /^[\d\s,;&+.#]*(?:and|or)?[\d\s,;&+.#]*$/iu;
/** "all of them", "all of these except ...", "everything but ...". */
const ALL_OF_THEM = /^\s*(?:all|every(?:thing| one)|each)(?:\s+of\s+(?:them|these|those|the above|the options))?\b/iu;
const EXCEPT = /\b(?:except|apart from|other than|but not|besides|excluding|minus)\b/iu;

function multiReader(question: CustomQuestion, options: ChoiceOption[]): Reader {
  const asked = choiceQuestion(question, options);
  const order = (values: string[]) =>
    options.map((option) => option.value).filter((candidate) => values.includes(candidate));
  return (text, vocabulary) => {
    const none = noneOption(options, vocabulary);
    const everything = allBut(text, asked, none, vocabulary);
    if (everything) return value(order(everything));
    const reading = outsideBracketsFirst(text, (part) => readMultiChoice(part, asked, vocabulary));
    if (reading.kind !== 'value' && reading.kind !== 'confirm') return reading;
    const values = order(reading.value);
    // "no idea, ask IT" is not "none of these": the "no" is a don't-know.
    if (UNSURE.test(fold(text)) && (values.length === 0 || (values.length === 1 && values[0] === none)))
      return miss('Which of these apply? If you are not sure, please check and tell me when you know.');
    // "None" is an option of its own: said alone, it is the answer; said with others, ask which.
    if (none && values.length === 0) return { kind: reading.kind, value: [none] };
    if (none && values.includes(none) && values.length > 1) return { kind: 'choose', candidates: values };
    return { kind: reading.kind, value: values };
  };
}

/** The option that means "none of these" (its value or label is a "none" word), if there is one. */
function noneOption(options: ChoiceOption[], vocabulary: Vocabulary): string | undefined {
  return options.find((option) =>
    [option.value, option.label].some((said) => {
      const tokens = tokenize(said);
      const found = findPhrases(tokens, vocabulary.none);
      return tokens.length > 0 && found.length === 1 && found[0]!.start === 0 && found[0]!.end === tokens.length;
    }),
  )?.value;
}

/** "all of them except claude": every option but "none" and the ones named after "except". */
function allBut(
  text: string,
  asked: ChoiceQuestion,
  none: string | undefined,
  vocabulary: Vocabulary,
): string[] | undefined {
  const folded = fold(text);
  if (!ALL_OF_THEM.test(folded)) return undefined;
  const except = EXCEPT.exec(folded);
  const every = asked.options.map((option) => option.value).filter((candidate) => candidate !== none);
  if (!except) return folded.replace(ALL_OF_THEM, '').trim() === '' ? every : undefined;
  // The offsets of the folded text hold in the original for the Latin scripts these words are in.
  const named = readMultiChoice(text.slice(except.index + except[0].length), asked, vocabulary);
  if (named.kind !== 'value' || named.value.length === 0) return undefined;
  return every.filter((candidate) => !named.value.includes(candidate));
}
