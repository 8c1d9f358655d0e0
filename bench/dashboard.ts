// The governance dashboard's server time with a large register: seeds BENCH_DASHBOARD_APPS apps (10,000 by
// default) straight into a fresh embedded database in bulk (apps, profiles, assessments, escalations,
// decisions, audit entries, spread over half a year), mounts the dashboard router as the server would, and
// measures each page's render time as its Server-Timing header reports it (the time from the request
// reaching the router to the response, database included), over several requests after a warm-up.
// Then the same on a fresh PostgreSQL database on BENCH_DATABASE_URL's server (default
// postgresql://postgres@127.0.0.1:5432/postgres; skipped when nothing answers there), dropped after.
// Writes bench/results/dashboard.json. Run: node --import tsx bench/dashboard.ts
import { randomBytes, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import express from 'express';
import pg from 'pg';
import { dashboardRouter } from '../src/dashboard/router.ts';
import { openDatabase } from '../src/db/open.ts';
import type { Database } from '../src/db/open.ts';
import { loadPolicy } from '../src/policy/load.ts';
import { APP_PLATFORMS } from '../src/profile/schema.ts';

// As bin/steward.js runs Steward on the embedded database: WebAssembly on V8's baseline tier.
v8.setFlagsFromString('--liftoff-only');

const here = path.dirname(fileURLToPath(import.meta.url));
const APPS = Number(process.env.BENCH_DASHBOARD_APPS ?? 10_000);
const RUNS = Number(process.env.BENCH_DASHBOARD_RUNS ?? 10);
const TARGET_MS = 200;
const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

interface Shape {
  tier: 'low' | 'medium' | 'high' | 'critical';
  status: 'approved' | 'submitted' | 'in_review' | 'rejected' | 'changes_requested' | 'retired';
  rule?: { id: string; teams: string[]; source: string; data: string };
}

/** A register like a real one: mostly low risk and approved, a tail of high and critical apps under review. */
function shapeOf(i: number): Shape {
  const bucket = i % 20;
  if (i % 37 === 0) return { tier: 'low', status: 'retired' };
  if (bucket < 12) return { tier: 'low', status: 'approved' };
  if (bucket < 17) {
    const rule = { id: 'PERSONAL-DATA-BROAD', teams: ['privacy'], source: 'sharing threshold', data: 'personal' };
    return { tier: 'medium', status: i % 10 < 3 ? 'submitted' : 'approved', rule };
  }
  if (bucket < 19) {
    const rule = {
      id: 'PAYMENT-CARD-DATA',
      teams: ['security', 'compliance'],
      source: 'PCI DSS',
      data: 'payment-card',
    };
    const statuses = ['in_review', 'in_review', 'approved', 'approved', 'rejected', 'changes_requested'] as const;
    return { tier: 'high', status: statuses[Math.floor(i / 20) % statuses.length]!, rule };
  }
  const rule = {
    id: 'AI-PROHIBITED',
    teams: ['ai-governance', 'privacy'],
    source: 'EU AI Act Art. 5',
    data: 'special-category',
  };
  const statuses = ['in_review', 'approved', 'rejected'] as const;
  return { tier: 'critical', status: statuses[Math.floor(i / 20) % statuses.length]!, rule };
}

type Row = Record<string, unknown>;

/**
 * Bulk inserts as raw SQL: each table's rows go in as one JSON parameter per chunk, expanded by
 * jsonb_populate_recordset, so 10,000 apps take seconds rather than a round trip per row. Every NOT NULL
 * column is given (the defaults of the schema do not apply to a populated record).
 */
async function seed(db: Database, count: number, now: Date): Promise<void> {
  const apps: Row[] = [];
  const versions: Row[] = [];
  const assessments: Row[] = [];
  const outbox: Row[] = [];
  const decisions: Row[] = [];
  const audit: Row[] = [];
  const event = (row: { actorPlatform: string; actorId: string; action: string; appId: string; at: Date }) =>
    audit.push({ id: audit.length + 1, ...row });
  for (let i = 1; i <= count; i += 1) {
    const id = randomUUID();
    const shape = shapeOf(i);
    const createdAt = new Date(now.getTime() - (i % 180) * DAY - (i % 24) * HOUR);
    const platform = APP_PLATFORMS[Math.floor(i / 3) % APP_PLATFORMS.length]!;
    const department = `Department ${(i * 13) % 40}`;
    const owner = `U${i % 2000}`;
    const name = `Bench app ${i}`;
    apps.push({
      id,
      refNumber: i,
      name,
      nameKey: name.toLowerCase(),
      ownerPlatform: 'slack',
      ownerUserId: owner,
      ownerName: `Owner ${i % 2000}`,
      ownerEmail: `owner${i % 2000}@example.com`,
      status: shape.status,
      currentVersion: 1,
      tier: shape.tier,
      platform,
      department,
      createdAt,
      updatedAt: createdAt,
      orphanedAt: i % 101 === 0 ? new Date(createdAt.getTime() + 30 * DAY) : null,
      retiredAt: shape.status === 'retired' ? now : null,
    });
    versions.push({
      id: randomUUID(),
      appId: id,
      version: 1,
      createdBy: `slack:${owner}`,
      createdAt,
      profile: {
        name,
        description: `Keeps track of things for ${department}, app number ${i}, with a description of typical length.`,
        platform,
        department,
        audience: shape.tier === 'low' ? 'team' : 'department',
        userCount: 5 + (i % 200),
        dataCategories: [shape.rule?.data ?? 'internal'],
        systems: i % 5 === 0 ? [{ name: 'SharePoint', access: 'read' }] : [],
        ai: {
          used: false,
          generatesContent: false,
          decisionImpact: 'none',
          profiling: false,
          domains: [],
          practices: [],
        },
        criticality: 'low',
        externalSharing: false,
      },
    });
    const reasons = shape.rule
      ? [
          {
            rule: shape.rule.id,
            tier: shape.tier,
            teams: shape.rule.teams,
            explanation: 'The rule applies.',
            source: shape.rule.source,
          },
        ]
      : [];
    assessments.push({
      id: randomUUID(),
      appId: id,
      appVersion: 1,
      tier: shape.tier,
      teams: shape.rule?.teams ?? [],
      reasons,
      assessedBy: 'rules',
      policyVersion: 'bench',
      createdAt,
    });
    event({ actorPlatform: 'slack', actorId: owner, action: 'app.registered', appId: id, at: createdAt });
    event({ actorPlatform: 'slack', actorId: owner, action: 'app.assessed', appId: id, at: createdAt });
    if (!shape.rule) continue;
    event({ actorPlatform: 'system', actorId: 'steward', action: 'app.escalated', appId: id, at: createdAt });
    for (const team of shape.rule.teams)
      outbox.push({
        id: randomUUID(),
        dedupeKey: `escalation:${id}:${team}`,
        kind: 'escalation',
        platform: 'slack',
        destination: `#gov-${team}`,
        appId: id,
        status: 'delivered',
        attempts: 1,
        nextAttemptAt: createdAt,
        uncertain: false,
        createdAt,
        deliveredAt: createdAt,
        payload: {
          kind: 'escalation',
          appVersion: 1,
          team,
          reply: { text: `Review needed: ${name}`, tone: 'warning' },
        },
      });
    outbox.push({
      id: randomUUID(),
      dedupeKey: `notice:${id}`,
      kind: 'notification',
      platform: 'slack',
      destination: `user:${owner}`,
      appId: id,
      status: 'delivered',
      attempts: 1,
      nextAttemptAt: createdAt,
      uncertain: false,
      createdAt,
      deliveredAt: createdAt,
      payload: { kind: 'notification', reply: { text: `Registered ${name}`, tone: 'info' } },
    });
    const decided = (team: string, decision: string, reason: string | null, hours: number) => {
      const at = new Date(createdAt.getTime() + hours * HOUR);
      decisions.push({
        id: randomUUID(),
        appId: id,
        appVersion: 1,
        team,
        decision,
        reason,
        reviewerPlatform: 'slack',
        reviewerId: `R-${team}`,
        reviewerName: `${team} reviewer`,
        createdAt: at,
      });
      event({ actorPlatform: 'slack', actorId: `R-${team}`, action: `review.${decision}`, appId: id, at });
    };
    const wait = 4 + (i % 90);
    if (shape.status === 'approved') for (const team of shape.rule.teams) decided(team, 'approve', null, wait);
    if (shape.status === 'rejected') decided(shape.rule.teams[0]!, 'reject', `Reason ${i % 12}: not allowed`, wait);
    if (shape.status === 'changes_requested')
      decided(shape.rule.teams[0]!, 'changes', `Change ${i % 9}: use the approved store`, wait);
    if (shape.status === 'in_review' && i % 3 === 0) decided(shape.rule.teams[0]!, 'approve', null, wait);
  }
  const insert = async (table: string, rows: Row[]) => {
    for (let start = 0; start < rows.length; start += 5000)
      await db.prisma.$executeRawUnsafe(
        `INSERT INTO "${table}" SELECT * FROM jsonb_populate_recordset(NULL::"${table}", $1::jsonb)`,
        JSON.stringify(rows.slice(start, start + 5000)),
      );
  };
  await insert('App', apps);
  await insert('AppVersion', versions);
  await insert('Assessment', assessments);
  await insert('OutboxMessage', outbox);
  await insert('ReviewDecision', decisions);
  await insert('AuditEvent', audit);
  const prisma = db.prisma;
  await prisma.$executeRawUnsafe(`SELECT setval(pg_get_serial_sequence('"App"', 'refNumber'), ${count})`);
  await prisma.$executeRawUnsafe(`SELECT setval(pg_get_serial_sequence('"AuditEvent"', 'id'), ${audit.length})`);
  await prisma.$executeRawUnsafe('ANALYZE');
}

function percentile(values: number[], share: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(share * sorted.length))]!;
}

