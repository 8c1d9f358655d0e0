import { z } from 'zod';
import type { Logger } from '../../src/logger.ts';
import type { WebClient } from './web.ts';
import { slackErrorCode } from './web.ts';

// Who people are in Slack: display names and e-mail addresses (users.info) for the inventory and
// decisions, user ids by e-mail address (users.lookupByEmail) for messages to people known only by
// their address, and user-group memberships (usergroups.list) for policies that name reviewer groups.
// Cached briefly in memory.

const NAME_TTL_MS = 10 * 60_000;
/** A failed lookup is not repeated for every message of the same person. */
const FAILED_NAME_TTL_MS = 60_000;
const GROUPS_TTL_MS = 60_000;
const EMAIL_TTL_MS = 10 * 60_000;
/** An address no Slack user has is asked about again after this long (someone may have joined). */
const UNKNOWN_EMAIL_TTL_MS = 60_000;
/** Past this many remembered addresses, the expired ones are dropped. */
const EMAIL_CACHE_SWEEP_AT = 1000;

const EmailSchema = z.string().email().max(320);

interface Cached<T> {
  value: T;
  until: number;
}

/** What Slack says about a person; each field is missing when Slack does not say. */
interface SlackPerson {
  displayName?: string;
  /** profile.email, lower case: Slack shows it only with the users:read.email scope. */
  email?: string;
}

export class SlackDirectory {
  private readonly people = new Map<string, Cached<SlackPerson>>();
  private readonly emails = new Map<string, Cached<string | undefined>>();
  private readonly lookups = new Map<string, Promise<string | undefined>>();
  private groups: Cached<Map<string, string[]>> | undefined;

  /** Without a logger, failed users.info lookups are not logged (the outbox's own directory). */
  constructor(
    private readonly web: WebClient,
    private readonly logger?: Logger,
  ) {}

  /**
   * The name Slack shows for a user and their e-mail address; empty when Slack will not say (the
   * caller falls back to the username).
   */
  async person(userId: string): Promise<SlackPerson> {
    const cached = this.people.get(userId);
    if (cached && cached.until > Date.now()) return cached.value;
    try {
      const { user } = await this.web.users.info({ user: userId });
      const name =
        user?.profile?.display_name || user?.profile?.real_name || user?.real_name || user?.name || undefined;
      const email = EmailSchema.safeParse(user?.profile?.email?.trim().toLowerCase());
      const person: SlackPerson = {
        ...(name ? { displayName: name } : {}),
        ...(email.success ? { email: email.data } : {}),
      };
      this.people.set(userId, { value: person, until: Date.now() + NAME_TTL_MS });
      return person;
    } catch (error) {
      this.logger?.warn({ userId, err: describe(error) }, 'users.info failed; using the Slack username');
      this.people.set(userId, { value: {}, until: Date.now() + FAILED_NAME_TTL_MS });
      return {};
    }
  }

  /** The name Slack shows for a user; undefined when Slack will not say (the caller falls back to the username). */
  async displayName(userId: string): Promise<string | undefined> {
    return (await this.person(userId)).displayName;
  }

  /**
   * The id of the Slack user with this e-mail address (any case); undefined when no user has it
   * (users_not_found). Other failures (rate limits, Slack unavailable, a missing scope) are thrown as
   * the Web API threw them, for the caller to sort into retry or not.
   */
  async userIdByEmail(address: string): Promise<string | undefined> {
    const email = address.trim().toLowerCase();
    const cached = this.emails.get(email);
    if (cached && cached.until > Date.now()) return cached.value;
    // Messages to the same person delivered at the same time share one lookup.
    const running = this.lookups.get(email);
    if (running) return running;
    const lookup = this.lookUpEmail(email).finally(() => this.lookups.delete(email));
    this.lookups.set(email, lookup);
    return lookup;
  }

  private async lookUpEmail(email: string): Promise<string | undefined> {
    let userId: string | undefined;
    try {
      const { user } = await this.web.users.lookupByEmail({ email });
      userId = user?.id || undefined;
    } catch (error) {
      if (slackErrorCode(error) !== 'users_not_found') throw error;
      userId = undefined;
    }
    if (this.emails.size >= EMAIL_CACHE_SWEEP_AT) {
      const now = Date.now();
      for (const [key, entry] of this.emails) if (entry.until <= now) this.emails.delete(key);
    }
    this.emails.set(email, { value: userId, until: Date.now() + (userId ? EMAIL_TTL_MS : UNKNOWN_EMAIL_TTL_MS) });
    return userId;
  }

  /** Ids of the user groups (S...) the user belongs to. */
  async groupsOf(userId: string): Promise<string[]> {
    if (!this.groups || this.groups.until <= Date.now()) {
      const { usergroups } = await this.web.usergroups.list({ include_users: true });
      const members = new Map<string, string[]>();
      for (const group of usergroups ?? []) {
        for (const member of group.users ?? []) {
          if (group.id) members.set(member, [...(members.get(member) ?? []), group.id]);
        }
      }
      this.groups = { value: members, until: Date.now() + GROUPS_TTL_MS };
    }
    return this.groups.value.get(userId) ?? [];
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
