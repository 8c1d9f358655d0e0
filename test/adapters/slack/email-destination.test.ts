// People known only by their e-mail address on Slack: outbox messages to 'email:<address>' land in the
// DM of the Slack user with that address (users.lookupByEmail, cached), an address no one has is a dead
// letter whose stored error does not hold the address, and the speaker's e-mail (users.info) reaches
// the core with their turn. Against a fake Web API over real HTTP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutboxPayload } from '../../../src/chat/outbox-payload.ts';
import type { InboundMessage } from '../../../src/conversation/engine.ts';
import { createLogger } from '../../../src/logger.ts';
import type { OutgoingMessage } from '../../../src/outbox/transport.ts';
import { OutboxWorker } from '../../../src/outbox/worker.ts';
import type { StewardPort } from '../../../src/runtime/port.ts';
import { openTestDatabase } from '../../support/databases.ts';
import type { TestDatabase } from '../../support/databases.ts';
import type { FakeSlack } from '../../support/fake-slack.ts';
import { startFakeSlack } from '../../support/fake-slack.ts';
import { memoryState } from '../../support/memory-state.ts';
import { ChannelResolver } from '../../../adapters/slack/channels.ts';
import { SlackDirectory } from '../../../adapters/slack/directory.ts';
import { createSlackTransport } from '../../../adapters/slack/transport.ts';
import { TurnRunner } from '../../../adapters/slack/turns.ts';
import { createWebClients } from '../../../adapters/slack/web.ts';
import { deliveryFailure } from '../../support/delivery-failure.ts';

const TOKEN = 'xoxb-email-destination-test';
const UNKNOWN = 'nobody.here@example.com';

let fake: FakeSlack;
beforeAll(async () => {
  fake = await startFakeSlack({
    botToken: TOKEN,
    users: {
      UPRIYA1: { name: 'priya', real_name: 'Priya Owner', email: 'priya.owner@example.com' },
      UOLAF1: { name: 'olaf', real_name: 'Olaf Ops', email: 'olaf@example.com' },
      UNOMAIL1: { name: 'nomail', real_name: 'Nora Nomail' },
    },
  });
});
afterAll(() => fake.close());

function clients() {
  return createWebClients(
    { botToken: TOKEN, apiUrl: fake.apiUrl, mode: { kind: 'http', signingSecret: 's' }, requestTimeoutMs: 2000 },
    createLogger('silent'),
  );
}

function setup() {
  const { delivery } = clients();
  return createSlackTransport(delivery, new ChannelResolver(delivery, memoryState().state));
}

const notification: OutboxPayload = {
  kind: 'notification',
  reply: { text: 'We found your app "Expenses" in the Power Platform export: please register it.' },
};

const message = (id: string, destination: string): OutgoingMessage => ({
  id,
  platform: 'slack',
  destination,
  payload: notification,
  reply: notification.reply,
  attempt: 1,
});

const lookupsOf = (email: string, after: number) =>
  fake.calls.slice(after).filter((call) => call.method === 'users.lookupByEmail' && call.args.email === email);

describe('Slack outbox to email: destinations', () => {
  it('posts in the DM of the user with that address, in any case, and looks the address up once', async () => {
    const transport = setup();
    const before = fake.calls.length;
    const first = await transport.deliver(message('e1', 'email:Priya.Owner@Example.COM'));
    expect(first.receipt).toEqual({ channel: 'DPRIYA1', ts: expect.any(String), user: 'UPRIYA1' });
    const posts = () => fake.calls.slice(before).filter((call) => call.method === 'chat.postMessage');
    expect(posts().map((call) => call.args.channel)).toEqual(['UPRIYA1']);
    expect(posts()[0]!.args.text).toContain('Expenses');

    const second = await transport.deliver(message('e2', 'email:priya.owner@example.com'));
    expect(second.receipt).toMatchObject({ channel: 'DPRIYA1', user: 'UPRIYA1' });
    expect(posts()).toHaveLength(2);
    // The second delivery used the remembered id.
    expect(fake.calls.slice(before).filter((call) => call.method === 'users.lookupByEmail')).toHaveLength(1);
    expect(lookupsOf('priya.owner@example.com', before)).toHaveLength(1);
  });

  it('refuses an address no Slack user has, without the address in the error', async () => {
    const transport = setup();
    const refused = await deliveryFailure(transport.deliver(message('e3', `email:${UNKNOWN}`)));
    expect(refused.retryable).toBe(false);
    expect(refused.message).toBe('no Slack user has that e-mail address (destination email:n***@example.com)');
    expect(refused.message).not.toContain(UNKNOWN);
    expect(refused.message).not.toContain('nobody.here');
  });

  it('retries when the lookup is rate limited or Slack fails, without the address in the error', async () => {
    const transport = setup();
    fake.failNext('users.lookupByEmail', { status: 429, retryAfterSec: 3 });
    const limited = await deliveryFailure(transport.deliver(message('e4', 'email:olaf@example.com')));
    expect([limited.retryable, limited.retryAfterMs]).toEqual([true, 3000]);
    expect(limited.message).toBe(
      'Slack users.lookupByEmail: rate limited, retry after 3 s (destination email:o***@example.com)',
    );

    fake.failNext('users.lookupByEmail', { status: 503 });
    const unavailable = await deliveryFailure(transport.deliver(message('e5', 'email:olaf@example.com')));
    expect(unavailable.retryable).toBe(true);
    expect(unavailable.message).not.toContain('olaf@example.com');

    fake.failNext('users.lookupByEmail', { error: 'missing_scope' });
    const scope = await deliveryFailure(transport.deliver(message('e6', 'email:olaf@example.com')));
    expect(scope.retryable).toBe(false);
    expect(scope.message).toContain('missing_scope');

    // A failed lookup is not remembered: the next delivery looks again and posts.
    const delivered = await transport.deliver(message('e7', 'email:olaf@example.com'));
    expect(delivered.receipt).toMatchObject({ channel: 'DOLAF1', user: 'UOLAF1' });
  });

  it('finds a message posted before a crash in the DM of the user with that address', async () => {
    const transport = setup();
    const posted = await transport.deliver(message('e8', 'email:olaf@example.com'));
    const found = await transport.findDelivered!(message('e8', 'email:OLAF@example.com'));
    expect(found).toEqual({ receipt: posted.receipt });
    expect(await transport.findDelivered!(message('never-posted', 'email:olaf@example.com'))).toBeUndefined();
  });
});

