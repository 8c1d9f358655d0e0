// The outbox worker: retries with backoff, Retry-After on 429, dead letters after bounded attempts,
// updates that wait for the message they edit, and several workers that never deliver one message twice.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/open.ts';
import { openDatabase } from '../src/db/open.ts';
import { enqueueOutbox } from '../src/store/outbox.ts';
import { DeliveryError } from '../src/outbox/transport.ts';
import type { OutgoingMessage, OutboxTransport } from '../src/outbox/transport.ts';
import { OutboxWorker } from '../src/outbox/worker.ts';
import { openTestDatabase, testLabels } from './support/databases.ts';
import type { TestDatabase } from './support/databases.ts';

function message(key: string, extra: Record<string, unknown> = {}) {
  return {
    dedupeKey: key,
    kind: 'escalation' as const,
    platform: 'fake',
    destination: '#gov-test',
    payload: { reply: { text: key }, ...extra },
  };
}

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
    await enqueueOutbox(db, [message('a'), message('b'), message('c')]);
    const { transport, delivered } = scriptedTransport({ a: ['429', '429', 'ok'], b: ['fatal'], c: ['500', 'ok'] });
    // Backoff is shortened for the test; the schedule itself is covered by backoffMs.
    const worker = new OutboxWorker({ db, transports: [transport], maxAttempts: 5 });
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
    await enqueueOutbox(db, [message('d')]);
    const { transport } = scriptedTransport({ d: ['429', '429', '429', '429'] });
    const worker = new OutboxWorker({ db, transports: [transport], maxAttempts: 3 });
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
    await enqueueOutbox(db, [message('e')]);
    const original = await db.outboxMessage.findUniqueOrThrow({ where: { dedupeKey: 'e' } });
    await enqueueOutbox(db, [{ ...message('e-update', { updateOf: original.id }), kind: 'update' as const }]);
    const { transport, delivered } = scriptedTransport({ e: ['500'] });
    const worker = new OutboxWorker({ db, transports: [transport] });
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
    await enqueueOutbox(db, burst);
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
      const clients = [db, ...extra.map((other) => other.prisma)];
      while (clients.length < 3) clients.push(db);
      const workers = clients.map((client) => new OutboxWorker({ db: client, transports: [transport], batchSize: 7 }));
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
    await enqueueOutbox(db, [message('posted-before-crash'), message('lost-in-crash')]);
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
    await new OutboxWorker({ db, transports: [transport] }).drain();
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
    const db = database.db.prisma;
    expect(await enqueueOutbox(db, [message('once')])).toBe(1);
    expect(await enqueueOutbox(db, [message('once')])).toBe(0);
  });
});
