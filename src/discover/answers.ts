import { formatReference } from '../store/apps.ts';

// What an owner types back to a nudge that listed apps of theirs the inventory found unregistered:
// "not mine", "the expense one is retired", "#2 is a copy of app-42", "yes it's APP-0007", "register
// the invoice flow". Read only when the owner has items waiting for an answer; anything that reads as a
// question, or says none of these plainly, is not an answer and goes on to the usual chat.

export type NudgeIntent = 'not-mine' | 'retired' | 'duplicate' | 'register' | 'confirm';

/** An item as the owner's message listed it: its name and, when proposed, the app it may be. */
export interface ListedItem {
  name: string;
  proposedRef?: string;
}

export interface NudgeAnswer {
  intent: NudgeIntent;
  /** Which listed item, by position; 'all' for "both"/"them"; null when the message names none of several. */
  item: number | 'all' | null;
  /** The APP-#### a duplicate or confirmation names. */
  ref: string | null;
}

const QUESTION_START =
  /^(?:can|could|may|should|shall|must|do|does|did|is|are|was|were|how|what|whats|why|where|when|who|which|am i)\b/u;

const NOT_MINE = [
  /\bnot (?:mine|me|my|from me|ours|our)\b/u,
  /\b(?:isnt|is not|arent|are not|wasnt|was not|aint) (?:mine|ours|me|my)\b/u,
  /\bwrong (?:person|guy|owner|man|woman|one|people|contact)\b/u,
  /\bbelongs? to\b/u,
  /\bnever (?:seen|heard of|built|made|created)\b/u,
  /\b(?:dont|do not|didnt|did not) (?:own|build|make|create)\b/u,
  /\bsomeone else\b/u,
  /\bnot the owner\b/u,
];
const RETIRED = [
  /\bretired?\b/u,
  /\bdecommission(?:ed)?\b/u,
  /\bno longer (?:in use|used|needed|running|active)\b/u,
  /\bnot (?:in use|used|needed|running|active)\b/u,
  /\b(?:dont|do not|nobody|no one|noone) (?:use|uses|need|needs)\b.*\b(?:any ?more|now)\b/u,
  /\b(?:deleted|removed|obsolete|abandoned|dead|discontinued|deprecated|unused|defunct|archived|disabled|deactivated|ended)\b/u,
  /\bnot needing\b|\bkill (?:it|them|this|that|the)\b/u,
  /\b(?:switched|turned|shut|shutted) (?:it |this |that )?(?:off|down)\b/u,
  /\b(?:switched|turned)\b.{1,60}\boff\b/u,
  /\b(?:its|it is|is|was) (?:finished|over|gone|done)\b/u,
  /\bplease remove\b|\bremove it\b/u,
];
/** "not retired", "none of them are retired", "still in use": the opposite of retired. */
const NOT_RETIRED = [
  /\b(?:not|never|isnt|arent|wasnt|none of them (?:are|is)|neither (?:is|are|one is)|no) (?:\w+ )?(?:retired|dead|obsolete|deleted|abandoned|unused|decommissioned|switched off|turned off)\b/u,
  /\bstill (?:in use|used|using|running|active|needed|live|alive)\b/u,
  /\b(?:in use|used) (?:every ?day|daily|weekly)\b/u,
];
/** After "register": it, that one, now... and nothing that names an app. */
const REGISTER_FILLER = new Set([
  'it',
  'this',
  'that',
  'them',
  'one',
  'ones',
  'both',
  'all',
  'now',
  'today',
  'later',
  'soon',
  'pls',
  'please',
  'asap',
  'too',
  'then',
  'right',
  'away',
  'tomorrow',
  'afternoon',
  'morning',
  'this afternoon',
  'the',
  'my',
  'our',
  'app',
  'apps',
  'flow',
  'please',
  'thanks',
  'thx',
  'first',
  'week',
]);

