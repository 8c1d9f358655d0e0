// Discovery: platforms' exports read, imported into a real database through `steward discover`, and
// reconciled with the register.
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.ts';
import { memoryIO } from '../src/cli/io.ts';
import { StewardMetrics } from '../src/runtime/metrics.ts';
import { parseCsvExport, parseCsvMapping, parseFlows, parsePowerApps } from '../src/discover/parse.ts';
import { comparableName } from '../src/discover/reconcile.ts';
import { HeldCli, cliWorkspace, runCli } from './support/cli.ts';

const FIXTURES = path.join(import.meta.dirname, 'fixtures', 'discover');
const fixture = (name: string) => readFile(path.join(FIXTURES, name), 'utf8');

const APP_A1 = '3f1c2a9e-5b7d-4e21-9a0c-1d2e3f4a5b01';
const APP_A2 = '3f1c2a9e-5b7d-4e21-9a0c-1d2e3f4a5b02';
const APP_A3 = '3f1c2a9e-5b7d-4e21-9a0c-1d2e3f4a5b03';
const APP_A4 = '3f1c2a9e-5b7d-4e21-9a0c-1d2e3f4a5b04';
const FLOW_F1 = '5e6f7a8b-aaaa-4c3d-9e0f-1a2b3c4d5e01';

describe('reading exports', () => {
  it('reads Get-AdminPowerApp output as an array, with owner e-mail (else UPN), environment and times', async () => {
    const { items, rejected } = parsePowerApps(await fixture('power-apps.json'));
    expect(rejected).toEqual([]);
    expect(items.map((item) => item.externalId)).toEqual([APP_A1, APP_A2, APP_A3, APP_A4]);
    expect(items[0]).toEqual({
      externalId: APP_A1,
      name: 'Desk booking',
      ownerEmail: 'ana@example.com',
      ownerName: 'Ana Alves',
      ownerId: '0b6a1c2d-1111-4a2b-8c3d-aaaaaaaaaaa1',
      environment: 'Default-72f988bf-86f1-41af-91ab-2d7cd011db47',
      createdAt: new Date('2025-03-04T09:12:33.123Z'),
      modifiedAt: new Date('2025-06-01T14:00:00Z'),
      enabled: null,
    });
    expect(items[1]!.ownerEmail).toBe('ben@example.com');
    expect(items[3]!.ownerEmail).toBe('eve@example.com');
  });

  it("reads a single Get-AdminPowerApp object, with Windows PowerShell 5.1's /Date()/ times", async () => {
    const { items, rejected } = parsePowerApps(await fixture('power-apps-single.json'));
    expect(rejected).toEqual([]);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      name: 'Canteen menu',
      ownerEmail: 'finn@example.com',
      createdAt: new Date(1741079553123),
      modifiedAt: new Date(1748786400000),
    });
  });

  it('reads Get-AdminFlow output, single object and array: creator object id, e-mail when given, enabled', async () => {
    const single = parseFlows(await fixture('flows-single.json'));
    expect(single.rejected).toEqual([]);
    expect(single.items).toEqual([
      {
        externalId: FLOW_F1,
        name: 'Leave planner approvals',
        ownerEmail: null,
        ownerName: null,
        ownerId: '0b6a1c2d-1111-4a2b-8c3d-aaaaaaaaaaa1',
        environment: 'Default-72f988bf-86f1-41af-91ab-2d7cd011db47',
        createdAt: new Date('2025-02-01T08:00:00Z'),
        modifiedAt: new Date('2025-06-20T11:00:00Z'),
        enabled: true,
      },
    ]);
    const array = parseFlows(await fixture('flows-array.json'));
    expect(array.rejected).toEqual([]);
    expect(array.items.map((item) => [item.name, item.enabled, item.ownerEmail, item.ownerName])).toEqual([
      ['Invoice reminder', false, null, null],
      ['Badge requests', true, 'dana@example.com', 'Dana Diaz'],
    ]);
  });

  it('reports bad items by position and keeps the good ones', async () => {
    const { items, rejected } = parsePowerApps(await fixture('power-apps-bad.json'));
    expect(items.map((item) => item.name)).toEqual(['Parking permits', 'Fleet tracker']);
    expect(rejected).toEqual([
      'item 3: AppName: Invalid input: expected string, received undefined',
      'item 4: CreatedTime: "yesterday" is not a date and time',
    ]);
  });

  it('reads a CSV through a YAML mapping, rows numbered as a spreadsheet shows them', async () => {
    const mapping = parseCsvMapping(await fixture('zapier-mapping.yaml'));
    const { items, rejected } = parseCsvExport(await fixture('zapier.csv'), mapping);
    expect(items).toEqual([
      {
        externalId: '101',
        name: 'Leads to HubSpot',
        ownerEmail: 'ben@example.com',
        ownerName: 'Ben Brandt',
        ownerId: null,
        environment: 'Marketing',
        createdAt: new Date('2025-02-02'),
        modifiedAt: new Date('2025-03-03'),
        enabled: true,
      },
      expect.objectContaining({ externalId: '102', name: 'Slack standup digest', enabled: false }),
    ]);
    expect(rejected).toEqual([
      'row 4: Zap ID: the id is empty',
      'row 5: Updated: "not a date" is not a date and time; Status: "maybe" is neither yes nor no',
    ]);
  });

  it('refuses a mapping without the required columns, or naming columns the CSV lacks', async () => {
    expect(() => parseCsvMapping('name: Zap Title')).toThrow(/mapping: externalId/u);
    const csv = await fixture('zapier.csv');
    expect(() => parseCsvExport(csv, { externalId: 'Id', name: 'Zap Title' })).toThrow(
      /columns the CSV does not have: Id/u,
    );
  });

  it('compares names regardless of case, spacing, punctuation and a trailing v2 or (copy)', () => {
    const same = [
      'Expense Tracker',
      'expense  tracker',
      'Expense-Tracker (Copy)',
      'ExpenseTracker V 2',
      'expense tracker v2',
    ];
    expect(new Set(same.map(comparableName))).toEqual(new Set(['expensetracker']));
    expect(comparableName('Expense Tracker Pro')).not.toBe('expensetracker');
    expect(comparableName('V2')).toBe('v2');
  });
});

