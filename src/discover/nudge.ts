import { createHash } from 'node:crypto';
import type { Reply, ReplyButton } from '../chat/reply.ts';
import { SYSTEM_ACTOR } from '../store/audit.ts';
import type { Actor } from '../store/audit.ts';
import { formatReference } from '../store/apps.ts';
import type { Store } from '../store/store.ts';
import type { AppRow, DiscoveredItemRow } from '../store/types.ts';
import { emailOf } from './parse.ts';
import { byListingOrder, emailsByOwnerId, ownerKeyOf, sourceLabel } from './listing.ts';
import { counted, reconcile } from './reconcile.ts';

// Bringing owners in: each owner of unregistered items gets one message listing all of them, with a
// button to register each (the registration starts with what the export knows) and to say it is not
// theirs or retired. An item is nudged once; owners Steward cannot reach are recorded, with why, for
// the report. The message and the items' record are written in one transaction per owner, so a run is
// safe to repeat and an interrupted run sends nothing twice.

/** Items in one message that get buttons (three each, within Slack's 25 elements per actions block). */
const MAX_ITEMS_WITH_BUTTONS = 8;

/** Sources whose owner ids are Microsoft Entra object ids, which Teams knows people by. */
const ENTRA_SOURCES = new Set(['power-apps', 'power-automate']);

/** Rolls back an owner's nudge whose items another run claimed first. */
class NudgedElsewhere extends Error {}

type Route = { platform: string; destination: string } | { unreachable: string };

/**
 * Where an owner is reached: as the person the register knows by that address or id (their app's
 * owner), else on Slack by e-mail address (looked up at delivery), on Teams by their Entra object id,
 * or in the terminal, which prints it.
 */
function routeTo(item: DiscoveredItemRow, known: ReadonlyMap<string, AppRow>, platforms: readonly string[]): Route {
  const person = (item.ownerEmail && known.get(item.ownerEmail)) || (item.ownerId && known.get(item.ownerId));
  if (person && platforms.includes(person.ownerPlatform))
    return { platform: person.ownerPlatform, destination: `user:${person.ownerUserId}` };
  if (!item.ownerEmail && !item.ownerId) return { unreachable: 'the export names no owner' };
  if (item.ownerEmail && platforms.includes('slack'))
    return { platform: 'slack', destination: `email:${item.ownerEmail}` };
  if (item.ownerId && ENTRA_SOURCES.has(item.source) && platforms.includes('teams'))
    // Entra object ids are GUIDs, which Teams gives in lower case whatever case the export used.
    return { platform: 'teams', destination: `user:${item.ownerId.toLowerCase()}` };
  if (platforms.includes('console'))
    return {
      platform: 'console',
      destination: item.ownerEmail ? `email:${item.ownerEmail}` : `user:${item.ownerId!}`,
    };
  return {
    unreachable: item.ownerEmail
      ? 'known only by e-mail address, and Slack is not connected'
      : 'known only by a platform id that no connected chat platform knows',
  };
}

/** Owners the register knows, by lower-cased e-mail address and by platform id: the newest app's owner wins. */
function knownPeople(apps: readonly AppRow[]): Map<string, AppRow> {
  const known = new Map<string, AppRow>();
  for (const app of [...apps].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())) {
    const email = emailOf(app.ownerEmail);
    if (email) known.set(email, app);
    known.set(app.ownerUserId, app);
  }
  return known;
}

function itemLine(item: DiscoveredItemRow, position: number, proposal: AppRow | undefined): string {
  const facts = [sourceLabel(item.source)];
  if (item.environment) facts.push(`environment ${item.environment}`);
  const lastUse = item.modifiedAt ?? item.createdAt;
  if (lastUse) facts.push(`last modified ${lastUse.toISOString().slice(0, 10)}`);
  const line = `${position}. ${item.name} (${facts.join(', ')})`;
  return proposal ? `${line}: this looks like your ${formatReference(proposal.refNumber)} "${proposal.name}"` : line;
}

const shortName = (name: string) => (name.length > 40 ? `${name.slice(0, 39)}…` : name);

function itemButtons(item: DiscoveredItemRow, proposal: AppRow | undefined, alone: boolean): ReplyButton[] {
  const suffix = alone ? '' : `: ${shortName(item.name)}`;
  const value = (action: string) => `discovered ${item.id} ${action}`;
  return [
    proposal
      ? { label: `Yes, it's ${formatReference(proposal.refNumber)}`, value: value('confirm'), style: 'primary' }
      : { label: `Register${suffix}`, value: value('register'), style: 'primary' },
    { label: `Not mine${suffix}`, value: value('not-mine') },
    { label: `Retired${suffix}`, value: value('retired') },
  ];
}

