import { pino } from 'pino';

// Secrets and personal data never reach the logs, at any level, whoever writes the line. Logged objects
// are redacted by key at any depth; every string is scrubbed of e-mail addresses and credentials. What
// libraries log (Bolt, the Slack Web API client) gets both, and more: they stringify whole requests and
// answers into their messages, so JSON found in a message is parsed and redacted like an object, and
// JSON that cannot be parsed is left out, since no key in it can be checked.

export const REDACTED = '[redacted]';
const PAYLOAD = '[payload]';
const UNPARSED = '[unparsed payload left out]';
/** Deeper than any Slack payload Steward sees; what lies below is not looked at, so not logged. */
const MAX_DEPTH = 12;
const MAX_JSON_STARTS = 8;

/** Keys are compared lower-cased, without '_' or '-': real_name, realName and Real-Name are one key. */
const normalised = (key: string) => key.toLowerCase().replace(/[^a-z0-9]/gu, '');

/** Credentials, wherever in a key they appear (bot_token, x-slack-signature, client_secret). */
const SECRET_PARTS = [
  'token',
  'secret',
  'password',
  'passwd',
  'apikey',
  'authorization',
  'cookie',
  'signature',
  'credential',
  'privatekey',
];

/**
 * Personal data and what people wrote: Slack user profiles and message bodies (text, blocks, form
 * values), and Steward's own names for them. Ids, method names, status and error codes stay.
 */
const PERSONAL_KEYS = new Set(
  [
    'phone',
    'mobile',
    'skype',
    'name',
    'real_name',
    'real_name_normalized',
    'display_name',
    'display_name_normalized',
    'first_name',
    'last_name',
    'full_name',
    'username',
    'user_name',
    'title',
    'pronouns',
    'status_text',
    'tz',
    'tz_label',
    'profile',
    'bot_profile',
    'user_profile',
    'text',
    'blocks',
    'attachments',
    'files',
    'values',
    'private_metadata',
    'question',
    'description',
  ].map(normalised),
);
/** image_24 ... image_original, email, email_address: photos and addresses of people. */
const PERSONAL_PREFIXES = ['image', 'email'];

/** Keys holding Slack user objects, which are personal through and through: only ids and flags are shown. */
const PERSON_KEYS = new Set(['user', 'users', 'members']);
const KEPT_OF_A_PERSON = /^(id|.+_id|.+Id|is_.+|deleted)$/u;

function isSecretKey(key: string): boolean {
  const plain = normalised(key);
  return SECRET_PARTS.some((part) => plain.includes(part));
}

function isPersonalKey(key: string): boolean {
  const plain = normalised(key);
  return PERSONAL_KEYS.has(plain) || PERSONAL_PREFIXES.some((prefix) => plain.startsWith(prefix));
}

const SECRET_PATTERNS: Array<[RegExp, string]> = [
  // An Authorization or Cookie header written out, as "Name: value" or in JSON: the whole value.
  [/\b((?:proxy-)?authorization|set-cookie|cookie)("?\s*[:=]\s*"?)[^"\r\n]*/giu, `$1$2${REDACTED}`],
  [/\bBearer\s+[\w.~+/=-]+/giu, `Bearer ${REDACTED}`],
  // Slack tokens: bot, user, app-level, refresh (xoxb-, xoxp-, xoxa-, xoxe-..., xapp-).
  [/\bx(?:ox[a-z]|app)-[\w-]+/giu, REDACTED],
  // JSON Web Tokens (Bot Framework, OpenID) and OpenAI-style keys.
  [/\beyJ[\w-]+\.[\w-]+\.[\w-]*/gu, REDACTED],
  [/\bsk-[\w-]{16,}/gu, REDACTED],
  // E-mail addresses; the parts are bounded (as by RFC 5321) so a long string is scanned in linear time.
  [/[\w.%+-]{1,64}@[a-z0-9-]{1,63}(?:\.[a-z0-9-]{1,63}){0,8}\.[a-z]{2,24}/giu, REDACTED],
  // Credentials in a URL's query string (a Socket Mode URL's ticket too); the URL itself stays.
  [
    /([?&][\w-]{0,64}(?:token|secret|password|signature|key|sig|code|ticket)[\w-]{0,64}=)[^&#\s"']+/giu,
    `$1${REDACTED}`,
  ],
];

/** The text without e-mail addresses, Slack and bearer tokens, Authorization headers or query-string secrets. */
export function scrubSecrets(text: string): string {
  let scrubbed = text;
  for (const [pattern, replacement] of SECRET_PATTERNS) scrubbed = scrubbed.replace(pattern, replacement);
  return scrubbed;
}

/** A copy of the value with secret and personal keys redacted at any depth, and every string scrubbed. */
export function redactValue(value: unknown): unknown {
  return redact(value, []);
}

/** A log object (or a logger's bindings) redacted as by redactValue. */
export function redactFields(fields: Record<string, unknown>): Record<string, unknown> {
  return redactObject(fields, []);
}

function redact(value: unknown, ancestors: object[]): unknown {
  if (typeof value === 'string') return scrubSecrets(value);
  if (typeof value === 'function' || typeof value === 'symbol') return undefined;
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Date) return value;
  if (Buffer.isBuffer(value) || ArrayBuffer.isView(value)) return '[binary]';
  if (value instanceof URL) return scrubSecrets(value.href);
  if (ancestors.includes(value)) return '[circular]';
  if (ancestors.length >= MAX_DEPTH) return '[too deep]';
  // pino's own error shape (type, message and stack with causes, own fields), then redacted like the rest.
  const plain = value instanceof Error ? { ...pino.stdSerializers.err(value) } : value;
  if (Array.isArray(plain)) return plain.map((item) => redact(item, [...ancestors, value]));
  return redactObject(plain as Record<string, unknown>, [...ancestors, value]);
}

function redactObject(object: Record<string, unknown>, ancestors: object[]): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(object)) {
    if (item === undefined) continue;
    if (isSecretKey(key)) copy[key] = typeof item === 'number' || typeof item === 'boolean' ? item : REDACTED;
    else if (isPersonalKey(key)) copy[key] = item === null ? null : REDACTED;
    else if (PERSON_KEYS.has(key) && item !== null && typeof item === 'object') copy[key] = personOnly(item);
    else copy[key] = redact(item, ancestors);
  }
  return copy;
}

