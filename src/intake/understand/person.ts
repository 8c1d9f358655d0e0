import { z } from 'zod';
import type { Owner } from '../../profile/schema.ts';
import type { Reading } from './reading.ts';
import { miss, preview, value } from './reading.ts';
import { fold } from './tokens.ts';
import { samePerson } from '../../lifecycle/people.ts';

// An answer that names a person (the backup owner): a mention, as the platform identifies it; an e-mail
// address; "slack:U123" or "teams:<id>" typed as such; in the terminal, where nobody can be mentioned,
// a name. One person, and not the maker: "me", "nobody" and a name typed where a mention was needed
// are asked again, saying what would do.

export interface Mention {
  userId: string;
  displayName?: string;
  /** The mention as it reads in the message ("@Pat Lee"). */
  text: string;
}

export interface PersonAnswerContext {
  /**
   * Who answers: people are on their platform, and they cannot name themselves. Without one (a form, a
   * corpus), only e-mail addresses and platform ids are read.
   */
  speaker?: Owner;
  /** People the message mentions (InboundMessage.mentions), on the speaker's platform. */
  mentions?: readonly Mention[];
}

const HOW = 'Mention them (type @ and pick them from the list) or give their e-mail address.';
/** In the terminal nobody can be mentioned: a name will do there. */
const HOW_IN_TERMINAL = 'Give their name or e-mail address.';
const HINTS = {
  self: "It should be someone other than you: who looks after the app when you're away?",
  nobody: "Please name someone who can look after the app when you're away, such as a colleague or your manager.",
  several: 'Please name one person, the one to contact first.',
  vague: 'Who exactly?',
};

function refuse(hint: string, speaker: Owner | undefined): Reading<Owner> {
  return miss(`${hint} ${speaker?.platform === 'console' ? HOW_IN_TERMINAL : HOW}`);
}

const PLATFORM_NAMES: Record<string, string> = { slack: 'Slack', teams: 'Teams', console: 'terminal' };
const EMAIL_IN_TEXT = /(?:mailto:)?([A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})/gu;
// The address is also the person's id, which the profile keeps to 200 characters.
const EMAIL = z.string().email().max(200);
const PLATFORM_ID_IN_TEXT = /(?<![\w.@-])(slack|teams|console):([A-Za-z0-9][\w.@:-]{0,199})/giu;

/** Words that, alone, say "me": "me", "I'll do it myself", "just me for now". */
const SELF = new Set(['me', 'myself', 'i', "i'm", 'im', "i'll", 'ill', 'moi', 'mine']);
const SELF_FILLER = new Set(
  `it its it's that that's thats just only probably will do again too the backup owner am for now cover look
   after guess yours truly be would as well mostly still and`.split(/\s+/u),
);
const NOBODY =
  /\b(?:nobody|no[ -]?one|none|n\/a|tbd|nope|no backup|not sure|dunno|don'?t know|no idea|not yet|nobody yet|there isn'?t anyone|there is no one|anyone)\b/u;
/** Whole answers that are a yes, a no or a shrug, not a name (in the terminal a typed name is taken as is). */
const SHRUG = /^(?:no|nah|nay|yes|yeah|yep|y|n|ok|okay|sure|maybe|idk|later|skip|pass|\?+|-+|x|na|me too|same)$/u;
const LEAD_IN =
  /^(?:(?:it'?s|it is|that'?s|that would be|probably|maybe|ask|try|contact|just|definitely)\s+)*(?:(?:my|our|the)\s+)?(?:(?:colleague|manager|line manager|boss|deputy|teammate|team mate|team lead|lead|coworker|co-worker|report|partner|backup|cover|assistant)\s+)?/iu;
const NAME = /^[\p{L}][\p{L}'’.-]*(?:\s+[\p{L}][\p{L}'’.-]*){0,4}$/u;
const CAPITALISED_NAME = /^\p{Lu}[\p{L}'’.-]*(?:\s+\p{Lu}[\p{L}'’.-]*){0,3}$/u;
/** Words around an address that are not a name ("Email: pat@corp.com", "Contact pat@corp.com"). */
const NOT_A_NAME = new Set(['email', 'e', 'mail', 'address', 'contact', 'backup', 'owner', 'please', 'use', 'reach']);
/** Words that put two people side by side: "@Pat or sam@corp.com". */
const ALTERNATIVES = /(?:^|\s)(?:or|and|&|\/|else|otherwise)(?:\s|$)/iu;

