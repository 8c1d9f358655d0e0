import { FIELDS } from '../profile/fields.ts';
import type { DiscoveredItemRow } from '../store/types.ts';

// How discovered items are named, ordered and grouped wherever they are listed: in a nudge, in the
// owner's answer to it ("#2" is the second in both), and in the report.

const PLATFORM_LABELS = new Map(
  (FIELDS.find((field) => field.id === 'platform')?.options ?? []).map((option) => [option.value, option.label]),
);

/** The profile's platform an item of this source is on: power-apps, or csv:<name> when <name> is one. */
export function platformOfSource(source: string): string | undefined {
  const name = source.startsWith('csv:') ? source.slice('csv:'.length) : source;
  return PLATFORM_LABELS.has(name) && name !== 'other' ? name : undefined;
}

export function sourceLabel(source: string): string {
  const platform = platformOfSource(source);
  return platform ? PLATFORM_LABELS.get(platform)! : source.replace(/^csv:/u, '');
}

/**
 * Who an item's owner is, to group items by: their e-mail address, else their platform id, else the
 * address another item of the same owner id gives (`emailsById`), so one owner is one group.
 */
export function ownerKeyOf(
  item: Pick<DiscoveredItemRow, 'ownerEmail' | 'ownerId'>,
  emailsById: ReadonlyMap<string, string> = new Map(),
): string | undefined {
  return item.ownerEmail ?? (item.ownerId ? (emailsById.get(item.ownerId) ?? item.ownerId) : undefined);
}

/** The e-mail address each owner id comes with in some item. */
export function emailsByOwnerId(items: readonly DiscoveredItemRow[]): Map<string, string> {
  const emails = new Map<string, string>();
  for (const item of items) if (item.ownerId && item.ownerEmail) emails.set(item.ownerId, item.ownerEmail);
  return emails;
}

/** In the order every list of items is shown, so "#2" means the same item in a message and its answer. */
export function byListingOrder(a: DiscoveredItemRow, b: DiscoveredItemRow): number {
  return (
    a.source.localeCompare(b.source) ||
    a.name.localeCompare(b.name, 'en', { sensitivity: 'base' }) ||
    a.externalId.localeCompare(b.externalId)
  );
}