/** A Slack user object (or a list of them, or of user ids) with every field redacted but its ids and flags. */
function personOnly(value: object): unknown {
  if (Array.isArray(value))
    return value.map((item: unknown) =>
      item !== null && typeof item === 'object' ? personOnly(item) : typeof item === 'string' ? item : REDACTED,
    );
  const kept: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (item === undefined) continue;
    const idOrFlag = KEPT_OF_A_PERSON.test(key) && (typeof item === 'string' || typeof item === 'boolean');
    kept[key] = idOrFlag ? item : REDACTED;
  }
  return kept;
}

export interface LibraryLine {
  message: string;
  /** The structured parts, redacted: `payload` for data (objects, JSON lifted out of messages), `err` for errors. */
  fields?: { payload?: unknown; err?: unknown };
}

/**
 * What a library passed to its logger (strings, objects, errors, in any mix), as one redacted log line.
 * Objects never go into the message: they become fields, redacted by key like Steward's own.
 */
export function redactLibraryLine(parts: unknown[]): LibraryLine {
  const words: string[] = [];
  const payloads: unknown[] = [];
  const errors: unknown[] = [];
  for (const part of parts) {
    if (typeof part === 'string') {
      const lifted = liftJson(part);
      words.push(lifted.text);
      if ('payload' in lifted) payloads.push(lifted.payload);
    } else if (part instanceof Error) {
      words.push(scrubSecrets(part.message));
      errors.push(redactValue(part));
    } else if (part !== null && typeof part === 'object') {
      payloads.push(redactValue(part));
    } else if (part !== undefined) {
      words.push(scrubSecrets(String(part)));
    }
  }
  const only = (list: unknown[]) => (list.length === 1 ? list[0] : list);
  const fields = {
    ...(payloads.length > 0 ? { payload: only(payloads) } : {}),
    ...(errors.length > 0 ? { err: only(errors) } : {}),
  };
  return { message: words.join(' '), ...(payloads.length + errors.length > 0 ? { fields } : {}) };
}

/** JSON inside a library's message ("http request result: {...}") taken out and redacted as an object. */
function liftJson(line: string): { text: string; payload?: unknown } {
  const end = Math.max(line.lastIndexOf('}'), line.lastIndexOf(']'));
  let tries = 0;
  for (let start = line.search(/[[{]/u); start !== -1 && start < end && tries < MAX_JSON_STARTS; tries += 1) {
    try {
      const payload = redactValue(JSON.parse(line.slice(start, end + 1)));
      return { text: scrubSecrets(`${line.slice(0, start)}${PAYLOAD}${line.slice(end + 1)}`), payload };
    } catch {
      const next = line.slice(start + 1).search(/[[{]/u);
      start = next === -1 ? -1 : start + 1 + next;
    }
  }
  const first = line.search(/[[{]/u);
  // Keys and values of a JSON object that would not parse (cut short, or several objects run together).
  if (first !== -1 && /"[^"]*"\s*:/u.test(line.slice(first)))
    return { text: scrubSecrets(`${line.slice(0, first)}${UNPARSED}`) };
  return { text: scrubSecrets(line) };
}
