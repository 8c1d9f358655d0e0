import MiniSearch from 'minisearch';
import type { Handbook, HandbookSection } from './load.ts';

// Full-text search over the handbook, built once at start. MiniSearch ranks with BM25+; on top of it
// a small normalisation step (stop words, a light stemmer, a few synonyms makers use) lets "card
// numbers", "sharing" and "e-mail" meet "card number", "share" and "email" in the text.

export interface SearchHit {
  section: HandbookSection;
  score: number;
  /** The normalised query terms found in the section. */
  matchedTerms: string[];
}

export interface HandbookIndex {
  readonly handbook: Handbook;
  /** The best `k` sections for a question, best first; empty when no term matches. */
  search(question: string, k?: number): SearchHit[];
}

interface IndexedSection {
  id: string;
  title: string;
  keywords: string;
  summary: string;
  body: string;
}

// Titles and keywords are what an admin wrote to say what a section is about; a match there counts most.
const FIELD_BOOST = { title: 2.5, keywords: 2.5, summary: 1.5, body: 1 };

export function createHandbookIndex(handbook: Handbook): HandbookIndex {
  const byId = new Map(handbook.sections.map((section) => [section.id, section]));
  const index = new MiniSearch<IndexedSection>({
    fields: ['title', 'keywords', 'summary', 'body'],
    tokenize,
    processTerm: normaliseTerm,
    searchOptions: {
      boost: FIELD_BOOST,
      // Prefix and fuzzy matching only on longer terms: on short ones they match too much.
      prefix: (term) => term.length >= 4,
      fuzzy: (term) => (term.length >= 6 ? 1 : false),
      weights: { prefix: 0.4, fuzzy: 0.2 },
      combineWith: 'OR',
    },
  });
  index.addAll(
    handbook.sections.map((section) => ({
      id: section.id,
      title: section.title,
      keywords: section.keywords.join(' , '),
      summary: section.summary ?? '',
      body: section.body,
    })),
  );

  return {
    handbook,
    search(question, k = 3) {
      const results = index.search(question.slice(0, MAX_QUERY_LENGTH));
      return results.slice(0, k).map((result) => ({
        section: byId.get(String(result.id))!,
        score: result.score,
        matchedTerms: [...new Set(result.queryTerms)],
      }));
    },
  };
}

/** Long pastes would only slow the search down; the question is in the first sentences. */
const MAX_QUERY_LENGTH = 500;

// ---------------------------------------------------------------- text normalisation

/** Words that carry no topic. Kept short on purpose: "share", "data" or "access" are topics here. */
const STOP_WORDS = new Set(
  `a an and are as at be been but by can could did do does doing for from had has have how i i'm if in into is it its
  me my myself no not of on or our ours should so than that the their them then there these they this those to too
  us was we were what when where which who why will with would you your yours just also about any some such very
  am im ok okay please thanks thank hi hello want wants need needs let lets get got go going use using used
  allowed allow able may might must say says said think`
    .split(/\s+/)
    .filter(Boolean),
);

/** Spellings of one thing, mapped to the form the handbook uses. Whole words, after lower-casing. */
const PHRASES: Array<[RegExp, string]> = [
  [/\be-?mails?\b/g, 'email'],
  [/\blog-?ins?\b|\bsign-?ins?\b/g, 'login'],
  [/\bco-?owners?\b/g, 'coowner'],
  [/\bpower\s*apps?\b/g, 'powerapps'],
  [/\bpower\s*automate\b/g, 'powerautomate'],
  [/\bcopilot\s*studio\b/g, 'copilotstudio'],
  [/\bapps?\s*script\b/g, 'appsscript'],
  [/\bno-?code\b|\blow-?code\b/g, 'lowcode'],
  [/\bmake\.com\b/g, 'make'],
  [/\bhard-?cod(e|ed|ing)\b/g, 'hardcode'],
  [/\bset\s*up\b/g, 'setup'],
];

/** One word for another: what a maker says -> what the handbook says (both stemmed afterwards). */
const SYNONYMS: Record<string, string> = {
  organisation: 'company',
  organization: 'company',
  org: 'company',
  firm: 'company',
  staff: 'employee',
  colleague: 'employee',
  worker: 'employee',
  decommission: 'retire',
  sunset: 'retire',
  llm: 'ai',
  genai: 'ai',
  pwd: 'password',
  passcode: 'password',
  creditcard: 'card',
  cc: 'card',
};

export function tokenize(text: string): string[] {
  let normalised = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();
  for (const [pattern, replacement] of PHRASES) normalised = normalised.replace(pattern, replacement);
  return normalised.split(/[^\p{L}\p{N}]+/u).filter(Boolean);
}

/** A stop word or a one-letter token gives null; anything else its stem, or the synonym of its stem. */
function normaliseTerm(term: string): string | null {
  const word = term.toLowerCase();
  if (word.length < 2 || STOP_WORDS.has(word)) return null;
  const synonym = SYNONYMS[word];
  return stemWord(synonym ?? word);
}

/** The normalised terms of a text, in order, repeats kept. */
export function normaliseText(text: string): string[] {
  return tokenize(text)
    .map(normaliseTerm)
    .filter((term): term is string => term !== null);
}

/**
 * A deliberately small English stemmer: plurals, -ing, -ed and a final -e, so share/shared/sharing
 * and store/stored/storing meet. Short words are left alone: "need" must not become "ne".
 */
export function stemWord(word: string): string {
  if (word.length <= 3 || /\d/.test(word)) return word;
  let stem = word;
  if (stem.endsWith('ies') && stem.length > 4) stem = `${stem.slice(0, -3)}y`;
  else if (/(ss|us|is)$/.test(stem)) {
    // access, status, analysis: not plurals
  } else if (/(ches|shes|sses|xes)$/.test(stem)) stem = stem.slice(0, -2);
  else if (stem.endsWith('s')) stem = stem.slice(0, -1);

  const withoutEnding =
    stem.endsWith('ing') && stem.length >= 7
      ? stem.slice(0, -3)
      : stem.endsWith('ed') && stem.length >= 6
        ? stem.slice(0, -2)
        : stem;
  if (withoutEnding !== stem) {
    stem = withoutEnding;
    // Doubled consonants left by -ing/-ed: "shipped" -> "shipp" -> "ship".
    if (/([bdgmnprt])\1$/.test(stem)) stem = stem.slice(0, -1);
  }
  if (stem.endsWith('e') && stem.length >= 5) stem = stem.slice(0, -1);
  return stem;
}
