// One live question per conversation, kept by the core for every platform: a click carries the `ask`
// of the question it answers, and a question that is no longer live is not answered by it. Expired
// adapter state (message ids kept for redrawing questions) reads as absent and is cleaned up.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Reply } from '../src/chat/reply.ts';
import { pgliteOnly } from './support/databases.ts';
import type { TestDatabase } from './support/databases.ts';
import { createTestSteward } from './support/steward.ts';

const question = (replies: Reply[]): Reply => {
  const asked = replies.find((reply) => reply.questionId);
  if (!asked) throw new Error(`No question in ${JSON.stringify(replies.map((reply) => reply.text))}`);
  return asked;
};

describe('stale clicks and adapter state', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await pgliteOnly();
  });
  afterAll(async () => database?.cleanup());

  it('refuses a click on a question answered since, and changes nothing; the live question still takes a click', async () => {
    const steward = createTestSteward(database.db.store);
    await steward.say('register', 'ola');
    await steward.say('Desk booking', 'ola');
    const platformQuestion = question(await steward.sayFull('Books desks in the office', 'ola'));
    expect(platformQuestion.ask).toBeDefined();
    // Answered by typing; then the old question's button is clicked after all.
    const departmentQuestion = question(await steward.sayFull('Power Apps', 'ola'));
    expect(departmentQuestion.ask).not.toBe(platformQuestion.ask);
    const click = (text: string, eventId: string, ask: string | undefined) =>
      steward.engine.handle({
        platform: 'console',
        channelId: 'dm',
        user: { userId: 'ola' },
        text,
        eventId,
        ...(ask ? { ask } : {}),
      });
    const stale = await click('Zapier', 'click-old', platformQuestion.ask);
    expect(stale).toMatchObject({ stale: true, duplicate: false });
    expect(stale.replies.map((reply) => reply.text).join('\n')).toContain('so I ignored the click');

    const live = await click('Facilities', 'click-live', departmentQuestion.ask);
    expect(live.stale).toBe(false);
    expect(live.replies.map((reply) => reply.text).join('\n')).toContain('Who will use it?');
    // The same click delivered again is a duplicate (nothing sent), not a stale click.
    const again = await click('Facilities', 'click-live', departmentQuestion.ask);
    expect(again).toMatchObject({ duplicate: true, stale: false, replies: [] });
    // The answers so far have the typed platform, not the stale click's.
    const saved = await database.db.prisma.conversation.findFirstOrThrow({ where: { userId: 'ola' } });
    const draft = (saved.state as { intake: { draft: Record<string, unknown> } }).intake.draft;
    expect(draft).toMatchObject({ platform: 'power-apps', department: 'Facilities' });
  });

  it('forgets adapter state when it expires, and keeps what has no expiry', async () => {
    const state = database.db.store.adapterState;
    const Value = z.object({ ts: z.string() });
    await state.set('slack', 'question:hour', { ts: '1' }, { ttlMs: 60 * 60 * 1000 });
    await state.set('slack', 'question:kept', { ts: '2' });
    await state.set('slack', 'question:gone', { ts: '3' }, { ttlMs: -1 });
    expect(await state.get('slack', 'question:hour', Value)).toEqual({ ts: '1' });
    expect(await state.get('slack', 'question:gone', Value)).toBeUndefined();
    expect((await state.list('slack', 'question:')).map((entry) => entry.key).sort()).toEqual([
      'question:hour',
      'question:kept',
    ]);
    expect(await state.forgetExpired()).toBe(1);
    // Two hours on, the hour-long entry is gone too; the one without expiry stays.
    expect(await state.forgetExpired(new Date(Date.now() + 2 * 60 * 60 * 1000))).toBe(1);
    expect(await database.db.prisma.platformReference.count({ where: { platform: 'slack' } })).toBe(1);
    // Written again, an entry lives again.
    await state.set('slack', 'question:gone', { ts: '4' }, { ttlMs: 60_000 });
    expect(await state.get('slack', 'question:gone', Value)).toEqual({ ts: '4' });
  });
});
