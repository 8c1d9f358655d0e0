import { formatReference } from '../store/apps.ts';
import type { Store } from '../store/store.ts';
import type { AppRow, DiscoveredItemRow } from '../store/types.ts';
import { byListingOrder, emailsByOwnerId, ownerKeyOf } from './listing.ts';
import { counted, reconcile } from './reconcile.ts';

// What was discovered against what is registered, for the governance team: coverage overall, by
// platform and by department; what is unregistered, missing, owned by someone else; and where the
// nudges to owners get nowhere (unreachable, never answered) and which items keep coming back.

interface Coverage {
  discovered: number;
  registered: number;
  /** registered / discovered, 0..1 (0 when nothing was discovered). */
  coverage: number;
}

interface ItemEntry {
  source: string;
  externalId: string;
  name: string;
  /** E-mail address, else display name, else the platform's id of the owner; null when the export names none. */
  owner: string | null;
}

interface OwnerItems {
  owner: string;
  items: ItemEntry[];
}

export interface DiscoveryReport extends Coverage {
  unregistered: ItemEntry[];
  missing: Array<{ ref: string; name: string }>;
  ownerMismatch: Array<ItemEntry & { ref: string; appOwner: string | null }>;
  byPlatform: Record<string, Coverage>;
  byDepartment: Record<string, Coverage>;
  /** Unregistered items whose listed owner said they are not theirs: someone has to find the owner. */
  notMine: ItemEntry[];
  /** Items their owner said are retired (counted nowhere else): to be deleted or switched off on the platform. */
  retiredByOwner: ItemEntry[];
  /** Owners a nudge could not reach (no chat platform knows them, or the delivery was refused), and why. */
  unreachable: Array<OwnerItems & { reason: string }>;
  /** Owners nudged at least `neverAnsweredDays` ago who have neither registered nor answered for these items. */
  neverAnswered: Array<OwnerItems & { nudgedAt: string }>;
  /** Items listed again after an import had not listed them, most often first. */
  reappearing: Array<ItemEntry & { reappearances: number }>;
}

/** The report and, for the text output, the app each proposed entry of `unregistered` may be. */
interface ReconciledReport {
  report: DiscoveryReport;
  proposals: Map<ItemEntry, { ref: string; name: string }>;
}

function ratio(registered: number, discovered: number): number {
  return discovered === 0 ? 0 : Math.round((registered / discovered) * 1000) / 1000;
}

function tally(groups: Record<string, Coverage>, key: string, registered: boolean): void {
  const group = (groups[key] ??= { discovered: 0, registered: 0, coverage: 0 });
  group.discovered += 1;
  if (registered) group.registered += 1;
  group.coverage = ratio(group.registered, group.discovered);
}

function entryOf(item: DiscoveredItemRow): ItemEntry {
  return {
    source: item.source,
    externalId: item.externalId,
    name: item.name,
    owner: item.ownerEmail ?? item.ownerName ?? item.ownerId,
  };
}

/**
 * Coverage alone, overall and by source, for /metrics: from the discovered items only (an item is
 * registered when it is linked; the link goes when its app is deleted), so a scrape reads no profiles.
 * The report's own figures are the same.
 */
export async function discoveryCoverage(store: Store): Promise<Coverage & { bySource: Record<string, Coverage> }> {
  const coverage = { discovered: 0, registered: 0, coverage: 0, bySource: {} as Record<string, Coverage> };
  for (const item of await store.discovery.all()) {
    if (!counted(item)) continue;
    const registered = item.linkedAppId !== null;
    coverage.discovered += 1;
    if (registered) coverage.registered += 1;
    tally(coverage.bySource, item.source, registered);
  }
  coverage.coverage = ratio(coverage.registered, coverage.discovered);
  return coverage;
}

/** Per owner, in the order they first appear. */
function groupByOwner<T extends { owner: string; items: ItemEntry[] }>(
  groups: Map<string, T>,
  key: string,
  create: () => T,
  item: DiscoveredItemRow,
): void {
  const group = groups.get(key) ?? create();
  group.items.push(entryOf(item));
  groups.set(key, group);
}

