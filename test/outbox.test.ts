// The outbox worker: retries with backoff, Retry-After on 429, dead letters after bounded attempts,
// updates that wait for the message they edit, several workers that never deliver one message twice,
// and typed payloads: each kind read back as written, old rows without a kind still read, and a
// payload that does not parse dead-lettered with the reason.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutboxPayload } from '../src/chat/outbox-payload.ts';
import type { Database } from '../src/db/open.ts';
import { openDatabase } from '../src/db/open.ts';
import type { OutboxEntry } from '../src/store/outbox.ts';
import { DeliveryError } from '../src/outbox/transport.ts';
import type { OutgoingMessage, OutboxTransport } from '../src/outbox/transport.ts';
import { OutboxWorker } from '../src/outbox/worker.ts';
import { recordingTransport } from './support/steward.ts';
import { openTestDatabase, testLabels } from './support/databases.ts';
import type { TestDatabase } from './support/databases.ts';

function message(key: string, payload?: OutboxPayload): OutboxEntry {
  return {
    dedupeKey: key,
    platform: 'fake',
    destination: '#gov-test',
    payload: payload ?? { kind: 'escalation', reply: { text: key }, team: 'privacy', appVersion: 1 },
  };
}

/** One of each kind, as the core writes them, with the row kind each is filed under. */
const EVERY_KIND: Array<[OutboxPayload, string]> = [
  [
    {
      kind: 'escalation',
      team: 'privacy',
      appVersion: 2,
      reply: {
        title: 'Review needed: APP-0007 Tracker',
        text: 'APP-0007 "Tracker" needs a privacy review',
        fields: [
          { label: 'Risk tier', value: 'MEDIUM' },
          { label: 'Audience', value: 'department', inferred: true },
        ],
        buttons: [
          { label: 'Approve', value: 'review approve a 2 privacy', style: 'primary' },
          { label: 'Reject', value: 'review reject a 2 privacy', style: 'danger' },
        ],
        tone: 'question',
      },
    },
    'escalation',
  ],
  [{ kind: 'reminder', appVersion: 2, team: 'privacy', reply: { text: '⏰ Reminder', tone: 'warning' } }, 'reminder'],
  [{ kind: 'reminder', appVersion: 2, team: null, reply: { text: '⏰ Reminder (an old row)' } }, 'reminder'],
  [{ kind: 'notification', reply: { text: 'APP-0007 was approved', tone: 'success' } }, 'notification'],
  [{ kind: 'update', updateOf: 'row-1', reply: { text: 'APP-0007 ✅ Approved by Pia' } }, 'update'],
  [
    { kind: 'handoff-question', handoffId: 'h-1', reply: { title: 'Question for Security', text: '“May I?”' } },
    'notification',
  ],
  [
    {
      kind: 'handoff-answer',
      handoffId: 'h-1',
      channelId: 'C0GENERAL',
      threadId: '1700000000.000100',
      reply: {
        text: 'Sam answered your question',
        choices: { multiple: false, options: [{ value: 'ok', label: 'OK' }] },
      },
    },
    'notification',
  ],
  [
    { kind: 'handoff-answer', handoffId: 'h-2', channelId: 'D0DM', threadId: null, reply: { text: 'In the DM' } },
    'notification',
  ],
];

/** A transport that fails as told, per message text, and records what it delivered. */
function scriptedTransport(script: Record<string, Array<'ok' | '429' | '500' | 'fatal'>>) {
  const delivered: OutgoingMessage[] = [];
  const transport: OutboxTransport = {
    platform: 'fake',
    async deliver(outgoing) {
      const step = script[outgoing.reply.text]?.shift() ?? 'ok';
      if (step === '429') throw new DeliveryError('rate limited', true, 50);
      if (step === '500') throw new DeliveryError('server error', true);
      if (step === 'fatal') throw new DeliveryError('channel_not_found', false);
      delivered.push(outgoing);
      return { receipt: { ts: `ts-${delivered.length}` } };
    },
  };
  return { transport, delivered };
}

