import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutboxPayload } from '../../../src/chat/outbox-payload.ts';
import type { Reply } from '../../../src/chat/reply.ts';
import { createLogger } from '../../../src/logger.ts';
import type { OutgoingMessage } from '../../../src/outbox/transport.ts';
import { memoryState } from '../../support/memory-state.ts';
import type { FakeSlack } from '../../support/fake-slack.ts';
import { startFakeSlack } from '../../support/fake-slack.ts';
import { ChannelResolver } from '../../../adapters/slack/channels.ts';
import { createSlackTransport } from '../../../adapters/slack/transport.ts';
import { createWebClients } from '../../../adapters/slack/web.ts';
import { deliveryFailure } from '../../support/delivery-failure.ts';

// The outbox transport against a fake Web API: where messages go, and how failures map to retries.

const TOKEN = 'xoxb-transport-test';
const reply: Reply = {
  title: 'Review needed: APP-0007 Tracker',
  text: 'Review needed: APP-0007 Tracker',
  buttons: [{ label: 'Approve', value: 'review approve a 1 privacy', style: 'primary' }],
};

let fake: FakeSlack;
beforeAll(async () => {
  fake = await startFakeSlack({
    botToken: TOKEN,
    channels: [
      { id: 'C0GENERAL', name: 'general' },
      { id: 'C0RANDOM1', name: 'random' },
      { id: 'C0SECURITY', name: 'gov-security' },
      { id: 'C0PRIVACY', name: 'gov-privacy', is_private: true },
    ],
  });
});
afterAll(() => fake.close());

function setup(token = TOKEN) {
  const { delivery } = createWebClients(
    { botToken: token, apiUrl: fake.apiUrl, mode: { kind: 'http', signingSecret: 's' }, requestTimeoutMs: 2000 },
    createLogger('silent'),
  );
  const memory = memoryState();
  return { transport: createSlackTransport(delivery, new ChannelResolver(delivery, memory.state)), rows: memory.rows };
}

const escalation: OutboxPayload = { kind: 'escalation', reply, team: 'privacy', appVersion: 1 };

const message = (overrides: Partial<OutgoingMessage> = {}, payload: OutboxPayload = escalation): OutgoingMessage => ({
  id: 'o1',
  platform: 'slack',
  destination: '#gov-privacy',
  payload,
  reply: payload.reply,
  attempt: 1,
  ...overrides,
});

