import type { Token } from './tokens.ts';
import { phraseWords } from './tokens.ts';

// Finds vocabulary phrases in an answer's words, forgiving what people do to words: typos in longer
// words, a plural "s", written together ("powerapps") or apart ("air table").

export interface Phrase<T> {
  words: string[];
  /** The words written together, for "powerapps" and "air table". */
  joined: string;
  /** What the phrase stands for (an option value, "yes", a system name...). */
  meaning: T;
  /** Probably, not certainly, this meaning: asked back before it is stored. */
  likely: boolean;
}

export interface PhraseMatch<T> {
  phrase: Phrase<T>;
  /** Token indices, end exclusive. */
  start: number;
  end: number;
  /** Matched only with a typo allowance. */
  fuzzy: boolean;
}

export function compilePhrases<T>(entries: Iterable<{ text: string; meaning: T; likely?: boolean }>): Phrase<T>[] {
  const phrases: Phrase<T>[] = [];
  for (const entry of entries) {
    const words = phraseWords(entry.text);
    if (words.length > 0)
      phrases.push({ words, joined: words.join(''), meaning: entry.meaning, likely: entry.likely ?? false });
  }
  return phrases;
}

/** Edit distance with adjacent swaps (optimal string alignment), stopping early once over `limit`. */
function distance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let before = new Array<number>(b.length + 1).fill(0);
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  let current = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    let rowBest = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, before[j - 2]! + 1);
      current[j] = best;
      if (best < rowBest) rowBest = best;
    }
    if (rowBest > limit) return limit + 1;
    [before, previous, current] = [previous, current, before];
  }
  return previous[b.length]!;
}

function typoAllowance(length: number): number {
  return length >= 9 ? 2 : length >= 5 ? 1 : 0;
}

type Closeness = 'exact' | 'fuzzy' | undefined;

/** "apps" for "app", "ibans" for "iban", "kids'" for "kids"; numbers and short words must be exact. */
function compare(said: string, wanted: string): Closeness {
  // "kids'" and "applicant's" read as "kids" and "applicant".
  const last = said.charCodeAt(said.length - 1);
  const word = last === 39 ? said.slice(0, -1) : said.endsWith("'s") ? said.slice(0, -2) : said;
  if (word === wanted || word === `${wanted}s` || word === `${wanted}es` || `${word}s` === wanted) return 'exact';
  const allowance = typoAllowance(wanted.length);
  if (allowance === 0 || Math.abs(word.length - wanted.length) > allowance || DIGIT.test(wanted) || DIGIT.test(word))
    return undefined;
  return distance(word, wanted, allowance) <= allowance ? 'fuzzy' : undefined;
}

const DIGIT = /\d/u;

/** Does the phrase start at token `at`? Returns how many tokens it took. */
function matchAt<T>(tokens: Token[], at: number, phrase: Phrase<T>): { length: number; fuzzy: boolean } | undefined {
  const wanted = phrase.words;
  // Word by word, each word with its own typo allowance; `*` takes any one word.
  if (at + wanted.length <= tokens.length) {
    let fuzzy = false;
    let matched = true;
    for (let index = 0; index < wanted.length && matched; index++) {
      if (wanted[index] === '*') continue;
      const closeness = compare(tokens[at + index]!.word, wanted[index]!);
      if (!closeness) matched = false;
      fuzzy ||= closeness === 'fuzzy';
    }
    if (matched) return { length: wanted.length, fuzzy };
  }
  if (wanted.includes('*')) return undefined;
  // Written together or apart ("powerapps", "air table"): the same letters over another number of words.
  const joined = phrase.joined;
  let said = '';
  for (let taken = 1; taken <= wanted.length + 1 && at + taken <= tokens.length; taken++) {
    said += tokens[at + taken - 1]!.word;
    if (said.length > joined.length + 3) break;
    if (taken === wanted.length) continue;
    const closeness = compare(said, joined);
    if (closeness === 'exact' || (closeness === 'fuzzy' && taken === 1))
      return { length: taken, fuzzy: closeness === 'fuzzy' };
  }
  return undefined;
}

/**
 * Every phrase found, overlaps resolved: longer phrases first, exact before fuzzy, earlier before later.
 * "sensitive personal data" hides "personal data" inside it.
 */
export function findPhrases<T>(tokens: Token[], phrases: readonly Phrase<T>[]): PhraseMatch<T>[] {
  const found: PhraseMatch<T>[] = [];
  for (let at = 0; at < tokens.length; at++) {
    for (const phrase of phrases) {
      const match = matchAt(tokens, at, phrase);
      if (match) found.push({ phrase, start: at, end: at + match.length, fuzzy: match.fuzzy });
    }
  }
  found.sort(
    (a, b) =>
      b.phrase.words.length - a.phrase.words.length ||
      b.end - b.start - (a.end - a.start) ||
      Number(a.fuzzy) - Number(b.fuzzy) ||
      a.start - b.start,
  );
  const taken = new Array<boolean>(tokens.length).fill(false);
  const kept: PhraseMatch<T>[] = [];
  for (const match of found) {
    let free = true;
    for (let index = match.start; index < match.end; index++) if (taken[index]) free = false;
    if (!free) continue;
    for (let index = match.start; index < match.end; index++) taken[index] = true;
    kept.push(match);
  }
  return kept.sort((a, b) => a.start - b.start);
}
