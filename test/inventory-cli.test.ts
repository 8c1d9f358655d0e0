// Admin commands on the inventory, run as `steward ...` would run them (in-process, real database).
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.ts';
import { memoryIO } from '../src/cli/io.ts';
import { openDatabase } from '../src/db/open.ts';
import { cliWorkspace, runCli } from './support/cli.ts';
import { writeTestPolicy } from './support/policy.ts';

const HEADER =
  'name,description,platform,department,audience,userCount,dataCategories,systems,aiUsed,aiDecisionImpact,aiProfiling,aiDomains,criticality,externalSharing,ownerUserId,ownerEmail';
const ROWS = [
  'Desk booking,Books hot desks,power-apps,Facilities,organization,400,internal,,false,,,,medium,false,ana,ana@example.com',
  'Leads sync,Copies leads to HubSpot,zapier,Marketing,team,6,personal,HubSpot:write,false,,,,low,false,ben,',
  'Typo app,Bad audience,excel,Ops,everyone,3,internal,,false,,,,low,false,cleo,',
  'CV ranker,Ranks applicants with GPT,custom-gpt,HR,department,12,personal,,true,significant,true,employment,medium,false,dana,',
  'No owner,Nobody owns this,excel,Ops,team,3,internal,,false,,,,low,false,,',
];

