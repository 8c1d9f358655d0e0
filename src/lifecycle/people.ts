import { z } from 'zod';

// A person named by an admin, an HR system or a maker: on a chat platform ("slack:U123",
// "teams:<Entra object id>", a mention), or by e-mail address when the platform id is not known.

export interface Person {
  platform: string;
  userId: string;
  displayName?: string;
  email?: string;
}

const EMAIL = z.string().trim().toLowerCase().email();
const PLATFORM_ID = /^(slack|teams|console):([A-Za-z0-9][\w.:@-]{0,199})$/u;

/**
 * "slack:U123" / "teams:<id>" / "console:<name>" / "pat@example.com"; undefined for anything else.
 * A person known only by e-mail is { platform: 'email', userId: <address> }.
 */
export function readPerson(text: string): Person | undefined {
  const trimmed = text.trim();
  const platformId = PLATFORM_ID.exec(trimmed);
  if (platformId) return { platform: platformId[1]!, userId: platformId[2]! };
  const email = EMAIL.safeParse(trimmed.replace(/^mailto:/iu, '').replace(/^<(.+)>$/u, '$1'));
  if (email.success) return { platform: 'email', userId: email.data, email: email.data };
  return undefined;
}

/**
 * The same person, by platform id or by a shared e-mail address. Ids compare regardless of case: no
 * platform gives two people ids that differ only in case, and a name typed in the terminal is its id.
 */
export function samePerson(a: Person, b: Person): boolean {
  if (a.platform === b.platform && a.userId.toLowerCase() === b.userId.toLowerCase()) return true;
  const emailOf = (person: Person) =>
    (person.email ?? (person.platform === 'email' ? person.userId : ''))?.toLowerCase();
  const emailA = emailOf(a);
  return emailA !== '' && emailA === emailOf(b);
}

/** How a person is named in messages: their name, else their platform id or address. */
export function personLabel(person: Person): string {
  if (person.displayName) return person.displayName;
  return person.platform === 'email' ? person.userId : `${person.platform}:${person.userId}`;
}

/**
 * The platform a message to this person goes out on: theirs when this process delivers to it, else the
 * terminal (which prints it); none for a person known only by e-mail address.
 */
export function personPlatform(platform: string, deliveryPlatforms: readonly string[]): string | undefined {
  if (platform === 'email') return undefined;
  if (deliveryPlatforms.includes(platform)) return platform;
  return platform === 'console' || deliveryPlatforms.includes('console') ? 'console' : undefined;
}
