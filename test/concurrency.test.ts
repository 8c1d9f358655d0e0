// Racing turns of one conversation: optimistic concurrency re-runs the loser on fresh state,
// so no answer is lost and none is applied twice.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/db/open.ts';
import type { Database } from '../src/db/open.ts';
import { openTestDatabase, testLabels } from './support/databases.ts';
import type { TestDatabase } from './support/databases.ts';
import { createTestSteward } from './support/steward.ts';

describe.each(testLabels())('racing turns on %s', (label) => {
  let database: TestDatabase;
  let second: Database | undefined;
  beforeAll(async () => {
    database = await openTestDatabase(label);
    // On PostgreSQL the second engine has its own connection pool, like a second instance.
    if (database.target.kind === 'postgres') second = await openDatabase(database.target, { migrate: false });
  });
  afterAll(async () => {
    await second?.close();
    await database?.cleanup();
  });

  it('two answers sent at once are both kept, one after the other', async () => {
    const one = createTestSteward(database.db.store);
    const two = createTestSteward((second ?? database.db).store);
    await one.say('register', 'rae');
    const [first, other] = await Promise.all([one.say('Alpha', 'rae'), two.say('Beta', 'rae')]);
    // One became the name, the other the description: whichever won, neither was lost.
    const replies = [first, other].join('\n');
    expect(replies).toContain('what does it do');
    expect(replies).toContain('What did you build it with?');
    const status = await one.say('status', 'rae');
    expect(status).toMatch(/registering "(Alpha|Beta)"/u);
    const conversation = await database.db.prisma.conversation.findFirstOrThrow({ where: { userId: 'rae' } });
    expect(conversation.version).toBe(4);
    const draft = (conversation.state as { intake: { draft: Record<string, string> } }).intake.draft;
    expect([draft.name, draft.description].sort()).toEqual(['Alpha', 'Beta']);
  });

  it('the same event delivered to two instances at once is handled once', async () => {
    const one = createTestSteward(database.db.store);
    const two = createTestSteward((second ?? database.db).store);
    const message = {
      platform: 'console',
      channelId: 'dm',
      user: { userId: 'sol' },
      text: 'register',
      eventId: 'evt-race',
    };
    const results = await Promise.all([one.engine.handle(message), two.engine.handle(message)]);
    expect(results.filter((result) => result.duplicate)).toHaveLength(1);
    expect(
      results
        .find((result) => !result.duplicate)
        ?.replies.map((reply) => reply.text)
        .join(),
    ).toContain("What's the app called?");
    const conversation = await database.db.prisma.conversation.findFirstOrThrow({ where: { userId: 'sol' } });
    expect(conversation.version).toBe(1);
  });

  it('forgets delivered event ids once no platform would retry them, and still ignores a recent redelivery', async () => {
    const now = Date.now();
    await database.db.prisma.processedEvent.createMany({
      data: [
        { id: 'console:Ev-two-days-old', createdAt: new Date(now - 2 * 24 * 3600_000) },
        { id: 'console:Ev-an-hour-old', createdAt: new Date(now - 3600_000) },
      ],
    });
    const steward = createTestSteward(database.db.store);
    expect(await steward.say('help', 'ivo', { eventId: 'Ev-fresh' })).toContain("I'm Steward");
    const kept = await database.db.prisma.processedEvent.findMany({ where: { id: { startsWith: 'console:Ev-' } } });
    expect(kept.map((event) => event.id).sort()).toEqual(['console:Ev-an-hour-old', 'console:Ev-fresh']);
    // A redelivery of the hour-old event is still recognised and answered with nothing.
    expect(await steward.say('help', 'ivo', { eventId: 'Ev-an-hour-old' })).toBe('');
  });
});