describe('steward apps import / export, audit export, reassess, reviews, outbox', () => {
  let dir: string;
  let env: Record<string, string>;
  const run = (...argv: string[]) => runCli(argv, { env, cwd: dir });

  beforeAll(async () => {
    ({ dir, env } = await cliWorkspace('steward-inventory-'));
    await writeFile(path.join(dir, 'apps.csv'), [HEADER, ...ROWS].join('\n'));
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('imports good rows with assessments and reports bad rows by row number', async () => {
    const result = await run('apps', 'import', 'apps.csv');
    expect(result.code).toBe(1);
    expect(result.out).toContain('Imported 3 app(s); 2 row(s) rejected.');
    expect(result.err).toMatch(/row 4: not imported: audience: Invalid option/u);
    expect(result.err).toMatch(/row 6: not imported: .*ownerUserId: every app needs an owner/u);
    expect(result.out).toMatch(/row 5: imported APP-\d{4} "CV ranker" \(high\)/u);

    const listed = JSON.parse((await run('apps', 'list', '--json')).out);
    expect(listed.map((app: { name: string }) => app.name)).toEqual(['Desk booking', 'Leads sync', 'CV ranker']);
    expect(listed[0]).toMatchObject({
      tier: 'medium',
      status: 'submitted',
      owner: { platform: 'import', userId: 'ana' },
    });

    // Importing the same file again registers nothing twice.
    const again = await run('apps', 'import', 'apps.csv');
    expect(again.out).toContain('Imported 0 app(s); 5 row(s) rejected.');
    expect(again.err).toContain('already registered an app with this name');
  });

  it('exports the inventory as CSV and JSON, and the CSV imports back into an empty database', async () => {
    const csv = await run('apps', 'export', '--format', 'csv');
    expect(csv.code).toBe(0);
    const records = parse(csv.out, { columns: true }) as Array<Record<string, string>>;
    expect(records.map((record) => record.name)).toEqual(['Desk booking', 'Leads sync', 'CV ranker']);
    expect(records[1]).toMatchObject({
      systems: 'HubSpot:write',
      dataCategories: 'personal',
      ownerUserId: 'ben',
      tier: 'low',
    });
    expect(records[2]).toMatchObject({ aiUsed: 'true', aiDomains: 'employment', aiDecisionImpact: 'significant' });

    const json = JSON.parse((await run('apps', 'export', '--format', 'json')).out);
    expect(json[2]).toMatchObject({
      reference: expect.stringMatching(/^APP-/u),
      tier: 'high',
      profile: { name: 'CV ranker', ai: { domains: ['employment'] } },
    });

    await writeFile(path.join(dir, 'export.csv'), csv.out);
    const fresh = { ...env, PGLITE_DIR: path.join(dir, 'db2') };
    const io = memoryIO({ env: fresh, cwd: dir });
    expect(await main(['apps', 'import', 'export.csv'], io)).toBe(0);
    expect(io.out).toContain('Imported 3 app(s); 0 row(s) rejected.');
  });

  it('exports the audit trail as CSV and JSON', async () => {
    const csv = await run('audit', 'export', '--format', 'csv', '--output', 'audit.csv');
    expect(csv.code).toBe(0);
    const records = parse(await readFile(path.join(dir, 'audit.csv'), 'utf8'), { columns: true }) as Array<
      Record<string, string>
    >;
    expect(records.filter((record) => record.action === 'app.registered')).toHaveLength(3);
    expect(Object.keys(records[0]!)).toEqual([
      'id',
      'at',
      'actorPlatform',
      'actorId',
      'actorName',
      'action',
      'appId',
      'details',
    ]);
    const json = JSON.parse((await run('audit', 'export', '--format', 'json')).out);
    expect(json.find((event: { action: string }) => event.action === 'app.assessed').details).toMatchObject({
      tier: expect.any(String),
      policyVersion: '2026.11.1',
    });
  });

  it('lists reviews past their SLA for a given date', async () => {
    const now = await run('reviews', '--overdue');
    expect(now.out).toContain('No overdue reviews.');
    const later = await run('reviews', '--overdue', '--json', '--now', '2030-01-01T00:00:00Z');
    const overdue = JSON.parse(later.out);
    expect(overdue.map((review: { name: string }) => review.name)).toEqual(
      expect.arrayContaining(['CV ranker', 'Desk booking']),
    );
    expect((await run('reviews', '--overdue', '--now', 'someday')).code).toBe(2);
  });

  it('re-assesses every app when the policy changes; owners whose tier rose are told and escalations follow', async () => {
    const stricter = await writeTestPolicy(dir, (doc) => {
      doc.set('version', '2026.12.1');
      doc.setIn(['thresholds', 'broadPersonalDataUsers'], 5);
    });
    const strictEnv = { ...env, STEWARD_POLICY: stricter };
    const io = memoryIO({ env: strictEnv, cwd: dir });
    expect(await main(['reassess'], io)).toBe(0);
    expect(io.out).toMatch(/Leads sync: low -> medium {2}\(rose/u);
    expect(io.out).toContain('Re-assessed 3 app(s) under policy 2026.12.1; 0 already current.');

    const again = memoryIO({ env: strictEnv, cwd: dir });
    await main(['reassess'], again);
    expect(again.out).toContain('Re-assessed 0 app(s) under policy 2026.12.1; 3 already current.');

    const db = await openDatabase({ kind: 'pglite', dir: env.PGLITE_DIR! });
    try {
      const app = await db.prisma.app.findFirstOrThrow({ where: { name: 'Leads sync' } });
      expect(app).toMatchObject({ tier: 'medium', currentVersion: 2, status: 'submitted' });
      const outbox = await db.prisma.outboxMessage.findMany({ where: { appId: app.id } });
      expect(outbox.find((message) => message.kind === 'notification')).toMatchObject({
        platform: 'import',
        destination: 'user:ben',
      });
      expect(JSON.stringify(outbox.find((message) => message.kind === 'notification')?.payload)).toContain(
        'rose from low to MEDIUM',
      );
      expect(outbox.filter((message) => message.kind === 'escalation').map((message) => message.destination)).toEqual([
        '#gov-privacy',
      ]);
    } finally {
      await db.close();
    }
  });

  it('shows undelivered outbox messages and queues dead letters again', async () => {
    const db = await openDatabase({ kind: 'pglite', dir: env.PGLITE_DIR! });
    let deadId: string;
    try {
      const message = await db.prisma.outboxMessage.findFirstOrThrow({ where: { kind: 'escalation' } });
      await db.prisma.outboxMessage.update({
        where: { id: message.id },
        data: { status: 'dead', attempts: 8, lastError: 'channel_not_found' },
      });
      deadId = message.id;
    } finally {
      await db.close();
    }
    const listed = JSON.parse((await run('outbox', '--json')).out);
    expect(listed.counts.dead).toBe(1);
    expect(listed.messages.find((message: { id: string }) => message.id === deadId)).toMatchObject({
      status: 'dead',
      lastError: 'channel_not_found',
    });
    const retried = await run('outbox', 'retry', deadId);
    expect(retried.out).toContain('1 message(s) queued for delivery again.');
    expect(JSON.parse((await run('outbox', '--json')).out).counts.dead).toBeUndefined();
  });

  it('says which values --status takes instead of failing on one it does not know', async () => {
    const apps = await run('apps', 'list', '--status', 'aproved');
    expect(apps.code).toBe(2);
    expect(apps.err).toContain('--status must be one of draft, submitted, in_review, approved');
    const outbox = await run('outbox', '--status', 'stuck');
    expect(outbox.code).toBe(2);
    expect(outbox.err).toContain('--status must be one of pending, delivered, dead, undelivered, all');
    expect((await run('apps', 'list', '--status', 'approved', '--json')).code).toBe(0);
  });
});
