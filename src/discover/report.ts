import { formatReference } from '../store/apps.ts';
import type { Store } from '../store/store.ts';
import type { AppRow, DiscoveredItemRow } from '../store/types.ts';
import { emailOf } from './parse.ts';

// What was discovered against what is registered. An item is registered when it is linked to an app by
// its platform id; otherwise it may be proposed for an app of the same owner and a name that differs
// only in case, spacing, punctuation or a trailing "v2"/"(copy)", which the owner has to confirm: a
// proposal is still unregistered.

const TRAILING_MARKER = /(?:\(\s*(?:copy|\d+)\s*\)|(?<![\p{L}\p{N}])\(?v(?:ersion)?\s*\d+(?:\.\d+)*\)?)\s*$/u;

/** "Expense Tracker  v2", "expense-tracker (Copy)" and "ExpenseTracker" all compare as "expensetracker". */
export function comparableName(name: string): string {
  let text = name.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().trim();
  for (let stripped = text.replace(TRAILING_MARKER, '').trim(); stripped !== text && stripped !== '';) {
    text = stripped;
    stripped = text.replace(TRAILING_MARKER, '').trim();
  }
  return text.replace(/[^\p{L}\p{N}]+/gu, '');
}

type ItemStatus =
  | { kind: 'registered'; app: AppRow; ownerMismatch: boolean }
  | { kind: 'proposed'; app: AppRow }
  | { kind: 'unregistered' };

/** The item's standing against the register (apps by id). */
function reconcile(item: DiscoveredItemRow, apps: Map<string, AppRow>): ItemStatus {
  const linked = item.linkedAppId ? apps.get(item.linkedAppId) : undefined;
  if (linked) {
    const appOwner = emailOf(linked.ownerEmail);
    return {
      kind: 'registered',
      app: linked,
      ownerMismatch: !!item.ownerEmail && !!appOwner && item.ownerEmail !== appOwner,
    };
  }
  if (!item.ownerEmail) return { kind: 'unregistered' };
  const name = comparableName(item.name);
  const candidate = [...apps.values()].find(
    (app) =>
      app.status !== 'retired' && emailOf(app.ownerEmail) === item.ownerEmail && comparableName(app.name) === name,
  );
  return candidate ? { kind: 'proposed', app: candidate } : { kind: 'unregistered' };
}

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

export interface DiscoveryReport extends Coverage {
  unregistered: ItemEntry[];
  missing: Array<{ ref: string; name: string }>;
  ownerMismatch: Array<ItemEntry & { ref: string; appOwner: string | null }>;
  byPlatform: Record<string, Coverage>;
  byDepartment: Record<string, Coverage>;
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
    if (item.missingSince) continue;
    const registered = item.linkedAppId !== null;
    coverage.discovered += 1;
    if (registered) coverage.registered += 1;
    tally(coverage.bySource, item.source, registered);
  }
  coverage.coverage = ratio(coverage.registered, coverage.discovered);
  return coverage;
}

/** Items missing since the last import of their source count nowhere but in `missing`. */
export async function discoveryReport(store: Store): Promise<ReconciledReport> {
  const apps = new Map((await store.apps.list()).map((app) => [app.id, app]));
  // Sorted here, not by the database: its collation may put "Zeta" before "alpha".
  const items = (await store.discovery.all()).sort(
    (a, b) =>
      a.source.localeCompare(b.source) ||
      a.name.localeCompare(b.name, 'en', { sensitivity: 'base' }) ||
      a.externalId.localeCompare(b.externalId),
  );
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
  };
  const proposals: ReconciledReport['proposals'] = new Map();
  const missingApps = new Map<string, AppRow>();
  for (const item of items) {
    const status = reconcile(item, apps);
    if (item.missingSince) {
      if (status.kind === 'registered') missingApps.set(status.app.id, status.app);
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
  }
  report.coverage = ratio(report.registered, report.discovered);
  report.missing = [...missingApps.values()]
    .sort((a, b) => a.refNumber - b.refNumber)
    .map((app) => ({ ref: formatReference(app.refNumber), name: app.name }));
  return { report, proposals };
}
