import { z } from 'zod';
import type { StewardPort } from '../../src/runtime/port.ts';
import type { WebClient } from './web.ts';

const CHANNEL_ID_TTL_MS = 24 * 60 * 60 * 1000;

// Channel names in the policy ('#gov-privacy') to channel ids, which the Web API wants. Found with
// conversations.list, kept in memory and in PlatformReference rows ('channel:#gov-privacy'), so a
// restart or another instance does not have to list every channel again.

const PLATFORM = 'slack';
const StoredChannelSchema = z.object({ id: z.string() });
const PAGE_SIZE = 1000;

export interface ResolvedChannel {
  id: string;
  /** Whether the id came from a cache (it may be stale if the channel was renamed or deleted). */
  cached: boolean;
}

/** '#gov-privacy' and 'gov-privacy' are names (always lower case in Slack); 'C0123ABC' and 'G0123ABC' are ids. */
export function isChannelName(destination: string): boolean {
  return destination.startsWith('#') || !/^[CGD][A-Z0-9]{2,}$/u.test(destination);
}

function nameOf(destination: string): string {
  return destination.replace(/^#/u, '').toLowerCase();
}

export class ChannelResolver {
  private readonly ids = new Map<string, string>();
  private scan: Promise<Map<string, string>> | undefined;

  constructor(
    private readonly web: WebClient,
    private readonly state: StewardPort['state'],
  ) {}

  async resolve(destination: string): Promise<ResolvedChannel | undefined> {
    const name = nameOf(destination);
    const remembered = this.ids.get(name);
    if (remembered) return { id: remembered, cached: true };
    const key = `channel:#${name}`;
    const stored = await this.state.get(PLATFORM, key, StoredChannelSchema);
    if (stored) {
      this.ids.set(name, stored.id);
      return { id: stored.id, cached: true };
    }
    const id = (await this.listChannels()).get(name);
    if (!id) return undefined;
    this.ids.set(name, id);
    // Looked up again after a day: a channel renamed since then is found under its new name.
    await this.state.set(PLATFORM, key, { id }, { ttlMs: CHANNEL_ID_TTL_MS });
    return { id, cached: false };
  }

  /** Drops a cached id that Slack no longer knows, so the next attempt lists channels again. */
  async forget(destination: string): Promise<void> {
    const name = nameOf(destination);
    this.ids.delete(name);
    await this.state.delete(PLATFORM, `channel:#${name}`);
  }

  /** Every channel Steward can see, by name; one listing at a time however many deliveries ask. */
  private listChannels(): Promise<Map<string, string>> {
    this.scan ??= (async () => {
      const found = new Map<string, string>();
      let cursor: string | undefined;
      do {
        const page = await this.web.conversations.list({
          types: 'public_channel,private_channel',
          exclude_archived: true,
          limit: PAGE_SIZE,
          ...(cursor ? { cursor } : {}),
        });
        for (const channel of page.channels ?? []) {
          if (channel.id && channel.name) found.set(channel.name.toLowerCase(), channel.id);
        }
        cursor = page.response_metadata?.next_cursor || undefined;
      } while (cursor);
      return found;
    })().finally(() => {
      this.scan = undefined;
    });
    return this.scan;
  }
}