type PageResult = { medianMs: number; p95Ms: number; maxMs: number; wallMedianMs: number; bytes: number };
interface RunResult {
  database: string;
  seedSeconds: number;
  queryMs: Record<string, number>;
  pages: Record<string, PageResult>;
}

async function measure(db: Database, label: string): Promise<RunResult> {
  const now = new Date();
  {
    const seedStarted = performance.now();
    await seed(db, APPS, now);
    const seedSeconds = (performance.now() - seedStarted) / 1000;
    console.log(`\n${label}: seeded ${APPS.toLocaleString('en-US')} apps in ${seedSeconds.toFixed(1)} s.`);

    // Where a page's time goes: each of the dashboard repository's queries alone.
    const { dashboard } = db.store;
    const filter = { filter: {}, sort: 'reference' as const, dir: 'asc' as const, page: { limit: 50, offset: 0 } };
    const queries: Record<string, () => Promise<unknown>> = {
      breakdown: () => dashboard.breakdown(),
      pendingReviews: () => dashboard.pendingReviews(),
      weekly: () => dashboard.weekly(new Date(now.getTime() - 84 * DAY)),
      overdueRecertifications: () => dashboard.overdueRecertifications(),
      coverage: () => dashboard.coverage(),
      'inventory page': () => dashboard.inventory(filter),
      'inventory search': () => dashboard.inventory({ ...filter, filter: { q: 'app number 123' } }),
      ruleCounts: () => dashboard.ruleCounts(15),
      declineReasons: () => dashboard.declineReasons(15),
      decisionCounts: () => dashboard.decisionCounts(),
      waits: () => dashboard.waits(),
      stalledChanges: () => dashboard.stalledChanges(15),
    };
    const queryMs: Record<string, number> = {};
    for (const [label, query] of Object.entries(queries)) {
      const times: number[] = [];
      for (let run = -1; run < 5; run += 1) {
        const started = performance.now();
        await query();
        if (run >= 0) times.push(performance.now() - started);
      }
      queryMs[label] = Number(percentile(times, 0.5).toFixed(1));
    }
    console.log('Repository queries alone (median of 5, ms):', queryMs);

    const policy = loadPolicy();
    const app = express();
    app.use('/admin', dashboardRouter({ store: db.store, policy: () => policy, now: () => now }));
    const server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}/admin`;
    const middle = Math.max(1, Math.floor(APPS / 2));
    const pages: Record<string, string> = {
      overview: '/',
      inventory: '/inventory',
      'inventory, high-risk Airtable': '/inventory?tier=high&platform=airtable',
      'inventory, search': '/inventory?q=app%20number%20123',
      'inventory, by department, page 100': '/inventory?sort=department&dir=desc&page=100',
      'app page': `/apps/APP-${String(middle).padStart(4, '0')}`,
      reviews: '/reviews',
      'where governance fails': '/failures',
      'export CSV (all apps)': '/inventory.csv',
    };
    const results: Record<string, PageResult> = {};
    for (const [label, url] of Object.entries(pages)) {
      const server: number[] = [];
      const wall: number[] = [];
      let bytes = 0;
      for (let run = -2; run < RUNS; run += 1) {
        const started = performance.now();
        const response = await fetch(`${origin}${url}`);
        const body = await response.text();
        const elapsed = performance.now() - started;
        if (response.status !== 200) throw new Error(`${url}: HTTP ${response.status}`);
        const timing = /dur=([\d.]+)/u.exec(response.headers.get('server-timing') ?? '');
        if (run < 0) continue;
        server.push(Number(timing?.[1] ?? Number.NaN));
        wall.push(elapsed);
        bytes = body.length;
      }
      results[label] = {
        medianMs: Number(percentile(server, 0.5).toFixed(1)),
        p95Ms: Number(percentile(server, 0.95).toFixed(1)),
        maxMs: Number(Math.max(...server).toFixed(1)),
        wallMedianMs: Number(percentile(wall, 0.5).toFixed(1)),
        bytes,
      };
    }
    server.close();

    console.log(
      `${label}: server time per page, ${RUNS} requests each after 2 warm-up requests (target ${TARGET_MS} ms):`,
    );
    console.log('page'.padEnd(38), 'median'.padStart(8), 'p95'.padStart(8), 'max'.padStart(8), 'size'.padStart(10), '');
    for (const [label, result] of Object.entries(results)) {
      const flag = label.startsWith('export') ? '' : result.p95Ms <= TARGET_MS ? 'ok' : 'OVER';
      console.log(
        label.padEnd(38),
        `${result.medianMs} ms`.padStart(8),
        `${result.p95Ms} ms`.padStart(8),
        `${result.maxMs} ms`.padStart(8),
        `${Math.round(result.bytes / 1024)} KiB`.padStart(10),
        flag,
      );
    }
    return { database: label, seedSeconds, queryMs, pages: results };
  }
}

/** A fresh PostgreSQL database on BENCH_DATABASE_URL's server, dropped after; undefined when none answers. */
async function withPostgres(work: (url: string) => Promise<RunResult>): Promise<RunResult | undefined> {
  const admin = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 5000 });
  try {
    await admin.connect();
  } catch (error) {
    console.log(`\nPostgreSQL skipped: nothing answers at ${new URL(ADMIN_URL).host} (${String(error)}).`);
    return undefined;
  }
  const name = `steward_bench_dashboard_${randomBytes(4).toString('hex')}`;
  await admin.query(`CREATE DATABASE ${name}`);
  try {
    const url = new URL(ADMIN_URL);
    url.pathname = `/${name}`;
    return await work(url.toString());
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

const runs: RunResult[] = [];
const work = mkdtempSync(path.join(os.tmpdir(), 'steward-dashboard-bench-'));
try {
  const embedded = await openDatabase({ kind: 'pglite', dir: path.join(work, 'db') });
  try {
    runs.push(await measure(embedded, 'PGlite'));
  } finally {
    await embedded.close();
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
const postgres = await withPostgres(async (url) => {
  const db = await openDatabase({ kind: 'postgres', url });
  try {
    return await measure(db, 'PostgreSQL');
  } finally {
    await db.close();
  }
});
if (postgres) runs.push(postgres);
const resultsDir = path.join(here, 'results');
mkdirSync(resultsDir, { recursive: true });
writeFileSync(
  path.join(resultsDir, 'dashboard.json'),
  `${JSON.stringify({ apps: APPS, runs: RUNS, targetMs: TARGET_MS, results: runs }, null, 2)}\n`,
);
