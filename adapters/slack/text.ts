// Slack's `text` field as the person typed it. Slack escapes &, < and > (and only those) and writes
// links, mentions and broadcasts as control sequences in angle brackets: "<https://x|x>", "<@U123>",
// "<#C123|general>", "<!here>", "<!subteam^S1|@team>". See "Formatting text for app surfaces" in
// Slack's docs. Everything here is synchronous; names Slack leaves out come in `SlackNames`.
import { tidyText } from '../shared/tidy-text.ts';

export interface SlackNames {
  /** Display names of users, by id (looked up by the caller; Slack's text has only the id). */
  users?: ReadonlyMap<string, string>;
}

/** Labels Slack wrote into control sequences, by id: "<#C1|general>" -> C1: "general". */
export interface MentionLabels {
  users: Map<string, string>;
  channels: Map<string, string>;
  groups: Map<string, string>;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>' };
const CONTROL = /<([^<>]*)>/gu;

/** "&amp;lt;" is what someone typed as "&lt;": one pass, so nothing is decoded twice. */
export function decodeSlackEntities(text: string): string {
  return text.replace(/&(amp|lt|gt);/gu, (_, name: string) => ENTITIES[name]!);
}

/**
 * A link as a person reads it: the words they saw. A label that is just the address (Slack adds
 * "http://" to "example.com", "mailto:" to addresses) is the address as typed; another label keeps the
 * address beside it, so nothing typed is lost.
 */
export function readableLink(url: string, label: string | undefined): string {
  const words = label?.trim();
  if (!words || words === url) return url;
  const bare = url.replace(/^(?:https?:\/\/|mailto:|tel:)/iu, '');
  if (words === bare || words === bare.replace(/\/$/u, '')) return words;
  return `${words} (${url})`;
}

function split(inner: string): { target: string; label: string | undefined } {
  const bar = inner.indexOf('|');
  return bar === -1
    ? { target: inner, label: undefined }
    : { target: inner.slice(0, bar), label: inner.slice(bar + 1) };
}

const at = (name: string) => (name.startsWith('@') ? name : `@${name}`);

/** One control sequence ("@U1|bob", "#C1|general", "!here", "https://x|x") as readable text. */
function readControl(inner: string, names: SlackNames): string {
  const { target, label: rawLabel } = split(inner);
  const label = rawLabel === undefined || rawLabel === '' ? undefined : decodeSlackEntities(rawLabel);
  if (target.startsWith('@')) {
    const id = target.slice(1);
    return at(label ?? names.users?.get(id) ?? id);
  }
  if (target.startsWith('#')) return `#${(label ?? target.slice(1)).replace(/^#/u, '')}`;
  if (target.startsWith('!')) {
    const [command = '', ...rest] = target.slice(1).split('^');
    if (command === 'subteam') return at(label ?? rest[0] ?? 'group');
    // <!date^1392734382^{date_short}|Feb 18, 2014>: the fallback is what a reader without Slack sees.
    if (command === 'date') return label ?? rest[0] ?? '';
    return label ?? `@${command}`;
  }
  return readableLink(decodeSlackEntities(target), label);
}

/** Slack's escaped text as typed: "R&amp;D &lt;EU&gt; <https://x.io/a?b=1&amp;c=2>" -> "R&D <EU> https://x.io/a?b=1&c=2". */
export function plainFromSlackText(text: string, names: SlackNames = {}): string {
  let plain = '';
  let last = 0;
  for (const match of text.matchAll(CONTROL)) {
    plain += decodeSlackEntities(text.slice(last, match.index)) + readControl(match[1]!, names);
    last = match.index + match[0].length;
  }
  return plain + decodeSlackEntities(text.slice(last));
}

/** Ids and labels of the people, channels and groups mentioned in Slack's text. */
export function mentionLabels(text: string): MentionLabels {
  const labels: MentionLabels = { users: new Map(), channels: new Map(), groups: new Map() };
  for (const match of text.matchAll(CONTROL)) {
    const { target, label } = split(match[1]!);
    const readable = label ? decodeSlackEntities(label) : undefined;
    if (target.startsWith('@')) {
      if (readable) labels.users.set(target.slice(1), readable.replace(/^@/u, ''));
    } else if (target.startsWith('#')) {
      if (readable) labels.channels.set(target.slice(1), readable.replace(/^#/u, ''));
    } else if (target.startsWith('!subteam^')) {
      if (readable) labels.groups.set(target.slice('!subteam^'.length), readable.replace(/^@/u, ''));
    }
  }
  return labels;
}

/** Users mentioned as "<@U123>" (with or without a label). */
export function userIdsInText(text: string): string[] {
  return [...text.matchAll(/<@([A-Z0-9]+)(?:\|[^>]*)?>/gu)].map((match) => match[1]!);
}

/**
 * Steward's own mention, dropped from Slack's escaped text: "<@U0STEWARD> register" -> "register". When
 * Steward's id is unknown, a mention that opens the message is taken to be Steward's. Other people's
 * mentions stay; line breaks stay.
 */
export function withoutBotMention(text: string, botUserId: string | undefined): string {
  const mention = botUserId ? new RegExp(`<@${botUserId}(?:\\|[^>]*)?>`, 'gu') : /^\s*<@[A-Z0-9]+(?:\|[^>]*)?>/u;
  return tidyText(text.replace(mention, ' '));
}