const APPS_HEADER =
  'name,description,platform,department,audience,userCount,dataCategories,systems,aiUsed,aiDecisionImpact,aiProfiling,aiDomains,criticality,externalSharing,ownerUserId,ownerEmail';
const APPS = [
  'Desk booking,Books hot desks,power-apps,Facilities,team,40,internal,,false,,,,low,false,ana,ana@example.com',
  'Expense Tracker,Tracks expenses,power-apps,Finance,team,20,internal,,false,,,,low,false,ben,ben@example.com',
  'Visitor log,Logs visitors,power-apps,Reception,team,5,internal,,false,,,,low,false,cleo,cleo@example.com',
  'Leave planner,Approves leave,power-automate,HR,team,30,internal,,false,,,,low,false,ana,ana@example.com',
];

describe('steward discover import / report', () => {
  const cli = new HeldCli();
  const run = cli.run;
  const report = async () => JSON.parse((await run('discover', 'report', '--json')).out);
  const importedAudits = async () =>
    (await cli.services.store.audit.all()).filter((event) => event.action === 'discovery.imported');
  const powerApps = async (change: (apps: Array<Record<string, unknown>>) => Array<Record<string, unknown>>) => {
    const file = path.join(cli.dir, 'power-apps-changed.json');
    await writeFile(file, JSON.stringify(change(JSON.parse(await fixture('power-apps.json')))));
    return file;
  };

  beforeAll(async () => {
    await cli.open('steward-discover-', { apps: [APPS_HEADER, ...APPS] });
    // The ids the registered apps are known by: Visitor log (APP-0003) is owned by cleo in the register.
    const link = async (ref: string, source: string, externalId: string) => {
      const app = await cli.services.store.apps.byReference(ref);
      expect(await cli.services.store.discovery.addExternalId({ appId: app!.id, source, externalId })).toBe(true);
    };
    await link('APP-0001', 'power-apps', APP_A1);
    await link('APP-0003', 'power-apps', APP_A3);
    await link('APP-0004', 'power-automate', FLOW_F1);
  });
  afterAll(() => cli.close());

  it('imports both platforms and reports coverage, unregistered items, owner mismatches, by platform and department', async () => {
    const apps = await run('discover', 'import', path.join(FIXTURES, 'power-apps.json'), '--source', 'power-apps');
    expect(apps).toMatchObject({ code: 0, err: '' });
    expect(apps.out).toBe('power-apps: 4 new, 0 updated, 0 unchanged, 0 disappeared, 0 rejected.\n');
    const flows = await run(
      'discover',
      'import',
      path.join(FIXTURES, 'flows-single.json'),
      '--source',
      'power-automate',
    );
    expect(flows.out).toBe('power-automate: 1 new, 0 updated, 0 unchanged, 0 disappeared, 0 rejected.\n');

    // Expense Tracker (APP-0002) matches "expense tracker V2" of Ben@Example.com by name and owner: proposed,
    // not linked, so still unregistered. Visitor log is linked by id but Dana owns it on the platform.
    expect(await report()).toEqual({
      coverage: 0.6,
      discovered: 5,
      registered: 3,
      unregistered: [
        { source: 'power-apps', externalId: APP_A2, name: 'expense tracker V2', owner: 'ben@example.com' },
        { source: 'power-apps', externalId: APP_A4, name: 'Room signage', owner: 'eve@example.com' },
      ],
      missing: [],
      ownerMismatch: [
        {
          source: 'power-apps',
          externalId: APP_A3,
          name: 'Visitor log',
          owner: 'dana@example.com',
          ref: 'APP-0003',
          appOwner: 'cleo@example.com',
        },
      ],
      byPlatform: {
        'power-apps': { discovered: 4, registered: 2, coverage: 0.5 },
        'power-automate': { discovered: 1, registered: 1, coverage: 1 },
      },
      byDepartment: {
        Facilities: { discovered: 1, registered: 1, coverage: 1 },
        Reception: { discovered: 1, registered: 1, coverage: 1 },
        HR: { discovered: 1, registered: 1, coverage: 1 },
        unknown: { discovered: 2, registered: 0, coverage: 0 },
      },
      notMine: [],
      retiredByOwner: [],
      unreachable: [],
      neverAnswered: [],
      reappearing: [],
    });
    const text = await run('discover', 'report');
    expect(text.out).toContain('Coverage: 60% (3 of 5 discovered item(s) registered)');
    expect(text.out).toContain('may be APP-0002 "Expense Tracker": its owner confirms');
    expect(text.out).toContain(
      'APP-0003  Visitor log: the export says dana@example.com, the register cleo@example.com',
    );

    const audits = await importedAudits();
    expect(audits.map((event) => event.details)).toEqual([
      { source: 'power-apps', new: 4, updated: 0, unchanged: 0, disappeared: 0, reappeared: 0, rejected: 0 },
      { source: 'power-automate', new: 1, updated: 0, unchanged: 0, disappeared: 0, reappeared: 0, rejected: 0 },
    ]);
  });

  it('importing the same export again changes nothing and is not audited again', async () => {
    const before = await report();
    const again = await run('discover', 'import', path.join(FIXTURES, 'power-apps.json'), '--source', 'power-apps');
    expect(again.code).toBe(0);
    expect(again.out).toBe('power-apps: 0 new, 0 updated, 4 unchanged, 0 disappeared, 0 rejected.\n');
    expect(await report()).toEqual(before);
    expect(await importedAudits()).toHaveLength(2);
  });

  it('a newer export updates what changed and marks what disappeared; the registered app it was is missing', async () => {
    const newer = await powerApps((apps) =>
      apps
        .filter((app) => app.AppName !== APP_A3)
        .map((app) => (app.AppName === APP_A1 ? { ...app, LastModifiedTime: '2025-08-01T00:00:00Z' } : app)),
    );
    const result = await run('discover', 'import', newer, '--source', 'power-apps');
    expect(result.out).toBe('power-apps: 0 new, 1 updated, 2 unchanged, 1 disappeared, 0 rejected.\n');
    const after = await report();
    expect(after).toMatchObject({ discovered: 4, registered: 2, coverage: 0.5, ownerMismatch: [] });
    expect(after.missing).toEqual([{ ref: 'APP-0003', name: 'Visitor log' }]);
    expect((await importedAudits()).at(-1)!.details).toMatchObject({ updated: 1, disappeared: 1 });
  });

  it('an item listed again is present again', async () => {
    const result = await run('discover', 'import', path.join(FIXTURES, 'power-apps.json'), '--source', 'power-apps');
    expect(result.out).toBe('power-apps: 0 new, 2 updated (1 reappeared), 2 unchanged, 0 disappeared, 0 rejected.\n');
    expect(await report()).toMatchObject({ discovered: 5, registered: 3, missing: [] });
  });

  it('`discover link` gives an app its platform id, linking the item already discovered; /metrics shows coverage', async () => {
    const linked = await run('discover', 'link', 'APP-0002', '--source', 'power-apps', '--id', APP_A2);
    expect(linked).toMatchObject({ code: 0, err: '' });
    expect(linked.out).toBe(`APP-0002 is known on power-apps as ${APP_A2}.\n`);
    expect((await run('discover', 'link', 'APP-0001', '--source', 'power-apps', '--id', APP_A2)).out).toContain(
      'is already linked to an app; nothing changed.',
    );
    expect((await run('discover', 'link', 'APP-0002', '--source', 'power-apps')).code).toBe(2);
    expect((await run('discover', 'link', 'APP-9999', '--source', 'power-apps', '--id', 'x')).code).toBe(1);
    const after = await report();
    expect(after).toMatchObject({ coverage: 0.8, registered: 4, discovered: 5 });
    expect(after.byDepartment.Finance).toEqual({ discovered: 1, registered: 1, coverage: 1 });
    expect(after.unregistered.map((entry: { name: string }) => entry.name)).toEqual(['Room signage']);

    const { body } = await new StewardMetrics(cli.services.store, { defaultMetrics: false }).render();
    expect(body).toContain('steward_discovery_coverage{source="all"} 0.8');
    expect(body).toMatch(/^steward_discovery_coverage\{source="power-apps"\} [\d.]+$/mu);
    expect(await cli.services.store.audit.count('discovery.linked')).toBe(1);
  });

  it('imports a CSV source through its mapping, rejecting bad rows by position (exit 1) and keeping the rest', async () => {
    await writeFile(path.join(cli.dir, 'zapier.csv'), await fixture('zapier.csv'));
    await writeFile(path.join(cli.dir, 'mapping.yaml'), await fixture('zapier-mapping.yaml'));
    const result = await run(
      'discover',
      'import',
      'zapier.csv',
      '--source',
      'csv',
      '--mapping',
      'mapping.yaml',
      '--name',
      'zapier',
    );
    expect(result.code).toBe(1);
    expect(result.out).toBe('csv:zapier: 2 new, 0 updated, 0 unchanged, 0 disappeared, 2 rejected.\n');
    expect(result.err).toContain('  row 4: Zap ID: the id is empty');
    expect(result.err).toContain('  row 5: Updated: "not a date" is not a date and time');
    expect((await report()).byPlatform['csv:zapier']).toEqual({ discovered: 2, registered: 0, coverage: 0 });
  });

  it('a rejected row marks nothing as disappeared; usage errors exit 2; a file that is not JSON imports nothing', async () => {
    const partial = await powerApps((apps) => [apps[0]!, { ...apps[1]!, AppName: '' }]);
    const result = await run('discover', 'import', partial, '--source', 'power-apps');
    expect(result.code).toBe(1);
    expect(result.out).toBe('power-apps: 0 new, 0 updated, 1 unchanged, 0 disappeared, 1 rejected.\n');
    expect(result.err).toContain('item 2: AppName: AppName is missing');
    expect((await report()).missing).toEqual([]);

    expect((await run('discover', 'import', 'x.json')).code).toBe(2);
    expect((await run('discover', 'import', 'x.json', '--source', 'excel')).code).toBe(2);
    expect((await run('discover', 'import', 'zapier.csv', '--source', 'csv')).code).toBe(2);
    expect((await run('discover')).code).toBe(2);
    await writeFile(path.join(cli.dir, 'broken.json'), '[{"AppName": ');
    const broken = await run('discover', 'import', 'broken.json', '--source', 'power-apps');
    expect(broken.code).toBe(1);
    expect(broken.err).toMatch(/^broken\.json: nothing was imported: not JSON/u);
  });
});

