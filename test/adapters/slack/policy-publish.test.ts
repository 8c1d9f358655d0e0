// Publishing a policy change, end to end against the server as `npm start` runs it with Slack: a draft
// that makes "writes to SAP" high shows exactly the affected apps in `policy diff --json`; `publish`
// gives exactly those tiers, audits each, and sends one DM per affected owner and one message per
// reviewer channel (whose buttons decide); `rollback` restores the tiers; a draft naming a channel
// Slack does not have is refused with nothing sent.
import { APPS_CSV_HEADER } from '../../support/cli.ts';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { YAMLSeq } from 'yaml';
import type { SlackCall } from '../../support/fake-slack.ts';
import { writeTestPolicy, SAP_WRITE_RULE } from '../../support/policy.ts';
import { dmOf, useSlackTestbed, visibleText } from './harness.ts';

const ROWS = [
  'Invoice sync,Posts approved invoices,power-automate,Finance,team,6,internal,SAP S/4HANA:write,false,low,false,slack,UANA,ana@example.com',
  'Stock report,Reads stock levels,power-apps,Logistics,team,8,internal,SAP:read,false,low,false,slack,UBEN,ben@example.com',
  'Vendor updates,Keeps vendor bank details current,power-apps,Procurement,team,5,internal,SAP ECC:write,false,low,false,slack,UANA,ana@example.com',
  'Payroll check,Checks payroll runs,excel,HR,team,4,internal,Workday:write,false,low,false,slack,UCLEO,cleo@example.com',
  'Order push,Pushes web orders,zapier,Sales,team,3,internal,SAP:write,false,low,false,slack,UDAN,dan@example.com',
];

const bed = useSlackTestbed();
const steward_ = (...args: string[]) => bed.cli(...args);
let dir: string;
let draft: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'steward-slack-publish-'));
  await writeFile(path.join(dir, 'apps.csv'), [APPS_CSV_HEADER, ...ROWS].join('\n'));
  draft = await writeTestPolicy(dir, (doc) => {
    doc.set('version', '2026.12.1');
    (doc.get('rules') as YAMLSeq).add(doc.createNode(SAP_WRITE_RULE));
  });
});

afterAll(() => rm(dir, { recursive: true, force: true }));

const json = async (...args: string[]) => {
  const result = await steward_(...args);
  expect(result.stderr).toBe('');
  return JSON.parse(result.stdout);
};
const tiers = async () =>
  Object.fromEntries(
    ((await json('apps', 'list', '--json')) as Array<{ reference: string; tier: string; status: string }>).map(
      (app) => [app.reference, `${app.tier} ${app.status}`],
    ),
  );
const posts = (from: number) =>
  bed.fake.calls.slice(from).filter((call) => call.method === 'chat.postMessage' && call.response?.ok);
