import type { PhraseMatch } from './phrases.ts';
import { findPhrases } from './phrases.ts';
import type { SystemAnswer } from '../../profile/draft.ts';
import type { Reading } from './reading.ts';
import { affirmed, miss, value } from './reading.ts';
import type { Token } from './tokens.ts';
import { tokenize } from './tokens.ts';
import type { Vocabulary } from './vocabulary.ts';

// Connected systems and what the app does with each: "Stripe (write), Zendesk (read)", "it writes to
// SAP", "pulls data out of sharepoint and pushes updates to jira". A system named without its access
// is asked about on its own.

/** Words that may stand between a system and its access: "sharepoint list (read)", "zendesk, it only reads". */
const BETWEEN = new Set([
  'it',
  'only',
  'just',
  'is',
  'are',
  'list',
  'lists',
  'site',
  'sites',
  'library',
  'db',
  'database',
  'system',
  'account',
  'instance',
  'api',
  'data',
  'access',
  'channel',
  'board',
  'calendar',
  'mailbox',
]);
/** Words that say nothing about which system: what is left of an item after them is an unknown system's name. */
const NOT_A_NAME = new Set([
  ...BETWEEN,
  'to',
  'from',
  'into',
  'in',
  'of',
  'out',
  'on',
  'onto',
  'with',
  'through',
  'via',
  'the',
  'a',
  'an',
  'our',
  'my',
  'its',
  "it's",
  'their',
  'also',
  'then',
  'them',
  'and',
  'uses',
  'use',
  'using',
  'connects',
  'connect',
  'connected',
  'talks',
  'integrates',
  'integration',
  'yes',
  'some',
  'stuff',
  'records',
  'record',
  'things',
  'everything',
  'back',
  'both',
  'plus',
  'as',
  'well',
  'too',
  'there',
  "there's",
  'for',
  "doesn't",
  'doesnt',
  'anything',
  'nothing',
  'never',
  'not',
  'results',
  'summary',
  'tickets',
  'updates',
  'info',
  'information',
  'files',
  'emails',
  'messages',
  'message',
  'a',
  'that',
]);

interface Mention {
  name: string;
  start: number;
  end: number;
}

const RENAMING = new Set(['which', 'aka', 'ie', 'namely', 'called', 'i']);
const PREPOSITIONS = new Set(['to', 'from', 'into', 'in', 'on', 'onto', 'with', 'via', 'through', 'of']);

function unknownSystems(
  text: string,
  tokens: Token[],
  access: Array<{ start: number; end: number }>,
  known: PhraseMatch<string>[],
): Mention[] {
  const covered = new Set<number>();
  for (const match of [...access, ...known])
    for (let index = match.start; index < match.end; index++) covered.add(index);
  const mentions: Mention[] = [];
  // One unknown system per clause that names no known one: its remaining words, as the maker wrote them.
  const clauses = new Map<number, number[]>();
  tokens.forEach((token, index) => clauses.set(token.clause, [...(clauses.get(token.clause) ?? []), index]));
  for (const indices of clauses.values()) {
    const saysAccess = indices.some((index) => covered.has(index));
    let rest = indices.filter((index) => !covered.has(index) && !NOT_A_NAME.has(tokens[index]!.word));
    // In a clause that says what it does, the name is what follows "to", "from"...: not "we only look up stock".
    if (saysAccess) {
      const after = indices.findIndex((index) => PREPOSITIONS.has(tokens[index]!.word));
      rest = after < 0 ? [] : rest.filter((index) => index > indices[after]!);
    }
    // Beside systems Steward knows, only a name written with capitals counts ("loan system nCino" -> "nCino").
    if (known.length > 0)
      rest = rest.filter((index) => /\p{Lu}/u.test(text.slice(tokens[index]!.start, tokens[index]!.end)));
    if (known.some((match) => indices.includes(match.start))) continue;
    if (rest.length === 0 || rest.length > 5) continue;
    const from = rest[0]!;
    const to = rest.at(-1)!;
    mentions.push({
      name: text
        .slice(tokens[from]!.start, tokens[to]!.end)
        .replace(/[()[\]]/gu, '')
        .trim(),
      start: from,
      end: to + 1,
    });
  }
  return mentions;
}

/** A known system, or the maker's longer name for it ("Dynamics 365 Customer Service"): capitalised words that follow it. */
function namedAsTyped(text: string, tokens: Token[], match: PhraseMatch<string>, access: AccessWords[]): Mention {
  let end = match.end;
  while (end < tokens.length && end - match.end < 4) {
    const token = tokens[end]!;
    const capitalised = /\p{Lu}/u.test(text.charAt(token.start));
    if (
      !capitalised ||
      token.clause !== tokens[match.start]!.clause ||
      NOT_A_NAME.has(token.word) ||
      access.some((words) => end >= words.start && end < words.end)
    )
      break;
    end += 1;
  }
  if (end === match.end) return { name: match.phrase.meaning, start: match.start, end };
  return { name: text.slice(tokens[match.start]!.start, tokens[end - 1]!.end), start: match.start, end };
}

interface AccessWords {
  start: number;
  end: number;
  meaning: 'read' | 'write';
}

/** "pushes updates to jira" says write once, not twice. */
function joinAdjacent(tokens: Token[], matches: PhraseMatch<'read' | 'write'>[]): AccessWords[] {
  const joined: AccessWords[] = [];
  for (const match of matches) {
    const last = joined.at(-1);
    if (last && last.end === match.start && tokens[last.start]!.clause === tokens[match.start]!.clause) {
      last.end = match.end;
      if (match.phrase.meaning === 'write') last.meaning = 'write';
    } else joined.push({ start: match.start, end: match.end, meaning: match.phrase.meaning });
  }
  return joined;
}

