import { Prisma } from '../generated/prisma/client.ts';
import type { AppStatus, AuditRow, Client, DecisionRow } from './types.ts';

// What the governance dashboard reads: counts and pages computed by the database (GROUP BY, LIMIT and
// OFFSET), never every app loaded to count them. Platform and department are the app's own columns (copies
// of its current version's profile); only a search of descriptions joins that version's profile.
// Every value reaches SQL as a parameter; only whitelisted fragments (sort columns) are spliced in.

export interface InventoryFilter {
  /** Words in the name, description, owner's name or e-mail, or a reference (APP-0042, 42). */
  q?: string;
  tiers?: readonly string[];
  statuses?: readonly AppStatus[];
  platforms?: readonly string[];
  /** Exact department as the profile states it (case-insensitive). */
  department?: string;
  /** Part of the owner's name, e-mail address or platform id. */
  owner?: string;
  /** Only apps whose owner left with nobody taking over. */
  orphaned?: boolean;
}

export const INVENTORY_SORTS = [
  'reference',
  'name',
  'tier',
  'status',
  'platform',
  'department',
  'owner',
  'registered',
  'updated',
] as const;
export type InventorySort = (typeof INVENTORY_SORTS)[number];

interface InventoryQuery {
  filter: InventoryFilter;
  sort: InventorySort;
  dir: 'asc' | 'desc';
  /** Absent: every matching app (the exports). */
  page?: { limit: number; offset: number };
}

