// Answers as words: lower case, accents and punctuation gone, each word knowing where it stood in the
// text and which clause and sentence it belongs to, so a "no" only cancels what it stands next to.

export interface Token {
  word: string;
  /** Offsets in the original text, to quote or keep the maker's own spelling. */
  start: number;
  end: number;
  /** Clauses end at , ; ( ) + / and sentences at . ! ? or a new line. */
  clause: number;
  sentence: number;
  /** The sentence ends here with a question mark ("Health? No."). */
  endsQuestion?: boolean;
}

const WORD = /[\p{L}\p{N}]+(?:['’][\p{L}]+)*|[\p{Extended_Pictographic}]/gu;
const CLAUSE_BREAK = /[,;:()[\]+/–—-]|\s&\s/u;
const SENTENCE_BREAK = /[.!?\n]/u;

/** Lower case without accents or typographic apostrophes: "Résumé’s" -> "resume's". */
export function fold(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}/gu, '').normalize('NFKC').toLowerCase().replace(/[’‘`]/gu, "'");
}

export function tokenize(text: string): Token[] {
  const folded = fold(text);
  const tokens: Token[] = [];
  let clause = 0;
  let sentence = 0;
  let last = 0;
  for (const match of folded.matchAll(WORD)) {
    const between = folded.slice(last, match.index);
    if (tokens.length > 0 && SENTENCE_BREAK.test(between.replace(/\d\.\d/gu, ''))) {
      if (between.includes('?')) tokens.at(-1)!.endsQuestion = true;
      sentence += 1;
      clause += 1;
    } else if (tokens.length > 0 && CLAUSE_BREAK.test(between)) {
      clause += 1;
    }
    // "and" is a word and a clause break at once: it ends the clause it closes.
    const word = match[0];
    tokens.push({ word, start: match.index, end: match.index + word.length, clause, sentence });
    if (word === 'and' || word === 'but') clause += 1;
    last = match.index + word.length;
  }
  return tokens;
}

/** A phrase as the words it matches: "Read-only" -> ["read", "only"]. */
export function phraseWords(phrase: string): string[] {
  return [...fold(phrase).matchAll(/\*|[\p{L}\p{N}]+(?:['’][\p{L}]+)*|[\p{Extended_Pictographic}]/gu)].map(
    (match) => match[0],
  );
}
