// Bringing owners of unregistered apps in: one message per owner listing all their apps found in the
// inventory, answered by button or in their own words, on a real database through the conversation
// engine (the adapters' end to end runs are in test/discover-terminal.test.ts and the Slack and Teams tests).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseOutboxPayload } from '../src/chat/outbox-payload.ts';
import type { Reply } from '../src/chat/reply.ts';
import { importDiscovered } from '../src/discover/import.ts';
import type { DiscoveredInput } from '../src/discover/parse.ts';
import { runDiscoveryNudge } from '../src/discover/nudge.ts';
import { discoveryCoverage, discoveryReport } from '../src/discover/report.ts';
import { formatReference } from '../src/store/apps.ts';
import { SYSTEM_ACTOR } from '../src/store/audit.ts';
import type { Store } from '../src/store/store.ts';
import type { OutboxRow } from '../src/store/types.ts';
import { pgliteOnly } from './support/databases.ts';
import type { TestDatabase } from './support/databases.ts';
import { riskProfile } from './support/risk-profile.ts';
import type { TestSteward } from './support/steward.ts';
import { createTestSteward } from './support/steward.ts';

const NOW = new Date('2026-11-02T09:00:00Z');
const DAY = 86_400_000;

function item(externalId: string, name: string, owner: string | null, extra: Partial<DiscoveredInput> = {}) {
  return {
    externalId,
    name,
    ownerEmail: owner,
    ownerName: null,
    ownerId: null,
    environment: 'Contoso (default)',
    createdAt: new Date('2025-05-01T10:00:00Z'),
    modifiedAt: new Date('2026-10-03T10:00:00Z'),
    enabled: null,
    ...extra,
  } satisfies DiscoveredInput;
}

function reply(row: OutboxRow): Reply {
  const parsed = parseOutboxPayload(row.kind, row.payload);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.payload.reply;
}

/** A registered app with a profile, owned on Slack. */
async function registered(store: Store, name: string, owner: { userId: string; email: string }) {
  const app = await store.apps.create({
    name,
    owner: { platform: 'slack', userId: owner.userId, displayName: owner.userId, email: owner.email },
    status: 'approved',
    tier: 'low',
  });
  await store.apps.addVersion({ appId: app.id, version: 1, profile: riskProfile({ name }), createdBy: owner.userId });
  return { ...app, reference: formatReference(app.refNumber) };
}

