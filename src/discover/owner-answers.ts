import type { Actor } from '../store/audit.ts';
import { formatReference } from '../store/apps.ts';
import type { Store } from '../store/store.ts';
import type { AppRow, DiscoveredItemRow } from '../store/types.ts';
import type { ListedItem } from './answers.ts';
import { emailOf } from './parse.ts';
import { byListingOrder } from './listing.ts';
import { counted, reconcile } from './reconcile.ts';

// What an owner's answer to a nudge changes: an item is linked to the app they name ("duplicate of
// APP-0042", a confirmed proposal, a registration started from it), or marked not theirs or retired.
// Only the item's owner (by e-mail address or platform id) or the person the nudge reached may answer;
// every answer is audited.

export interface Speaker {
  platform: string;
  userId: string;
  displayName?: string;
  email?: string;
}

/** The speaker's addresses: the one their platform gives, and their id when it is one (a terminal user). */
function emailsOf(speaker: Speaker): string[] {
  const emails = [emailOf(speaker.email), emailOf(speaker.userId)];
  return [...new Set(emails.filter((email): email is string => email !== null))];
}

function nudgeDestinations(speaker: Speaker): string[] {
  return [
    `${speaker.platform} user:${speaker.userId}`,
    ...emailsOf(speaker).map((email) => `${speaker.platform} email:${email}`),
  ];
}

/** Whether the speaker may answer for the item: they own it, or its nudge was sent to them. */
export function answersFor(item: DiscoveredItemRow, speaker: Speaker): boolean {
  const emails = emailsOf(speaker);
  return (
    (!!item.ownerEmail && emails.includes(item.ownerEmail.toLowerCase())) ||
    (!!item.ownerId && item.ownerId.toLowerCase() === speaker.userId.toLowerCase()) ||
    (!!item.nudgedVia && nudgeDestinations(speaker).includes(item.nudgedVia))
  );
}

export interface OwnerListing {
  /** As the speaker's latest nudge listed them (so "#2" is its second), then other open items. */
  items: DiscoveredItemRow[];
  /** Which of them are still waiting for an answer. */
  open: Set<string>;
  /** The app each proposed item may be. */
  proposals: Map<string, AppRow>;
}

/** The items the speaker was nudged about or owns that an answer could be about. */
export async function listingFor(store: Store, speaker: Speaker): Promise<OwnerListing> {
  const mine = (
    await store.discovery.ofPerson({
      emails: emailsOf(speaker),
      ids: [speaker.userId],
      nudgedVia: nudgeDestinations(speaker),
    })
  ).filter((item) => answersFor(item, speaker));
  const listing: OwnerListing = { items: [], open: new Set(), proposals: new Map() };
  if (mine.length === 0) return listing;
  const apps = new Map((await store.apps.list()).map((app) => [app.id, app]));
  const latest = mine
    .filter((item) => item.nudgedAt && item.nudgeKey)
    .sort((a, b) => b.nudgedAt!.getTime() - a.nudgedAt!.getTime())[0]?.nudgeKey;
  const inLatest = mine.filter((item) => latest && item.nudgeKey === latest).sort(byListingOrder);
  for (const item of mine) {
    const status = reconcile(item, apps);
    const waiting =
      counted(item) && item.answer === null && (status.kind === 'unregistered' || status.kind === 'proposed');
    if (waiting) listing.open.add(item.id);
    if (status.kind === 'proposed') listing.proposals.set(item.id, status.app);
  }
  const others = mine.filter((item) => item.nudgeKey !== latest && listing.open.has(item.id)).sort(byListingOrder);
  listing.items = [...inLatest, ...others];
  return listing;
}

export function listedItems(listing: OwnerListing): ListedItem[] {
  return listing.items.map((item) => {
    const proposal = listing.proposals.get(item.id);
    return { name: item.name, ...(proposal ? { proposedRef: formatReference(proposal.refNumber) } : {}) };
  });
}

/** Why the item cannot take an answer any more, or undefined when it can. */
export async function settledText(store: Store, item: DiscoveredItemRow): Promise<string | undefined> {
  if (item.linkedAppId) {
    const app = await store.apps.byId(item.linkedAppId);
    return `"${item.name}" is already registered${app ? ` as ${formatReference(app.refNumber)}` : ''}.`;
  }
  if (item.answer === 'retired') return `"${item.name}" is already noted as retired.`;
  if (item.missingSince)
    return `"${item.name}" is no longer in the platform's inventory (its last export did not list it), so there is nothing to do.`;
  if (item.answer === 'not-mine') return `"${item.name}" is already noted as not yours.`;
  return undefined;
}

/** Not theirs, or retired: recorded on the item and audited. */
export async function recordAnswer(
  tx: Store,
  item: DiscoveredItemRow,
  answer: 'not-mine' | 'retired',
  by: Actor,
  at: Date,
): Promise<void> {
  await tx.discovery.answer(item.id, { answer, by: `${by.platform}:${by.userId}`, at });
  await tx.audit.record({
    actor: by,
    action: 'discovery.answered',
    details: { answer, source: item.source, externalId: item.externalId, name: item.name },
  });
}

/**
 * The item is the app: the app is known by the item's platform id from now on, so this and every later
 * import count it as registered. `how`: a duplicate, a confirmed proposal, a registration from it, or an
 * administrator's `discover link` (which may name an id no import has listed yet). False when the id was
 * linked already; nothing is written then.
 */
export async function linkItem(
  tx: Store,
  item: Pick<DiscoveredItemRow, 'source' | 'externalId'> & { name?: string },
  app: { id: string; reference: string },
  by: Actor,
  how: 'duplicate' | 'confirmed' | 'registered' | 'by hand',
): Promise<boolean> {
  const linked = await tx.discovery.addExternalId({ appId: app.id, source: item.source, externalId: item.externalId });
  if (!linked) return false;
  await tx.audit.record({
    actor: by,
    action: 'discovery.linked',
    appId: app.id,
    details: {
      how,
      source: item.source,
      externalId: item.externalId,
      ...(item.name === undefined ? {} : { name: item.name }),
      ref: app.reference,
    },
  });
  return true;
}
