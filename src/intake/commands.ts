// Words a maker can say at any point. Matched on the whole message, so answers that merely
// contain these words ("tracks the status of complaints") are not taken as commands.

export type Command =
  | { kind: 'help' }
  | { kind: 'cancel' }
  | { kind: 'back' }
  | { kind: 'skip' }
  | { kind: 'status'; target?: string }
  | { kind: 'myApps' }
  | { kind: 'change'; field: string }
  | { kind: 'update'; target: string }
  | { kind: 'register' }
  | { kind: 'ask'; question: string }
  | { kind: 'askHuman' }
  /** After registration: retire an app; confirm it is still in use (recertification); take over or hand on ownership. */
  | { kind: 'retire'; target: string }
  | { kind: 'keep'; target: string }
  | { kind: 'accept'; target: string }
  | { kind: 'handOn'; target: string; to: string }
  /** A nudge's button on an app the inventory found unregistered: register it, or say it is not theirs, retired, or a copy. */
  | { kind: 'discovered'; itemId: string; action: DiscoveredAction; ref?: string };

export type DiscoveredAction = 'register' | 'not-mine' | 'retired' | 'confirm' | 'duplicate';

const HELP =
  /^(help|\?|what can you do|commands|how does this work|why|why do you ask|why do you need (?:this|that|to know)|why does it matter)$/u;
const CANCEL = /^(cancel|stop|quit|abort|never ?mind|forget it)$/u;
const BACK = /^(back|go back|previous|previous question)$/u;
const SKIP = /^(skip|pass|skip it|skip this|skip this one|i don't know|not sure)$/u;
const MY_APPS = /^(my apps|apps|list my apps|show my apps|my applications|list apps)$/u;
const ASK_HUMAN =
  /^(ask a human|ask a person|talk to a human|talk to a person|speak to a human|speak to someone|human|a human please|ask someone|ask the team)$/u;
const REGISTER =
  /^(register|new|new app|register an app|register a new app|register my app|add an app|add app|submit an app|i want to register(?: an| a new| my)? app|i'd like to register(?: an| a new| my)? app)$/u;

/** Lower case, single spaces, no trailing punctuation: how commands are compared. */
function normalize(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[.!?\s]+$/u, '')
    .replace(/\s+/gu, ' ')
    .trim();
}

export function parseCommand(text: string): Command | undefined {
  const said = normalize(text).replace(/^\/?steward\s+/u, '');
  if (HELP.test(said)) return { kind: 'help' };
  if (CANCEL.test(said)) return { kind: 'cancel' };
  if (BACK.test(said)) return { kind: 'back' };
  if (SKIP.test(said)) return { kind: 'skip' };
  if (MY_APPS.test(said)) return { kind: 'myApps' };
  if (REGISTER.test(said)) return { kind: 'register' };
  if (ASK_HUMAN.test(said)) return { kind: 'askHuman' };
  const status = /^status(?:\s+(?:of\s+)?(.+))?$/u.exec(said);
  if (status) return status[1] ? { kind: 'status', target: status[1] } : { kind: 'status' };
  const change = /^(?:change|edit|fix|correct)\s+(?:the\s+)?(.+)$/u.exec(said);
  if (change?.[1]) return { kind: 'change', field: change[1] };
  const ask = /^ask\s+(.+)$/u.exec(said);
  if (ask?.[1])
    return {
      kind: 'ask',
      question: text
        .trim()
        .replace(/^\/?steward\s+/iu, '')
        .replace(/^ask\s+/iu, ''),
    };
  const update = /^update\s+(?:my\s+)?(?:app\s+)?(.+)$/u.exec(said);
  if (update?.[1]) return { kind: 'update', target: update[1] };
  // Lifecycle commands name an app by reference, so "retire" alone or "keep it simple" are not taken.
  const lifecycle = /^(retire|decommission|still in use|keep|accept|take over)\s+(app-\d+)$/u.exec(said);
  if (lifecycle?.[1] && lifecycle[2]) {
    const target = lifecycle[2].toUpperCase();
    if (lifecycle[1] === 'retire' || lifecycle[1] === 'decommission') return { kind: 'retire', target };
    if (lifecycle[1] === 'accept' || lifecycle[1] === 'take over') return { kind: 'accept', target };
    return { kind: 'keep', target };
  }
  const discovered = /^discovered ([0-9a-f-]{36}) (register|not-mine|retired|confirm|duplicate (app-\d{4,}))$/u.exec(
    said,
  );
  if (discovered?.[1] && discovered[2]) {
    const ref = discovered[3]?.toUpperCase();
    const action = (ref ? 'duplicate' : discovered[2]) as DiscoveredAction;
    return { kind: 'discovered', itemId: discovered[1], action, ...(ref ? { ref } : {}) };
  }
  const handOn = /^(?:hand on|hand over|give|transfer)\s+(app-\d+)\s+to\s+(.+)$/u.exec(said);
  if (handOn?.[1] && handOn[2]) {
    // The person as written (a mention's id or an e-mail address keeps its case).
    const to = /\bto\s+(.+)$/iu.exec(text.trim())?.[1]?.trim() ?? handOn[2];
    return { kind: 'handOn', target: handOn[1].toUpperCase(), to };
  }
  return undefined;
}

const BUILT =
  /(?:^|\b(?:i|we)\s*(?:'ve|have|'m|am|are)?\s*)(?:just\s+)?(built|made|created|developed|wrote|written|set up|put together|building|making|creating|developing|automated)\b/u;
const APP_WORDS =
  /\b(app|apps|application|flow|zap|zaps|automation|bot|chatbot|gpt|copilot|power ?apps?|power ?automate|airtable|zapier|retool|macro|spreadsheet|workbook|excel|apps script|base|dashboard|tool|workflow|ai|agent|assistant|portal|form|script|database|tracker|report|thing)\b/u;

/** A first message like "I built a Power App for complaint tracking" starts an intake with it as the description. */
export function looksLikeAppDescription(text: string): boolean {
  const said = normalize(text);
  if (said.endsWith('?') || /^(can|may|should|do|does|is|are|how|what|why|where|when|who)\b/u.test(said)) return false;
  const words = said.split(' ').length;
  return (
    (BUILT.test(said) && APP_WORDS.test(said)) ||
    (APP_WORDS.test(said) && words >= 6 && /\b(for|to|that|which)\b/u.test(said))
  );
}

const QUESTION_START = /^(can|could|may|should|shall|must|do|does|is|are|how|what|why|where|when|who|which|am i)\b/u;

/** Outside a registration: anything that ends with "?" or starts like a question goes to the handbook. */
export function looksLikeQuestion(text: string): boolean {
  const said = text.trim().toLowerCase();
  return said.endsWith('?') || QUESTION_START.test(said);
}

/**
 * While Steward waits for an answer: only what starts and ends like a question ("Can I use Airtable for
 * this?") is one; "it nudges people to upgrade, is that manipulation?" is an answer.
 */
export function isQuestion(text: string): boolean {
  const said = text.trim().toLowerCase();
  return said.endsWith('?') && QUESTION_START.test(said);
}
