// `steward policy publish | rollback | history` as the command line runs them in a terminal-only
// deployment: what a publish refuses (nothing changed or sent), what it does to lowered tiers, and a
// second instance on the same PostgreSQL database following the publish at its next turn.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { YAMLSeq } from 'yaml';
import { APPS_CSV_HEADER, HeldCli, holdServices } from './support/cli.ts';
import { postgresTestUrl } from './support/databases.ts';
import { sendSlaReminders } from '../src/review/sla.ts';
import { SAP_WRITE_RULE, writeTestPolicy } from './support/policy.ts';

const ROWS = [
  'Card refunds,Refunds card payments,power-apps,Service,team,8,payment-card,,false,low,false,console,kim,kim@example.com',
  'Team rota,Plans shifts,excel,Logistics,team,8,internal,,false,low,false,console,lee,lee@example.com',
];

async function draftIn(dir: string, name: string, edit: Parameters<typeof writeTestPolicy>[1]): Promise<string> {
  await mkdir(path.join(dir, name));
  return writeTestPolicy(path.join(dir, name), edit);
}

describe('steward policy publish (terminal only)', () => {
  const cli = new HeldCli();
  const run = cli.run;
  const apps = async () =>
    Object.fromEntries(
      (JSON.parse((await run('apps', 'list', '--json')).out) as Array<Record<string, string>>).map((app) => [
        app.reference,
        `${app.tier} ${app.status}`,
      ]),
    );

  beforeAll(() => cli.open('steward-policy-publish-', { apps: [APPS_CSV_HEADER, ...ROWS] }));
  afterAll(() => cli.close());

  it('says what is in force before anything was published', async () => {
    const history = await run('policy', 'history');
    expect(history.out).toContain('No policy was published yet: 2026.11.1 from the policy file is in force.');
    expect((await run('policy', 'rollback')).err).toContain('Nothing to roll back to');
  });

  it('refuses a policy whose escalating tier has no SLA or whose reviews would reach no channel, changing nothing', async () => {
    const before = await apps();
    const outbox = (await run('outbox', '--status', 'all', '--json')).out;
    const draft = await draftIn(cli.dir, 'unready', (doc) => {
      doc.set('version', '2026.12.1');
      doc.deleteIn(['tiers', 'high', 'reviewSla']);
      doc.setIn(['teams', 'privacy', 'destinations', 'slack'], doc.createNode([]));
      doc.setIn(['leads', 'destinations', 'slack'], doc.createNode([]));
    });
    const refused = await run('policy', 'publish', draft);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('Policy 2026.12.1 was not published');
    expect(refused.err).toContain('tiers.high: escalates to reviewers but has no reviewSla');
    expect(refused.err).toContain(
      'teams.privacy.destinations.slack: rules send reviews to team privacy, but it has no Slack destination',
    );
    expect(refused.err).toContain('leads.destinations.slack: the leads are told of late reviews');
    expect(await apps()).toEqual(before);
    expect((await run('outbox', '--status', 'all', '--json')).out).toBe(outbox);
    expect((await run('policy', 'history', '--json')).out.trim()).toBe('[]');
  });

  it('lowers tiers too: an app waiting for a review it no longer needs is approved, and its owner told', async () => {
    expect((await apps())['APP-0001']).toBe('high in_review');
    // Card data no longer needs a review by itself (say, the payment provider now holds it).
    const draft = await draftIn(cli.dir, 'lenient', (doc) => {
      doc.set('version', '2026.12.2');
      const rules = doc.get('rules') as YAMLSeq;
      rules.items = rules.items.filter((item) => {
        const id = String((item as { get(key: string): unknown }).get('id'));
        return id !== 'PAYMENT-CARD-DATA';
      });
    });
    const published = JSON.parse((await run('policy', 'publish', draft, '--json')).out);
    expect(published).toMatchObject({ number: 2, version: '2026.12.2', lowered: 1, raised: 0 });
    expect(published.changes).toHaveLength(1);
    const after = await apps();
    expect(after['APP-0001']).toBe('low approved');
    expect(after['APP-0002']).toBe('low approved');
    const told = (
      JSON.parse((await run('outbox', '--status', 'all', '--json')).out) as {
        messages: Array<{ destination: string }>;
      }
    ).messages.filter((row) => row.destination.startsWith('user:'));
    // Kim hears once (her registration said nothing to her through the outbox); Lee's app did not change.
    expect(told.map((row) => row.destination)).toEqual(['user:kim']);
  });

  it('refuses to reuse a version for a different text, and a text already in force', async () => {
    const reused = await draftIn(cli.dir, 'reused', (doc) => {
      doc.set('version', '2026.12.2');
    });
    const refused = await run('policy', 'publish', reused);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('Version 2026.12.2 was already used for a different text (#2)');
    const again = await run('policy', 'publish', path.join(cli.dir, 'lenient', 'policy.yaml'));
    expect(again.err).toContain('That text is already the policy in force (#2');
  });

  it('rolls back to a numbered policy, and lists the history with who published what', async () => {
    const rolled = await run('policy', 'rollback', '1');
    expect(rolled.code).toBe(0);
    expect(rolled.out).toContain('Rolled back to #1: policy 2026.11.1 is in force as #3 (was 2026.12.2).');
    expect((await apps())['APP-0001']).toBe('high in_review');
    const history = (await run('policy', 'history')).out.trim().split('\n');
    expect(history[0]).toMatch(/^#3 {2}2026\.11\.1 .* by cli:\S+ {2}\(rollback to #1\) {2}in force$/u);
    expect(history).toHaveLength(3);
    expect(cli.services.policy.version).toBe('2026.11.1');
  });

  it('refuses an invalid draft with its line and field', async () => {
    await writeFile(path.join(cli.dir, 'broken.yaml'), 'version: "x"\nrules: 3\n');
    const broken = await run('policy', 'publish', 'broken.yaml');
    expect(broken.code).toBe(1);
    expect(broken.err).toMatch(/broken\.yaml:\d+/u);
    expect((await run('policy', 'publish')).code).toBe(2);
  });
});

const postgres = postgresTestUrl();
if (postgres)
  describe('a publish on one instance (PostgreSQL)', () => {
    it('reaches another instance at its next turn', async () => {
      const { url, cleanup } = await postgres;
      const one = new HeldCli();
      await one.open('steward-policy-instances-', { env: { DATABASE_URL: url } });
      const other = await holdServices({ env: one.env, cwd: one.dir });
      try {
        expect(other.policy.version).toBe('2026.11.1');
        const draft = await draftIn(one.dir, 'next', (doc) => doc.set('version', '2026.12.9'));
        expect((await one.run('policy', 'publish', draft)).code).toBe(0);
        expect(one.services.policy.version).toBe('2026.12.9');
        await other.handleTurn({ platform: 'console', channelId: 'console', user: { userId: 'pat' }, text: 'hi' });
        expect(other.policy.version).toBe('2026.12.9');
      } finally {
        await other.close();
        await one.close();
        await cleanup();
      }
    });
  });

describe('reviews asked for in a digest', () => {
  const cli = new HeldCli();
  beforeAll(() =>
    cli.open('steward-policy-digest-sla-', {
      apps: [
        APPS_CSV_HEADER,
        'Order push,Pushes web orders,zapier,Sales,team,3,internal,SAP:write,false,low,false,console,dan,dan@example.com',
        'Vendor updates,Keeps vendor bank details,power-apps,Procurement,team,5,internal,SAP ECC:write,false,low,false,console,ana,ana@example.com',
      ],
    }),
  );
  afterAll(() => cli.close());

  it('remind each channel once with one message listing its late apps, and the leads as before', async () => {
    const draft = await draftIn(cli.dir, 'sap', (doc) => {
      doc.set('version', '2026.12.1');
      (doc.get('rules') as YAMLSeq).add(doc.createNode(SAP_WRITE_RULE));
    });
    expect((await cli.run('policy', 'publish', draft)).code).toBe(0);
    const { store, policy } = cli.services;
    const digests = async () =>
      (await store.outbox.list('all')).filter((row) => row.kind === 'digest').map((row) => row.destination);
    expect((await digests()).sort()).toEqual(['#gov-architecture', '#gov-compliance']);

    const late = new Date(Date.now() + 10 * 24 * 3600 * 1000);
    const first = await sendSlaReminders(store, policy, late, ['console']);
    expect(first.overdue.map((review) => review.reference)).toEqual(['APP-0001', 'APP-0002']);
    expect(first.reminders).toBe(2);
    expect(first.leadEscalations).toBe(2);
    const reminders = (await store.outbox.list('all')).filter(
      (row) => row.kind === 'digest' && JSON.stringify(row.payload).includes('past the review SLA'),
    );
    expect(reminders.map((row) => row.destination).sort()).toEqual(['#gov-architecture', '#gov-compliance']);
    expect(JSON.stringify(reminders[0]!.payload)).toContain('Approve APP-0002');
    expect((await sendSlaReminders(store, policy, late, ['console'])).reminders).toBe(0);
  });
});
