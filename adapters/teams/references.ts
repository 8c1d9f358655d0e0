import type { ChannelAccount, ConversationReference } from 'botbuilder';
import { z } from 'zod';
import type { StewardPort } from '../../src/runtime/port.ts';

// Where Steward can reach people and channels in Teams later, kept in the core's adapter state:
//   user:<aadObjectId>            the user's personal chat with the bot (or, until there is one, the
//                                 user's Teams id to open it with)
//   channel:<Team name>/<Channel> a team channel, as policy destinations name it
//   question:<conversation key>   the question card currently waiting for an answer in a conversation

const PLATFORM = 'teams';

export type StoredReference =
  | { kind: 'personal'; reference: Partial<ConversationReference> }
  /** Seen in a channel but not yet in a personal chat: enough to open one (POST /v3/conversations). */
  | {
      kind: 'member';
      serviceUrl: string;
      channelId: string;
      tenantId?: string;
      bot: ChannelAccount;
      user: ChannelAccount;
    }
  | {
      kind: 'channel';
      reference: Partial<ConversationReference>;
      teamId: string;
      teamName: string;
      channelName: string;
    };

const OPEN_QUESTION_TTL_MS = 30 * 24 * 60 * 60 * 1000;

/** The card waiting for an answer; it is in the conversation the next message comes from. */
export interface OpenQuestion {
  activityId: string;
  questionId?: string;
  prompt: string;
}

export interface TeamChannels {
  team: { id: string; name: string };
  channels: Array<{ id: string; name: string }>;
  /** Copied into every channel's reference. */
  serviceUrl: string;
  channelId: string;
  tenantId?: string;
  bot: ChannelAccount;
}

function userKey(aadObjectId: string): string {
  return `user:${aadObjectId}`;
}

function channelKey(team: string, channel: string): string {
  return `channel:${team}/${channel}`;
}

// What is read back is checked for its kind; the botbuilder reference inside is the SDK's own shape.
const StoredReferenceSchema = z.custom<StoredReference>(
  (value) =>
    typeof value === 'object' &&
    value !== null &&
    ['personal', 'member', 'channel'].includes(String((value as { kind?: unknown }).kind)),
);
const OpenQuestionSchema = z.object({ activityId: z.string(), questionId: z.string().optional(), prompt: z.string() });

export class TeamsReferences {
  constructor(private readonly state: StewardPort['state']) {}

  /** A destination from the outbox: "user:<aadObjectId>" or a policy's "Team/Channel". */
  async find(destination: string): Promise<StoredReference | undefined> {
    if (destination.startsWith('user:')) return this.state.get(PLATFORM, destination, StoredReferenceSchema);
    // Team and channel names are matched case-insensitively: policies are typed by hand.
    const wanted = `channel:${destination}`.toLowerCase();
    const found = (await this.state.list(PLATFORM, 'channel:')).find((entry) => entry.key.toLowerCase() === wanted);
    const parsed = found ? StoredReferenceSchema.safeParse(found.value) : undefined;
    return parsed?.success ? parsed.data : undefined;
  }

  async saveUser(
    aadObjectId: string,
    stored: Extract<StoredReference, { kind: 'personal' | 'member' }>,
  ): Promise<void> {
    const key = userKey(aadObjectId);
    if (stored.kind === 'member') {
      // A personal chat is the better way to reach someone: never replace it with a channel sighting.
      const existing = await this.state.get(PLATFORM, key, StoredReferenceSchema);
      if (existing?.kind === 'personal') return;
    }
    await this.state.set(PLATFORM, key, stored);
  }

  /** Replaces everything stored for a team with its current channels (covers renames and deletions). */
  async saveTeam(team: TeamChannels): Promise<string[]> {
    const rows = team.channels.map((channel) => {
      const reference: Partial<ConversationReference> = {
        channelId: team.channelId,
        serviceUrl: team.serviceUrl,
        bot: team.bot,
        conversation: {
          id: channel.id,
          isGroup: true,
          conversationType: 'channel',
          name: channel.name,
          ...(team.tenantId ? { tenantId: team.tenantId } : {}),
        },
      };
      const stored: StoredReference = {
        kind: 'channel',
        reference,
        teamId: team.team.id,
        teamName: team.team.name,
        channelName: channel.name,
      };
      return { key: channelKey(team.team.name, channel.name), value: stored };
    });
    await this.state.replace(PLATFORM, await this.channelKeysOf(team.team.id), rows);
    return rows.map((row) => row.key.slice('channel:'.length));
  }

  /** Forgets a team the app was removed from; returns the "Team/Channel" destinations it had. */
  async removeTeam(teamId: string): Promise<string[]> {
    const keys = await this.channelKeysOf(teamId);
    await this.state.replace(PLATFORM, keys, []);
    return keys.map((key) => key.slice('channel:'.length));
  }

  /** "Team/Channel" of every stored channel. */
  async channelDestinations(): Promise<string[]> {
    return (await this.state.list(PLATFORM, 'channel:')).map((entry) => entry.key.slice('channel:'.length));
  }

  async setOpenQuestion(conversationKey: string, question: OpenQuestion | undefined): Promise<void> {
    const key = `question:${conversationKey}`;
    // An unanswered card is forgotten after a month: it then stays as it is.
    if (question) await this.state.set(PLATFORM, key, question, { ttlMs: OPEN_QUESTION_TTL_MS });
    else await this.state.delete(PLATFORM, key);
  }

  openQuestion(conversationKey: string): Promise<OpenQuestion | undefined> {
    return this.state.get(PLATFORM, `question:${conversationKey}`, OpenQuestionSchema);
  }

  private async channelKeysOf(teamId: string): Promise<string[]> {
    const entries = await this.state.list(PLATFORM, 'channel:');
    return entries
      .filter((entry) => (entry.value as { teamId?: unknown } | null)?.teamId === teamId)
      .map((entry) => entry.key);
  }
}