describe('nudging the owners of unregistered apps', () => {
  let database: TestDatabase;
  let store: Store;
  let steward: TestSteward;
  const nudges = () =>
    database.db.prisma.outboxMessage.findMany({ where: { dedupeKey: { startsWith: 'discovery-nudge:' } } });
  const importItems = (items: DiscoveredInput[], at = NOW) =>
    importDiscovered(store, { source: 'power-apps', items, complete: true, actor: SYSTEM_ACTOR, at, rejected: 0 });
  const idOf = async (externalId: string) =>
    (await store.discovery.all()).find((row) => row.externalId === externalId)!.id;
  /** Says `text` as a Slack user whose e-mail address Slack gives. */
  const sayAs = (userId: string, email: string | undefined, text: string) =>
    steward.sayFull(text, userId, {
      platform: 'slack',
      user: { userId, displayName: userId, ...(email ? { email } : {}) },
    });
  const text = (replies: Reply[]) => replies.map((entry) => entry.text).join('\n---\n');
  const report = async (now = NOW) => (await discoveryReport(store, { now, neverAnsweredDays: 14 })).report;

  beforeEach(async () => {
    database = await pgliteOnly();
    store = database.db.store;
    steward = createTestSteward(store, { platforms: ['slack'] });
  });
  afterEach(async () => database.cleanup());

  it('sends each owner one message listing all their unregistered apps, once, and says who cannot be reached', async () => {
    const ana = await registered(store, 'Desk booking', { userId: 'UANA', email: 'ana@example.com' });
    await store.discovery.addExternalId({ appId: ana.id, source: 'power-apps', externalId: 'app-1' });
    const exported = [
      item('app-1', 'Desk booking', 'ana@example.com'),
      item('app-2', 'Expense Tracker', 'kim@example.com'),
      item('app-3', 'Travel requests', 'kim@example.com', { environment: 'Finance Prod' }),
      item('app-4', 'Canteen survey', 'ana@example.com'),
      item('app-5', 'Orphan app', null),
    ];
    await importItems(exported);

    const run = await runDiscoveryNudge(store, { now: NOW, deliveryPlatforms: ['slack'] });
    expect(run.sent.map((owner) => [owner.owner, owner.destination, owner.items.map((entry) => entry.name)])).toEqual([
      // Ana is known to the register by her address: her Slack id is used, with no lookup.
      ['ana@example.com', 'user:UANA', ['Canteen survey']],
      ['kim@example.com', 'email:kim@example.com', ['Expense Tracker', 'Travel requests']],
    ]);
    expect(run.unreachable).toEqual([
      {
        owner: '(no owner)',
        reason: 'the export names no owner',
        items: [{ source: 'power-apps', externalId: 'app-5', name: 'Orphan app' }],
      },
    ]);
    const rows = await nudges();
    expect(rows).toHaveLength(2);
    const kim = reply(rows.find((row) => row.destination === 'email:kim@example.com')!);
    expect(kim.text).toContain('lists 2 apps of yours that are not registered with Steward yet');
    expect(kim.text).toContain(
      '1. Expense Tracker (Power Apps, environment Contoso (default), last modified 2026-10-03)',
    );
    expect(kim.text).toContain('2. Travel requests (Power Apps, environment Finance Prod, last modified 2026-10-03)');
    expect(kim.literal).toBe(true);
    expect(kim.buttons?.map((button) => button.label)).toEqual([
      'Register: Expense Tracker',
      'Not mine: Expense Tracker',
      'Retired: Expense Tracker',
      'Register: Travel requests',
      'Not mine: Travel requests',
      'Retired: Travel requests',
    ]);
    // A second run, and a second import of the same export, send nothing new.
    await importItems(exported);
    const again = await runDiscoveryNudge(store, { now: new Date(NOW.getTime() + DAY), deliveryPlatforms: ['slack'] });
    expect(again.sent).toEqual([]);
    expect(await nudges()).toHaveLength(2);
    expect((await report()).unreachable).toEqual([
      {
        owner: '(no owner)',
        reason: 'the export names no owner',
        items: [{ source: 'power-apps', externalId: 'app-5', name: 'Orphan app', owner: null }],
      },
    ]);
  });

  it('without Slack, an owner known only by e-mail is listed as unreachable, not dropped', async () => {
    await importItems([item('app-2', 'Expense Tracker', 'kim@example.com')]);
    const run = await runDiscoveryNudge(store, { now: NOW, deliveryPlatforms: ['teams'] });
    expect(run.sent).toEqual([]);
    expect(run.unreachable.map((owner) => [owner.owner, owner.reason])).toEqual([
      ['kim@example.com', 'known only by e-mail address, and Slack is not connected'],
    ]);
    expect((await report()).unreachable[0]).toMatchObject({
      owner: 'kim@example.com',
      items: [{ name: 'Expense Tracker' }],
    });
  });

  it("the Register button starts a registration with what the export knows, and the app counts once it's registered", async () => {
    await importItems([
      item('app-2', 'Expense Tracker', 'kim@example.com'),
      item('app-3', 'Fleet log', 'lee@example.com'),
    ]);
    await runDiscoveryNudge(store, { now: NOW, deliveryPlatforms: ['slack'] });
    expect((await discoveryCoverage(store)).coverage).toBe(0);

    const started = await sayAs('UKIM', 'kim@example.com', `discovered ${await idOf('app-2')} register`);
    expect(started[0]!.text).toBe(
      'Let\'s register "Expense Tracker". From the platform inventory I have its name and that it is on Power Apps. ' +
        "It is in the environment Contoso (default). Last modified 2026-10-03. I'll ask only what it doesn't say, " +
        'and you can check everything in the summary.',
    );
    // Neither the name nor the platform is asked: the first question is what it does.
    expect(started.at(-1)!.text).toMatch(/what does it do/iu);
    const asked: string[] = [];
    for (const answer of [
      'Keeps track of expense claims before month end',
      'Finance',
      'my team',
      '8',
      'internal',
      'none',
      'no',
      'minor',
      'no',
    ])
      asked.push(text(await sayAs('UKIM', 'kim@example.com', answer)));
    expect(asked.join('\n')).not.toMatch(/What's the app called|What did you build it with/u);
    expect(asked.at(-1)).toContain('Expense Tracker');
    const submitted = text(await sayAs('UKIM', 'kim@example.com', 'yes'));
    const reference = /APP-\d{4}/u.exec(submitted)?.[0];
    expect(reference, submitted).toBeDefined();

    const after = await discoveryCoverage(store);
    expect(after).toMatchObject({ discovered: 2, registered: 1, coverage: 0.5 });
    const linked = await database.db.prisma.auditEvent.findMany({ where: { action: 'discovery.linked' } });
    expect(linked.map((event) => event.details)).toEqual([
      { how: 'registered', source: 'power-apps', externalId: 'app-2', name: 'Expense Tracker', ref: reference },
    ]);
    // Pressing the button again says it is done, and changes nothing.
    const again = text(await sayAs('UKIM', 'kim@example.com', `discovered ${await idOf('app-2')} register`));
    expect(again).toBe(`"Expense Tracker" is already registered as ${reference}.`);
  });

  it('reads "not mine", "retired", "duplicate of" and a confirmed proposal, each audited', async () => {
    const kimApp = await registered(store, 'Visitor log', { userId: 'UKIM', email: 'kim@example.com' });
    const kimRooms = await registered(store, 'Room planner', { userId: 'UKIM', email: 'kim@example.com' });
    const bens = await registered(store, 'Desk booking', { userId: 'UBEN', email: 'ben@example.com' });
    await importItems([
      item('app-2', 'Expense Tracker', 'kim@example.com'),
      item('app-3', 'Fleet log', 'kim@example.com'),
      item('app-4', 'Room planner (dev copy)', 'kim@example.com'),
      item('app-5', 'visitor-log v2', 'kim@example.com'),
    ]);
    await runDiscoveryNudge(store, { now: NOW, deliveryPlatforms: ['slack'] });
    const message = reply((await nudges())[0]!);
    expect(message.text).toContain(
      `4. visitor-log v2 (Power Apps, environment Contoso (default), last modified 2026-10-03): this looks like your ${kimApp.reference} "Visitor log"`,
    );
    expect(message.buttons?.map((button) => button.label)).toContain(`Yes, it's ${kimApp.reference}`);

    const say = async (words: string) => text(await sayAs('UKIM', 'kim@example.com', words));
    expect(await say("the expense one isn't mine, Priya built it")).toBe(
      'Thanks, noted: "Expense Tracker" is not yours. The governance team will look for the owner; I won\'t ask you again.',
    );
    expect(await say('fleet log is switched off, we use SAP now')).toContain('"Fleet log" is retired');
    // A copy of someone else's app is for its owner or the governance team to link.
    expect(await say(`#3 is a copy of ${bens.reference}`)).toBe(
      `${bens.reference} is not one of your apps, so I can't mark "Room planner (dev copy)" as its copy. Ask its owner or the governance team to link them.`,
    );
    expect(await say(`#3 is just a copy of ${kimRooms.reference.toLowerCase()}`)).toBe(
      `Thanks, noted: "Room planner (dev copy)" is ${kimRooms.reference} "Room planner", so it counts as registered.`,
    );
    expect(await say(`yep that's ${kimApp.reference}`)).toContain(`"visitor-log v2" is ${kimApp.reference}`);

    const now = await report();
    // Retired items count nowhere else; the two linked ones are registered, the disowned one is not.
    expect(now).toMatchObject({ discovered: 3, registered: 2, coverage: 0.667 });
    expect(now.notMine.map((entry) => entry.name)).toEqual(['Expense Tracker']);
    expect(now.retiredByOwner.map((entry) => entry.name)).toEqual(['Fleet log']);
    expect(now.ownerMismatch).toEqual([]);
    const audit = await database.db.prisma.auditEvent.findMany({
      where: { action: { in: ['discovery.answered', 'discovery.linked'] } },
      orderBy: { id: 'asc' },
    });
    expect(
      audit.map((event) => [
        event.action,
        event.actorId,
        (event.details as { answer?: string; how?: string }).answer ?? (event.details as { how?: string }).how,
      ]),
    ).toEqual([
      ['discovery.answered', 'UKIM', 'not-mine'],
      ['discovery.answered', 'UKIM', 'retired'],
      ['discovery.linked', 'UKIM', 'duplicate'],
      ['discovery.linked', 'UKIM', 'confirmed'],
    ]);
    // Nothing is left to answer: "not mine" now is just a message Steward does not understand.
    expect(await say('not mine')).toContain("I'm not sure what you mean");
  });

  it('asks which app when the owner names none of several, or "both": typed words settle one app at a time', async () => {
    await importItems([
      item('app-2', 'Expense Tracker', 'kim@example.com'),
      item('app-3', 'Fleet log', 'kim@example.com'),
    ]);
    await runDiscoveryNudge(store, { now: NOW, deliveryPlatforms: ['slack'] });
    const which = await sayAs('UKIM', 'kim@example.com', 'not mine');
    expect(which[0]!.text).toBe('Which of these is not yours?');
    expect(which[0]!.buttons?.map((button) => [button.label, button.value])).toEqual([
      ['Expense Tracker', `discovered ${await idOf('app-2')} not-mine`],
      ['Fleet log', `discovered ${await idOf('app-3')} not-mine`],
    ]);
    const both = await sayAs('UKIM', 'kim@example.com', 'both are retired');
    expect(both[0]!.text).toBe('Which of these is retired?');
    expect(both[0]!.buttons?.map((button) => button.value)).toEqual([
      `discovered ${await idOf('app-2')} retired`,
      `discovered ${await idOf('app-3')} retired`,
    ]);
    // "not retired" is not an answer at all.
    expect(text(await sayAs('UKIM', 'kim@example.com', "they're not retired, both still in use"))).not.toContain(
      'noted',
    );
    expect((await store.discovery.all()).map((row) => row.answer)).toEqual([null, null]);
  });

  it("nobody else can answer for an owner's app, not even with the button's value", async () => {
    await importItems([item('app-2', 'Expense Tracker', 'kim@example.com')]);
    await runDiscoveryNudge(store, { now: NOW, deliveryPlatforms: ['slack'] });
    const forged = text(await sayAs('UMALLORY', 'mallory@example.com', `discovered ${await idOf('app-2')} not-mine`));
    expect(forged).toContain("I can't find that app from the inventory among yours");
    expect(text(await sayAs('UMALLORY', 'mallory@example.com', 'retired'))).not.toContain('noted');
    expect((await store.discovery.all())[0]).toMatchObject({ answer: null, linkedAppId: null });
  });

  it('reports owners who never answered after the policy’s days, refused deliveries, and items that keep coming back', async () => {
    await importItems([
      item('app-2', 'Expense Tracker', 'kim@example.com'),
      item('app-3', 'Fleet log', 'lee@example.com'),
    ]);
    await runDiscoveryNudge(store, { now: NOW, deliveryPlatforms: ['slack'] });
    expect((await report(new Date(NOW.getTime() + 13 * DAY))).neverAnswered).toEqual([]);
    // Slack has no user with Lee's address: the delivery goes to the dead letters.
    const lee = (await nudges()).find((row) => row.destination === 'email:lee@example.com')!;
    await store.outbox.markFailed(lee.id, {
      dead: true,
      error: 'no Slack user has that e-mail address (destination email:l***@example.com)',
      uncertain: false,
      nextAttemptAt: NOW,
    });
    const later = await report(new Date(NOW.getTime() + 14 * DAY));
    expect(later.neverAnswered).toEqual([
      {
        owner: 'kim@example.com',
        nudgedAt: NOW.toISOString(),
        items: [{ source: 'power-apps', externalId: 'app-2', name: 'Expense Tracker', owner: 'kim@example.com' }],
      },
    ]);
    expect(later.unreachable).toEqual([
      {
        owner: 'lee@example.com',
        reason: 'the delivery was refused: no Slack user has that e-mail address (destination email:l***@example.com)',
        items: [{ source: 'power-apps', externalId: 'app-3', name: 'Fleet log', owner: 'lee@example.com' }],
      },
    ]);
    // Gone from one export, back in the next, twice.
    for (let round = 1; round <= 2; round++) {
      await importItems([item('app-2', 'Expense Tracker', 'kim@example.com')], new Date(NOW.getTime() + round * DAY));
      await importItems(
        [item('app-2', 'Expense Tracker', 'kim@example.com'), item('app-3', 'Fleet log', 'lee@example.com')],
        new Date(NOW.getTime() + round * DAY + 1000),
      );
    }
    expect((await report()).reappearing).toEqual([
      { source: 'power-apps', externalId: 'app-3', name: 'Fleet log', owner: 'lee@example.com', reappearances: 2 },
    ]);
  });
  it('nudges a new owner afresh when a newer export names one, and never twice when two runs race', async () => {
    await importItems([
      item('app-2', 'Expense Tracker', 'kim@example.com'),
      item('app-3', 'Fleet log', 'lee@example.com'),
    ]);
    // Two instances run the nudge at the same moment: each owner still gets one message.
    const runs = await Promise.all([
      runDiscoveryNudge(store, { now: NOW, deliveryPlatforms: ['slack'] }),
      runDiscoveryNudge(store, { now: NOW, deliveryPlatforms: ['slack'] }),
    ]);
    expect(runs.flatMap((run) => run.sent.map((owner) => owner.owner)).sort()).toEqual([
      'kim@example.com',
      'lee@example.com',
    ]);
    expect(await nudges()).toHaveLength(2);
    expect(text(await sayAs('UKIM', 'kim@example.com', 'not mine'))).toContain('is not yours');
    // The platform admin fixes the owner, and the next export says so: the new owner is asked.
    await importItems(
      [item('app-2', 'Expense Tracker', 'pat@example.com'), item('app-3', 'Fleet log', 'lee@example.com')],
      new Date(NOW.getTime() + DAY),
    );
    expect((await report()).notMine).toEqual([]);
    const next = await runDiscoveryNudge(store, { now: new Date(NOW.getTime() + DAY), deliveryPlatforms: ['slack'] });
    expect(next.sent.map((owner) => [owner.owner, owner.destination])).toEqual([
      ['pat@example.com', 'email:pat@example.com'],
    ]);
    // Kim, who was asked before, can no longer answer for it.
    expect(text(await sayAs('UKIM', 'kim@example.com', `discovered ${await idOf('app-2')} retired`))).toContain(
      "I can't find that app from the inventory among yours",
    );
  });
});
