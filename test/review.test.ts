// The review loop: who may decide (a reviewer of a team the version was sent to), each team's first
// decision counts, the maker hears, every copy shows the decisions.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decide } from '../src/review/decide.ts';
import { parseReviewAction } from '../src/review/decide.ts';
import { openTestDatabase, testLabels } from './support/databases.ts';
import type { TestDatabase } from './support/databases.ts';
import { testPolicy } from './support/policy.ts';
import { createTestSteward } from './support/steward.ts';

const policy = testPolicy();

/** Registers a HIGH-risk app (health data -> privacy) as `maker` on Slack and returns its escalation. */
async function registerHighRisk(database: TestDatabase, maker: string) {
  const steward = createTestSteward(database.db.store, { policy, platforms: ['slack', 'teams'] });
  const answers = [
    'register',
    `Sick-leave tracker ${maker}`,
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
  let reply = '';
  for (const answer of answers) reply = await steward.say(answer, maker, { platform: 'slack' });
  expect(reply).toContain('Risk tier: HIGH');
  const app = await database.db.prisma.app.findFirstOrThrow({ where: { ownerUserId: maker } });
  const escalation = await database.db.prisma.outboxMessage.findFirstOrThrow({
    where: { appId: app.id, kind: 'escalation', platform: 'slack' },
  });
  const buttons = (escalation.payload as { reply: { buttons: Array<{ label: string; value: string }> } }).reply.buttons;
  return { steward, app, escalation, buttons };
}

/** Registers a HIGH-risk app escalated to two teams (card numbers -> security and compliance). */
async function registerPaymentsApp(database: TestDatabase, maker: string) {
  const steward = createTestSteward(database.db.store, { policy, platforms: ['slack', 'teams'] });
  const answers = [
    'register',
    `Payroll fixer ${maker}`,
    'Corrects payroll errors',
    'yes',
    'excel',
    'Finance',
    'team',
    '4',
    'payment card numbers',
    'none',
    'no',
    'low',
    'no',
    'backup@example.com', // backup owner: asked from medium risk up
    'yes',
  ];
  for (const answer of answers) await steward.say(answer, maker, { platform: 'slack' });
  const app = await database.db.prisma.app.findFirstOrThrow({ where: { ownerUserId: maker } });
  expect(app.tier).toBe('high');
  return { steward, app };
}

describe.each(testLabels())('reviewer decisions on %s', (label) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await openTestDatabase(label);
  });
  afterAll(async () => database?.cleanup());

  it('posts decision buttons on each escalation copy, naming its team', async () => {
    const { buttons } = await registerHighRisk(database, 'UMAKER0');
    expect(buttons.map((button) => button.label)).toEqual(['Approve', 'Reject', 'Request changes']);
    expect(parseReviewAction(buttons[0]!.value)).toMatchObject({ decision: 'approve', appVersion: 1, team: 'privacy' });
  });

  it('lets a reviewer of the team approve; the maker is told and every copy is updated', async () => {
    const { app, buttons } = await registerHighRisk(database, 'UMAKER1');
    const action = parseReviewAction(buttons[0]!.value)!;
    const outcome = await decide(database.db.store, policy, {
      ...action,
      reviewer: { platform: 'slack', userId: 'UPRIVACY1', displayName: 'Pia' },
    });
    expect(outcome).toMatchObject({ kind: 'decided', status: 'approved' });
    expect(outcome.text).toContain('Approved by Pia (Privacy)');
    expect((await database.db.prisma.app.findUniqueOrThrow({ where: { id: app.id } })).status).toBe('approved');

    const outbox = await database.db.prisma.outboxMessage.findMany({ where: { appId: app.id } });
    const toMaker = outbox.find((message) => message.kind === 'notification');
    expect(toMaker).toMatchObject({ platform: 'slack', destination: 'user:UMAKER1' });
    expect(JSON.stringify(toMaker?.payload)).toContain('was approved by Pia (Privacy)');
    const escalations = outbox.filter((message) => message.kind === 'escalation');
    const updates = outbox.filter((message) => message.kind === 'update');
    expect(updates.map((update) => (update.payload as { updateOf: string }).updateOf).sort()).toEqual(
      escalations.map((e) => e.id).sort(),
    );
    expect(JSON.stringify(updates[0]!.payload)).toContain('Approved by Pia');
    expect((updates[0]!.payload as { reply: { buttons?: unknown } }).reply.buttons).toBeUndefined();

    const audit = await database.db.prisma.auditEvent.findMany({ where: { appId: app.id }, orderBy: { id: 'asc' } });
    expect(audit.at(-1)).toMatchObject({ action: 'review.approved', actorPlatform: 'slack', actorId: 'UPRIVACY1' });
  });

  it('refuses non-reviewers, reviewers of other teams and makers deciding on their own app, and audits each attempt', async () => {
    const { app, buttons } = await registerHighRisk(database, 'UPRIVACY1');
    const action = parseReviewAction(buttons[0]!.value)!;
    const stranger = await decide(database.db.store, policy, {
      ...action,
      reviewer: { platform: 'slack', userId: 'URANDOM' },
    });
    expect(stranger).toMatchObject({ kind: 'refused', reason: 'not-reviewer' });
    expect(stranger.text).toContain('Only reviewers of Privacy');
    const otherTeam = await decide(database.db.store, policy, {
      ...action,
      reviewer: { platform: 'slack', userId: 'UARCH1' },
    });
    expect(otherTeam).toMatchObject({ kind: 'refused', reason: 'not-reviewer' });
    const own = await decide(database.db.store, policy, {
      ...action,
      reviewer: { platform: 'slack', userId: 'UPRIVACY1' },
    });
    expect(own).toMatchObject({ kind: 'refused', reason: 'own-app' });
    const refusals = await database.db.prisma.auditEvent.count({ where: { appId: app.id, action: 'review.refused' } });
    expect(refusals).toBe(3);
    expect((await database.db.prisma.app.findUniqueOrThrow({ where: { id: app.id } })).status).toBe('in_review');
  });

  it('accepts a reviewer through a listed user group', async () => {
    const { app } = await registerPaymentsApp(database, 'UMAKER2');
    const outcome = await decide(database.db.store, policy, {
      appId: app.id,
      appVersion: 1,
      team: 'security',
      decision: 'approve',
      reviewer: { platform: 'slack', userId: 'UNEWSEC', groupIds: ['SSECGROUP'] },
    });
    expect(outcome.kind).toBe('decided');
  });

  it('needs a reason to reject or request changes', async () => {
    const { buttons } = await registerHighRisk(database, 'UMAKER3');
    const reject = parseReviewAction(buttons[1]!.value)!;
    expect(
      await decide(database.db.store, policy, { ...reject, reviewer: { platform: 'slack', userId: 'UPRIVACY1' } }),
    ).toMatchObject({ kind: 'refused', reason: 'reason-required' });
    const changes = parseReviewAction(buttons[2]!.value)!;
    expect(
      await decide(database.db.store, policy, {
        ...changes,
        reason: '   ',
        reviewer: { platform: 'teams', userId: 'aad-privacy-1' },
      }),
    ).toMatchObject({ kind: 'refused', reason: 'reason-required' });
  });

  it('first decision wins: a later click, even on another platform, is told who decided', async () => {
    const { app, buttons } = await registerHighRisk(database, 'UMAKER4');
    const changes = parseReviewAction(buttons[2]!.value)!;
    const reject = parseReviewAction(buttons[1]!.value)!;
    const [first, second] = await Promise.all([
      decide(database.db.store, policy, {
        ...changes,
        reason: 'Keep sickness reasons out of the app',
        reviewer: { platform: 'teams', userId: 'aad-privacy-1', displayName: 'Priya' },
      }),
      decide(database.db.store, policy, {
        ...reject,
        reason: 'No',
        reviewer: { platform: 'slack', userId: 'UPRIVACY1', displayName: 'Pia' },
      }),
    ]);
    const outcomes = [first, second];
    expect(outcomes.filter((outcome) => outcome.kind === 'decided')).toHaveLength(1);
    const late = outcomes.find((outcome) => outcome.kind === 'already-decided')!;
    expect(late.text).toMatch(/was already (sent back for changes by Priya|rejected by Pia)/u);
    expect(await database.db.prisma.reviewDecision.count({ where: { appId: app.id } })).toBe(1);
    // The Teams reviewer decided on a Slack maker's app: the maker hears on Slack.
    const toMaker = await database.db.prisma.outboxMessage.findMany({ where: { appId: app.id, kind: 'notification' } });
    expect(toMaker).toHaveLength(1);
    expect(toMaker[0]).toMatchObject({ platform: 'slack', destination: 'user:UMAKER4' });
  });

  it('after changes are requested, the maker resubmits; the new version is re-assessed and the old buttons are stale', async () => {
    const { steward, app, buttons } = await registerHighRisk(database, 'UMAKER5');
    const changes = parseReviewAction(buttons[2]!.value)!;
    await decide(database.db.store, policy, {
      ...changes,
      reason: 'Do not store the reasons',
      reviewer: { platform: 'slack', userId: 'UPRIVACY1' },
    });
    expect((await database.db.prisma.app.findUniqueOrThrow({ where: { id: app.id } })).status).toBe(
      'changes_requested',
    );
    await steward.say(`update ${app.name}`, 'UMAKER5', { platform: 'slack' });
    await steward.say('change data', 'UMAKER5', { platform: 'slack' });
    await steward.say('internal', 'UMAKER5', { platform: 'slack' });
    const resubmitted = await steward.say('yes', 'UMAKER5', { platform: 'slack' });
    expect(resubmitted).toContain('(version 2)');
    expect(resubmitted).toContain('Risk tier: LOW');
    expect((await database.db.prisma.app.findUniqueOrThrow({ where: { id: app.id } })).status).toBe('approved');
    const stale = await decide(database.db.store, policy, {
      ...parseReviewAction(buttons[0]!.value)!,
      reviewer: { platform: 'slack', userId: 'UPRIVACY1' },
    });
    expect(stale).toMatchObject({ kind: 'refused', reason: 'stale-version' });
  });

  it("refuses a decision for a team the version was never sent to, even from that team's reviewer", async () => {
    const { app } = await registerHighRisk(database, 'UMAKER9');
    for (const [team, userId] of [
      ['leads', 'ULEAD1'],
      ['security', 'USECURITY1'],
    ] as const) {
      const outcome = await decide(database.db.store, policy, {
        appId: app.id,
        appVersion: 1,
        team,
        decision: 'approve',
        reviewer: { platform: 'slack', userId },
      });
      expect(outcome).toMatchObject({ kind: 'refused', reason: 'not-escalated' });
      expect(outcome.text).toContain('only Privacy can decide on it');
    }
    expect((await database.db.prisma.app.findUniqueOrThrow({ where: { id: app.id } })).status).toBe('in_review');
    expect(await database.db.prisma.reviewDecision.count({ where: { appId: app.id } })).toBe(0);
    expect(await database.db.prisma.auditEvent.count({ where: { appId: app.id, action: 'review.refused' } })).toBe(2);
  });

  it('each team reviews on its own: one approval waits for the other; a rejection settles the version', async () => {
    const { app } = await registerPaymentsApp(database, 'UMAKER6');
    const ask = (team: string, decision: 'approve' | 'reject', userId: string, reason?: string) =>
      decide(database.db.store, policy, {
        appId: app.id,
        appVersion: 1,
        team,
        decision,
        ...(reason ? { reason } : {}),
        reviewer: { platform: 'slack', userId },
      });
    const security = await ask('security', 'approve', 'USECURITY1');
    expect(security).toMatchObject({ kind: 'decided', settled: false, status: 'in_review' });
    expect(security.text).toContain('Still waiting for: Compliance.');
    const rejected = await ask('compliance', 'reject', 'UCOMPLY1', 'Card numbers may not be kept in Excel');
    expect(rejected).toMatchObject({ kind: 'decided', settled: true, status: 'rejected' });
    expect((await database.db.prisma.app.findUniqueOrThrow({ where: { id: app.id } })).status).toBe('rejected');
    expect((await database.db.store.audit.all()).at(-1)).toMatchObject({
      action: 'review.rejected',
      actorId: 'UCOMPLY1',
    });
    const late = await ask('security', 'approve', 'USECURITY1');
    expect(late.kind).toBe('already-decided');
    expect(late.text).toContain('was already rejected by slack:UCOMPLY1 (Compliance)');
  });

  it('approves on the first approval when the tier says any-team', async () => {
    const anyTeam = testPolicy((doc) => doc.setIn(['tiers', 'high', 'approval'], 'any-team'));
    const { app } = await registerPaymentsApp(database, 'UMAKER7');
    const outcome = await decide(database.db.store, anyTeam, {
      appId: app.id,
      appVersion: 1,
      team: 'compliance',
      decision: 'approve',
      reviewer: { platform: 'teams', userId: 'aad-comply-1' },
    });
    expect(outcome).toMatchObject({ kind: 'decided', settled: true, status: 'approved' });
  });

  it('two teams approving at the same moment both count: the app ends approved', async () => {
    const { app } = await registerPaymentsApp(database, 'UMAKER8');
    const outcomes = await Promise.all([
      decide(database.db.store, policy, {
        appId: app.id,
        appVersion: 1,
        team: 'security',
        decision: 'approve',
        reviewer: { platform: 'slack', userId: 'USECURITY1' },
      }),
      decide(database.db.store, policy, {
        appId: app.id,
        appVersion: 1,
        team: 'compliance',
        decision: 'approve',
        reviewer: { platform: 'teams', userId: 'aad-comply-1' },
      }),
    ]);
    expect(outcomes.map((outcome) => outcome.kind)).toEqual(['decided', 'decided']);
    expect(outcomes.filter((outcome) => outcome.kind === 'decided' && outcome.settled)).toHaveLength(1);
    expect((await database.db.prisma.app.findUniqueOrThrow({ where: { id: app.id } })).status).toBe('approved');
  });
});
