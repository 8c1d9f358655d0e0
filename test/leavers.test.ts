// Owners who leave: their apps go to their backup owners, who accept or hand them on; apps without a
// backup are orphaned and the governance leads name a new owner; the same person leaving twice changes
// nothing. Driven through the chat commands people use and the core's leaver entry point.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { markLeft } from '../src/lifecycle/ownership.ts';
import type { LifecycleDeps } from '../src/lifecycle/ownership.ts';
import { remindAboutOrphans } from '../src/lifecycle/orphans.ts';
import { pgliteOnly } from './support/databases.ts';
import type { TestDatabase } from './support/databases.ts';
import { testPolicy } from './support/policy.ts';
import { MEDIUM_RISK_ANSWERS, createTestSteward } from './support/steward.ts';

const policy = testPolicy();

describe('owners who leave', () => {
  let database: TestDatabase;
  let steward: ReturnType<typeof createTestSteward>;
  const deps = (): LifecycleDeps => ({
    store: database.db.store,
    policy,
    deliveryPlatforms: ['slack'],
    now: new Date(),
  });
  const say = (text: string, user: string, extra = {}) => steward.say(text, user, { platform: 'slack', ...extra });
  const appOf = (name: string) => database.db.prisma.app.findFirstOrThrow({ where: { name } });
  /** A medium-risk app registered by chat, its backup owner then set (or cleared) as the test needs. */
  async function register(owner: string, name: string, backup: { userId: string; displayName?: string } | null = null) {
    for (const line of ['register', name, `Tracks ${name.toLowerCase()} for the service desk`, ...MEDIUM_RISK_ANSWERS])
      await say(line, owner);
    const app = await appOf(name);
    await database.db.store.apps.setBackupOwner(app.id, backup && { platform: 'slack', ...backup });
    return `APP-${String(app.refNumber).padStart(4, '0')}`;
  }
  const notificationsTo = (destination: string) =>
    database.db.prisma.outboxMessage.findMany({ where: { kind: 'notification', destination } });

  beforeAll(async () => {
    database = await pgliteOnly();
    steward = createTestSteward(database.db.store, { policy, platforms: ['slack'] });
  });
  afterAll(async () => database?.cleanup());

  it('gives an app to its backup owner, who is asked to accept, and accepts it by chat', async () => {
    const reference = await register('UOLIVE', 'Visitor log', { userId: 'UBEA', displayName: 'Bea' });

    const outcome = await markLeft(deps(), { platform: 'slack', userId: 'UOLIVE' }, 'cli');
    expect(outcome).toEqual({ recorded: true, transferred: [reference], orphaned: [], backupCleared: [] });
    const moved = await appOf('Visitor log');
    expect(moved).toMatchObject({ ownerUserId: 'UBEA', backupOwnerUserId: null, orphanedAt: null });
    expect(moved.ownershipUnconfirmedSince).toBeInstanceOf(Date);
    const [asked] = await notificationsTo('user:UBEA');
    const reply = (asked!.payload as { reply: { text: string; buttons: Array<{ value: string }> } }).reply;
    expect(reply.text).toContain(`You are now the owner of ${reference} "Visitor log"`);
    expect(reply.buttons.map((button) => button.value)).toEqual([`accept ${reference}`]);

    // The button sends "accept APP-…" back as Bea's message.
    expect(await say(`accept ${reference}`, 'UBEA')).toContain(`Thanks: you own ${reference} "Visitor log" now.`);
    expect((await appOf('Visitor log')).ownershipUnconfirmedSince).toBeNull();
    // Someone else cannot accept it.
    expect(await say(`accept ${reference}`, 'UOLIVE')).toContain('is not yours to accept');
  });

  it('orphans an app without a backup, asks the leads, and a lead hands it on by mentioning someone', async () => {
    const reference = await register('UOSCAR', 'Parking permits');
    const outcome = await markLeft(deps(), { platform: 'slack', userId: 'UOSCAR' }, 'slack:user_change');
    expect(outcome.orphaned).toEqual([reference]);
    expect((await appOf('Parking permits')).orphanedAt).toBeInstanceOf(Date);
    expect((await database.db.store.apps.orphaned()).map((app) => app.name)).toContain('Parking permits');
    const toLeads = await database.db.prisma.outboxMessage.findMany({
      where: { kind: 'notification', destination: '#gov-leads' },
    });
    const texts = toLeads.map((row) => (row.payload as { reply: { text: string } }).reply.text);
    expect(texts).toContainEqual(expect.stringContaining(`${reference} "Parking permits" (medium risk) has no owner`));

    // Nobody named an owner within the tier's review SLA: the leads are reminded, once.
    const orphanedAt = (await appOf('Parking permits')).orphanedAt!;
    const soon = new Date(orphanedAt.getTime() + 60_000);
    expect(await remindAboutOrphans(database.db.store, policy, soon, ['slack'])).toBe(0);
    const late = new Date(orphanedAt.getTime() + 10 * 86_400_000);
    expect(await remindAboutOrphans(database.db.store, policy, late, ['slack'])).toBe(1);
    expect(await remindAboutOrphans(database.db.store, policy, late, ['slack'])).toBe(0);

    // A maker who is not a lead cannot take it.
    expect(await say(`hand on ${reference} to slack:UMALLORY`, 'UMALLORY')).toContain('Only the owner of');
    // A lead names the new owner with a mention, as Slack delivers it: readable text plus the user's id.
    const handed = await say(`hand on ${reference} to @Nia Novak`, 'ULEAD1', {
      mentions: [{ userId: 'UNIA', displayName: 'Nia Novak', text: '@Nia Novak' }],
    });
    expect(handed).toContain(`${reference} "Parking permits" now belongs to Nia Novak, who is asked to accept it.`);
    expect(await appOf('Parking permits')).toMatchObject({ ownerUserId: 'UNIA', orphanedAt: null });
    expect(await notificationsTo('user:UNIA')).toHaveLength(1);
    expect((await database.db.store.apps.orphaned()).map((app) => app.name)).not.toContain('Parking permits');
  });

  it('clears a leaving backup owner and asks the owner for another; leaving twice changes nothing', async () => {
    const reference = await register('UPAT', 'Shift swaps', { userId: 'UQUINN' });
    const first = await markLeft(deps(), { platform: 'slack', userId: 'UQUINN' }, 'api');
    expect(first).toEqual({ recorded: true, transferred: [], orphaned: [], backupCleared: [reference] });
    expect((await appOf('Shift swaps')).backupOwnerUserId).toBeNull();
    expect(JSON.stringify((await notificationsTo('user:UPAT')).map((row) => row.payload))).toContain(
      'the backup owner of',
    );
    const audit = await database.db.prisma.auditEvent.count();
    const outbox = await database.db.prisma.outboxMessage.count();
    expect(await markLeft(deps(), { platform: 'slack', userId: 'UQUINN' }, 'cli')).toEqual({
      recorded: false,
      transferred: [],
      orphaned: [],
      backupCleared: [],
    });
    expect(await database.db.prisma.auditEvent.count()).toBe(audit);
    expect(await database.db.prisma.outboxMessage.count()).toBe(outbox);
  });

  it('finds apps by e-mail address when that is all HR knows, and refuses to hand an app to a leaver', async () => {
    const reference = await register('URITA', 'Desk booking');
    const app = await appOf('Desk booking');
    await database.db.prisma.app.update({ where: { id: app.id }, data: { ownerEmail: 'Rita@Example.com' } });
    const outcome = await markLeft(
      deps(),
      { platform: 'email', userId: 'rita@example.com', email: 'rita@example.com' },
      'api',
    );
    expect(outcome.orphaned).toEqual([reference]);
    expect(await say(`hand on ${reference} to slack:UQUINN`, 'ULEAD1')).toContain('slack:UQUINN has left');
  });

  it('retires an app from chat, by its owner or a reviewer only, and keeps it', async () => {
    const reference = await register('USAM', 'Old survey');
    expect(await say(`retire ${reference}`, 'UNOBODY')).toContain('Only the owner');
    expect(await say(`retire ${reference}`, 'USAM')).toContain(`Retired ${reference} "Old survey"`);
    expect((await appOf('Old survey')).status).toBe('retired');
    expect(await say(`retire ${reference}`, 'USAM')).toContain('is already retired');
    expect(await database.db.prisma.auditEvent.count({ where: { action: 'app.retired', actorId: 'USAM' } })).toBe(1);
  });
});