describe('Slack outbox transport', () => {
  it('posts to a channel by name, found across pages of conversations.list and remembered', async () => {
    const { transport, rows } = setup();
    const before = fake.calls.length;
    const { receipt } = await transport.deliver(message());
    expect(receipt).toEqual({ channel: 'C0PRIVACY', ts: expect.any(String) });
    const calls = fake.calls.slice(before);
    expect(calls.filter((call) => call.method === 'conversations.list')).toHaveLength(2);
    expect(calls.find((call) => call.method === 'chat.postMessage')?.args).toMatchObject({
      channel: 'C0PRIVACY',
      text: reply.text,
    });
    expect(rows.get('slack/channel:#gov-privacy')).toEqual({ id: 'C0PRIVACY' });
    await transport.deliver(message());
    expect(fake.calls.slice(before).filter((call) => call.method === 'conversations.list')).toHaveLength(2);
  });

  it("posts notifications to the user's DM and edits an earlier message by its receipt", async () => {
    const { transport } = setup();
    const notified = await transport.deliver(message({ destination: 'user:UMAKER9' }, { kind: 'notification', reply }));
    expect(notified.receipt).toMatchObject({ channel: 'DMAKER9' });
    const original = await transport.deliver(message({ destination: 'C0SECURITY' }));
    const before = fake.calls.length;
    const updated = await transport.deliver(
      message(
        { destination: 'C0SECURITY', original: { id: 'o1', destination: 'C0SECURITY', receipt: original.receipt! } },
        { kind: 'update', reply: { text: 'Approved' }, updateOf: 'o1' },
      ),
    );
    expect(updated.receipt).toEqual(original.receipt);
    expect(fake.calls.slice(before).map((call) => [call.method, call.args.ts])).toEqual([
      ['chat.update', original.receipt!.ts],
    ]);
    // Without a receipt, or when the original is gone, the update is posted as a new message.
    const gone = await transport.deliver(
      message(
        {
          destination: 'C0SECURITY',
          original: { id: 'o2', destination: 'C0SECURITY', receipt: { channel: 'C0SECURITY', ts: '1.2' } },
        },
        { kind: 'update', reply: { text: 'Approved' }, updateOf: 'o2' },
      ),
    );
    expect(gone.receipt?.ts).not.toBe('1.2');
  });

  it("relays a reviewer's answer into the channel thread where the maker asked, else to their DM", async () => {
    const { transport } = setup();
    const answer = (channelId: string, threadId: string | null): OutboxPayload => ({
      kind: 'handoff-answer',
      reply: { text: 'Yes, with Stripe Checkout.' },
      handoffId: 'h1',
      channelId,
      threadId,
    });
    const before = fake.calls.length;
    await transport.deliver(
      message({ id: 'a1', destination: 'user:UMAKER9' }, answer('C0GENERAL', '1700000000.000100')),
    );
    await transport.deliver(message({ id: 'a2', destination: 'user:UMAKER9' }, answer('DMAKER9', '1700000000.000200')));
    await transport.deliver(message({ id: 'a3', destination: 'user:UMAKER9' }, answer('C0GENERAL', null)));
    const posts = fake.calls.slice(before).filter((call) => call.method === 'chat.postMessage');
    expect(posts.map((call) => [call.args.channel, call.args.thread_ts])).toEqual([
      ['C0GENERAL', '1700000000.000100'],
      ['UMAKER9', undefined],
      ['UMAKER9', undefined],
    ]);
  });

  it('maps 429 to a retry after Retry-After, 5xx and timeouts to retries, refusals to dead letters', async () => {
    const { transport } = setup();
    fake.failNext('chat.postMessage', { status: 429, retryAfterSec: 7 });
    const limited = await deliveryFailure(transport.deliver(message({ destination: 'C0SECURITY' })));
    expect([limited.retryable, limited.retryAfterMs]).toEqual([true, 7000]);

    fake.failNext('chat.postMessage', { status: 503 });
    expect((await deliveryFailure(transport.deliver(message({ destination: 'C0SECURITY' })))).retryable).toBe(true);

    fake.failNext('chat.postMessage', { error: 'not_in_channel' });
    const notIn = await deliveryFailure(transport.deliver(message({ destination: 'C0SECURITY' })));
    expect(notIn.retryable).toBe(false);
    expect(notIn.message).toContain(
      'not_in_channel: Steward is not a member of the channel: invite it with /invite @Steward',
    );

    const missing = await deliveryFailure(transport.deliver(message({ destination: '#gov-nowhere' })));
    expect([missing.retryable, missing.message]).toEqual([
      false,
      'Slack channel #gov-nowhere not found: create it, or invite @Steward if it is private',
    ]);
  });

  it('refuses with a clear message and without the token when Slack rejects it', async () => {
    const { transport } = setup('xoxb-revoked-token-42');
    const refused = await deliveryFailure(transport.deliver(message({ destination: 'C0SECURITY' })));
    expect(refused.retryable).toBe(false);
    expect(refused.message).toContain('invalid_auth: Slack refused the bot token: check SLACK_BOT_TOKEN');
    expect(refused.message).not.toContain('xoxb-revoked-token-42');
  });

  it('retries when the Web API cannot be reached', async () => {
    const { delivery } = createWebClients(
      {
        botToken: TOKEN,
        apiUrl: 'http://127.0.0.1:9/api/',
        mode: { kind: 'http', signingSecret: 's' },
        requestTimeoutMs: 2000,
      },
      createLogger('silent'),
    );
    const transport = createSlackTransport(delivery, new ChannelResolver(delivery, memoryState().state));
    const unreachable = await deliveryFailure(transport.deliver(message({ destination: 'C0SECURITY' })));
    expect(unreachable.retryable).toBe(true);
    expect(unreachable.message).toMatch(/could not reach the Web API/u);
  });
});