function nudgeReply(items: readonly DiscoveredItemRow[], proposals: ReadonlyMap<string, AppRow>): Reply {
  const count = items.length === 1 ? 'an app' : `${items.length} apps`;
  const lines = items.map((item, index) => itemLine(item, index + 1, proposals.get(item.id)));
  const typed = items.length > MAX_ITEMS_WITH_BUTTONS ? ' For the apps past the first eight, type your answer.' : '';
  const which = items.length > 1 ? " with the app's name or number" : '';
  return {
    title: 'Apps of yours that are not registered yet',
    text: [
      `Hi! The platform inventory lists ${count} of yours that ${items.length === 1 ? 'is' : 'are'} not registered with Steward yet:`,
      ...lines,
      items.length === 1
        ? 'Registering it takes a few minutes, and I fill in what the inventory knows: press Register, or say "register".'
        : 'Registering one takes a few minutes, and I fill in what the inventory knows: press its Register button, or say "register" and its name.',
      `If ${items.length === 1 ? 'it' : 'one'} is not yours, is no longer used, or is a copy of a registered app, tell me: "not mine", "retired" or "duplicate of APP-0042"${which}.${typed}`,
    ].join('\n'),
    buttons: items
      .slice(0, MAX_ITEMS_WITH_BUTTONS)
      .flatMap((item) => itemButtons(item, proposals.get(item.id), items.length === 1)),
    tone: 'info',
    // Names come from the platforms' exports: shown as written, never as formatting or mentions.
    literal: true,
  };
}

interface NudgedOwner {
  owner: string;
  platform: string;
  destination: string;
  items: Array<{ source: string; externalId: string; name: string }>;
}

export interface NudgeRun {
  sent: NudgedOwner[];
  unreachable: Array<{
    owner: string;
    reason: string;
    items: Array<{ source: string; externalId: string; name: string }>;
  }>;
  /** Outbox messages queued. */
  messages: number;
}

const brief = (item: DiscoveredItemRow) => ({ source: item.source, externalId: item.externalId, name: item.name });

/** Unregistered items never nudged, by owner, in listing order; each with the app it may be, if proposed. */
async function nudgeCandidates(store: Store): Promise<{
  byOwner: Map<string, DiscoveredItemRow[]>;
  ownerless: DiscoveredItemRow[];
  proposals: Map<string, AppRow>;
  apps: AppRow[];
}> {
  const apps = await store.apps.list();
  const appsById = new Map(apps.map((app) => [app.id, app]));
  const byOwner = new Map<string, DiscoveredItemRow[]>();
  const ownerless: DiscoveredItemRow[] = [];
  const proposals = new Map<string, AppRow>();
  const all = (await store.discovery.all()).sort(byListingOrder);
  const emailsById = emailsByOwnerId(all);
  for (const item of all) {
    if (!counted(item) || item.answer !== null || item.nudgeKey !== null) continue;
    const status = reconcile(item, appsById);
    if (status.kind === 'registered' || status.kind === 'retired') continue;
    if (status.kind === 'proposed') proposals.set(item.id, status.app);
    const owner = ownerKeyOf(item, emailsById);
    if (owner === undefined) ownerless.push(item);
    else byOwner.set(owner, [...(byOwner.get(owner) ?? []), item]);
  }
  return { byOwner, ownerless, proposals, apps };
}

/**
 * Sends each owner of unregistered items not yet nudged one message listing them. `dryRun` says what
 * would be sent and changes nothing.
 */
export async function runDiscoveryNudge(
  store: Store,
  input: { now: Date; deliveryPlatforms: readonly string[]; actor?: Actor; dryRun?: boolean },
): Promise<NudgeRun> {
  const { byOwner, ownerless, proposals, apps } = await nudgeCandidates(store);
  const known = knownPeople(apps);
  const run: NudgeRun = { sent: [], unreachable: [], messages: 0 };
  const unreachable = async (owner: string, reason: string, items: DiscoveredItemRow[]) => {
    run.unreachable.push({ owner, reason, items: items.map(brief) });
    const changed = items.filter((item) => item.nudgeUnreachable !== reason).map((item) => item.id);
    if (!input.dryRun) await store.discovery.markUnreachable(changed, { at: input.now, reason });
  };
  if (ownerless.length > 0) await unreachable('(no owner)', 'the export names no owner', ownerless);
  for (const [owner, items] of byOwner) {
    // Items known only by the owner's id are grouped under their address: route by one that has it.
    const route = routeTo(items.find((item) => item.ownerEmail) ?? items[0]!, known, input.deliveryPlatforms);
    if ('unreachable' in route) {
      await unreachable(owner, route.unreachable, items);
      continue;
    }
    const key = `discovery-nudge:${createHash('sha256')
      .update(
        items
          .map((item) => item.id)
          .sort()
          .join('\n'),
      )
      .digest('hex')
      .slice(0, 24)}:${route.platform}`;
    if (input.dryRun) {
      run.sent.push({ owner, ...route, items: items.map(brief) });
      continue;
    }
    const queued = await store
      .transaction(async (tx) => {
        // Claimed first: another instance's run that got to any of them sends this owner's message instead.
        const via = `${route.platform} ${route.destination}`;
        const ids = items.map((item) => item.id);
        if ((await tx.discovery.claimForNudge(ids, { at: input.now, key, via })) !== ids.length)
          throw new NudgedElsewhere();
        const count = await tx.outbox.enqueue([
          {
            dedupeKey: key,
            platform: route.platform,
            destination: route.destination,
            payload: { kind: 'notification', reply: nudgeReply(items, proposals) },
          },
        ]);
        await tx.audit.record({
          actor: input.actor ?? SYSTEM_ACTOR,
          action: 'discovery.nudged',
          details: { via: route.platform, items: items.map((item) => `${item.source}:${item.externalId}`) },
        });
        return count;
      })
      .catch((error: unknown) => {
        if (error instanceof NudgedElsewhere) return undefined;
        throw error;
      });
    if (queued === undefined) continue;
    run.sent.push({ owner, ...route, items: items.map(brief) });
    run.messages += queued;
  }
  return run;
}