async function drainUntilSettled(worker: OutboxWorker, db: Database, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    await worker.drain();
    if ((await db.prisma.outboxMessage.count({ where: { status: 'pending' } })) === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('outbox did not settle');
}

describe.each(testLabels())('outbox worker on %s', (label) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await openTestDatabase(label);
  });
  afterAll(async () => database?.cleanup());

  it('retries 429s and 5xx until delivered, stores the receipt, and dead-letters permanent failures', async () => {
    const db = database.db.prisma;
    await database.db.store.outbox.enqueue([message('a'), message('b'), message('c')]);
    const { transport, delivered } = scriptedTransport({ a: ['429', '429', 'ok'], b: ['fatal'], c: ['500', 'ok'] });
    // Backoff is shortened for the test; the schedule itself is covered by backoffMs.
    const worker = new OutboxWorker({ store: database.db.store, transports: [transport], maxAttempts: 5 });
    const fastForward = setInterval(
      () => void db.outboxMessage.updateMany({ where: { status: 'pending' }, data: { nextAttemptAt: new Date(0) } }),
      20,
    );
    try {
      await drainUntilSettled(worker, database.db);
    } finally {
      clearInterval(fastForward);
    }
    expect(delivered.map((outgoing) => outgoing.reply.text).sort()).toEqual(['a', 'c']);
    const rows = await db.outboxMessage.findMany({
      where: { dedupeKey: { in: ['a', 'b', 'c'] } },
      orderBy: { dedupeKey: 'asc' },
    });
    expect(rows.map((row) => [row.dedupeKey, row.status, row.attempts])).toEqual([
      ['a', 'delivered', 3],
      ['b', 'dead', 1],
      ['c', 'delivered', 2],
    ]);
    expect(rows[0]!.receipt).toMatchObject({ ts: expect.stringMatching(/^ts-/u) });
    expect(rows[1]!.lastError).toBe('channel_not_found');
  });

  it('honours Retry-After and gives up after the bounded number of attempts', async () => {
    const db = database.db.prisma;
    await database.db.store.outbox.enqueue([message('d')]);
    const { transport } = scriptedTransport({ d: ['429', '429', '429', '429'] });
    const worker = new OutboxWorker({ store: database.db.store, transports: [transport], maxAttempts: 3 });
    await worker.drain();
    const afterFirst = await db.outboxMessage.findUniqueOrThrow({ where: { dedupeKey: 'd' } });
    expect(afterFirst.status).toBe('pending');
    // Retry-After was 50 ms: the next attempt is scheduled that far out, not at the default backoff.
    expect(afterFirst.nextAttemptAt.getTime() - Date.now()).toBeLessThan(1000);
    for (let attempt = 0; attempt < 5; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 60));
      await worker.drain();
    }
    expect(await db.outboxMessage.findUniqueOrThrow({ where: { dedupeKey: 'd' } })).toMatchObject({
      status: 'dead',
      attempts: 3,
    });
  });

  it("delivers an update only after the message it edits, with that message's receipt", async () => {
    const db = database.db.prisma;
    await database.db.store.outbox.enqueue([message('e')]);
    const original = await db.outboxMessage.findUniqueOrThrow({ where: { dedupeKey: 'e' } });
    await database.db.store.outbox.enqueue([
      message('e-update', { kind: 'update', reply: { text: 'e-update' }, updateOf: original.id }),
    ]);
    const { transport, delivered } = scriptedTransport({ e: ['500'] });
    const worker = new OutboxWorker({ store: database.db.store, transports: [transport] });
    await worker.drain();
    // The original failed once, so the update must wait rather than post an edit of nothing.
    expect(delivered).toEqual([]);
    await db.outboxMessage.updateMany({
      where: { dedupeKey: { in: ['e', 'e-update'] } },
      data: { nextAttemptAt: new Date(0) },
    });
    await worker.drain();
    await db.outboxMessage.updateMany({
      where: { dedupeKey: 'e-update', status: 'pending' },
      data: { nextAttemptAt: new Date(0) },
    });
    await worker.drain();
    expect(delivered.map((outgoing) => outgoing.reply.text)).toEqual(['e', 'e-update']);
    expect(delivered[1]!.original).toMatchObject({ id: original.id, receipt: { ts: expect.any(String) } });
  });

  it('never delivers a message twice when several workers drain a burst of 200 at once', async () => {
    const db = database.db.prisma;
    const burst = Array.from({ length: 200 }, (_, index) => message(`burst-${index}`));
    await database.db.store.outbox.enqueue(burst);
    // On PostgreSQL each worker has its own connection pool, like separate instances.
    const extra: Database[] =
      database.target.kind === 'postgres'
        ? await Promise.all([
            openDatabase(database.target, { migrate: false }),
            openDatabase(database.target, { migrate: false }),
          ])
        : [];
    try {
      const delivered: string[] = [];
      const transport: OutboxTransport = {
        platform: 'fake',
        async deliver(outgoing) {
          await new Promise((resolve) => setTimeout(resolve, 1));
          delivered.push(outgoing.reply.text);
          return {};
        },
      };
      const stores = [database.db.store, ...extra.map((other) => other.store)];
      while (stores.length < 3) stores.push(database.db.store);
      const workers = stores.map((store) => new OutboxWorker({ store, transports: [transport], batchSize: 7 }));
      await Promise.all(workers.map((worker) => worker.drain()));
      const burstDelivered = delivered.filter((text) => text.startsWith('burst-'));
      expect(burstDelivered).toHaveLength(200);
      expect(new Set(burstDelivered).size).toBe(200);
      expect(
        await db.outboxMessage.count({ where: { dedupeKey: { startsWith: 'burst-' }, status: 'delivered' } }),
      ).toBe(200);
    } finally {
      for (const other of extra) await other.close();
    }
  });

  it('after a crash mid-delivery, asks the platform before posting again', async () => {
    const db = database.db.prisma;
    await database.db.store.outbox.enqueue([message('posted-before-crash'), message('lost-in-crash')]);
    // Both were claimed by a process that died: its lease has run out and no outcome was recorded.
    await db.outboxMessage.updateMany({
      where: { dedupeKey: { in: ['posted-before-crash', 'lost-in-crash'] } },
      data: { attempts: 1, lockedUntil: new Date(Date.now() - 1000) },
    });
    const onPlatform = new Set<string>();
    const posted: string[] = [];
    const transport: OutboxTransport = {
      platform: 'fake',
      async deliver(outgoing) {
        posted.push(outgoing.reply.text);
        return { receipt: { ts: 'new' } };
      },
      async findDelivered(outgoing) {
        return onPlatform.has(outgoing.id) ? { receipt: { ts: 'found' } } : undefined;
      },
    };
    onPlatform.add((await db.outboxMessage.findUniqueOrThrow({ where: { dedupeKey: 'posted-before-crash' } })).id);
    await new OutboxWorker({ store: database.db.store, transports: [transport] }).drain();
    expect(posted).toEqual(['lost-in-crash']);
    const rows = await db.outboxMessage.findMany({
      where: { dedupeKey: { in: ['posted-before-crash', 'lost-in-crash'] } },
      orderBy: { dedupeKey: 'asc' },
    });
    expect(rows.map((row) => [row.dedupeKey, row.status, (row.receipt as { ts: string }).ts])).toEqual([
      ['lost-in-crash', 'delivered', 'new'],
      ['posted-before-crash', 'delivered', 'found'],
    ]);
  });

  it('writes a message once, however often the same change is retried', async () => {
    expect(await database.db.store.outbox.enqueue([message('once')])).toBe(1);
    expect(await database.db.store.outbox.enqueue([message('once')])).toBe(0);
  });

  it('reads every kind back as it was written, filed under its row kind', async () => {
    const db = database.db.prisma;
    const entries = EVERY_KIND.map(([payload], index) => ({
      ...message(`kind-${index}`, payload),
      platform: 'typed-kinds',
    }));
    // The original of the update is delivered first, as the worker requires.
    const original = { ...message('kind-original'), platform: 'typed-kinds' };
    await database.db.store.outbox.enqueue([original]);
    const originalId = (await db.outboxMessage.findUniqueOrThrow({ where: { dedupeKey: 'kind-original' } })).id;
    const withOriginal = entries.map((entry) =>
      entry.payload.kind === 'update' ? { ...entry, payload: { ...entry.payload, updateOf: originalId } } : entry,
    );
    await database.db.store.outbox.enqueue(withOriginal);
    const rows = await db.outboxMessage.findMany({ where: { dedupeKey: { startsWith: 'kind-' } } });
    const rowKind = new Map(rows.map((row) => [row.dedupeKey, row.kind]));
    expect(EVERY_KIND.map((_, index) => rowKind.get(`kind-${index}`))).toEqual(EVERY_KIND.map(([, kind]) => kind));

    const delivered: OutgoingMessage[] = [];
    await new OutboxWorker({
      store: database.db.store,
      transports: [recordingTransport('typed-kinds', delivered)],
    }).drain();
    const byId = new Map(rows.map((row) => [row.id, row.dedupeKey]));
    const payloadOf = new Map(delivered.map((outgoing) => [byId.get(outgoing.id), outgoing]));
    for (const [index, entry] of withOriginal.entries()) {
      expect(payloadOf.get(`kind-${index}`)?.payload).toEqual(entry.payload);
      expect(payloadOf.get(`kind-${index}`)?.reply).toEqual(entry.payload.reply);
    }
    expect(delivered.find((outgoing) => outgoing.payload.kind === 'update')?.original).toMatchObject({
      id: originalId,
    });
  });

  it('reads rows written before payloads carried their kind, by the row kind and their fields', async () => {
    const db = database.db.prisma;
    const reply = { text: 'written by an older Steward' };
    // Exactly what earlier versions of the outbox stored.
    const legacy: Array<[string, object, string]> = [
      ['escalation', { team: 'privacy', appVersion: 1, reply }, 'escalation'],
      ['reminder', { team: 'leads', appVersion: 1, reply }, 'reminder'],
      ['reminder', { team: null, appVersion: 1, reply }, 'reminder'],
      ['notification', { reply }, 'notification'],
      ['notification', { reply, handoffId: 'h-9' }, 'handoff-question'],
      ['notification', { reply, handoffId: 'h-9', threadId: null, channelId: 'D0DM' }, 'handoff-answer'],
      ['update', { reply, updateOf: 'legacy-original' }, 'update'],
    ];
    await db.outboxMessage.create({
      data: {
        id: 'legacy-original',
        dedupeKey: 'legacy-original',
        kind: 'escalation',
        platform: 'typed-legacy',
        destination: '#gov-test',
        payload: { team: 'privacy', appVersion: 1, reply },
      },
    });
    await new OutboxWorker({ store: database.db.store, transports: [recordingTransport('typed-legacy', [])] }).drain();
    await db.outboxMessage.createMany({
      data: legacy.map(([kind, payload], index) => ({
        dedupeKey: `legacy-${index}`,
        kind,
        platform: 'typed-legacy',
        destination: '#gov-test',
        payload,
      })),
    });
    const delivered: OutgoingMessage[] = [];
    await new OutboxWorker({
      store: database.db.store,
      transports: [recordingTransport('typed-legacy', delivered)],
    }).drain();
    expect(delivered.map((outgoing) => outgoing.payload.kind).sort()).toEqual(legacy.map(([, , kind]) => kind).sort());
    expect(delivered.find((outgoing) => outgoing.payload.kind === 'handoff-answer')?.payload).toEqual({
      kind: 'handoff-answer',
      reply,
      handoffId: 'h-9',
      threadId: null,
      channelId: 'D0DM',
    });
    expect(await db.outboxMessage.count({ where: { platform: 'typed-legacy', status: { not: 'delivered' } } })).toBe(0);
  });

  it('dead-letters a payload that does not parse, saying why, and delivers the rest', async () => {
    const db = database.db.prisma;
    const row = (dedupeKey: string, kind: string, payload: object) => ({
      dedupeKey,
      kind,
      platform: 'typed-bad',
      destination: '#gov-test',
      payload,
    });
    await db.outboxMessage.createMany({
      data: [
        row('bad-update', 'update', { kind: 'update', reply: { text: 'edit what?' } }),
        row('bad-version', 'escalation', { team: 'privacy', appVersion: 'two', reply: { text: 'x' } }),
        row('bad-tone', 'notification', { kind: 'notification', reply: { text: 'x', tone: 'loud' } }),
        row('bad-row-kind', 'notification', {
          kind: 'escalation',
          team: 'privacy',
          appVersion: 1,
          reply: { text: 'x' },
        }),
        row('bad-kind', 'notification', { kind: 'telegram', reply: { text: 'x' } }),
      ],
    });
    await database.db.store.outbox.enqueue([{ ...message('good-one'), platform: 'typed-bad' }]);
    const delivered: OutgoingMessage[] = [];
    const events: string[] = [];
    const worker = new OutboxWorker({
      store: database.db.store,
      transports: [recordingTransport('typed-bad', delivered)],
      onEvent: (event) => events.push(event.type),
    });
    await worker.drain();
    expect(delivered.map((outgoing) => outgoing.reply.text)).toEqual(['good-one']);
    expect(events.sort()).toEqual(['dead', 'dead', 'dead', 'dead', 'dead', 'delivered']);
    const dead = await db.outboxMessage.findMany({
      where: { platform: 'typed-bad', status: 'dead' },
      orderBy: { dedupeKey: 'asc' },
    });
    expect(dead.map((message) => [message.dedupeKey, message.attempts, message.lastError])).toEqual([
      [
        'bad-kind',
        1,
        "Outbox payload does not parse as kind \"notification\": kind: Invalid discriminator value. Expected 'escalation' | 'reminder' | 'notification' | 'update' | 'handoff-question' | 'handoff-answer' | 'review-digest'",
      ],
      [
        'bad-row-kind',
        1,
        'Outbox payload does not parse as kind "notification": a "escalation" payload belongs in a row of kind "escalation"',
      ],
      [
        'bad-tone',
        1,
        'Outbox payload does not parse as kind "notification": reply.tone: Invalid option: expected one of "question"|"info"|"success"|"warning"|"error"',
      ],
      [
        'bad-update',
        1,
        'Outbox payload does not parse as kind "update": updateOf: Invalid input: expected string, received undefined',
      ],
      [
        'bad-version',
        1,
        'Outbox payload does not parse as kind "escalation": appVersion: Invalid input: expected number, received string',
      ],
    ]);
  });

  it('refuses to queue a payload that does not fit its kind', async () => {
    const db = database.db.prisma;
    const unfit: OutboxPayload = { kind: 'escalation', team: 'privacy', appVersion: 1.5, reply: { text: 'x' } };
    await expect(database.db.store.outbox.enqueue([message('unfit', unfit)])).rejects.toThrow(/appVersion/u);
    expect(await db.outboxMessage.count({ where: { dedupeKey: 'unfit' } })).toBe(0);
  });
});
