// A message that arrives under several event ids is one turn: the engine remembers the delivery's event
// id and the message's own keys together, and a turn any of whose keys it has seen does nothing, nor
// remembers anything. Runs on PGlite, and on PostgreSQL when TEST_DATABASE_URL is set.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { InboundMessage } from '../src/conversation/engine.ts';
import { openTestDatabase, testLabels } from './support/databases.ts';
import type { TestDatabase } from './support/databases.ts';
import { createTestSteward } from './support/steward.ts';

describe.each(testLabels())('message keys on %s', (label) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await openTestDatabase(label);
  });
  afterAll(async () => {
    await database?.cleanup();
  });

  const message = (user: string, fields: Partial<InboundMessage>): InboundMessage => ({
    platform: 'slack',
    channelId: `D-${user}`,
    user: { userId: user },
    text: 'help',
    ...fields,
  });
  const remembered = (id: string) => database.db.store.events.anyRemembered([id]);

  it('treats a message seen under another event id as a duplicate, and remembers none of its keys', async () => {
    const { engine } = createTestSteward(database.db.store);
    const first = await engine.handle(message('keys1', { eventId: 'EvA1', messageKeys: ['D-keys1:1.1', 'client:c1'] }));
    expect(first.duplicate).toBe(false);
    // Same client_msg_id, another event id and (say) another ts: a duplicate, rolled back whole.
    const copy = await engine.handle(message('keys1', { eventId: 'EvA2', messageKeys: ['D-keys1:1.9', 'client:c1'] }));
    expect(copy).toEqual({ replies: [], duplicate: true, stale: false });
    expect(await remembered('slack:EvA2')).toBe(false);
    expect(await remembered('slack:message:D-keys1:1.9')).toBe(false);
    expect(await remembered('slack:message:client:c1')).toBe(true);
    // So EvA2 and that ts, when they do carry a new message, are answered.
    const next = await engine.handle(message('keys1', { eventId: 'EvA2', messageKeys: ['D-keys1:1.9'] }));
    expect(next.duplicate).toBe(false);
  });

  it('looks for every key before any work when the platform says the delivery may repeat', async () => {
    const { engine } = createTestSteward(database.db.store);
    await engine.handle(message('keys2', { eventId: 'EvB1', messageKeys: ['D-keys2:2.1'] }));
    // The early look goes to the store itself; the transaction's own check to its transaction's store.
    const looked = vi.spyOn(database.db.store.events, 'anyRemembered');
    try {
      const retried = await engine.handle(
        message('keys2', { eventId: 'EvB2', messageKeys: ['D-keys2:2.1'], mayRepeat: true, text: 'register' }),
      );
      expect(retried.duplicate).toBe(true);
      // One look-up for all of them.
      expect(looked.mock.calls).toEqual([[['slack:EvB2', 'slack:message:D-keys2:2.1']]]);
    } finally {
      looked.mockRestore();
    }
    expect(await remembered('slack:EvB2')).toBe(false);
  });

  it('answers different messages, and messages without keys as before', async () => {
    const { engine } = createTestSteward(database.db.store);
    const results = [
      await engine.handle(message('keys3', { eventId: 'EvC1', messageKeys: ['D-keys3:3.1'] })),
      await engine.handle(message('keys3', { eventId: 'EvC2', messageKeys: ['D-keys3:3.2'] })),
      await engine.handle(message('keys3', { eventId: 'teams-activity-1' })),
      await engine.handle(message('keys3', { eventId: 'teams-activity-1' })),
    ];
    expect(results.map((result) => result.duplicate)).toEqual([false, false, false, true]);
  });
});
