// Discovery on Slack, end to end against the server as `npm start` runs it: an admin imports a Power Apps
// export and nudges its owners; each owner Slack knows by the export's e-mail address gets one DM listing
// their unregistered apps, registers one with a click (the name and platform already filled in), or
// says in their own words that one is not theirs; an address no Slack user has is reported, not dropped.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SlackCall } from '../../support/fake-slack.ts';
import { runSteward } from '../../support/processes.ts';
import { dmOf, startSteward, useSlackTestbed, visibleText } from './harness.ts';

const INVENTORY = path.join(import.meta.dirname, '..', '..', 'fixtures', 'discover', 'power-apps-inventory.json');
const USERS = {
  UKIM: { name: 'kim', real_name: 'Kim Kowalski', email: 'Kim@Example.com' },
  ULEE: { name: 'lee', real_name: 'Lee Lam', email: 'lee@example.com' },
};

/** The questions of a low-risk registration after the name and platform, each with the answer given. */
const REGISTRATION: Array<[string, string]> = [
  ['Keeps track of expense claims before month end', 'Which department'],
  ['Finance', 'Who will use it?'],
  ['my team', 'how many people'],
  ['8', 'What kinds of data'],
  ['internal', 'connect to other systems'],
  ['none', 'use AI'],
  ['no', 'stopped working'],
  ['minor', 'outside the company'],
  ['no', 'Summary'],
  ['yes', 'Registered APP-'],
];

const bed = useSlackTestbed({ fake: { users: USERS } });
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'steward-slack-discover-'));
  // Kim's, Lee's and Max's apps of the inventory, and a second one of Kim's.
  const apps = (JSON.parse(await readFile(INVENTORY, 'utf8')) as Array<Record<string, unknown>>).slice(6, 9);
  apps.push({ ...apps[0]!, AppName: 'c0ffee00-1d2e-4f5a-8b9c-000000000099', DisplayName: 'Travel requests' });
  await writeFile(path.join(dir, 'export.json'), JSON.stringify(apps, null, 4));
});

afterAll(() => rm(dir, { recursive: true, force: true }));

const steward_ = (...args: string[]) => bed.cli(...args);
const report = async () => JSON.parse((await steward_('discover', 'report', '--json')).stdout);
const inDm = (user: string, contains: string) => (call: SlackCall) =>
  ['chat.postMessage', 'chat.update'].includes(call.method) &&
  call.response?.channel === dmOf(user) &&
  visibleText(call).includes(contains);

