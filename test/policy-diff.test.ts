// `steward policy diff`: the inventory assessed under a draft policy, as the command line runs it, with
// nothing stored or sent: a draft that makes "writes to SAP" high shows exactly the apps that write to SAP.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { YAMLSeq } from 'yaml';
import { APPS_CSV_HEADER, HeldCli } from './support/cli.ts';
import { writeTestPolicy, SAP_WRITE_RULE } from './support/policy.ts';

const ROWS = [
  'Invoice sync,Posts approved invoices,power-automate,Finance,team,6,internal,SAP S/4HANA:write,false,low,false,slack,UANA,ana@example.com',
  'Stock report,Reads stock levels,power-apps,Logistics,team,8,internal,SAP:read,false,low,false,slack,UBEN,ben@example.com',
  'Leads sync,Copies leads to HubSpot,zapier,Marketing,team,6,internal,HubSpot:write,false,low,false,slack,UANA,ana@example.com',
  'Payroll check,Checks payroll runs,excel,HR,team,4,internal,Workday:write,false,low,false,slack,UCLEO,cleo@example.com',
];

describe('steward policy diff', () => {
  const cli = new HeldCli();
  const run = cli.run;
  let draft: string;

  beforeAll(async () => {
    await cli.open('steward-policy-diff-', { apps: [APPS_CSV_HEADER, ...ROWS] });
    await mkdir(path.join(cli.dir, 'draft'));
    draft = await writeTestPolicy(path.join(cli.dir, 'draft'), (doc) => {
      doc.set('version', '2026.12.1');
      (doc.get('rules') as YAMLSeq).add(doc.createNode(SAP_WRITE_RULE));
    });
  });
  afterAll(() => cli.close());

  it('shows exactly the apps a draft would change, the rules behind them and who would hear of it', async () => {
    const before = await run('apps', 'list', '--json');
    const result = await run('policy', 'diff', draft, '--json');
    expect(result).toMatchObject({ code: 0, err: '' });
    const diff = JSON.parse(result.out);
    expect(diff).toMatchObject({ from: '2026.11.1', to: '2026.12.1', assessed: 4 });
    expect(diff.changes).toEqual([
      {
        ref: 'APP-0001',
        name: 'Invoice sync',
        from: 'medium',
        to: 'high',
        teams: { from: ['architecture'], to: ['architecture', 'compliance'] },
        rules: ['SAP-WRITE', 'SYSTEM-OF-RECORD-WRITE'],
        reviewAgain: true,
      },
    ]);
    expect(diff.messages.owners).toEqual([{ platform: 'slack', destination: 'user:UANA', apps: ['APP-0001'] }]);
    expect(diff.messages.channels.map((channel: { destination: string }) => channel.destination)).toEqual(
      expect.arrayContaining(['#gov-architecture', '#gov-compliance']),
    );
    // A what-if: the inventory, the audit trail and the outbox are as they were.
    expect((await run('apps', 'list', '--json')).out).toBe(before.out);
    expect(await cli.services.store.audit.count('app.reassessed')).toBe(0);
    const text = await run('policy', 'diff', draft);
    expect(text.out).toContain(
      'Policy 2026.11.1 -> 2026.12.1: 1 of 4 app(s) would change. Nothing was stored or sent.',
    );
    expect(text.out).toContain(
      'APP-0001  Invoice sync: medium -> high; teams architecture -> architecture, compliance (reviewed again)  [SAP-WRITE, SYSTEM-OF-RECORD-WRITE]',
    );
  });

  it('refuses an invalid draft naming its line and field, and assesses nothing', async () => {
    await writeFile(path.join(cli.dir, 'broken.yaml'), 'version: "x"\ntiers:\n  low: { meaning: 3 }\n');
    const broken = await run('policy', 'diff', 'broken.yaml');
    expect(broken.code).toBe(1);
    expect(broken.err).toMatch(/broken\.yaml:\d+/u);
    expect(broken.out).toBe('');
    expect((await run('policy', 'diff')).code).toBe(2);
  });
});
