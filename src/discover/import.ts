import type { DiscoveredItemRow } from '../store/types.ts';
import type { Actor } from '../store/audit.ts';
import type { Store } from '../store/store.ts';
import type { DiscoveredInput } from './parse.ts';

// An export applied to what was discovered before from the same source: new items are added, changed
// ones updated, ones no longer listed marked missing, and ones listed again present again. The same
// export twice changes nothing and is audited once.

export interface ImportCounts {
  new: number;
  updated: number;
  unchanged: number;
  disappeared: number;
  /** Of the updated ones: listed again after an import that did not list them. */
  reappeared: number;
}

const SAME_FIELDS = ['name', 'ownerEmail', 'ownerName', 'ownerId', 'environment', 'enabled'] as const;

function unchanged(row: DiscoveredItemRow, item: DiscoveredInput, linkedAppId: string | null): boolean {
  const sameTime = (a: Date | null, b: Date | null) => (a?.getTime() ?? null) === (b?.getTime() ?? null);
  return (
    row.missingSince === null &&
    row.linkedAppId === linkedAppId &&
    SAME_FIELDS.every((field) => row[field] === item[field]) &&
    sameTime(row.createdAt, item.createdAt) &&
    sameTime(row.modifiedAt, item.modifiedAt)
  );
}

/**
 * `complete`: the export listed everything it meant to (no rejected rows), so items it leaves out have
 * disappeared. With rejected rows it is not known which items those were, so nothing is marked missing.
 */
export async function importDiscovered(
  store: Store,
  input: { source: string; items: DiscoveredInput[]; complete: boolean; actor: Actor; at: Date; rejected: number },
): Promise<ImportCounts> {
  return store.transaction(async (tx) => {
    const known = new Map((await tx.discovery.ofSource(input.source)).map((row) => [row.externalId, row]));
    const appIds = await tx.discovery.appIdsByExternalId(input.source);
    const counts: ImportCounts = { new: 0, updated: 0, unchanged: 0, disappeared: 0, reappeared: 0 };
    const seen: string[] = [];
    for (const { externalId, ...fields } of input.items) {
      const linkedAppId = appIds.get(externalId) ?? null;
      const row = known.get(externalId);
      known.delete(externalId);
      if (!row) {
        await tx.discovery.create({ ...fields, source: input.source, externalId, linkedAppId, at: input.at });
        counts.new += 1;
      } else if (unchanged(row, { externalId, ...fields }, linkedAppId)) {
        seen.push(row.id);
        counts.unchanged += 1;
      } else {
        await tx.discovery.update(row.id, {
          ...fields,
          linkedAppId,
          at: input.at,
          reappeared: !!row.missingSince,
          ownerChanged: row.ownerEmail !== fields.ownerEmail || row.ownerId !== fields.ownerId,
        });
        counts.updated += 1;
        if (row.missingSince) counts.reappeared += 1;
      }
    }
    await tx.discovery.markSeen(seen, input.at);
    if (input.complete) {
      const gone = [...known.values()].filter((row) => row.missingSince === null).map((row) => row.id);
      await tx.discovery.markMissing(gone, input.at);
      counts.disappeared = gone.length;
    }
    if (counts.new + counts.updated + counts.disappeared > 0)
      await tx.audit.record({
        actor: input.actor,
        action: 'discovery.imported',
        details: { source: input.source, ...counts, rejected: input.rejected },
      });
    return counts;
  });
}