export function readSystems(text: string, vocabulary: Vocabulary): Reading<SystemAnswer[]> {
  const tokens = tokenize(text);
  const known = findPhrases(tokens, vocabulary.systems);
  // "doesn't read anything" says nothing about reading.
  const access = joinAdjacent(tokens, affirmed(tokens, findPhrases(tokens, vocabulary.access), vocabulary));
  const sayNone = findPhrases(tokens, vocabulary.none).some((match) => match.start === 0);
  if (
    known.length === 0 &&
    (sayNone ||
      /\b(standalone|stand alone|self contained|nothing|no systems?)\b/u.test(
        tokens.map((token) => token.word).join(' '),
      ))
  )
    return value([]);
  // "our ERP, which is Dynamics 365": the name after "which is" is the system, not a second one.
  const renamed = (mention: Mention) =>
    known.some((match) => {
      const clause = tokens[match.start]!.clause;
      const opener = tokens.find((token) => token.clause === clause)!;
      return match.start > mention.start && RENAMING.has(opener.word) && clause === tokens[mention.end - 1]!.clause + 1;
    });
  const unknown = unknownSystems(text, tokens, access, known).filter((mention) => !renamed(mention));
  const systems: Mention[] = [...known.map((match) => namedAsTyped(text, tokens, match, access)), ...unknown].sort(
    (a, b) => a.start - b.start,
  );
  if (systems.length === 0) {
    return miss('Which systems does it connect to? For example: Salesforce (write), SharePoint (read). Or say none.');
  }

  const claimed = new Set<AccessWords>();
  const uses = new Map<Mention, Array<'read' | 'write'>>(systems.map((system) => [system, []]));
  const systemBetween = (from: number, to: number) =>
    systems.some((system) => system.start >= from && system.start < to);
  // 1. Access right after a system: "Stripe (write)", "servicenow, read only", "zendesk, it only reads".
  for (const system of systems) {
    const next = access.find((match) => match.start >= system.end && !claimed.has(match));
    if (!next || systemBetween(system.end, next.start)) continue;
    const gap = tokens.slice(system.end, next.start);
    const ownClause = tokens[next.start]!.clause !== tokens[system.start]!.clause;
    const claimsOwnSystem =
      ownClause && systems.some((other) => tokens[other.start]!.clause === tokens[next.start]!.clause);
    if (gap.every((token) => BETWEEN.has(token.word)) && gap.length <= 3 && !claimsOwnSystem) {
      claimed.add(next);
      uses.get(system)!.push(next.meaning);
    }
  }
  // 1b. A clause that only says the access ("ADP for payroll, read only, and ...") is about the system before it.
  for (const words of access) {
    if (claimed.has(words)) continue;
    const clause = tokens[words.start]!.clause;
    if (systems.some((system) => tokens[system.start]!.clause === clause)) continue;
    const before = systems.filter((system) => system.end <= words.start && uses.get(system)!.length === 0).at(-1);
    if (before && tokens[before.start]!.sentence === tokens[words.start]!.sentence) {
      claimed.add(words);
      uses.get(before)!.push(words.meaning);
    }
  }
  // 2. Access said before a system: "writes to SAP", "pushes updates to jira".
  for (const system of systems) {
    if (uses.get(system)!.length > 0) continue;
    const previous = access
      .filter((match) => match.end <= system.start && !systemBetween(match.end, system.start))
      .at(-1);
    if (previous && !claimed.has(previous)) {
      claimed.add(previous);
      uses.get(system)!.push(previous.meaning);
    }
  }
  // 3. What it does after naming it, when no later system takes it: "pulls tickets from zendesk and tags them".
  for (const system of systems) {
    for (const later of access.filter(
      (match) => match.start >= system.end && !claimed.has(match) && !systemBetween(system.end, match.start),
    )) {
      uses.get(system)!.push(later.meaning);
    }
  }
  // 4. "reads from Salesforce and SharePoint": a bare name joined to the one before shares its access.
  systems.forEach((system, index) => {
    const previous = systems[index - 1];
    if (!previous || uses.get(system)!.length > 0) return;
    const gap = tokens.slice(previous.end, system.start).map((token) => token.word);
    if (gap.every((word) => word === 'and' || word === 'or') && uses.get(previous)!.length > 0)
      uses.set(system, [...uses.get(previous)!]);
  });

  const result = new Map<string, SystemAnswer>();
  const missing: string[] = [];
  for (const system of systems) {
    const used = uses.get(system)!;
    const key = system.name.toLowerCase();
    if (system.name.length > 200) return miss('System names must be under 200 characters.');
    if (used.length === 0) {
      if (!result.has(key) && !missing.includes(system.name)) missing.push(system.name);
      continue;
    }
    // Writing includes reading; a system named twice keeps the stronger access.
    const accessLevel = used.includes('write') ? 'write' : 'read';
    if (result.get(key)?.access !== 'write') result.set(key, { name: system.name, access: accessLevel });
  }
  const stillMissing = missing.filter((name) => !result.has(name.toLowerCase()));
  if (stillMissing.length > 0) return { kind: 'access', known: [...result.values()], missing: stillMissing };
  return value([...result.values()]);
}

/** The maker's answer to "Does it read from or write to X?" */
export function readAccess(text: string, vocabulary: Vocabulary): 'read' | 'write' | undefined {
  const found = findPhrases(tokenize(text), vocabulary.access).map((match) => match.phrase.meaning);
  if (found.includes('write') || /\bboth\b/u.test(text.toLowerCase())) return 'write';
  return found.includes('read') ? 'read' : undefined;
}