const DUPLICATE = [
  /\bdup(?:e|licate|licates|licated)?\b/u,
  /\bcop(?:y|ies)\b/u,
  /\bclone[ds]?\b/u,
  /\bsame (?:as|thing|app|one|base|flow|zap)\b/u,
  /\balready registered\b/u,
  /=/u,
];
const CONFIRM = /\b(?:yes|yep|yeah|yup|correct|right|exactly|indeed|confirmed?|thats|it is|its|is my|is our)\b/u;
const REGISTER = /\bregister(?:ing|ed)?\b|\bsign (?:it|them) up\b/u;
/** "register a new app" is a new registration, not this one. */
const REGISTER_SOMETHING_ELSE = /\bregister (?:a |an |another )?(?:new|different|other)\b/u;
const NEGATED_REGISTER = /\b(?:dont|do not|wont|will not|not) (?:want to |need to )?register\b/u;

const REFERENCE = /\bapp[\s#-]*0*(\d{1,6})\b/u;
const ALL = /\b(?:both|all|them|either of them|neither|none of them|each)\b/u;
const ORDINALS: ReadonlyArray<[RegExp, number]> = [
  [/\b(?:first|1st)\b/u, 0],
  [/\b(?:second|2nd)\b/u, 1],
  [/\b(?:third|3rd)\b/u, 2],
  [/\b(?:fourth|4th)\b/u, 3],
  [/\b(?:fifth|5th)\b/u, 4],
];
/** Words in app names that say what kind of thing it is, not which one. */
const GENERIC = new Set([
  'app',
  'apps',
  'the',
  'a',
  'an',
  'of',
  'for',
  'and',
  'to',
  'my',
  'our',
  'flow',
  'flows',
  'zap',
  'base',
  'gpt',
  'bot',
  'tool',
  'v',
  'new',
  'old',
  'copy',
]);

function normalize(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\u2018\u2019\u02bc`´]/gu, "'")
    .replace(/'/gu, '')
    .replace(/[\u201c\u201d"]/gu, ' ')
    .replace(/\s+/gu, ' ')
    .trim();
}

/** The message without its questions: "is this mine? not sure" keeps "not sure". */
function statements(said: string): string {
  return said
    .split(/(?<=[.!?;\n])\s+|\s+-\s+|, (?=(?:how|what|why|who|can|is|are)\b)/u)
    .filter((part) => !QUESTION_START.test(part.trim()) && !/^\s*(?:i think|maybe)\b.*\?\s*$/u.test(part))
    .join(' ');
}

/** Words only, space-separated and padded, so a name is found as whole words: " leave tracker copy ". */
const plain = (text: string) =>
  ` ${text
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean)
    .join(' ')} `;

/** "I built an app to track dead stock": a new app described, not an answer, unless it names a listed one. */
const OPENS_DESCRIPTION =
  /^\W*(?:(?:hi|hey|hello)\b\W*)?(?:i|we)\s*(?:ve|have)?\s*(?:just\s+|also\s+)?(?:built|made|created|developed|wrote|set up|put together|automated)\b/u;

function nameWords(name: string): string[] {
  return normalize(name)
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word.length > 2 && !GENERIC.has(word) && !/^\d+$/u.test(word));
}

/** The listed item the message points at: by number, by name or a distinctive word of it, or the only one. */
function itemOf(said: string, items: readonly ListedItem[]): number | 'all' | null {
  if (items.length === 1) return 0;
  const numbered = /(?:#|\bno\.?\s?|\bnumber\s|\bitem\s)(\d)\b|^(\d)[.):]?\s/u.exec(said);
  const number = Number(numbered?.[1] ?? numbered?.[2]);
  if (number >= 1 && number <= items.length) return number - 1;
  for (const [pattern, index] of ORDINALS) if (pattern.test(said) && index < items.length) return index;
  // A whole name first ("Event signups"), then its distinctive words ("the expense one", "invoice flow").
  const spoken = plain(said);
  const named = items
    .map((item, index) => ({ index, name: plain(normalize(item.name)) }))
    .filter((entry) => entry.name.trim() !== '' && spoken.includes(entry.name))
    .sort((a, b) => b.name.length - a.name.length);
  if (named[0]) return named[0].index;
  const words = new Set(said.split(/[^\p{L}\p{N}]+/u));
  const scores = items.map((item) => {
    const distinctive = nameWords(item.name).filter(
      (word) => !items.some((other) => other !== item && nameWords(other.name).includes(word)),
    );
    return distinctive.filter((word) => words.has(word) || words.has(`${word}s`) || words.has(word.replace(/s$/u, '')))
      .length;
  });
  const best = Math.max(...scores);
  if (best > 0 && scores.filter((score) => score === best).length === 1) return scores.indexOf(best);
  return ALL.test(said) ? 'all' : null;
}

/** The owner's answer, or undefined when the message is not one (a question, a greeting, another command). */
export function readNudgeAnswer(text: string, items: readonly ListedItem[]): NudgeAnswer | undefined {
  if (items.length === 0) return undefined;
  const said = statements(normalize(text));
  if (said === '') return undefined;
  if (OPENS_DESCRIPTION.test(said) && !items.some((item) => plain(said).includes(plain(normalize(item.name)))))
    return undefined;
  const refMatch = REFERENCE.exec(said);
  const ref = refMatch ? formatReference(Number(refMatch[1])) : null;
  const item = itemOf(said, items);
  if (ref) {
    // The app an item was proposed for: linking it is confirming the proposal, however it is put ("yes",
    // "it's a copy of"), unless the message points at another item.
    const proposed = items.findIndex((candidate) => candidate.proposedRef === ref);
    const duplicate = DUPLICATE.some((pattern) => pattern.test(said));
    if (proposed >= 0 && (duplicate || CONFIRM.test(said)) && (typeof item !== 'number' || item === proposed))
      return { intent: 'confirm', item: proposed, ref };
    return duplicate ? { intent: 'duplicate', item, ref } : undefined;
  }
  if (NOT_MINE.some((pattern) => pattern.test(said))) return { intent: 'not-mine', item, ref: null };
  if (RETIRED.some((pattern) => pattern.test(said)))
    return NOT_RETIRED.some((pattern) => pattern.test(said)) ? undefined : { intent: 'retired', item, ref: null };
  if (REGISTER.test(said) && !REGISTER_SOMETHING_ELSE.test(said) && !NEGATED_REGISTER.test(said))
    return namesAnotherApp(said, items) ? undefined : { intent: 'register', item, ref: null };
  return undefined;
}

/**
 * "register holiday planner" when the only app listed is Expense Tracker: a new app, not this one. The
 * words after "register" name another app when none of them is a listed app's word, its number or filler.
 */
function namesAnotherApp(said: string, items: readonly ListedItem[]): boolean {
  // Up to the end of the clause: "register it, it's mine" names nothing.
  const after = (/\bregister(?:ing)?\b(.*)$/u.exec(said)?.[1] ?? '').split(/[,.;:!?()]/u)[0]!;
  const words = after.split(/[^\p{L}\p{N}#]+/u).filter((word) => word !== '' && !REGISTER_FILLER.has(word));
  if (words.length === 0) return false;
  const listed = new Set(items.flatMap((item) => nameWords(item.name)));
  return !words.some((word) => listed.has(word) || listed.has(word.replace(/s$/u, '')) || /^#?\d$/u.test(word));
}

/** A quick look before the database is asked for the speaker's items: could this be an answer at all? */
export function mightAnswerNudge(text: string): boolean {
  const said = normalize(text);
  return (
    REFERENCE.test(said) ||
    REGISTER.test(said) ||
    NOT_MINE.some((pattern) => pattern.test(said)) ||
    RETIRED.some((pattern) => pattern.test(said))
  );
}
