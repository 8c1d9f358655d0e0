// Review SLAs with a controllable clock: reminders in the reviewers' channels, then the leads.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addBusinessDays, overdueReviews, sendSlaReminders } from '../src/review/sla.ts';
import { decide } from '../src/review/decide.ts';
import { pgliteOnly } from './support/databases.ts';
import type { TestDatabase } from './support/databases.ts';
import { testPolicy } from './support/policy.ts';
import { createTestSteward } from './support/steward.ts';

const policy = testPolicy();
const DAY = 24 * 3600 * 1000;

describe('business days', () => {
  it.each([
    ['2026-11-27T10:00:00Z', 1, '2026-11-30T10:00:00Z'], // Friday + 1 = Monday
    ['2026-11-23T10:00:00Z', 2, '2026-11-25T10:00:00Z'], // Monday + 2 = Wednesday
    ['2026-11-28T10:00:00Z', 1, '2026-11-30T10:00:00Z'], // Saturday + 1 = Monday
    ['2026-11-26T10:00:00Z', 5, '2026-12-03T10:00:00Z'], // Thursday + 5 = next Thursday
  ])('%s + %d business days = %s', (start, days, expected) => {
    expect(addBusinessDays(new Date(start), days).toISOString()).toBe(new Date(expected).toISOString());
  });
});

describe('SLA reminders', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await pgliteOnly();
  });
  afterAll(async () => database?.cleanup());

  it('reminds the channel once a high-risk review is late, then tells the leads at twice the SLA, once each', async () => {
    const steward = createTestSteward(database.db.store, { policy, platforms: ['slack'] });
    for (const answer of [
      'register',
      'Payroll fixer',
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
    ]) {
      await steward.say(answer, 'UFIN', { platform: 'slack' });
    }
    const app = await database.db.prisma.app.findFirstOrThrow({ where: { ownerUserId: 'UFIN' } });
    expect(app.tier).toBe('high');
    const submitted = (await database.db.prisma.assessment.findFirstOrThrow({ where: { appId: app.id } })).createdAt;
    const db = database.db.prisma;

    expect(await overdueReviews(database.db.store, policy, new Date(submitted.getTime() + DAY / 2))).toEqual([]);
    const dueAt = addBusinessDays(submitted, 2);
    const late = new Date(dueAt.getTime() + 1000);
    const overdue = await overdueReviews(database.db.store, policy, late);
    expect(overdue.map((review) => review.reference)).toEqual([expect.stringMatching(/^APP-\d{4}$/u)]);

    const first = await sendSlaReminders(database.db.store, policy, late, ['slack']);
    expect(first).toMatchObject({ reminders: 2, leadEscalations: 0 });
    const reminders = await db.outboxMessage.findMany({ where: { appId: app.id, kind: 'reminder' } });
    expect(reminders.map((reminder) => reminder.destination).sort()).toEqual(['#gov-compliance', '#gov-security']);
    expect(JSON.stringify(reminders[0]!.payload)).toContain('Reminder');
    expect(JSON.stringify(reminders[0]!.payload)).toContain('Approve');

    // Running again does not repeat the reminders.
    expect(await sendSlaReminders(database.db.store, policy, late, ['slack'])).toMatchObject({
      reminders: 0,
      leadEscalations: 0,
    });

    const veryLate = new Date(addBusinessDays(dueAt, 2).getTime() + 1000);
    expect(await sendSlaReminders(database.db.store, policy, veryLate, ['slack'])).toMatchObject({
      reminders: 0,
      leadEscalations: 1,
    });
    const toLeads = await db.outboxMessage.findMany({ where: { appId: app.id, destination: '#gov-leads' } });
    expect(toLeads).toHaveLength(1);
    expect(await db.auditEvent.count({ where: { appId: app.id, action: 'review.sla_breached' } })).toBe(1);
    expect(await sendSlaReminders(database.db.store, policy, veryLate, ['slack'])).toMatchObject({
      leadEscalations: 0,
    });

    // Each team reviews on its own: with Security's approval in, only Compliance is still awaited.
    await decide(database.db.store, policy, {
      appId: app.id,
      appVersion: 1,
      team: 'security',
      decision: 'approve',
      reviewer: { platform: 'slack', userId: 'USECURITY1' },
    });
    expect((await overdueReviews(database.db.store, policy, veryLate)).map((review) => review.waitingFor)).toEqual([
      ['compliance'],
    ]);
    // Once every team has decided, it is no longer overdue.
    await decide(database.db.store, policy, {
      appId: app.id,
      appVersion: 1,
      team: 'compliance',
      decision: 'approve',
      reviewer: { platform: 'slack', userId: 'UCOMPLY1' },
    });
    expect(await overdueReviews(database.db.store, policy, veryLate)).toEqual([]);
  });
});
