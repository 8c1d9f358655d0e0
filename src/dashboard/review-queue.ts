import type { Policy, Tier } from '../policy/schema.ts';
import { LEADS, TIERS } from '../policy/schema.ts';
import { addBusinessDays } from '../review/sla.ts';
import { reviewStanding, teamsAskedFor } from '../review/standing.ts';
import { formatReference } from '../store/apps.ts';
import type { PendingReviewRow } from '../store/dashboard.ts';
import type { Store } from '../store/store.ts';

// Reviews still waiting, read the way src/review/sla.ts and standing.ts read them (the teams a version
// was sent to, each team's decision, the tier's approval rule and SLA) but from three queries for the
// whole queue instead of several per app, so the pages stay fast with thousands of apps.

const DAY_MS = 86_400_000;

export interface QueuedReview {
  appId: string;
  reference: string;
  name: string;
  tier: Tier;
  status: string;
  version: number;
  platform: string | null;
  submittedAt: Date;
  /** The teams whose decision is still missing (empty: nobody named, the leads must look). */
  waitingFor: string[];
  /** Business days since submission. */
  ageDays: number;
  /** null when the tier has no review SLA. */
  slaBusinessDays: number | null;
  dueAt: Date | null;
  /** Twice the SLA: the leads are told. */
  leadsAt: Date | null;
  overdue: boolean;
  pastTwice: boolean;
}

/** Whole business days from `start` to `end`: the most n with addBusinessDays(start, n) <= end. */
export function businessDaysBetween(start: Date, end: Date): number {
  if (end <= start) return 0;
  let days = 0;
  const cursor = new Date(start);
  const weeks = Math.floor((end.getTime() - start.getTime()) / (7 * DAY_MS));
  if (weeks > 1) {
    // Any seven days hold five weekdays.
    cursor.setUTCDate(cursor.getUTCDate() + (weeks - 1) * 7);
    days += (weeks - 1) * 5;
  }
  for (;;) {
    const next = new Date(cursor);
    next.setUTCDate(next.getUTCDate() + 1);
    if (next > end) return days;
    const weekday = next.getUTCDay();
    if (weekday !== 0 && weekday !== 6) days += 1;
    cursor.setTime(next.getTime());
  }
}

function tierOf(value: string | null): Tier | undefined {
  return TIERS.find((tier) => tier === value);
}

/** The teams the version went to, as escalatedTeamsOf says: the messages sent, else what the assessment asked for. */
function escalatedTeams(row: PendingReviewRow, policy: Policy): string[] {
  if (row.sentTeams.length > 0) return row.sentTeams;
  return row.assessedTier ? teamsAskedFor({ tier: row.assessedTier, teams: row.assessedTeams }, policy) : [];
}

function queued(row: PendingReviewRow, policy: Policy, now: Date): QueuedReview | undefined {
  const tier = tierOf(row.tier);
  if (!tier || !policy.tiers[tier].escalate) return undefined;
  const settings = policy.tiers[tier];
  const standing = reviewStanding(escalatedTeams(row, policy), row.decisions, settings.approval);
  if (standing.settledBy) return undefined;
  const submittedAt = row.submittedAt ?? row.updatedAt;
  const sla = settings.reviewSla?.businessDays ?? null;
  const dueAt = sla === null ? null : addBusinessDays(submittedAt, sla);
  const leadsAt = dueAt && sla !== null ? addBusinessDays(dueAt, sla) : null;
  return {
    appId: row.id,
    reference: formatReference(row.refNumber),
    name: row.name,
    tier,
    status: row.status,
    version: row.version,
    platform: row.platform,
    submittedAt,
    waitingFor: standing.waitingFor,
    ageDays: businessDaysBetween(submittedAt, now),
    slaBusinessDays: sla,
    dueAt,
    leadsAt,
    overdue: dueAt !== null && dueAt <= now,
    pastTwice: leadsAt !== null && leadsAt <= now,
  };
}

/** Every review still waiting for a decision, oldest submission first. */
export async function reviewQueue(store: Store, policy: Policy, now: Date): Promise<QueuedReview[]> {
  const rows = await store.dashboard.pendingReviews();
  return rows
    .flatMap((row) => queued(row, policy, now) ?? [])
    .sort((a, b) => a.submittedAt.getTime() - b.submittedAt.getTime() || a.reference.localeCompare(b.reference));
}

/** Team ids in policy order, the leads after them, and any other team a review names last. */
export function teamsInOrder(policy: Policy, named: Iterable<string>): string[] {
  const known = [...Object.keys(policy.teams), LEADS];
  const others = [...new Set(named)].filter((team) => !known.includes(team)).sort();
  return [...known, ...others];
}