/**
 * Items missing since the last import of their source count nowhere but in `missing`, and items their
 * owner called retired nowhere but in `retiredByOwner`. `now` and `neverAnsweredDays` say which nudges
 * count as never answered.
 */
export async function discoveryReport(
  store: Store,
  options: { now: Date; neverAnsweredDays: number },
): Promise<ReconciledReport> {
  const apps = new Map((await store.apps.list()).map((app) => [app.id, app]));
  // Sorted here, not by the database: its collation may put "Zeta" before "alpha".
  const items = (await store.discovery.all()).sort(byListingOrder);
  const emailsById = emailsByOwnerId(items);
  const departments = new Map<string, string>();
  const departmentOf = async (app: AppRow) => {
    if (!departments.has(app.id))
      departments.set(app.id, (await store.apps.currentProfile(app)).department.trim() || 'unknown');
    return departments.get(app.id)!;
  };
  const report: DiscoveryReport = {
    coverage: 0,
    discovered: 0,
    registered: 0,
    unregistered: [],
    missing: [],
    ownerMismatch: [],
    byPlatform: {},
    byDepartment: {},
    notMine: [],
    retiredByOwner: [],
    unreachable: [],
    neverAnswered: [],
    reappearing: [],
  };
  const proposals: ReconciledReport['proposals'] = new Map();
  const missingApps = new Map<string, AppRow>();
  const deliveries = await store.outbox.deliveryOf([
    ...new Set(items.flatMap((item) => (item.nudgeKey ? [item.nudgeKey] : []))),
  ]);
  const unreachable = new Map<string, DiscoveryReport['unreachable'][number]>();
  const silent = new Map<string, DiscoveryReport['neverAnswered'][number]>();
  const answerBy = new Date(options.now.getTime() - options.neverAnsweredDays * 86_400_000);
  for (const item of items) {
    const status = reconcile(item, apps);
    if (item.missingSince) {
      if (status.kind === 'registered') missingApps.set(status.app.id, status.app);
      continue;
    }
    if (item.reappearances > 0) report.reappearing.push({ ...entryOf(item), reappearances: item.reappearances });
    if (status.kind === 'retired') {
      report.retiredByOwner.push(entryOf(item));
      continue;
    }
    const registered = status.kind === 'registered';
    report.discovered += 1;
    if (registered) report.registered += 1;
    tally(report.byPlatform, item.source, registered);
    tally(report.byDepartment, registered ? await departmentOf(status.app) : 'unknown', registered);
    if (status.kind === 'registered' && status.ownerMismatch)
      report.ownerMismatch.push({
        ...entryOf(item),
        ref: formatReference(status.app.refNumber),
        appOwner: status.app.ownerEmail,
      });
    if (status.kind === 'registered') continue;
    const entry = entryOf(item);
    report.unregistered.push(entry);
    if (status.kind === 'proposed')
      proposals.set(entry, { ref: formatReference(status.app.refNumber), name: status.app.name });
    if (item.answer === 'not-mine') {
      report.notMine.push(entry);
      continue;
    }
    const owner = ownerKeyOf(item, emailsById) ?? '(no owner)';
    const delivery = item.nudgeKey ? deliveries.get(item.nudgeKey) : undefined;
    const refused =
      delivery?.status === 'dead' ? `the delivery was refused: ${delivery.error ?? 'no reason given'}` : undefined;
    const reason = item.nudgeKey ? refused : (item.nudgeUnreachable ?? undefined);
    if (reason) groupByOwner(unreachable, `${owner}\n${reason}`, () => ({ owner, reason, items: [] }), item);
    else if (item.nudgeKey && item.nudgedAt && item.nudgedAt <= answerBy)
      groupByOwner(silent, owner, () => ({ owner, nudgedAt: item.nudgedAt!.toISOString(), items: [] }), item);
  }
  report.coverage = ratio(report.registered, report.discovered);
  report.missing = [...missingApps.values()]
    .sort((a, b) => a.refNumber - b.refNumber)
    .map((app) => ({ ref: formatReference(app.refNumber), name: app.name }));
  report.unreachable = [...unreachable.values()];
  report.neverAnswered = [...silent.values()];
  report.reappearing.sort((a, b) => b.reappearances - a.reappearances);
  return { report, proposals };
}
