import type { Token } from './tokens.ts';
import { phraseWords } from './tokens.ts';

// Finds vocabulary phrases in an answer's words, forgiving what people do to words: typos in longer
// words, a plural "s", written together ("powerapps") or apart ("air table").

export interface Phrase<T> {
  words: string[];
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
    if (words.length > 0) phrases.push({ words, meaning: entry.meaning, likely: entry.likely ?? false });
  }
  return phrases;
}

/** Edit distance with adjacent swaps, stopping early once over `limit`. */
function distance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    const row: number[] = [i];
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) row.push(j);
      else {
        const cost = a[i - 1] === b[j - 1] ? 0 : 1;
        let best = Math.min(rows[i - 1]![j]! + 1, row[j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
        if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, rows[i - 2]![j - 2]! + 1);
        row.push(best);
      }
    }
    rows.push(row);
    if (Math.min(...row) > limit) return limit + 1;
  }
  return rows[a.length]![b.length]!;
}

function typoAllowance(length: number): number {
  return length >= 9 ? 2 : length >= 5 ? 1 : 0;
}

type Closeness = 'exact' | 'fuzzy' | undefined;

/** "apps" for "app", "ibans" for "iban", "kids'" for "kids"; numbers and short words must be exact. */
function compare(said: string, wanted: string): Closeness {
  const word = said.replace(/'s?$/u, '');
  if (word === wanted || word === `${wanted}s` || word === `${wanted}es` || `${word}s` === wanted) return 'exact';
  if (/\d/u.test(wanted) || /\d/u.test(word)) return undefined;
  const allowance = typoAllowance(wanted.length);
  return allowance > 0 && distance(word, wanted, allowance) <= allowance ? 'fuzzy' : undefined;
}

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
  const joined = wanted.join('');
  let said = '';
  for (let taken = 1; taken <= wanted.length + 1 && at + taken <= tokens.length; taken++) {
    said += tokens[at + taken - 1]!.word;
    if (said.length > joined.length + 3) break;
    if (taken === wanted.length) continue;
    const closeness = compare(said, joined);
    if (closeness === 'exact' || (closeness === 'fuzzy' && taken === 1)) return { length: taken, fuzzy: closeness === 'fuzzy' };
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
