import type { Client, DiscoveredItemRow } from './types.ts';

// What platforms' exports say exists (DiscoveredItem), and the platform ids registered apps are known by
// (AppExternalId). Linking is by exact id only: a guess by name is never written here.

/** One item as an export describes it; source and externalId identify it. */
export interface DiscoveredFields {
  name: string;
  ownerEmail: string | null;
  ownerName: string | null;
  ownerId: string | null;
  environment: string | null;
  createdAt: Date | null;
  modifiedAt: Date | null;
  enabled: boolean | null;
}

export interface DiscoveryRepository {
  /** Every item of the source, present or missing. */
  ofSource(source: string): Promise<DiscoveredItemRow[]>;
  /** Every item of every source. */
  all(): Promise<DiscoveredItemRow[]>;
  create(
    item: DiscoveredFields & { source: string; externalId: string; linkedAppId: string | null; at: Date },
  ): Promise<void>;
  /**
   * Rewrites what the export says, marks it seen at `at` and present again (counting a reappearance). A new
   * owner starts afresh: the former owner's answer and nudge no longer apply, and the new one is nudged.
   */
  update(
    id: string,
    item: DiscoveredFields & { linkedAppId: string | null; at: Date; reappeared: boolean; ownerChanged: boolean },
  ): Promise<void>;
  byId(id: string): Promise<DiscoveredItemRow | null>;
  /** Items whose owner has one of these e-mail addresses or platform ids, or whose nudge went to one of these. */
  ofPerson(person: { emails: string[]; ids: string[]; nudgedVia: string[] }): Promise<DiscoveredItemRow[]>;
  /** The owner's answer to a nudge: not theirs, or retired. */
  answer(id: string, answer: { answer: 'not-mine' | 'retired'; by: string; at: Date }): Promise<void>;
  /**
   * Claims the items for a nudge with this outbox dedupe key, on this platform and destination: only those
   * not nudged or answered yet. Returns how many it claimed (fewer: another run got there first).
   */
  claimForNudge(ids: string[], nudge: { at: Date; key: string; via: string }): Promise<number>;
  /** Its owner could not be sent a nudge, and why. */
  markUnreachable(ids: string[], unreachable: { at: Date; reason: string }): Promise<void>;
  markSeen(ids: string[], at: Date): Promise<void>;
  markMissing(ids: string[], at: Date): Promise<void>;
  /** The source's platform ids that registered apps are known by, as externalId -> appId. */
  appIdsByExternalId(source: string): Promise<Map<string, string>>;
  /** The app is known by this id; an item already discovered with it is linked. False when the id was known already. */
  addExternalId(link: { appId: string; source: string; externalId: string }): Promise<boolean>;
}

export function discoveryRepository(db: Client): DiscoveryRepository {
  return {
    ofSource: (source) => db.discoveredItem.findMany({ where: { source } }),
    all: () => db.discoveredItem.findMany(),
    async create({ at, ...item }) {
      await db.discoveredItem.create({ data: { ...item, firstSeenAt: at, lastSeenAt: at } });
    },
    async update(id, { at, reappeared, ownerChanged, ...item }) {
      await db.discoveredItem.update({
        where: { id },
        data: {
          ...item,
          lastSeenAt: at,
          missingSince: null,
          ...(reappeared ? { reappearances: { increment: 1 } } : {}),
          ...(ownerChanged
            ? {
                answer: null,
                answeredBy: null,
                answeredAt: null,
                nudgedAt: null,
                nudgeKey: null,
                nudgedVia: null,
                nudgeUnreachable: null,
              }
            : {}),
        },
      });
    },
    byId: (id) => db.discoveredItem.findUnique({ where: { id } }),
    ofPerson: ({ emails, ids, nudgedVia }) =>
      db.discoveredItem.findMany({
        where: {
          OR: [
            ...emails.map((email) => ({ ownerEmail: { equals: email, mode: 'insensitive' as const } })),
            ...ids.map((id) => ({ ownerId: { equals: id, mode: 'insensitive' as const } })),
            ...(nudgedVia.length > 0 ? [{ nudgedVia: { in: nudgedVia } }] : []),
          ],
        },
      }),
    async answer(id, { answer, by, at }) {
      await db.discoveredItem.update({ where: { id }, data: { answer, answeredBy: by, answeredAt: at } });
    },
    async claimForNudge(ids, { at, key, via }) {
      const claimed = await db.discoveredItem.updateMany({
        where: { id: { in: ids }, nudgeKey: null, answer: null },
        data: { nudgedAt: at, nudgeKey: key, nudgedVia: via, nudgeUnreachable: null },
      });
      return claimed.count;
    },
    async markUnreachable(ids, { at, reason }) {
      if (ids.length > 0)
        await db.discoveredItem.updateMany({
          where: { id: { in: ids } },
          data: { nudgedAt: at, nudgeUnreachable: reason },
        });
    },
    async markSeen(ids, at) {
      if (ids.length > 0) await db.discoveredItem.updateMany({ where: { id: { in: ids } }, data: { lastSeenAt: at } });
    },
    async markMissing(ids, at) {
      if (ids.length > 0)
        await db.discoveredItem.updateMany({ where: { id: { in: ids } }, data: { missingSince: at } });
    },
    async appIdsByExternalId(source) {
      const rows = await db.appExternalId.findMany({ where: { source } });
      return new Map(rows.map((row) => [row.externalId, row.appId]));
    },
    async addExternalId(link) {
      const inserted = await db.appExternalId.createMany({ data: [link], skipDuplicates: true });
      if (inserted.count === 0) return false;
      await db.discoveredItem.updateMany({
        where: { source: link.source, externalId: link.externalId },
        data: { linkedAppId: link.appId },
      });
      return true;
    },
  };
}
