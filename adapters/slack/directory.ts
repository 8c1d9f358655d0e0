import type { Logger } from '../../src/logger.ts';
import type { WebClient } from './web.ts';

// Who people are in Slack: display names (users.info) for the inventory and decisions, and user-group
// memberships (usergroups.list) for policies that name reviewer groups. Cached briefly in memory.

const NAME_TTL_MS = 10 * 60_000;
/** A failed lookup is not repeated for every message of the same person. */
const FAILED_NAME_TTL_MS = 60_000;
const GROUPS_TTL_MS = 60_000;

interface Cached<T> {
  value: T;
  until: number;
}

export class SlackDirectory {
  private readonly names = new Map<string, Cached<string | undefined>>();
  private groups: Cached<Map<string, string[]>> | undefined;

  constructor(
    private readonly web: WebClient,
    private readonly logger: Logger,
  ) {}

  /** The name Slack shows for a user; undefined when Slack will not say (the caller falls back to the username). */
  async displayName(userId: string): Promise<string | undefined> {
    const cached = this.names.get(userId);
    if (cached && cached.until > Date.now()) return cached.value;
    try {
      const { user } = await this.web.users.info({ user: userId });
      const name =
        user?.profile?.display_name || user?.profile?.real_name || user?.real_name || user?.name || undefined;
      this.names.set(userId, { value: name, until: Date.now() + NAME_TTL_MS });
      return name;
    } catch (error) {
      this.logger.warn({ userId, err: describe(error) }, 'users.info failed; using the Slack username');
      this.names.set(userId, { value: undefined, until: Date.now() + FAILED_NAME_TTL_MS });
      return undefined;
    }
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
