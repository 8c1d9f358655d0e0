import type { ChoiceOption } from '../chat/reply.ts';

// Parsers for the maker's typed answers. Each returns the value, or a specific hint to re-ask with.

export type Parsed<T> = { ok: true; value: T } | { ok: false; hint: string };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = <T>(hint: string): Parsed<T> => ({ ok: false, hint });

const YES = new Set(['yes', 'y', 'yeah', 'yep', 'yup', 'sure', 'correct', 'right', 'true', 'it does', 'yes it does', 'ok', 'okay']);
const NO = new Set(['no', 'n', 'nope', 'nah', 'false', 'not really', 'it does not', "it doesn't", 'no it does not', 'none']);

export function normalize(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[.!?\s]+$/u, '')
    .replace(/\s+/gu, ' ')
    .trim();
}

export function parseYesNo(text: string): Parsed<boolean> {
  const answer = normalize(text);
  if (YES.has(answer)) return ok(true);
  if (NO.has(answer)) return ok(false);
  return fail('Please answer yes or no.');
}

function matchOption(token: string, options: ChoiceOption[]): ChoiceOption | undefined {
  const answer = normalize(token);
  if (answer === '') return undefined;
  if (/^\d+$/u.test(answer)) return options[Number(answer) - 1];
  const exact = options.find((option) => option.value === answer || normalize(option.label) === answer);
  if (exact) return exact;
  // A unique partial match ("dept" for "My department") is accepted; an ambiguous one is not.
  const partial = options.filter(
    (option) => option.value.startsWith(answer) || normalize(option.label).includes(answer),
  );
  return partial.length === 1 ? partial[0] : undefined;
}

function listHint(options: ChoiceOption[]): string {
  return `Reply with a number from 1 to ${options.length}, or the option's name.`;
}

export function parseChoice(text: string, options: ChoiceOption[]): Parsed<string> {
  const option = matchOption(text, options);
  return option ? ok(option.value) : fail(`I didn't recognise "${preview(text)}" as one of the options. ${listHint(options)}`);
}

export function parseMultiChoice(text: string, options: ChoiceOption[]): Parsed<string[]> {
  const answer = normalize(text);
  if (['none', 'none of these', 'none of them', 'nothing', 'no'].includes(answer)) return ok([]);
  // Either a label picked as a whole, or a list: "1, 4 and 6", "1 4 6", "personal data, health".
  const whole = matchOption(answer, options);
  if (whole && !/^\d+(\s+\d+)+$/u.test(answer)) return ok([whole.value]);
  const tokens = /^[\d\s,;&]+(and\s+\d+)?$/u.test(answer)
    ? answer.split(/[\s,;&]+|and/u)
    : answer.split(/\s*(?:,|;|\band\b|&)\s*/u);
  const picked: string[] = [];
  for (const token of tokens.map((t) => t.trim()).filter(Boolean)) {
    const option = matchOption(token, options);
    if (!option) return fail(`I didn't recognise "${preview(token)}". Pick one or more, separated by commas (e.g. 1, 3), or say none.`);
    if (!picked.includes(option.value)) picked.push(option.value);
  }
  return picked.length > 0 ? ok(picked) : fail('Pick one or more, separated by commas (e.g. 1, 3), or say none.');
}

const MAX_USERS = 10_000_000;

export function parseCount(text: string): Parsed<number> {
  const answer = normalize(text).replace(/^(about|around|roughly|approximately|approx|maybe|circa|~|<|>|up to|over|under)\s*/u, '');
  const match = /^(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?\s*(k|thousand)?\s*(people|users|persons|employees|colleagues|staff|of us)?$/u.exec(answer);
  if (!match) {
    if (/^-\s*\d/u.test(answer)) return fail('The number of users cannot be negative. Roughly how many people will use it?');
    return fail('Please give a number, for example 12 or "about 200".');
  }
  const whole = Number((match[1] ?? '0').replaceAll(',', ''));
  const fraction = match[2] ? Number(`0.${match[2]}`) : 0;
  const count = Math.round((whole + fraction) * (match[3] ? 1000 : 1));
  if (!match[3] && fraction > 0) return fail('Please give a whole number of people, for example 12.');
  if (count > MAX_USERS) return fail(`That's more than ${MAX_USERS.toLocaleString('en-US')} people. Please give a realistic estimate.`);
  return ok(count);
}

const MARKUP = /<\/?[a-z][^>]*>|\[[^\]]*\]\([^)]*\)/iu;
const CONTROL = /[\p{Cc}\p{Cf}]/gu;

/** Free text: trimmed, control characters removed, plain words only (no markup), within limits. */
export function parseText(text: string, limits: { min: number; max: number; what: string; needsWords?: boolean }): Parsed<string> {
  const cleaned = text.replace(CONTROL, (ch) => (ch === '\n' || ch === '\t' ? ' ' : '')).replace(/\s+/gu, ' ').trim();
  if (cleaned.length < limits.min) return fail(`The ${limits.what} can't be empty.`);
  if (cleaned.length > limits.max) {
    return fail(`The ${limits.what} is ${cleaned.length.toLocaleString('en-US')} characters; please keep it under ${limits.max.toLocaleString('en-US')}.`);
  }
  if (MARKUP.test(cleaned)) return fail(`Please write the ${limits.what} as plain text, without HTML or markup.`);
  if (limits.needsWords && !/[\p{L}\p{N}]/u.test(cleaned)) return fail(`The ${limits.what} needs at least one letter or digit.`);
  return ok(cleaned);
}

export interface SystemAnswer {
  name: string;
  access: 'read' | 'write';
}

const WRITE_WORDS = /\b(read[-/ ]?write|writes|writing|written|write|updates|updating|update|creates|create|edits|edit|rw|posts|post|inserts|insert)\b/iu;
const READ_WORDS = /\b(read[- ]?only|reads|reading|read|views|view|lookup|looks up|look up|ro)\b/iu;
const FILLER = /\b(to|from|into|in|data|only|and|access|it)\b/giu;

export function parseSystems(text: string): Parsed<SystemAnswer[]> {
  const answer = normalize(text);
  if (['none', 'no', 'nothing', 'no systems', 'none of them', "it doesn't", 'standalone'].includes(answer)) return ok([]);
  const items = text.split(/\s*(?:,|;|\n|\band\b(?!\s+(?:write|read)))\s*/iu).map((item) => item.trim()).filter(Boolean);
  const systems = new Map<string, SystemAnswer>();
  for (const item of items) {
    const writes = WRITE_WORDS.test(item);
    const reads = READ_WORDS.test(item);
    const name = item
      .replace(WRITE_WORDS, ' ')
      .replace(READ_WORDS, ' ')
      .replace(/[()[\]:]/gu, ' ')
      .replace(FILLER, ' ')
      .replace(/\s+/gu, ' ')
      .trim();
    if (!name) return fail(`Which system did you mean in "${preview(item)}"? For example: Salesforce (write), SharePoint (read).`);
    if (name.length > 200) return fail('System names must be under 200 characters.');
    if (!writes && !reads) {
      return fail(`Does it read from or write to ${name}? Say it for each system, for example: ${name} (read).`);
    }
    const key = name.toLowerCase();
    const access = writes ? 'write' : 'read';
    // Writing implies reading; keep the stronger access if a system is listed twice.
    if (systems.get(key)?.access !== 'write') systems.set(key, { name, access });
  }
  return systems.size > 0 ? ok([...systems.values()]) : fail('List the systems it connects to, for example: Salesforce (write), SharePoint (read). Or say none.');
}

export function preview(text: string, max = 40): string {
  const flat = text.replace(/\s+/gu, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
