// Recertification with a controllable clock: one digest per owner, one reminder, then the leads once;
// answered cycles are never chased, exemptions end on their date, retired apps are left alone.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { renderReply as slackMessage } from '../adapters/slack/blocks.ts';
import { renderCard } from '../adapters/teams/cards.ts';
import { parseOutboxPayload } from '../src/chat/outbox-payload.ts';
import type { Reply } from '../src/chat/reply.ts';
import {
  MAX_APPS_WITH_BUTTONS,
  recertificationDueAt,
  recertificationItems,
  runRecertification,
} from '../src/lifecycle/recertify.ts';
import { StewardMetrics } from '../src/runtime/metrics.ts';
import { formatReference } from '../src/store/apps.ts';
import type { Store } from '../src/store/store.ts';
import type { OutboxRow } from '../src/store/types.ts';
import { pgliteOnly } from './support/databases.ts';
import type { TestDatabase } from './support/databases.ts';
import { testPolicy } from './support/policy.ts';

const policy = testPolicy();
const DAY = 86_400_000;
const SLACK = ['slack'];
/** Medium-risk apps confirmed at this time fall due 180 days later, from the start of that day. */
const CONFIRMED = new Date('2026-01-10T15:00:00Z');
const DUE = new Date('2026-07-09T00:00:00Z');
const at = (date: Date, days: number) => new Date(date.getTime() + days * DAY);

async function addApp(
  store: Store,
  owner: string,
  name: string,
  options: { tier?: string; confirmedAt?: Date; status?: 'approved' | 'in_review' } = {},
) {
  const app = await store.apps.create({
    name,
    owner: { platform: 'slack', userId: owner, displayName: owner },
    status: options.status ?? 'approved',
    tier: options.tier ?? 'medium',
  });
  await store.apps.markCertified(app.id, options.confirmedAt ?? CONFIRMED);
  return app;
}

function reply(row: OutboxRow): Reply {
  const parsed = parseOutboxPayload(row.kind, row.payload);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.payload.reply;
}

