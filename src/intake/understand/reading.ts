import type { Vocabulary } from './vocabulary.ts';
import type { PhraseMatch } from './phrases.ts';
import { findPhrases } from './phrases.ts';
import type { Token } from './tokens.ts';
import type { SystemAnswer } from '../../profile/draft.ts';

// What a reader made of an answer. Certain readings are stored; likely ones are put to the maker
// ("Did you mean ...?"); several possible options are offered to pick from; nothing is a miss.

export type Reading<T = unknown> =
  | { kind: 'value'; value: T }
  | { kind: 'confirm'; value: T }
  | { kind: 'choose'; candidates: string[] }
  | { kind: 'access'; known: SystemAnswer[]; missing: string[] }
  | { kind: 'miss'; hint: string };

export const value = <T>(v: T): Reading<T> => ({ kind: 'value', value: v });
export const confirm = <T>(v: T): Reading<T> => ({ kind: 'confirm', value: v });
export const miss = <T>(hint: string): Reading<T> => ({ kind: 'miss', hint });

/** Matches not cancelled by a "no"/"not" shortly before them in their clause, or by "we never see them" after. */
export function affirmed<T>(tokens: Token[], matches: PhraseMatch<T>[], vocabulary: Vocabulary): PhraseMatch<T>[] {
  const before = findPhrases(tokens, vocabulary.negations);
  const after = findPhrases(tokens, vocabulary.negationsAfter);
  return matches.filter((match) => {
    const first = tokens[match.start]!;
    const cancelledBefore = before.some((negation) => {
      const last = tokens[negation.end - 1]!;
      if (negation.end > match.start || last.sentence !== first.sentence) return false;
      if (match.start - negation.end <= 3 && last.clause === first.clause) return true;
      // "Nothing about health, religion or anything like that": a "no" before a list covers its short items.
      const between = tokens.slice(negation.end, match.start);
      const clauseSizes = new Map<number, number>();
      for (const token of between) clauseSizes.set(token.clause, (clauseSizes.get(token.clause) ?? 0) + 1);
      // ... but not past a contrast: "nothing sensitive, just public info".
      // A list item starts its clause ("religion or ..."); "we can wait" is a clause of its own.
      const clauseStart = tokens.find((token) => token.clause === first.clause)!;
      if (CONTRAST.has(clauseStart.word) || clauseStart !== first) return false;
      return match.start - negation.end <= 8 && [...clauseSizes.values()].every((size) => size <= 3);
    });
    const cancelledAfter = after.some(
      (negation) => negation.start >= match.end && tokens[negation.start]!.sentence === first.sentence,
    );
    return !cancelledBefore && !cancelledAfter && !answeredNo(tokens, match.end);
  });
}

const CONTRAST = new Set(['just', 'only', 'but', 'mostly', 'mainly', 'except', 'apart', 'instead', 'rather']);
const NO_WORDS = new Set(['no', 'nope', 'nah', 'not', 'never', 'none']);

/** "Children's data? No." : a short question the maker answers no to straight after. */
function answeredNo(tokens: Token[], from: number): boolean {
  let last = from - 1;
  while (last + 1 < tokens.length && tokens[last + 1]!.sentence === tokens[from - 1]!.sentence) last += 1;
  const next = tokens[last + 1];
  return Boolean(tokens[last]!.endsQuestion && next && NO_WORDS.has(next.word));
}

export function hedged(tokens: Token[], vocabulary: Vocabulary): boolean {
  return findPhrases(tokens, vocabulary.hedges).length > 0;
}

/** Distinct meanings in the order they were first said. */
export function meaningsInOrder<T>(matches: PhraseMatch<T>[]): T[] {
  const seen: T[] = [];
  for (const match of matches) if (!seen.includes(match.phrase.meaning)) seen.push(match.phrase.meaning);
  return seen;
}

export function preview(text: string, max = 40): string {
  const flat = text.replace(/\s+/gu, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