/** One inventory line: the app row's columns and its current version's platform and department. */
export interface InventoryItem {
  id: string;
  refNumber: number;
  name: string;
  tier: string | null;
  status: AppStatus;
  platform: string | null;
  department: string | null;
  ownerPlatform: string;
  ownerUserId: string;
  ownerName: string | null;
  ownerEmail: string | null;
  version: number;
  orphanedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface BreakdownRow {
  tier: string | null;
  status: AppStatus;
  platform: string | null;
  department: string | null;
  count: number;
}

/** An app whose current version waits for reviewers (status submitted or in_review), with what its review needs. */
export interface PendingReviewRow {
  id: string;
  refNumber: number;
  name: string;
  tier: string | null;
  status: AppStatus;
  version: number;
  platform: string | null;
  updatedAt: Date;
  /** The first assessment of the current version: when it was submitted for review. */
  submittedAt: Date | null;
  /** Teams the version's escalation messages went to (empty when none were sent, e.g. a digest). */
  sentTeams: string[];
  /** Teams of the app's latest assessment, and its tier: who was asked when no escalation names them. */
  assessedTeams: string[];
  assessedTier: string | null;
  /** Every team's decision on the current version so far, oldest first. */
  decisions: DecisionRow[];
}

interface OverdueRecertificationRow {
  id: string;
  refNumber: number;
  name: string;
  tier: string | null;
  ownerName: string | null;
  ownerUserId: string;
  askedAt: Date;
  leadsToldAt: Date;
}

interface CoverageRow {
  source: string;
  discovered: number;
  registered: number;
}

interface WeeklyCounts {
  /** Monday 00:00 UTC of each week with any, and the count. */
  registrations: Array<{ week: Date; count: number }>;
  escalations: Array<{ week: Date; count: number }>;
}

interface DeclinedDecision {
  decision: string;
  team: string | null;
  reason: string | null;
  createdAt: Date;
  refNumber: number;
  name: string;
}

interface ReasonCount {
  decision: string;
  reason: string;
  count: number;
  teams: string[];
  lastAt: Date;
}

export interface WaitStats {
  /** Team id or platform. */
  key: string;
  decided: number;
  /** Hours from submission to the decision. */
  medianHours: number;
  maxHours: number;
}

interface StalledChangeRow {
  refNumber: number;
  name: string;
  tier: string | null;
  team: string | null;
  reason: string | null;
  requestedAt: Date;
}

interface StoredVersion {
  version: number;
  profile: unknown;
  createdBy: string;
  createdAt: Date;
}

interface StoredAssessmentRow {
  id: string;
  appVersion: number;
  tier: string;
  teams: string[];
  reasons: unknown;
  assessedBy: string;
  policyVersion: string;
  createdAt: Date;
}

export interface AppRecord {
  versions: StoredVersion[];
  assessments: StoredAssessmentRow[];
  decisions: DecisionRow[];
  /** Oldest first, at most `auditLimit` of the newest. */
  audit: AuditRow[];
  auditTotal: number;
  recertifications: Array<{ dueAt: Date; askedAt: Date; answeredAt: Date | null; answer: string | null }>;
}

export interface DashboardRepository {
  /** One page of the inventory (or all of it, without `page`) and how many apps match the filter. */
  inventory(query: InventoryQuery): Promise<{ total: number; rows: InventoryItem[] }>;
  /** Apps counted by tier, status, platform and department together: every breakdown sums from it. */
  breakdown(): Promise<BreakdownRow[]>;
  pendingReviews(): Promise<PendingReviewRow[]>;
  orphanedCount(): Promise<number>;
  /** Recertifications the leads were told of, still unanswered, of apps neither retired nor confirmed since. */
  overdueRecertifications(): Promise<OverdueRecertificationRow[]>;
  /** Discovered items counted as discovery's coverage counts them, by source (empty: no discovery data). */
  coverage(): Promise<CoverageRow[]>;
  /** Registrations (apps created) and escalations (app.escalated) per UTC week since `since`. */
  weekly(since: Date): Promise<WeeklyCounts>;
  /** How many apps' latest assessment names each rule (retired apps left out), most first. */
  ruleCounts(limit: number): Promise<Array<{ rule: string; apps: number }>>;
  /** The newest rejections and requests for changes. */
  declined(limit: number): Promise<DeclinedDecision[]>;
  /** Rejection and change-request reasons as written (case and spaces folded), most frequent first. */
  declineReasons(limit: number): Promise<ReasonCount[]>;
  /** Decisions per team and kind. */
  decisionCounts(): Promise<Array<{ team: string | null; decision: string; count: number }>>;
  /** From submission (first assessment of the version) to each decision, by team and by platform. */
  waits(): Promise<{ byTeam: WaitStats[]; byPlatform: WaitStats[] }>;
  /** Apps sent back for changes and not updated since, longest waiting first. */
  stalledChanges(limit: number): Promise<StalledChangeRow[]>;
  /** Everything recorded about one app. */
  appRecord(appId: string, auditLimit: number): Promise<AppRecord>;
}

const CURRENT_VERSION = Prisma.sql`JOIN "AppVersion" v ON v."appId" = a."id" AND v."version" = a."currentVersion"`;
const PLATFORM = Prisma.sql`a."platform"`;
const DEPARTMENT = Prisma.sql`a."department"`;
const TIER_RANK = Prisma.sql`CASE a."tier" WHEN 'low' THEN 0 WHEN 'medium' THEN 1 WHEN 'high' THEN 2 WHEN 'critical' THEN 3 END`;

const SORT_COLUMNS: Record<InventorySort, Prisma.Sql> = {
  reference: Prisma.sql`a."refNumber"`,
  name: Prisma.sql`lower(a."name")`,
  tier: TIER_RANK,
  status: Prisma.sql`a."status"`,
  platform: PLATFORM,
  department: Prisma.sql`lower(${DEPARTMENT})`,
  owner: Prisma.sql`lower(coalesce(a."ownerName", a."ownerEmail", a."ownerUserId"))`,
  registered: Prisma.sql`a."createdAt"`,
  updated: Prisma.sql`a."updatedAt"`,
};

/** A LIKE pattern matching `text` anywhere, its own % _ and \ taken literally. */
function containing(text: string): string {
  return `%${text.replace(/[\\%_]/gu, (char) => `\\${char}`)}%`;
}

function referenceNumber(text: string): number | undefined {
  const match = /^\s*(?:app-?\s*)?(\d{1,9})\s*$/iu.exec(text);
  return match ? Number(match[1]) : undefined;
}

function whereOf(filter: InventoryFilter): Prisma.Sql {
  const parts: Prisma.Sql[] = [];
  if (filter.tiers?.length) parts.push(Prisma.sql`a."tier" IN (${Prisma.join([...filter.tiers])})`);
  if (filter.statuses?.length) parts.push(Prisma.sql`a."status"::text IN (${Prisma.join([...filter.statuses])})`);
  if (filter.platforms?.length) parts.push(Prisma.sql`${PLATFORM} IN (${Prisma.join([...filter.platforms])})`);
  if (filter.department) parts.push(Prisma.sql`lower(${DEPARTMENT}) = lower(${filter.department})`);
  if (filter.orphaned) parts.push(Prisma.sql`a."orphanedAt" IS NOT NULL AND a."status" <> 'retired'`);
  if (filter.owner) {
    const like = containing(filter.owner);
    parts.push(
      Prisma.sql`(a."ownerName" ILIKE ${like} OR a."ownerEmail" ILIKE ${like} OR a."ownerUserId" ILIKE ${like})`,
    );
  }
  if (filter.q) {
    const like = containing(filter.q);
    const ref = referenceNumber(filter.q);
    parts.push(
      Prisma.sql`(a."name" ILIKE ${like} OR (v."profile"->>'description') ILIKE ${like} OR a."ownerName" ILIKE ${like} OR a."ownerEmail" ILIKE ${like}${
        ref === undefined ? Prisma.empty : Prisma.sql` OR a."refNumber" = ${ref}`
      })`,
    );
  }
  return parts.length > 0 ? Prisma.sql`WHERE ${Prisma.join(parts, ' AND ')}` : Prisma.empty;
}

export function dashboardRepository(db: Client): DashboardRepository {
  return {
    async inventory({ filter, sort, dir, page }) {
      const where = whereOf(filter);
      const direction = Prisma.raw(dir === 'desc' ? 'DESC NULLS LAST' : 'ASC NULLS LAST');
      const order = Prisma.sql`ORDER BY ${SORT_COLUMNS[sort]} ${direction}, a."refNumber" ${direction}`;
      // Only a search reads the profiles (their descriptions).
      const from = filter.q ? Prisma.sql`"App" a ${CURRENT_VERSION}` : Prisma.sql`"App" a`;
      const limit = page ? Prisma.sql`LIMIT ${page.limit} OFFSET ${page.offset}` : Prisma.empty;
      // A filtered set is counted in the same pass (count(*) OVER ()); all apps are counted apart, which
      // leaves the page free to stop after its fifty rows.
      const filtered = where !== Prisma.empty;
      const [found, counted] = await Promise.all([
        db.$queryRaw<Array<InventoryItem & { total: number | null }>>`
          WITH chosen AS (
            SELECT a."id", row_number() OVER (${order}) AS "position", ${filtered ? Prisma.sql`count(*) OVER ()` : Prisma.sql`NULL`}::int AS "total"
            FROM ${from} ${where} ${order} ${limit}
          )
          SELECT chosen."total", a."id", a."refNumber", a."name", a."tier", a."status"::text AS "status",
            ${PLATFORM} AS "platform", ${DEPARTMENT} AS "department",
            a."ownerPlatform", a."ownerUserId", a."ownerName", a."ownerEmail", a."currentVersion" AS "version",
            a."orphanedAt", a."createdAt", a."updatedAt"
          FROM chosen JOIN "App" a ON a."id" = chosen."id"
          ORDER BY chosen."position"`,
        page && !filtered
          ? db.$queryRaw<Array<{ total: number }>>`SELECT count(*)::int AS total FROM ${from}`
          : undefined,
      ]);
      const rows = found.map(({ total: _, ...item }) => item);
      if (!page) return { total: rows.length, rows };
      if (counted) return { total: counted[0]?.total ?? 0, rows };
      if (found[0]) return { total: found[0].total ?? 0, rows };
      // A page past the end of a filtered set: count it on its own.
      const [all] = await db.$queryRaw<Array<{ total: number }>>`SELECT count(*)::int AS total FROM ${from} ${where}`;
      return { total: all?.total ?? 0, rows };
    },
    breakdown: () =>
      // Grouped by the status itself, cast to text once per group rather than once per app.
      db.$queryRaw<BreakdownRow[]>`
        SELECT g."tier", g."status"::text AS "status", g."platform", g."department", g."count"::int AS "count"
        FROM (
          SELECT a."tier", a."status", ${PLATFORM} AS "platform", ${DEPARTMENT} AS "department", count(*) AS "count"
          FROM "App" a
          GROUP BY 1, 2, 3, 4
        ) g`,
    async pendingReviews() {
      const [apps, decisions] = await Promise.all([
        // Per waiting app, one look at its escalations (OutboxMessage appId, kind) and one at its assessments
        // (Assessment appId, createdAt): the newest, and over all of them (the window, computed before the
        // LIMIT) the first of the current version.
        db.$queryRaw<Array<Omit<PendingReviewRow, 'decisions'>>>`
          SELECT a."id", a."refNumber", a."name", a."tier", a."status"::text AS "status",
            a."currentVersion" AS "version", a."updatedAt", a."platform", latest."submittedAt",
            (SELECT coalesce(array_agg(DISTINCT o."payload"->>'team'), ARRAY[]::text[])
              FROM "OutboxMessage" o
              WHERE o."appId" = a."id" AND o."kind" = 'escalation'
                AND o."payload"->>'appVersion' = a."currentVersion"::text) AS "sentTeams",
            coalesce(latest."teams", ARRAY[]::text[]) AS "assessedTeams",
            latest."tier" AS "assessedTier"
          FROM "App" a
          LEFT JOIN LATERAL (
            SELECT s."teams", s."tier",
              min(s."createdAt") FILTER (WHERE s."appVersion" = a."currentVersion") OVER () AS "submittedAt"
            FROM "Assessment" s WHERE s."appId" = a."id" ORDER BY s."createdAt" DESC LIMIT 1
          ) latest ON true
          WHERE a."status" IN ('submitted', 'in_review')
          ORDER BY a."refNumber"`,
        db.$queryRaw<DecisionRow[]>`
          SELECT d.* FROM "ReviewDecision" d
          JOIN "App" a ON a."id" = d."appId" AND a."currentVersion" = d."appVersion"
          WHERE a."status" IN ('submitted', 'in_review')
          ORDER BY d."createdAt", d."id"`,
      ]);
      const byApp = new Map<string, DecisionRow[]>();
      for (const decision of decisions) {
        const list = byApp.get(decision.appId);
        if (list) list.push(decision);
        else byApp.set(decision.appId, [decision]);
      }
      return apps.map((app) => ({ ...app, decisions: byApp.get(app.id) ?? [] }));
    },
    orphanedCount: () => db.app.count({ where: { orphanedAt: { not: null }, NOT: { status: 'retired' } } }),
    overdueRecertifications: () =>
      db.$queryRaw<OverdueRecertificationRow[]>`
        SELECT a."id", a."refNumber", a."name", a."tier", a."ownerName", a."ownerUserId", c."askedAt", c."leadsToldAt"
        FROM "Recertification" c JOIN "App" a ON a."id" = c."appId"
        WHERE c."answeredAt" IS NULL AND c."leadsToldAt" IS NOT NULL AND a."status" <> 'retired'
          AND (a."lastCertifiedAt" IS NULL OR a."lastCertifiedAt" < c."askedAt")
        ORDER BY a."refNumber"`,
    coverage: () =>
      db.$queryRaw<CoverageRow[]>`
        SELECT "source", count(*)::int AS "discovered", count("linkedAppId")::int AS "registered"
        FROM "DiscoveredItem"
        WHERE "missingSince" IS NULL AND ("linkedAppId" IS NOT NULL OR "answer" IS DISTINCT FROM 'retired')
        GROUP BY "source" ORDER BY "source"`,
    async weekly(since) {
      const [registrations, escalations] = await Promise.all([
        db.$queryRaw<Array<{ week: Date; count: number }>>`
          SELECT date_trunc('week', "createdAt") AS "week", count(*)::int AS "count"
          FROM "App" WHERE "createdAt" >= ${since} GROUP BY 1 ORDER BY 1`,
        db.$queryRaw<Array<{ week: Date; count: number }>>`
          SELECT date_trunc('week', "at") AS "week", count(*)::int AS "count"
          FROM "AuditEvent" WHERE "action" = 'app.escalated' AND "at" >= ${since} GROUP BY 1 ORDER BY 1`,
      ]);
      return { registrations, escalations };
    },
    ruleCounts: (limit) =>
      // The few retired apps are left out by id (a hashed NOT IN), which spares hashing every other app.
      db.$queryRaw<Array<{ rule: string; apps: number }>>`
        WITH latest AS (
          SELECT DISTINCT ON (s."appId") s."reasons"
          FROM "Assessment" s
          WHERE s."appId" NOT IN (SELECT r."id" FROM "App" r WHERE r."status" = 'retired')
          ORDER BY s."appId", s."createdAt" DESC
        )
        SELECT r->>'rule' AS "rule", count(*)::int AS "apps"
        FROM latest CROSS JOIN LATERAL jsonb_array_elements(
          CASE WHEN jsonb_typeof(latest."reasons") = 'array' THEN latest."reasons" ELSE '[]'::jsonb END
        ) r
        WHERE r->>'rule' IS NOT NULL
        GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT ${limit}`,
    declined: (limit) =>
      // The newest decisions first, then their apps: `limit` look-ups rather than a hash of every app.
      db.$queryRaw<DeclinedDecision[]>`
        SELECT d."decision", d."team", d."reason", d."createdAt", a."refNumber", a."name"
        FROM (
          SELECT * FROM "ReviewDecision"
          WHERE "decision" IN ('reject', 'changes')
          ORDER BY "createdAt" DESC, "id" LIMIT ${limit}
        ) d
        JOIN "App" a ON a."id" = d."appId"
        ORDER BY d."createdAt" DESC, d."id"`,
    declineReasons: (limit) =>
      db.$queryRaw<ReasonCount[]>`
        SELECT d."decision", min(btrim(d."reason")) AS "reason", count(*)::int AS "count",
          array_agg(DISTINCT coalesce(d."team", 'unknown')) AS "teams", max(d."createdAt") AS "lastAt"
        FROM "ReviewDecision" d
        WHERE d."decision" IN ('reject', 'changes') AND coalesce(btrim(d."reason"), '') <> ''
        GROUP BY d."decision", lower(regexp_replace(btrim(d."reason"), '\\s+', ' ', 'g'))
        ORDER BY 3 DESC, 5 DESC LIMIT ${limit}`,
    decisionCounts: () =>
      db.$queryRaw<Array<{ team: string | null; decision: string; count: number }>>`
        SELECT "team", "decision", count(*)::int AS "count" FROM "ReviewDecision" GROUP BY 1, 2`,
    async waits() {
      // One pass over the decisions, grouped twice (by team, by platform). Only versions with a decision
      // are timed; the platform is the decided version's: the app's column when that is the current one.
      const rows = await db.$queryRaw<Array<WaitStats & { byPlatform: boolean }>>`
        WITH submitted AS (
          SELECT s."appId", s."appVersion", min(s."createdAt") AS at FROM "Assessment" s
          WHERE EXISTS (
            SELECT 1 FROM "ReviewDecision" d WHERE d."appId" = s."appId" AND d."appVersion" = s."appVersion"
          )
          GROUP BY s."appId", s."appVersion"
        ), waits AS (
          SELECT coalesce(d."team", 'unknown') AS team,
            coalesce(
              CASE WHEN d."appVersion" = a."currentVersion" THEN a."platform"
                ELSE (SELECT v."profile"->>'platform' FROM "AppVersion" v
                  WHERE v."appId" = d."appId" AND v."version" = d."appVersion") END,
              'unknown'
            ) AS platform,
            EXTRACT(EPOCH FROM (d."createdAt" - s.at)) / 3600.0 AS hours
          FROM "ReviewDecision" d
          JOIN submitted s ON s."appId" = d."appId" AND s."appVersion" = d."appVersion"
          JOIN "App" a ON a."id" = d."appId"
        )
        SELECT coalesce(team, platform) AS key, GROUPING(team) = 1 AS "byPlatform", count(*)::int AS decided,
          (percentile_cont(0.5) WITHIN GROUP (ORDER BY hours))::float8 AS "medianHours",
          max(hours)::float8 AS "maxHours"
        FROM waits GROUP BY GROUPING SETS ((team), (platform)) ORDER BY 4 DESC`;
      const strip = ({ byPlatform: _, ...stats }: WaitStats & { byPlatform: boolean }): WaitStats => stats;
      return {
        byTeam: rows.filter((row) => !row.byPlatform).map(strip),
        byPlatform: rows.filter((row) => row.byPlatform).map(strip),
      };
    },
    stalledChanges: (limit) =>
      db.$queryRaw<StalledChangeRow[]>`
        SELECT a."refNumber", a."name", a."tier", d."team", d."reason", d."createdAt" AS "requestedAt"
        FROM "App" a
        JOIN LATERAL (
          SELECT * FROM "ReviewDecision" d
          WHERE d."appId" = a."id" AND d."appVersion" = a."currentVersion" AND d."decision" = 'changes'
          ORDER BY d."createdAt" LIMIT 1
        ) d ON true
        WHERE a."status" = 'changes_requested'
        ORDER BY d."createdAt", a."refNumber" LIMIT ${limit}`,
    async appRecord(appId, auditLimit) {
      const [versions, assessments, decisions, audit, auditTotal, recertifications] = await Promise.all([
        db.appVersion.findMany({
          where: { appId },
          orderBy: { version: 'asc' },
          select: { version: true, profile: true, createdBy: true, createdAt: true },
        }),
        db.assessment.findMany({
          where: { appId },
          orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
          select: {
            id: true,
            appVersion: true,
            tier: true,
            teams: true,
            reasons: true,
            assessedBy: true,
            policyVersion: true,
            createdAt: true,
          },
        }),
        db.reviewDecision.findMany({ where: { appId }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] }),
        db.auditEvent.findMany({ where: { appId }, orderBy: { id: 'desc' }, take: auditLimit }),
        db.auditEvent.count({ where: { appId } }),
        db.recertification.findMany({
          where: { appId },
          orderBy: { dueAt: 'asc' },
          select: { dueAt: true, askedAt: true, answeredAt: true, answer: true },
        }),
      ]);
      return { versions, assessments, decisions, audit: audit.reverse(), auditTotal, recertifications };
    },
  };
}
