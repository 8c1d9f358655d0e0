// The shipped policy names no reviewers (an admin fills in their own people). Until then nobody can
// decide on an escalation: `steward policy check` says so, and each escalation says who can decide
// from where it is posted, or that nobody can yet.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.ts';
import { memoryIO } from '../src/cli/io.ts';
import { loadPolicy } from '../src/policy/load.ts';
import { pgliteOnly } from './support/databases.ts';
import type { TestDatabase } from './support/databases.ts';
import { testPolicy, writeTestPolicy } from './support/policy.ts';
import { createTestSteward } from './support/steward.ts';

const HEALTH_APP = [
  'register',
  'Sick-leave tracker',
  'Records sick days and the reasons staff give',
  'power apps',
  'HR',
  'department',
  '30',
  'health',
  'none',
  'no',
  'medium',
  'no',
  'backup@example.com', // backup owner: asked from medium risk up
  'yes',
];

describe('no reviewers configured', () => {
  let work: string;
  let database: TestDatabase;
  beforeAll(async () => {
    work = await mkdtemp(path.join(os.tmpdir(), 'steward-no-reviewers-'));
    database = await pgliteOnly();
  });
  afterAll(async () => {
    await database?.cleanup();
    await rm(work, { recursive: true, force: true });
  });

  it('`steward policy check` warns on stderr that nobody can decide yet, and still exits 0', async () => {
    const io = memoryIO({ cwd: work, env: {} });
    expect(await main(['policy', 'check'], io)).toBe(0);
    expect(io.out).toContain('is valid');
    expect(io.err).toBe(
      'Warning: No reviewers are named for Security, Privacy, AI governance, Architecture, Compliance, Governance leads: ' +
        'nobody can decide on their escalations (every review button is refused) until an admin adds Slack user or ' +
        'group ids and Teams object ids under teams.security.reviewers, teams.privacy.reviewers, ' +
        'teams.ai-governance.reviewers, teams.architecture.reviewers, teams.compliance.reviewers, leads.reviewers ' +
        'in the policy.\n',
    );
  });

  it('says nothing once every team has reviewers', async () => {
    const file = await writeTestPolicy(work);
    const io = memoryIO({ cwd: work, env: {} });
    expect(await main(['policy', 'check', file], io)).toBe(0);
    expect(io.err).toBe('');
  });

  it("an escalation says nobody can decide from its platform yet, naming the policy's place for them", async () => {
    const steward = createTestSteward(database.db.store, { policy: loadPolicy(), platforms: ['slack', 'teams'] });
    for (const answer of HEALTH_APP) await steward.say(answer, 'UNOREV', { platform: 'slack' });
    const escalations = await database.db.prisma.outboxMessage.findMany({ where: { kind: 'escalation' } });
    const textOn = (platform: string) =>
      (escalations.find((row) => row.platform === platform)!.payload as { reply: { text: string } }).reply.text;
    expect(textOn('slack')).toContain(
      '⚠️ Nobody can decide on this from Slack yet: the policy names no Privacy reviewers there (teams.privacy.reviewers.slack).',
    );
    expect(textOn('teams')).toContain(
      '⚠️ Nobody can decide on this from Teams yet: the policy names no Privacy reviewers there (teams.privacy.reviewers.teams).',
    );
  });

  it('with reviewers, an escalation says who can decide and that anyone else is refused', async () => {
    const steward = createTestSteward(database.db.store, { policy: testPolicy(), platforms: ['slack'] });
    for (const answer of HEALTH_APP.map((line) => (line === 'Sick-leave tracker' ? 'Leave log' : line)))
      await steward.say(answer, 'UWITHREV', { platform: 'slack' });
    const app = await database.db.prisma.app.findFirstOrThrow({ where: { ownerUserId: 'UWITHREV' } });
    const escalation = await database.db.prisma.outboxMessage.findFirstOrThrow({
      where: { appId: app.id, kind: 'escalation' },
    });
    expect((escalation.payload as { reply: { text: string } }).reply.text).toContain(
      "Who can decide: the 1 reviewer of Privacy named in the policy; anyone else's click is refused and recorded.",
    );
  });
});
