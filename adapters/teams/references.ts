import type { ChannelAccount, ConversationReference } from 'botbuilder';
import type { Prisma } from '../../src/generated/prisma/client.ts';
import type { Db } from '../../src/store/types.ts';

// Where Steward can reach people and channels in Teams later, kept in PlatformReference:
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

export class TeamsReferences {
  constructor(private readonly db: Db) {}

  /** A destination from the outbox: "user:<aadObjectId>" or a policy's "Team/Channel". */
  async find(destination: string): Promise<StoredReference | undefined> {
    const key = destination.startsWith('user:') ? destination : `channel:${destination}`;
    // Team and channel names are matched case-insensitively: policies are typed by hand.
    const row = await this.db.platformReference.findFirst({
      where: { platform: PLATFORM, key: { equals: key, mode: 'insensitive' } },
      orderBy: { updatedAt: 'desc' },
    });
    return row ? (row.reference as unknown as StoredReference) : undefined;
  }

  async saveUser(
    aadObjectId: string,
    stored: Extract<StoredReference, { kind: 'personal' | 'member' }>,
  ): Promise<void> {
    const key = userKey(aadObjectId);
    if (stored.kind === 'member') {
      // A personal chat is the better way to reach someone: never replace it with a channel sighting.
      const existing = await this.db.platformReference.findUnique({
        where: { platform_key: { platform: PLATFORM, key } },
      });
      if ((existing?.reference as StoredReference | null)?.kind === 'personal') return;
    }
    await this.upsert(key, stored);
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
      return { key: channelKey(team.team.name, channel.name), stored };
    });
    await this.db.$transaction(async (tx) => {
      await tx.platformReference.deleteMany({
        where: {
          platform: PLATFORM,
          key: { startsWith: 'channel:' },
          reference: { path: ['teamId'], equals: team.team.id },
        },
      });
      for (const row of rows) await upsertIn(tx, row.key, row.stored);
    });
    return rows.map((row) => row.key.slice('channel:'.length));
  }

  /** Forgets a team the app was removed from; returns the "Team/Channel" destinations it had. */
  async removeTeam(teamId: string): Promise<string[]> {
    const where = {
      platform: PLATFORM,
      key: { startsWith: 'channel:' },
      reference: { path: ['teamId'], equals: teamId },
    };
    const rows = await this.db.platformReference.findMany({ where, select: { key: true } });
    await this.db.platformReference.deleteMany({ where });
    return rows.map((row) => row.key.slice('channel:'.length));
  }

  /** "Team/Channel" of every stored channel. */
  async channelDestinations(): Promise<string[]> {
    const rows = await this.db.platformReference.findMany({
      where: { platform: PLATFORM, key: { startsWith: 'channel:' } },
      select: { key: true },
    });
    return rows.map((row) => row.key.slice('channel:'.length));
  }

  async setOpenQuestion(conversationKey: string, question: OpenQuestion | undefined): Promise<void> {
    const key = `question:${conversationKey}`;
    if (question) await this.upsert(key, question);
    else await this.db.platformReference.deleteMany({ where: { platform: PLATFORM, key } });
  }

  async openQuestion(conversationKey: string): Promise<OpenQuestion | undefined> {
    const row = await this.db.platformReference.findUnique({
      where: { platform_key: { platform: PLATFORM, key: `question:${conversationKey}` } },
    });
    return row ? (row.reference as unknown as OpenQuestion) : undefined;
  }

  private upsert(key: string, value: StoredReference | OpenQuestion): Promise<void> {
    return upsertIn(this.db, key, value);
  }
}

async function upsertIn(
  db: Db | Prisma.TransactionClient,
  key: string,
  value: StoredReference | OpenQuestion,
): Promise<void> {
  const reference = value as unknown as Prisma.InputJsonValue;
  await db.platformReference.upsert({
    where: { platform_key: { platform: PLATFORM, key } },
    create: { platform: PLATFORM, key, reference },
    update: { reference },
  });
}