function words(text: string): string[] {
  return fold(text).match(/[\p{L}\p{N}]+(?:'[\p{L}]+)*/gu) ?? [];
}

function isSelfOnly(text: string): boolean {
  const said = words(text);
  return said.some((word) => SELF.has(word)) && said.every((word) => SELF.has(word) || SELF_FILLER.has(word));
}

/** A name written beside an address ("Pat Lee <pat@corp.com>", "my colleague Pat (pat@corp.com)"). */
function nameBeside(text: string, address: string): string | undefined {
  const rest = text
    .replace(new RegExp(`(?:mailto:)?${address.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&')}`, 'giu'), ' ')
    .replace(/[()<>[\]"“”,:;]/gu, ' ')
    .replace(/\s+/gu, ' ')
    .trim()
    .replace(/[.!]+$/u, '')
    .replace(LEAD_IN, '')
    .trim();
  return CAPITALISED_NAME.test(rest) && !words(rest).some((word) => NOT_A_NAME.has(word)) ? rest : undefined;
}

function emailsIn(text: string): Array<{ address: string }> {
  const found = new Map<string, { address: string }>();
  for (const match of text.matchAll(EMAIL_IN_TEXT)) {
    const address = match[1]!.toLowerCase().replace(/\.$/u, '');
    if (EMAIL.safeParse(address).success) found.set(address, { address });
  }
  return [...found.values()];
}

function platformIdsIn(text: string): Owner[] {
  const found = new Map<string, Owner>();
  for (const match of text.matchAll(PLATFORM_ID_IN_TEXT)) {
    const platform = match[1]!.toLowerCase();
    const userId = match[2]!.replace(/[.:]+$/u, '');
    found.set(`${platform}:${userId}`, { platform, userId });
  }
  return [...found.values()];
}

/** The person the answer names, or why it names nobody we can reach. */
export function readBackupOwner(text: string, context: PersonAnswerContext = {}): Reading<Owner> {
  const trimmed = text.trim();
  const speaker = context.speaker;
  const onPlatform = speaker?.platform;
  const mentioned: Owner[] = [];
  for (const mention of context.mentions ?? []) {
    if (mentioned.some((person) => person.userId === mention.userId)) continue;
    const displayName = mention.displayName ?? mention.text.replace(/^@/u, '').trim();
    mentioned.push({
      platform: onPlatform ?? 'unknown',
      userId: mention.userId,
      ...(displayName ? { displayName } : {}),
    });
  }
  const typedIds = platformIdsIn(trimmed);
  const elsewhere = onPlatform && onPlatform !== 'console' && typedIds.find((person) => person.platform !== onPlatform);
  if (elsewhere)
    return miss(
      `That is a ${PLATFORM_NAMES[elsewhere.platform] ?? elsewhere.platform} id, and we are talking in ${PLATFORM_NAMES[onPlatform] ?? onPlatform}. ${HOW}`,
    );
  const onIt = [
    ...mentioned,
    ...typedIds.filter((person) => !mentioned.some((other) => other.userId === person.userId)),
  ];
  // Ids and addresses inside "slack:U1@corp" style text are read once, as the id.
  const emails = emailsIn(trimmed.replace(PLATFORM_ID_IN_TEXT, ' '));

  const isSelf = (person: Owner) => speaker !== undefined && samePerson(person, speaker);
  const people = onIt.filter((person) => !isSelf(person));
  const addresses = emails.filter((email) => !isSelf({ platform: 'email', userId: email.address }));
  if (people.length === 0 && addresses.length === 0) {
    if (onIt.length > 0 || emails.length > 0 || isSelfOnly(trimmed)) return refuse(HINTS.self, speaker);
    return unnamed(trimmed, speaker);
  }
  if (people.length > 1 || addresses.length > 1) return refuse(HINTS.several, speaker);
  const person = people[0];
  const email = addresses[0];
  if (person && email) {
    if (ALTERNATIVES.test(trimmed)) return refuse(HINTS.several, speaker);
    return value({ ...person, email: email.address });
  }
  if (person) return value(person);
  const displayName = nameBeside(trimmed, email!.address);
  return value({
    platform: 'email',
    userId: email!.address,
    email: email!.address,
    ...(displayName ? { displayName } : {}),
  });
}

/** No mention, address or id: "nobody", a typed name (taken only in the terminal), or something vague. */
function unnamed(text: string, speaker: Owner | undefined): Reading<Owner> {
  const folded = fold(text);
  if (NOBODY.test(folded) || SHRUG.test(folded.replace(/[.!]+$/u, '').trim())) return refuse(HINTS.nobody, speaker);
  const name = text
    .replace(/^["'“‘]|["'”’.!]+$/gu, '')
    .replace(LEAD_IN, '')
    .replace(/^@\s*/u, '')
    .trim();
  if (!NAME.test(name) || name.length > 100) return refuse(HINTS.vague, speaker);
  if (speaker?.platform === 'console') {
    const person: Owner = { platform: 'console', userId: name, displayName: name };
    return samePerson(person, speaker) ? refuse(HINTS.self, speaker) : value(person);
  }
  return miss(`I can't tell who "${preview(name)}" is from a typed name. ${HOW}`);
}