describe('discovery on Slack', () => {
  it('DMs each owner one message listing all their unregistered apps, found by e-mail address', async () => {
    const imported = await steward_('discover', 'import', path.join(dir, 'export.json'), '--source', 'power-apps');
    expect(imported.stdout).toContain('power-apps: 4 new');
    const before = bed.fake.calls.length;
    const nudged = await steward_('discover', 'nudge');
    expect(nudged.stdout).toContain('Sent 3 message(s) to 3 owner(s) about 4 unregistered app(s).');
    const kim = await bed.fake.waitFor(inDm('UKIM', 'lists 2 apps of yours'), { after: before, what: "Kim's nudge" });
    expect(visibleText(kim)).toContain('1. Expense Tracker (Power Apps, environment Default-');
    expect(visibleText(kim)).toContain('2. Travel requests (Power Apps');
    await bed.fake.waitFor(inDm('ULEE', 'lists an app of yours'), { after: before, what: "Lee's nudge" });
    expect(bed.fake.calls.slice(before).filter(inDm('UKIM', 'not registered with Steward yet'))).toHaveLength(1);
  });

  it('lists the owner no Slack user has an address for as unreachable', async () => {
    const deadline = Date.now() + 15_000;
    let unreachable: Array<{ owner: string; reason: string; items: Array<{ name: string }> }> = [];
    while (Date.now() < deadline && unreachable.length === 0) {
      unreachable = (await report()).unreachable;
      if (unreachable.length === 0) await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(unreachable).toEqual([
      {
        owner: 'max@example.com',
        reason: 'the delivery was refused: no Slack user has that e-mail address (destination email:m***@example.com)',
        items: [expect.objectContaining({ name: 'Visitor badges' })],
      },
    ]);
    const lookups = bed.fake.calls
      .filter((call) => call.method === 'users.lookupByEmail')
      .map((call) => call.args.email);
    expect(lookups.sort()).toEqual(['kim@example.com', 'lee@example.com', 'max@example.com']);
  });

  it('registers an app with one click and the answers the export could not give', async () => {
    const nudge = bed.fake.calls.find(inDm('UKIM', 'lists 2 apps of yours'))!;
    let before = bed.fake.calls.length;
    expect((await bed.slack.click(nudge, 'Register: Expense Tracker', 'UKIM')).status).toBe(200);
    await bed.fake.waitFor(
      inDm(
        'UKIM',
        'Let\'s register "Expense Tracker". From the platform inventory I have its name and that it is on Power Apps.',
      ),
      {
        after: before,
        what: 'the registration started',
      },
    );
    await bed.fake.waitFor(inDm('UKIM', 'what does it do'), { after: before, what: 'the first question' });
    for (const [answer, next] of REGISTRATION) {
      before = bed.fake.calls.length;
      await bed.slack.dm('UKIM', answer);
      await bed.fake.waitFor(inDm('UKIM', next), {
        after: before,
        timeoutMs: 30_000,
        what: `"${next}" after "${answer}"`,
      });
    }
    const asked = bed.fake.calls
      .filter((call) => call.response?.channel === dmOf('UKIM'))
      .map(visibleText)
      .join('\n');
    expect(asked).not.toMatch(/What's the app called|What did you build it with/u);
    expect(await report()).toMatchObject({ discovered: 4, registered: 1, coverage: 0.25 });
  });

  it('takes "not mine" in the owner\'s own words', async () => {
    const before = bed.fake.calls.length;
    await bed.slack.dm('ULEE', 'nope, not mine - the finance ops team built that one');
    await bed.fake.waitFor(inDm('ULEE', 'Thanks, noted: "Invoice approvals" is not yours.'), {
      after: before,
      what: 'the answer noted',
    });
    const now = await report();
    expect(now.notMine.map((entry: { name: string }) => entry.name)).toEqual(['Invoice approvals']);
    const audit = JSON.parse((await steward_('audit', 'export', '--format', 'json')).stdout) as Array<{
      action: string;
      actorId: string;
    }>;
    expect(audit.filter((event) => event.action === 'discovery.answered').map((event) => event.actorId)).toEqual([
      'ULEE',
    ]);
  });
});

describe('discovery on Slack, nudged by the server itself', () => {
  it('sends the nudge on its own schedule when the policy enables it', async () => {
    const scheduled = await startSteward(
      bed.fake,
      { LIFECYCLE_CHECK_MS: '300' },
      { policyChanges: [[['discovery', 'nudge', 'enabled'], true]] },
    );
    try {
      const before = bed.fake.calls.length;
      const apps = (JSON.parse(await readFile(INVENTORY, 'utf8')) as Array<Record<string, unknown>>).slice(7, 8);
      await writeFile(path.join(dir, 'lee.json'), JSON.stringify(apps, null, 4));
      await runSteward(['discover', 'import', path.join(dir, 'lee.json'), '--source', 'power-apps'], scheduled.env);
      // Nobody runs `discover nudge`: the server's next check sends it.
      const nudge = await bed.fake.waitFor(inDm('ULEE', 'lists an app of yours'), {
        after: before,
        timeoutMs: 15_000,
        what: 'the scheduled nudge',
      });
      expect(visibleText(nudge)).toContain('1. Invoice approvals (Power Apps');
    } finally {
      await scheduled.stop();
    }
  });
});