describe('recertification', () => {
  let database: TestDatabase;
  let store: Store;
  const messagesTo = (destination: string) =>
    database.db.prisma.outboxMessage.findMany({ where: { destination }, orderBy: { createdAt: 'asc' } });

  beforeEach(async () => {
    database = await pgliteOnly();
    store = database.db.store;
  });
  afterEach(async () => database?.cleanup());

  it('sends a maker with 30 due apps exactly one digest, usable on Slack and Teams, and nothing more on a second run', async () => {
    const apps = [];
    for (let index = 1; index <= 30; index += 1) apps.push(await addApp(store, 'UMAKER', `Tracker ${index}`));
    await addApp(store, 'UOTHER', 'Other one');
    await addApp(store, 'UOTHER', 'Other two');
    await addApp(store, 'ULATER', 'Confirmed later', { confirmedAt: at(CONFIRMED, 30) });

    expect(await runRecertification(store, policy, at(DUE, -0.001), SLACK)).toMatchObject({ asked: [], messages: 0 });
    const run = await runRecertification(store, policy, at(DUE, 0.4), SLACK);
    expect(run.asked).toHaveLength(2);
    expect(run.asked.find((digest) => digest.owner.userId === 'UMAKER')?.apps).toHaveLength(30);
    expect(run.messages).toBe(2);

    const toMaker = await messagesTo('user:UMAKER');
    expect(toMaker).toHaveLength(1);
    expect(toMaker[0]).toMatchObject({ platform: 'slack', kind: 'notification' });
    expect(await messagesTo('user:UOTHER')).toHaveLength(1);
    expect(await messagesTo('user:ULATER')).toHaveLength(0);
    expect(await database.db.prisma.recertification.count({ where: { ownerUserId: 'UMAKER' } })).toBe(30);

    const digest = reply(toMaker[0]!);
    for (const app of apps) expect(digest.text).toContain(formatReference(app.refNumber));
    expect(digest.buttons).toHaveLength(3 * MAX_APPS_WITH_BUTTONS);
    const first = formatReference(apps[0]!.refNumber);
    expect(digest.buttons?.slice(0, 3).map((button) => button.value)).toEqual([
      `still in use ${first}`,
      `update ${first}`,
      `retire ${first}`,
    ]);
    expect(digest.text).toContain(`The buttons cover the first ${MAX_APPS_WITH_BUTTONS}`);
    // Slack: at most 25 elements in an actions block and 50 blocks in a message.
    const slack = slackMessage(digest);
    expect(slack.blocks.length).toBeLessThanOrEqual(50);
    for (const block of slack.blocks)
      if (block.type === 'actions') expect(block.elements.length).toBeLessThanOrEqual(25);
    expect(renderCard(digest).actions).toHaveLength(3 * MAX_APPS_WITH_BUTTONS);

    // The same day again, and the next day: nothing new.
    expect(await runRecertification(store, policy, at(DUE, 0.5), SLACK)).toMatchObject({ messages: 0, asked: [] });
    expect(await runRecertification(store, policy, at(DUE, 1), SLACK)).toMatchObject({ messages: 0, asked: [] });
    expect(await messagesTo('user:UMAKER')).toHaveLength(1);
    expect(await database.db.prisma.auditEvent.count({ where: { action: 'recertification.asked' } })).toBe(32);

    // The app confirmed 30 days later falls due 30 days later, in a digest of its own (the others, long
    // unanswered by then, get their one reminder in the same run).
    const later = await runRecertification(store, policy, at(DUE, 30), SLACK);
    expect(later.asked.map((digest) => digest.owner.userId)).toEqual(['ULATER']);
    expect(later.reminded.map((digest) => digest.owner.userId).sort()).toEqual(['UMAKER', 'UOTHER']);
    expect(await messagesTo('user:ULATER')).toHaveLength(1);
  });

  it('reminds once after the reminder days, then tells the leads once and shows the app as overdue', async () => {
    await addApp(store, 'UMAKER', 'Payroll fixer');
    await addApp(store, 'UMAKER', 'Expense macro');
    const asked = at(DUE, 0.25);
    await runRecertification(store, policy, asked, SLACK);
    const days = policy.lifecycle.recertifyReminderDays;

    expect(await runRecertification(store, policy, at(asked, days - 0.01), SLACK)).toMatchObject({ messages: 0 });
    const reminded = await runRecertification(store, policy, at(asked, days), SLACK);
    expect(reminded.reminded).toEqual([{ owner: { platform: 'slack', userId: 'UMAKER' }, apps: expect.any(Array) }]);
    expect(reminded.reminded[0]!.apps).toHaveLength(2);
    const toMaker = await messagesTo('user:UMAKER');
    expect(toMaker).toHaveLength(2);
    expect(reply(toMaker[1]!).title).toBe('Reminder: 2 apps to re-confirm');
    expect(await runRecertification(store, policy, at(asked, days + 1), SLACK)).toMatchObject({ messages: 0 });

    expect(await runRecertification(store, policy, at(asked, 2 * days - 0.01), SLACK)).toMatchObject({ messages: 0 });
    const escalated = await runRecertification(store, policy, at(asked, 2 * days), SLACK);
    expect(escalated.leadsTold).toHaveLength(2);
    expect(escalated.messages).toBe(1);
    const toLeads = await messagesTo('#gov-leads');
    expect(toLeads).toHaveLength(1);
    expect(toLeads[0]!.platform).toBe('slack');
    expect(reply(toLeads[0]!).text).toContain('Payroll fixer');
    expect(reply(toLeads[0]!).text).toContain('Expense macro');

    // Never again: not to the owner, not to the leads.
    expect(await runRecertification(store, policy, at(asked, 3 * days), SLACK)).toMatchObject({ messages: 0 });
    expect(await messagesTo('user:UMAKER')).toHaveLength(2);
    expect(await messagesTo('#gov-leads')).toHaveLength(1);
    const items = await recertificationItems(store, policy, at(asked, 3 * days));
    expect(items.map((item) => [item.state, item.next])).toEqual([
      ['overdue', null],
      ['overdue', null],
    ]);
    expect(await database.db.prisma.auditEvent.count({ where: { action: 'recertification.overdue' } })).toBe(2);
  });

  it('never reminds or escalates an answered cycle', async () => {
    const kept = await addApp(store, 'UMAKER', 'Kept app');
    const silent = await addApp(store, 'UMAKER', 'Silent app');
    const asked = at(DUE, 0.25);
    await runRecertification(store, policy, asked, SLACK);

    // What the "still in use" handler does: answer the open cycle and confirm the app.
    const answeredAt = at(asked, 1);
    const open = await store.recertifications.openOf(kept.id);
    await store.recertifications.answer(open!.id, { answer: 'still-in-use', by: 'slack:UMAKER', at: answeredAt });
    await store.apps.markCertified(kept.id, answeredAt);

    const days = policy.lifecycle.recertifyReminderDays;
    const reminded = await runRecertification(store, policy, at(asked, days), SLACK);
    expect(reminded.reminded.map((digest) => digest.apps)).toEqual([[formatReference(silent.refNumber)]]);
    const reminder = reply((await messagesTo('user:UMAKER'))[1]!);
    expect(reminder.text).not.toContain('Kept app');
    expect(reminder.title).toBe(`Reminder: is ${formatReference(silent.refNumber)} still in use?`);

    const escalated = await runRecertification(store, policy, at(asked, 2 * days), SLACK);
    expect(escalated.leadsTold).toEqual([formatReference(silent.refNumber)]);
    expect(reply((await messagesTo('#gov-leads'))[0]!).text).not.toContain('Kept app');

    // Answered with everything unanswered answered too: nothing is ever chased again.
    const silentCycle = await store.recertifications.openOf(silent.id);
    await store.recertifications.answer(silentCycle!.id, { answer: 'retire', by: 'slack:UMAKER', at: at(asked, 15) });
    await store.apps.retire(silent.id, at(asked, 15));
    expect(await runRecertification(store, policy, at(asked, 60), SLACK)).toMatchObject({ messages: 0 });
    const cycle = await database.db.prisma.recertification.findFirstOrThrow({ where: { appId: kept.id } });
    expect(cycle).toMatchObject({ remindedAt: null, leadsToldAt: null, answer: 'still-in-use' });
    // The kept app falls due again a full period after its answer.
    expect(recertificationDueAt((await store.apps.byId(kept.id))!, policy)?.toISOString()).toBe(
      '2027-01-06T00:00:00.000Z',
    );
  });

  it('never chases an app updated after it was asked (the update dialogue answers no cycle itself)', async () => {
    const updated = await addApp(store, 'UMAKER', 'Updated app');
    const asked = at(DUE, 0.25);
    await runRecertification(store, policy, asked, SLACK);
    // What submitting an update does: the app counts as confirmed from then.
    await store.apps.markCertified(updated.id, at(asked, 2));

    const days = policy.lifecycle.recertifyReminderDays;
    expect(await recertificationItems(store, policy, at(asked, days))).toEqual([]);
    expect(await runRecertification(store, policy, at(asked, days), SLACK)).toMatchObject({ messages: 0 });
    expect(await runRecertification(store, policy, at(asked, 2 * days), SLACK)).toMatchObject({ messages: 0 });
    const cycle = await database.db.prisma.recertification.findFirstOrThrow({ where: { appId: updated.id } });
    expect(cycle).toMatchObject({ answer: 'updated', remindedAt: null, leadsToldAt: null });
    expect(await messagesTo('user:UMAKER')).toHaveLength(1);
  });

  it('lets an exemption expire by itself on its date', async () => {
    const app = await addApp(store, 'UMAKER', 'Exempt app');
    const until = new Date('2026-09-01T00:00:00Z');
    await store.apps.exempt(app.id, until, 'Being replaced by the new ERP');

    expect(await recertificationItems(store, policy, at(DUE, 1))).toEqual([]);
    expect(await runRecertification(store, policy, at(until, -1), SLACK)).toMatchObject({ messages: 0 });
    expect(await runRecertification(store, policy, at(until, -0.0001), SLACK)).toMatchObject({ messages: 0 });
    const onTheDay = await runRecertification(store, policy, until, SLACK);
    expect(onTheDay.asked.map((digest) => digest.apps)).toEqual([[formatReference(app.refNumber)]]);
    const cycle = await store.recertifications.openOf(app.id);
    expect(cycle?.dueAt.toISOString()).toBe(until.toISOString());
  });

  it('leaves out retired, rejected and orphaned apps', async () => {
    const retired = await addApp(store, 'UMAKER', 'Retired app');
    await store.apps.retire(retired.id, at(CONFIRMED, 10));
    const rejected = await addApp(store, 'UMAKER', 'Rejected app');
    await store.apps.setStatus(rejected.id, 'rejected');
    const orphan = await addApp(store, 'UGONE', 'Orphaned app');
    await store.apps.markOrphaned(orphan.id, at(CONFIRMED, 20));
    const active = await addApp(store, 'UMAKER', 'Active app', { status: 'in_review' });

    const run = await runRecertification(store, policy, at(DUE, 1), SLACK);
    expect(run.asked.map((digest) => digest.apps)).toEqual([[formatReference(active.refNumber)]]);
    expect(await database.db.prisma.recertification.count({ where: { appId: retired.id } })).toBe(0);
    expect(recertificationDueAt((await store.apps.byId(retired.id))!, policy)).toBeUndefined();
  });

  it('counts orphaned apps and overdue recertifications on /metrics at scrape time', async () => {
    const metrics = new StewardMetrics(store, { defaultMetrics: false });
    const gauges = async () => {
      const { body } = await metrics.render();
      return {
        orphaned: /^steward_apps_orphaned (\d+)$/mu.exec(body)?.[1],
        overdue: /^steward_recertifications_overdue (\d+)$/mu.exec(body)?.[1],
      };
    };
    expect(await gauges()).toEqual({ orphaned: '0', overdue: '0' });

    const orphan = await addApp(store, 'UGONE', 'Orphaned app');
    await store.apps.markOrphaned(orphan.id, DUE);
    const late = await addApp(store, 'UMAKER', 'Late app');
    await addApp(store, 'UMAKER', 'Answered later');
    const asked = at(DUE, 0.25);
    const days = policy.lifecycle.recertifyReminderDays;
    await runRecertification(store, policy, asked, SLACK);
    await runRecertification(store, policy, at(asked, days), SLACK);
    expect(await gauges()).toEqual({ orphaned: '1', overdue: '0' });
    await runRecertification(store, policy, at(asked, 2 * days), SLACK);
    expect(await gauges()).toEqual({ orphaned: '1', overdue: '2' });

    // An answer (or a retirement) takes it off the gauge.
    const cycle = await store.recertifications.openOf(late.id);
    await store.recertifications.answer(cycle!.id, { answer: 'retire', by: 'slack:UMAKER', at: at(asked, 15) });
    await store.apps.retire(late.id, at(asked, 15));
    expect(await gauges()).toEqual({ orphaned: '1', overdue: '1' });
  });
});
