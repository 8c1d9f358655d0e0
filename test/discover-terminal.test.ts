// Discovery end to end, as an admin and the owners use it from a terminal: an export of 10 Power Apps (as
// Get-AdminPowerApp | ConvertTo-Json writes it), 6 of them registered, imported and reported; the 4
// owners of the others nudged while `steward chat` runs (each message printed with where it goes); two
// register from their message, one says it is not theirs; the report follows; the same export again
// changes nothing, and a malformed one is refused item by item.
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Services } from '../src/runtime/services.ts';
import { APPS_CSV_HEADER, cliWorkspace, holdServices, runCli } from './support/cli.ts';
import { ChatProcess, runSteward, stewardEnv } from './support/processes.ts';
import { lowRiskAnswerTo } from './support/steward.ts';

const INVENTORY = path.join(import.meta.dirname, 'fixtures', 'discover', 'power-apps-inventory.json');
const appId = (n: number) => `c0ffee00-1d2e-4f5a-8b9c-0000000000${String(n).padStart(2, '0')}`;

/** The six apps of the inventory that were registered, by console users with their addresses. */
const REGISTERED = [
  'Desk booking,Books hot desks,power-apps,Facilities,team,40,internal,,false,low,false,console,ana,ana@example.com',
  'Leads sync,Copies leads to the CRM,power-apps,Marketing,team,6,internal,,false,low,false,console,ben,ben@example.com',
  'Lunch rota,Who orders lunch,power-apps,Facilities,team,8,internal,,false,low,false,console,cleo,cleo@example.com',
  'Visitor log,Signs visitors in,power-apps,Reception,team,5,internal,,false,low,false,console,dana,dana@example.com',
  'Room planner,Plans meeting rooms,power-apps,Facilities,team,30,internal,,false,low,false,console,ana,ana@example.com',
  'Fleet tracker,Tracks pool cars,power-apps,Facilities,team,12,internal,,false,low,false,console,eli,eli@example.com',
];