describe('steward discover import of a malformed export', () => {
  let dir: string;
  let env: Record<string, string>;
  beforeAll(async () => {
    ({ dir, env } = await cliWorkspace('steward-discover-bad-'));
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('reports each bad item by position on stderr, exits 1 and keeps the good items', async () => {
    const io = memoryIO({ env, cwd: dir });
    const code = await main(
      ['discover', 'import', path.join(FIXTURES, 'power-apps-bad.json'), '--source', 'power-apps'],
      io,
    );
    expect(code).toBe(1);
    expect(io.out).toBe('power-apps: 2 new, 0 updated, 0 unchanged, 0 disappeared, 2 rejected.\n');
    expect(io.err).toContain('  item 3: AppName: Invalid input: expected string, received undefined');
    expect(io.err).toContain('  item 4: CreatedTime: "yesterday" is not a date and time');
    const reportIO = memoryIO({ env, cwd: dir });
    await main(['discover', 'report', '--json'], reportIO);
    const report = JSON.parse(reportIO.out);
    expect(report.unregistered.map((entry: { name: string }) => entry.name)).toEqual([
      'Fleet tracker',
      'Parking permits',
    ]);
    expect(report).toMatchObject({ discovered: 2, registered: 0, coverage: 0 });
  });

  it('refuses to nudge from a shell with no chat platform configured, which nobody would hear; --dry-run shows who', async () => {
    const refused = await runCli(['discover', 'nudge'], { env, cwd: dir });
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('No chat platform is configured here (no SLACK_* or TEAMS_* settings)');
    const dry = await runCli(['discover', 'nudge', '--dry-run'], { env, cwd: dir });
    expect(dry.out).toContain('Would send 2 message(s) to 2 owner(s) about 2 unregistered app(s).');
    // Nothing was marked as nudged: a real run later still asks them.
    expect((await runCli(['discover', 'nudge', '--dry-run'], { env, cwd: dir })).out).toContain('Would send 2');
  });
});