describe('the outbox worker with email: destinations on Slack', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await openTestDatabase('pglite');
  });
  afterAll(async () => database?.cleanup());

  it('delivers to a known address and dead-letters an unknown one, storing no address in the error', async () => {
    const { store, prisma } = database.db;
    await store.outbox.enqueue([
      {
        dedupeKey: 'owner-known',
        platform: 'slack',
        destination: 'email:priya.owner@example.com',
        payload: notification,
      },
      { dedupeKey: 'owner-unknown', platform: 'slack', destination: `email:${UNKNOWN}`, payload: notification },
    ]);
    const worker = new OutboxWorker({ store, transports: [setup()] });
    await worker.drain();
    const rows = await prisma.outboxMessage.findMany({
      where: { dedupeKey: { in: ['owner-known', 'owner-unknown'] } },
      orderBy: { dedupeKey: 'asc' },
    });
    expect(rows.map((row) => [row.dedupeKey, row.status, row.attempts])).toEqual([
      ['owner-known', 'delivered', 1],
      ['owner-unknown', 'dead', 1],
    ]);
    expect(rows[0]!.receipt).toEqual({ channel: 'DPRIYA1', ts: expect.any(String), user: 'UPRIYA1' });
    expect(rows[1]!.lastError).toContain('no Slack user has that e-mail address');
    expect(rows[1]!.lastError).not.toContain(UNKNOWN);
  });
});

describe("the speaker's e-mail on Slack", () => {
  function runner() {
    const { interactive } = clients();
    const received: InboundMessage[] = [];
    const memory = memoryState();
    const services = {
      state: memory.state,
      async handleTurn(inbound: InboundMessage) {
        received.push(inbound);
        return { replies: [{ text: 'Hello!' }], duplicate: false, stale: false };
      },
    } as unknown as StewardPort;
    const logger = createLogger('silent');
    return { received, turns: new TurnRunner(services, interactive, new SlackDirectory(interactive, logger), logger) };
  }

  it('reaches the core with the turn when Slack shows it, and is left out when it does not', async () => {
    const { received, turns } = runner();
    const turn = { channel: 'DPRIYA1', text: 'register', eventId: 'Ev-email-1' };
    expect(await turns.run({ ...turn, user: { id: 'UPRIYA1', username: 'priya' } })).toBe('answered');
    expect(await turns.run({ ...turn, eventId: 'Ev-email-2', user: { id: 'UNOMAIL1', username: 'nomail' } })).toBe(
      'answered',
    );
    expect(await turns.run({ ...turn, eventId: 'Ev-email-3', user: { id: 'UGONE404', username: 'gone' } })).toBe(
      'answered',
    );
    expect(received.map((inbound) => inbound.user)).toEqual([
      { userId: 'UPRIYA1', displayName: 'Priya Owner', email: 'priya.owner@example.com' },
      { userId: 'UNOMAIL1', displayName: 'Nora Nomail' },
      // users.info failed: the username, and no e-mail.
      { userId: 'UGONE404', displayName: 'gone' },
    ]);
  });
});