describe('discovery from a terminal', () => {
  let dir: string;
  let env: Record<string, string>;
  // The admin's commands run on services held open (as inside a running Steward) while no chat runs.
  let services: Services | undefined;
  const run = (...argv: string[]) => runCli(argv, { env, cwd: dir, services });
  const hold = async () => {
    services = await holdServices({ env, cwd: dir });
  };
  const release = async () => {
    await services?.close();
    services = undefined;
  };
  const report = async () => JSON.parse((await run('discover', 'report', '--json')).out);
  const chatAs = (user: string) => ChatProcess.start(stewardEnv({ ...env, STEWARD_USER: user, LOG_LEVEL: 'warn' }));

  /** Registers from the nudge: the first message starts it; the name and platform are never asked. */
  async function registerFromNudge(chat: ChatProcess, opening: string, name: string, description: string) {
    const started = await chat.send(opening);
    expect(started).toContain(
      `Let's register "${name}". From the platform inventory I have its name and that it is on Power Apps.`,
    );
    expect(started).toMatch(/what does it do/iu);
    const asked = [await chat.send(description)];
    while (!/Summary/u.test(asked.at(-1)!) && asked.length < 15) {
      asked.push(await chat.send(lowRiskAnswerTo(asked.at(-1)!)));
    }
    expect(asked.join('\n')).not.toMatch(/What's the app called|What did you build it with/u);
    // The summary shows the answers as given, the inventory's name and platform among them.
    expect(asked.at(-1), asked.join('\n=====\n')).toContain(name);
    expect(asked.at(-1)).toContain('Internal business information');
    expect(asked.at(-1)).toContain('My team');
    const done = await chat.send('yes');
    expect(done).toMatch(/Registered APP-\d{4}/u);
  }

  beforeAll(async () => {
    ({ dir, env } = await cliWorkspace('steward-discover-'));
    await hold();
    await writeFile(path.join(dir, 'apps.csv'), [APPS_CSV_HEADER, ...REGISTERED].join('\n'));
    expect((await run('apps', 'import', 'apps.csv')).code).toBe(0);
    // The admin links each registered app to its Power Apps id (as the CoE inventory shows it).
    for (let n = 1; n <= 6; n++)
      expect((await run('discover', 'link', `APP-000${n}`, '--source', 'power-apps', '--id', appId(n))).code).toBe(0);
  });
  afterAll(async () => {
    await release();
    await rm(dir, { recursive: true, force: true });
  });

  it('imports the export of 10 apps and reports 60% coverage, with the 4 unregistered and their owners', async () => {
    const imported = await run('discover', 'import', INVENTORY, '--source', 'power-apps');
    expect(imported).toMatchObject({ code: 0, err: '' });
    expect(imported.out).toBe('power-apps: 10 new, 0 updated, 0 unchanged, 0 disappeared, 0 rejected.\n');
    const now = await report();
    expect(now).toMatchObject({ coverage: 0.6, discovered: 10, registered: 6 });
    expect(now.unregistered).toEqual([
      { source: 'power-apps', externalId: appId(10), name: 'Canteen survey', owner: 'ana@example.com' },
      { source: 'power-apps', externalId: appId(7), name: 'Expense Tracker', owner: 'kim@example.com' },
      { source: 'power-apps', externalId: appId(8), name: 'Invoice approvals', owner: 'lee@example.com' },
      { source: 'power-apps', externalId: appId(9), name: 'Visitor badges', owner: 'max@example.com' },
    ]);
  });

  it('sends each of the 4 owners one message, printed in the terminal chat with where it goes; two register, one disowns', async () => {
    await release();
    const kim = chatAs('kim@example.com');
    try {
      await kim.send('help');
      // Run from another shell: the command goes through the running chat's control socket.
      const nudged = await runSteward(['discover', 'nudge'], stewardEnv(env));
      expect(nudged.code, nudged.stderr).toBe(0);
      expect(nudged.stdout).toContain('Sent 4 message(s) to 4 owner(s) about 4 unregistered app(s).');
      // Ana is known to the register (she owns two apps): her message goes to her, not to an address.
      for (const destination of ['user:ana', 'email:kim@example.com', 'email:lee@example.com', 'email:max@example.com'])
        await kim.waitForOutput(
          new RegExp(`\\[${destination}\\] Hi! The platform inventory lists an app of yours`, 'u'),
        );
      const printed = kim.output.split('\n').filter((line) => / Hi! The platform inventory lists/u.test(line));
      expect(printed).toHaveLength(4);
      expect(kim.output).toContain(
        '[email:kim@example.com] 1. Expense Tracker (Power Apps, environment Default-72f988bf-86f1-41af-91ab-2d7cd011db47, last modified 2026-08-08)',
      );
      // A second run sends nothing: every owner was told once.
      const again = await runSteward(['discover', 'nudge'], stewardEnv(env));
      expect(again.stdout).toContain('Every unregistered app found so far has been nudged about already.');

      await registerFromNudge(kim, 'register', 'Expense Tracker', 'Keeps track of expense claims before month end');
    } finally {
      await kim.end();
    }
    const lee = chatAs('lee@example.com');
    try {
      await registerFromNudge(
        lee,
        "ok, I'll register the invoice approvals now",
        'Invoice approvals',
        'Routes supplier invoices to the budget holder for approval',
      );
    } finally {
      await lee.end();
    }
    const max = chatAs('max@example.com');
    try {
      expect(await max.send("visitor badges isn't mine, Priya in reception built it")).toContain(
        'Thanks, noted: "Visitor badges" is not yours.',
      );
    } finally {
      await max.end();
    }
    await hold();
  }, 180_000);

  it('shows 80% once two of them registered, and the one left with its owner who said it is not theirs', async () => {
    const now = await report();
    expect(now).toMatchObject({ coverage: 0.8, discovered: 10, registered: 8 });
    expect(now.unregistered.map((entry: { name: string }) => entry.name)).toEqual(['Canteen survey', 'Visitor badges']);
    expect(now.notMine).toEqual([
      { source: 'power-apps', externalId: appId(9), name: 'Visitor badges', owner: 'max@example.com' },
    ]);
    const text = (await run('discover', 'report')).out;
    expect(text).toContain('Coverage: 80% (8 of 10 discovered item(s) registered)');
    expect(text).toContain('Not theirs, says the listed owner (1):');
  });

  it('changes nothing when the same export is imported again', async () => {
    const before = await report();
    const again = await run('discover', 'import', INVENTORY, '--source', 'power-apps');
    expect(again.out).toBe('power-apps: 0 new, 0 updated, 10 unchanged, 0 disappeared, 0 rejected.\n');
    expect(await report()).toEqual(before);
  });

  it('refuses a malformed export: each bad item by position, nothing wrong imported, nothing marked gone', async () => {
    const before = await report();
    const apps = JSON.parse(await readFile(INVENTORY, 'utf8')) as Array<Record<string, unknown>>;
    delete apps[2]!.AppName;
    apps[6]!.CreatedTime = 'last Tuesday';
    await writeFile(path.join(dir, 'bad.json'), JSON.stringify(apps.slice(0, 8), null, 4));
    const bad = await run('discover', 'import', 'bad.json', '--source', 'power-apps');
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('item 3: AppName: Invalid input: expected string, received undefined');
    expect(bad.err).toContain('item 7: CreatedTime: "last Tuesday" is not a date and time');
    expect(bad.out).toBe('power-apps: 0 new, 0 updated, 6 unchanged, 0 disappeared, 2 rejected.\n');
    expect(await report()).toEqual(before);
    await writeFile(path.join(dir, 'garbage.json'), '{"AppName": "x", ');
    const garbage = await run('discover', 'import', 'garbage.json', '--source', 'power-apps');
    expect(garbage.code).toBe(1);
    expect(garbage.err).toContain('garbage.json: nothing was imported');
    expect(await report()).toEqual(before);
  });
});