const settled = async (from: number, count: number) => {
  const deadline = Date.now() + 15_000;
  while (posts(from).length < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  // Nothing more comes after the expected messages.
  await new Promise((r) => setTimeout(r, 600));
  return posts(from);
};
const whereTo = (calls: SlackCall[]) => calls.map((call) => String(call.response?.channel)).sort();

describe('publishing a policy on Slack', () => {
  let before: Record<string, string>;
  let changes: Array<{ ref: string; from: string; to: string }>;

  it('shows exactly the apps that write to SAP in the diff, and changes nothing', async () => {
    expect((await steward_('apps', 'import', path.join(dir, 'apps.csv'))).stdout).toContain('Imported 5 app(s)');
    before = await tiers();
    const diff = await json('policy', 'diff', draft, '--json');
    changes = diff.changes;
    expect(changes.map((change) => [change.ref, change.from, change.to])).toEqual([
      ['APP-0001', 'medium', 'high'],
      ['APP-0003', 'medium', 'high'],
      ['APP-0005', 'medium', 'high'],
    ]);
    expect(diff.messages.owners.map((owner: { destination: string }) => owner.destination).sort()).toEqual([
      'user:UANA',
      'user:UDAN',
    ]);
    expect(diff.messages.channels).toEqual([
      { platform: 'slack', destination: '#gov-architecture', apps: ['APP-0001', 'APP-0003', 'APP-0005'] },
      { platform: 'slack', destination: '#gov-compliance', apps: ['APP-0001', 'APP-0003', 'APP-0005'] },
    ]);
    expect(await tiers()).toEqual(before);
  });

  it('publishes: exactly those tiers, an audit entry each, one message per owner and per channel', async () => {
    const from = bed.fake.calls.length;
    const published = await json('policy', 'publish', draft, '--json');
    expect(published).toMatchObject({ number: 2, version: '2026.12.1', from: '2026.11.1', raised: 3, lowered: 0 });
    expect(published.changes).toEqual(changes);
    const after = await tiers();
    expect(after).toEqual({
      ...before,
      'APP-0001': 'high in_review',
      'APP-0003': 'high in_review',
      'APP-0005': 'high in_review',
    });

    const sent = await settled(from, 4);
    expect(whereTo(sent)).toEqual(['C0ARCH', 'C0COMPLY', dmOf('UANA'), dmOf('UDAN')].sort());
    const ana = sent.find((call) => call.response?.channel === dmOf('UANA'))!;
    expect(visibleText(ana)).toContain('2 of your apps changed tier');
    expect(visibleText(ana)).toContain('APP-0001 "Invoice sync": medium → HIGH');
    expect(visibleText(ana)).toContain('APP-0003 "Vendor updates": medium → HIGH');

    const audit = (await json('audit', 'export', '--format', 'json')) as Array<{
      action: string;
      details: { policyVersion?: string; reference?: string; tier?: string };
    }>;
    const assessed = audit.filter(
      (event) => event.action === 'app.assessed' && event.details.policyVersion === '2026.12.1',
    );
    expect(assessed.map((event) => [event.details.reference, event.details.tier])).toEqual([
      ['APP-0001', 'high'],
      ['APP-0003', 'high'],
      ['APP-0005', 'high'],
    ]);
    expect(audit.filter((event) => event.action === 'policy.published')).toHaveLength(1);

    // The channel's one message holds every app's buttons, and they decide.
    const architecture = sent.find((call) => call.response?.channel === 'C0ARCH')!;
    expect(visibleText(architecture)).toContain('3 apps to review');
    expect((await bed.slack.click(architecture, 'Approve APP-0005', 'UARCH1', 'gov-architecture')).status).toBe(200);
    await bed.fake.waitFor(
      (call) =>
        call.method === 'chat.postMessage' &&
        call.response?.channel === dmOf('UDAN') &&
        visibleText(call).includes('approved by'),
      { after: from, what: "Dan's note of the architecture approval" },
    );
    // The digest is edited in place: APP-0005's line says who approved it and its buttons are gone.
    const edited = await bed.fake.waitFor(
      (call) =>
        call.method === 'chat.update' && call.args.channel === 'C0ARCH' && visibleText(call).includes('approved by'),
      { after: from, what: 'the edited digest' },
    );
    const buttons = (edited.args.blocks as Array<{ type: string; elements?: Array<{ text?: { text: string } }> }>)
      .filter((block) => block.type === 'actions')
      .flatMap((block) => block.elements!.map((element) => element.text?.text));
    expect(buttons).toContain('Approve APP-0001');
    expect(buttons).not.toContain('Approve APP-0005');
  });

  it('lists what was published, by whom, and which is in force', async () => {
    const history = await json('policy', 'history', '--json');
    expect(
      history.map((row: { number: number; version: string; inForce: boolean }) => [
        row.number,
        row.version,
        row.inForce,
      ]),
    ).toEqual([
      [2, '2026.12.1', true],
      [1, '2026.11.1', false],
    ]);
  });

  it('rolls back to the previous policy in one command, restoring the tiers', async () => {
    const from = bed.fake.calls.length;
    const rolled = await json('policy', 'rollback', '--json');
    expect(rolled).toMatchObject({ number: 3, version: '2026.11.1', restores: 1, lowered: 3 });
    const restored = await tiers();
    for (const ref of ['APP-0001', 'APP-0003', 'APP-0005']) expect(restored[ref]!.split(' ')[0]).toBe('medium');
    expect(restored['APP-0002']).toBe(before['APP-0002']);
    expect(restored['APP-0004']).toBe(before['APP-0004']);
    // Lowered tiers ask no reviewer: the owners alone hear of it, once each.
    const sent = await settled(from, 2);
    expect(whereTo(sent)).toEqual([dmOf('UANA'), dmOf('UDAN')].sort());
  });

  it('refuses a draft whose channel Slack does not have, and sends nothing', async () => {
    await mkdir(path.join(dir, 'broken'));
    const broken = await writeTestPolicy(path.join(dir, 'broken'), (doc) => {
      doc.set('version', '2026.12.2');
      (doc.get('rules') as YAMLSeq).add(doc.createNode(SAP_WRITE_RULE));
      doc.setIn(['teams', 'compliance', 'destinations', 'slack'], doc.createNode(['#gov-complaince']));
    });
    const from = bed.fake.calls.length;
    const before = await tiers();
    const refused = await steward_('policy', 'publish', broken);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('was not published');
    expect(refused.stderr).toContain('#gov-complaince: no such Slack channel');
    expect(await tiers()).toEqual(before);
    expect((await json('policy', 'history', '--json'))[0].number).toBe(3);
    await new Promise((r) => setTimeout(r, 600));
    expect(posts(from)).toEqual([]);
  });
});
