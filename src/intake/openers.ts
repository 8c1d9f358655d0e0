import type { Draft } from '../profile/draft.ts';
import { looksLikeAppDescription } from './commands.ts';
import { questionById } from './questions.ts';
import { findPhrases } from './understand/phrases.ts';
import { tokenize } from './understand/tokens.ts';
import type { Vocabulary } from './understand/vocabulary.ts';

// A first message: a greeting, a bare request to register ("Hi! I want to register a new app"), or
// a description worth keeping ("I built a Power App for complaint tracking") with what it states
// plainly (the platform, the audience) filled in, to be confirmed in the summary.

export type Opener =
  | { kind: 'greeting' }
  | { kind: 'register' }
  | { kind: 'description'; description: string; prefill: Partial<Draft> }
  | { kind: 'other' };

const EMOJI = /^\p{Extended_Pictographic}$/u;

/** Words that introduce who uses it: "for my team", "used by customers", "shared with suppliers". */
const AUDIENCE_LEAD = new Set(['for', 'by', 'with', 'where', 'so', 'lets', 'let', 'allows', 'helps']);
const POSSESSIVE = new Set(['our', 'my', 'the', 'all', 'all of', 'whole', 'entire', 'everyone', 'in']);

export function readOpener(text: string, vocabulary: Vocabulary): Opener {
  const tokens = tokenize(text);
  let start = 0;
  for (const greeting of findPhrases(tokens, vocabulary.greetings)) {
    if (greeting.start === start) start = greeting.end;
  }
  while (start < tokens.length && (tokens[start]!.word === 'steward' || tokens[start]!.word === 'there')) start += 1;
  const rest = tokens.slice(start);
  if (rest.length === 0) return { kind: 'greeting' };

  const requests = findPhrases(rest, vocabulary.requests);
  const covered = new Set<number>();
  for (const match of requests) for (let index = match.start; index < match.end; index++) covered.add(index);
  const content = rest.filter(
    (token, index) => !covered.has(index) && !vocabulary.filler.has(token.word) && !EMOJI.test(token.word),
  );
  const asking = text.trim().endsWith('?');
  if (content.length === 0) return requests.length > 0 ? { kind: 'register' } : { kind: 'greeting' };

  const body = text.slice(rest[0]!.start).trim();
  const describes = looksLikeAppDescription(body) || (requests.length > 0 && !asking && content.length >= 2);
  if (!describes)
    return requests.length > 0 && (!asking || content.length <= 2) ? { kind: 'register' } : { kind: 'other' };
  return { kind: 'description', description: body, prefill: plainFacts(body, vocabulary) };
}

/** Only what the words say outright: a platform named, an audience after "for"/"used by". */
function plainFacts(description: string, vocabulary: Vocabulary): Partial<Draft> {
  const prefill: Partial<Draft> = {};
  const platform = questionById('platform')!.read(description, vocabulary);
  if (platform.kind === 'value') prefill.platform = platform.value as Draft['platform'];
  const tokens = tokenize(description);
  const audiences = findPhrases(tokens, vocabulary.choices.audience ?? []).filter((match) => {
    if (match.phrase.words.some((word) => AUDIENCE_LEAD.has(word))) return true;
    let before = match.start - 1;
    while (before >= 0 && POSSESSIVE.has(tokens[before]!.word)) before -= 1;
    return before >= 0 && AUDIENCE_LEAD.has(tokens[before]!.word);
  });
  const meanings = new Set(audiences.map((match) => match.phrase.meaning));
  if (meanings.size === 1) prefill.audience = [...meanings][0] as Draft['audience'];
  return prefill;
}
