// `steward apps show | exempt | retire | list --orphaned` and `steward recertify`, run as the command
// line runs them (in-process, real embedded database): outputs, --json shapes and exit codes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/open.ts';
import { HeldCli } from './support/cli.ts';

const HEADER =
  'name,description,platform,department,audience,userCount,dataCategories,systems,aiUsed,aiDecisionImpact,aiProfiling,aiDomains,criticality,externalSharing,ownerUserId,ownerEmail';
const ROWS = [
  'Desk booking,Books hot desks,power-apps,Facilities,organization,400,internal,,false,,,,medium,false,ana,ana@example.com',
  'Leads sync,Copies leads to HubSpot,zapier,Marketing,team,6,personal,HubSpot:write,false,,,,low,false,ben,',
  'CV ranker,Ranks applicants with GPT,custom-gpt,HR,department,12,personal,,true,significant,true,employment,medium,false,dana,',
];
const DAY = 86_400_000;
const inDays = (days: number) => new Date(Date.now() + days * DAY).toISOString();

describe('steward apps show / exempt / retire / list --orphaned, steward recertify', () => {
  const cli = new HeldCli();
  const run = cli.run;
  const json = async (...argv: string[]) => {
    const result = await run(...argv, '--json');
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    return JSON.parse(result.out);
  };
  /** The database the commands run on, between commands. */
  const withDatabase = <T>(work: (db: Database) => Promise<T>): Promise<T> => work(cli.services.db);

  beforeAll(async () => {
    await cli.open('steward-lifecycle-cli-', { env: { USER: 'admin-alex' }, apps: [HEADER, ...ROWS] });
  });
  afterAll(() => cli.close());

  it('shows an app: owner, backup owner, status, tier, recertification, exemption, orphaned, retired', async () => {
    const shown = await json('apps', 'show', 'APP-0001');
    expect(shown).toEqual({
      reference: 'APP-0001',
      name: 'Desk booking',
      status: 'submitted',
      tier: 'medium',
      version: 1,
      owner: { platform: 'import', userId: 'ana', displayName: null, email: 'ana@example.com', unconfirmedSince: null },
      backupOwner: null,
      recertification: {
        everyDays: 180,
        state: 'current',
        lastCertifiedAt: expect.any(String),
        nextDueAt: expect.stringMatching(/T00:00:00\.000Z$/u),
        askedAt: null,
      },
      exemption: null,
      orphanedAt: null,
      retiredAt: null,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    const next = new Date(shown.recertification.nextDueAt).getTime();
    expect(next - new Date(shown.recertification.lastCertifiedAt).getTime()).toBeGreaterThan(179 * DAY);

    const text = await run('apps', 'show', 'app-1');
    expect(text.code).toBe(0);
    expect(text.out).toContain('APP-0001 "Desk booking"');
    expect(text.out).toMatch(/Owner: +import:ana <ana@example\.com>/u);
    expect(text.out).toMatch(/Backup owner: +none/u);
    expect(text.out).toMatch(/Recertification: +every 180 days; last \d{4}-\d\d-\d\d; next due \d{4}-\d\d-\d\d/u);

    expect(await run('apps', 'show')).toMatchObject({
      code: 2,
      err: expect.stringContaining('Usage: steward apps show'),
    });
    expect(await run('apps', 'show', 'desk')).toMatchObject({
      code: 2,
      err: expect.stringContaining('not an app reference'),
    });
    expect(await run('apps', 'show', 'APP-0999')).toMatchObject({
      code: 1,
      err: 'No app APP-0999 in the inventory.\n',
    });
  });

  const later = inDays(400);
  const queued = () => withDatabase((db) => db.prisma.outboxMessage.count({ where: { kind: 'notification' } }));
  let before: number;

  it('lists what is due without sending anything', async () => {
    before = await queued();
    const none = await run('recertify', '--due');
    expect(none).toMatchObject({ code: 0, out: 'Nothing is due for recertification.\n' });

    const due = await json('recertify', '--due', '--now', later);
    expect(due.map((item: { reference: string }) => item.reference)).toEqual(['APP-0001', 'APP-0002', 'APP-0003']);
    expect(due[0]).toEqual({
      reference: 'APP-0001',
      name: 'Desk booking',
      tier: 'medium',
      owner: { platform: 'import', userId: 'ana', displayName: null },
      dueAt: expect.any(String),
      state: 'due',
      askedAt: null,
      remindedAt: null,
      leadsToldAt: null,
      next: 'ask',
    });
    const table = await run('recertify', '--due', '--now', later);
    expect(table.out).toMatch(/^REFERENCE +NAME +TIER +OWNER +DUE +STATE +NEXT RUN$/mu);
    expect(table.out).toMatch(/^APP-0001 +Desk booking +medium +import:ana .* due, not asked +ask the owner$/mu);
    // Listing sends nothing.
    expect(await queued()).toBe(before);
    expect(await run('recertify', '--now', 'someday')).toMatchObject({
      code: 2,
      err: expect.stringContaining('--now'),
    });
    expect((await run('recertify', 'now')).code).toBe(2);
    expect((await run('help')).out).toContain('steward recertify [--due] [--now <date>] [--json]');
  });

  it('runs a cycle once: one digest per owner, nothing on a second run', async () => {
    const ran = await json('recertify', '--now', later);
    expect(ran).toEqual({
      now: later,
      asked: [
        { owner: { platform: 'import', userId: 'ana' }, apps: ['APP-0001'] },
        { owner: { platform: 'import', userId: 'ben' }, apps: ['APP-0002'] },
        { owner: { platform: 'import', userId: 'dana' }, apps: ['APP-0003'] },
      ],
      reminded: [],
      leadsTold: [],
      messages: 3,
    });
    expect(await queued()).toBe(before + 3);
    const again = await run('recertify', '--now', later);
    expect(again.code).toBe(0);
    expect(again.out).toContain(
      '0 app(s) asked in 0 digest(s), 0 reminded in 0, 0 overdue reported to the leads; 0 message(s) queued.',
    );
    expect(await queued()).toBe(before + 3);
  });

  it('then reminds the owners once, and tells the leads once, after which the apps show as overdue', async () => {
    const waiting = await json('recertify', '--due', '--now', later);
    expect(waiting.map((item: { state: string; next: string | null }) => [item.state, item.next])).toEqual([
      ['asked', null],
      ['asked', null],
      ['asked', null],
    ]);
    const reminded = await run('recertify', '--now', inDays(408));
    expect(reminded.out).toContain('Reminded import:ana of APP-0001');
    const told = await json('recertify', '--now', inDays(416));
    expect(told).toMatchObject({ leadsTold: ['APP-0001', 'APP-0002', 'APP-0003'], messages: 1 });
    expect((await json('apps', 'show', 'APP-0002')).recertification).toMatchObject({ state: 'overdue' });
  });

  // Past the app's own due date (low risk: a year after it was registered), so the exemption decides it.
  const exemptUntil = inDays(500);

  it('refuses an exemption with a past date or without a reason', async () => {
    const until = exemptUntil;
    expect(await run('apps', 'exempt', 'APP-0002', '--until', inDays(-1), '--reason', 'Replaced soon')).toMatchObject({
      code: 2,
      err: expect.stringContaining('--until must be in the future'),
    });
    expect(await run('apps', 'exempt', 'APP-0002', '--until', until)).toMatchObject({
      code: 2,
      err: expect.stringContaining('needs a reason'),
    });
    expect(await run('apps', 'exempt', 'APP-0002', '--until', until, '--reason', '  ')).toMatchObject({ code: 2 });
    expect(await run('apps', 'exempt', 'APP-0002', '--reason', 'Replaced soon')).toMatchObject({ code: 2 });
    expect(await run('apps', 'exempt', 'APP-0002', '--until', 'soon', '--reason', 'x')).toMatchObject({ code: 2 });
    expect((await run('apps', 'exempt', 'APP-0999', '--until', until, '--reason', 'x')).code).toBe(1);
  });

  it('exempts an app until a date: shown, audited, not due until that date', async () => {
    const until = exemptUntil;

    const exempted = await json('apps', 'exempt', 'APP-0002', '--until', until, '--reason', 'Replaced by the CRM');
    // The overdue cycle of the previous test is settled by the exemption.
    expect(exempted).toEqual({
      reference: 'APP-0002',
      exemptUntil: until,
      reason: 'Replaced by the CRM',
      closedCycle: true,
    });
    const shown = await json('apps', 'show', 'APP-0002');
    expect(shown.exemption).toEqual({ until, reason: 'Replaced by the CRM', active: true });
    expect(shown.recertification).toMatchObject({ state: 'exempt', nextDueAt: until });
    expect((await run('apps', 'show', 'APP-0002')).out).toMatch(
      /Exemption: +until \d{4}-\d\d-\d\d: Replaced by the CRM/u,
    );

    const audit = await json('audit', 'export', '--format', 'json');
    expect(audit.find((event: { action: string }) => event.action === 'app.exempted')).toMatchObject({
      actorPlatform: 'cli',
      actorId: 'admin-alex',
      details: { reference: 'APP-0002', until, reason: 'Replaced by the CRM', closedCycle: true },
    });
    // Not due while exempt; due again on its date.
    const due = async (now: string) =>
      (await json('recertify', '--due', '--now', now)).map((item: { reference: string }) => item.reference);
    expect(await due(inDays(499))).not.toContain('APP-0002');
    expect(await due(until)).toContain('APP-0002');
  });

  it('retires an app (kept, audited, out of recertification) and refuses one already retired', async () => {
    const retired = await json('apps', 'retire', 'APP-0003', '--reason', 'Replaced by Workday');
    expect(retired).toEqual({
      reference: 'APP-0003',
      status: 'retired',
      retiredAt: expect.any(String),
      previousStatus: expect.any(String),
      reason: 'Replaced by Workday',
    });
    const again = await run('apps', 'retire', 'APP-0003');
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/^APP-0003 "CV ranker" is already retired \(since \d{4}-\d\d-\d\d\)\.$/mu);
    expect((await run('apps', 'retire')).code).toBe(2);
    expect((await run('apps', 'retire', 'APP-0999')).code).toBe(1);
    expect((await run('apps', 'exempt', 'APP-0003', '--until', inDays(5), '--reason', 'x')).code).toBe(1);

    const shown = await json('apps', 'show', 'APP-0003');
    expect(shown).toMatchObject({ status: 'retired', retiredAt: retired.retiredAt });
    expect(shown.recertification).toMatchObject({ state: 'not-recertified', nextDueAt: null });
    const listed = await json('apps', 'list');
    expect(listed.find((app: { reference: string }) => app.reference === 'APP-0003')).toMatchObject({
      status: 'retired',
    });
    const due = await json('recertify', '--due', '--now', inDays(900));
    expect(due.map((item: { reference: string }) => item.reference)).not.toContain('APP-0003');

    const audit = await json('audit', 'export', '--format', 'json');
    expect(audit.find((event: { action: string }) => event.action === 'app.retired')).toMatchObject({
      actorPlatform: 'cli',
      details: { reference: 'APP-0003', reason: 'Replaced by Workday', closedCycle: true },
    });
    // The owner is told; their overdue cycle is closed, so nobody chases it.
    await withDatabase(async (db) => {
      const app = await db.prisma.app.findFirstOrThrow({ where: { name: 'CV ranker' } });
      expect(await db.store.recertifications.openOf(app.id)).toBeNull();
      const told = await db.prisma.outboxMessage.findUniqueOrThrow({ where: { dedupeKey: `retired:${app.id}:owner` } });
      expect(told).toMatchObject({ platform: 'console', destination: 'user:dana' });
    });
  });

  it('lists orphaned apps, and keeps the plain list exactly as it was', async () => {
    expect(await run('apps', 'list', '--orphaned')).toMatchObject({ code: 0, out: 'No orphaned apps.\n' });
    await withDatabase(async (db) => {
      const app = await db.prisma.app.findFirstOrThrow({ where: { name: 'Desk booking' } });
      await db.store.apps.markOrphaned(app.id, new Date('2026-11-30T10:00:00Z'));
    });
    const orphaned = await json('apps', 'list', '--orphaned');
    expect(orphaned).toEqual([
      expect.objectContaining({ reference: 'APP-0001', name: 'Desk booking', orphanedAt: '2026-11-30T10:00:00.000Z' }),
    ]);
    const text = await run('apps', 'list', '--orphaned');
    expect(text.out).toMatch(/ORPHANED SINCE/u);
    expect(text.out).toMatch(/^APP-0001 +Desk booking .* 2026-11-30$/mu);
    expect((await json('apps', 'show', 'APP-0001')).orphanedAt).toBe('2026-11-30T10:00:00.000Z');

    const plain = await json('apps', 'list');
    expect(plain).toHaveLength(3);
    for (const app of plain)
      expect(Object.keys(app)).toEqual([
        'reference',
        'name',
        'owner',
        'status',
        'tier',
        'version',
        'createdAt',
        'updatedAt',
      ]);
    expect((await run('apps', 'frobnicate')).code).toBe(2);
  });
});
