// Escalations that always arrive, on Slack: through 429s, 5xx, timeouts and dropped connections each
// is posted exactly once; a crash mid-delivery is followed by no duplicate; and "ask a human" reaches
// the team's channel and brings the reviewer's answer back to the maker.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { FakeSlack, SlackCall } from '../../support/fake-slack.ts';
import { startFakeSlack } from '../../support/fake-slack.ts';
import { runSteward } from '../../support/processes.ts';
import type { RunningSteward } from './harness.ts';
import {
  BOT_TOKEN,
  GOV_CHANNELS,
  SlackSide,
  channelHistory,
  dmOf,
  fixture,
  richTextOf,
  startSteward,
  visibleText,
} from './harness.ts';
import { converse } from './registration-flow.ts';
import { MEDIUM_RISK_ANSWERS } from '../../support/steward.ts';

/* eslint-disable @typescript-eslint/no-explicit-any -- Slack payloads */

vi.setConfig({ testTimeout: 120_000 });

const FAST_RETRIES = { OUTBOX_POLL_MS: '50', SLACK_REQUEST_TIMEOUT_MS: '800', OUTBOX_LEASE_MS: '1500' };

async function waitUntil<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Registers an app by DM, answering every question; returns its reference. */
async function register(slack: SlackSide, fake: FakeSlack, user: string, answers: string[]): Promise<string> {
  await converse(slack, fake, user, answers);
  const done = await fake.waitFor(
    (call) =>
      call.method === 'chat.postMessage' &&
      call.response?.channel === dmOf(user) &&
      /Registered APP-\d{4}/u.test(visibleText(call)),
    {
      timeoutMs: 60_000,
      what: `${user}'s registration`,
    },
  );
  return /APP-\d{4,}/u.exec(visibleText(done))![0];
}

const MEDIUM_PRIVACY = (name: string) => ['register', name, 'Tracks customer complaints', ...MEDIUM_RISK_ANSWERS];
const CARD_DATA = (name: string) => [
  'register',
  name,
  'Takes deposits for events',
  'airtable',
  'Events',
  'team',
  '5',
  'payment card numbers',
  'none',
  'no',
  'low',
  'no',
  'sam.backup@example.com', // backup owner: card data makes it high risk
  'yes',
];

const reviewsOf = (messages: any[], reference: string) =>
  messages.filter((message) => String(message.text ?? '').includes(`Review needed: ${reference}`));

describe('escalations through a failing Slack', () => {
  let fake: FakeSlack;
  let steward: RunningSteward;
  let slack: SlackSide;
  beforeAll(async () => {
    fake = await startFakeSlack({
      botToken: BOT_TOKEN,
      channels: GOV_CHANNELS,
      users: { UFAULT1: { name: 'fay' }, UFAULT2: { name: 'fen' } },
    });
    steward = await startSteward(fake, FAST_RETRIES);
    slack = new SlackSide(steward, fake);
  });
  afterAll(async () => {
    await steward?.stop();
    await fake?.close();
  });

  it('are posted exactly once through 429, 500, a timeout and a dropped connection', async () => {
    const inChannel = (channel: string) => (args: any) => args.channel === channel;
    fake.failNext('chat.postMessage', { status: 429, retryAfterSec: 1 }, 1, inChannel('C0PRIVACY'));
    fake.failNext('chat.postMessage', { status: 500 }, 1, inChannel('C0PRIVACY'));
    // Slack posts, but answers after the client gave up: only a look at the channel prevents a second post.
    fake.failNext('chat.postMessage', { delayMs: 1500 }, 1, inChannel('C0PRIVACY'));
    fake.failNext('chat.postMessage', { drop: true }, 1, inChannel('C0SECURITY'));
    fake.failNext('chat.postMessage', { status: 503 }, 2, inChannel('C0COMPLY'));

    const complaints = await register(slack, fake, 'UFAULT1', MEDIUM_PRIVACY('Complaint log'));
    const deposits = await register(slack, fake, 'UFAULT2', CARD_DATA('Deposit taker'));

    for (const [channel, reference] of [
      ['C0PRIVACY', complaints],
      ['C0SECURITY', deposits],
      ['C0COMPLY', deposits],
    ] as const) {
      await waitUntil(`${reference} in ${channel}`, async () =>
        reviewsOf(await channelHistory(fake, channel), reference).length > 0 ? true : undefined,
      );
    }
    // Wait until every delivery has settled (an uncertain one is looked up after its backoff), then count.
    const outbox = await waitUntil('the outbox to settle', async () => {
      const listed = JSON.parse((await runSteward(['outbox', '--status', 'all', '--json'], steward.env)).stdout);
      return listed.counts.pending === undefined ? listed : undefined;
    });
    expect(reviewsOf(await channelHistory(fake, 'C0PRIVACY'), complaints)).toHaveLength(1);
    expect(reviewsOf(await channelHistory(fake, 'C0SECURITY'), deposits)).toHaveLength(1);
    expect(reviewsOf(await channelHistory(fake, 'C0COMPLY'), deposits)).toHaveLength(1);
    const attempts = fake
      .callsOf('chat.postMessage')
      .filter((call) => call.args.channel === 'C0PRIVACY' && String(call.args.text).includes(complaints));
    expect(attempts.length).toBeGreaterThanOrEqual(3);
    expect(outbox.counts.dead).toBeUndefined();
    expect(outbox.counts.pending).toBeUndefined();
  });
});

describe('a crash in the middle of a delivery', () => {
  it('is followed by no duplicate once the server is back', async () => {
    const fake = await startFakeSlack({
      botToken: BOT_TOKEN,
      channels: GOV_CHANNELS,
      users: { UCRASH1: { name: 'cy' } },
    });
    const first = await startSteward(fake, FAST_RETRIES);
    let second: RunningSteward | undefined;
    try {
      // Slack takes the post but answers slowly; the server dies before it hears back.
      fake.failNext('chat.postMessage', { delayMs: 5000 }, 1, (args) => args.channel === 'C0PRIVACY');
      const slack = new SlackSide(first, fake);
      await converse(slack, fake, 'UCRASH1', MEDIUM_PRIVACY('Crash log'));
      await fake.waitFor((call) => call.method === 'chat.postMessage' && call.args.channel === 'C0PRIVACY', {
        timeoutMs: 60_000,
        what: 'the escalation post',
      });
      await first.crash();
      const posted = await channelHistory(fake, 'C0PRIVACY');
      expect(posted).toHaveLength(1);

      second = await startSteward(fake, {}, { restartOf: first });
      const listed = await waitUntil('the outbox to settle', async () => {
        const outbox = JSON.parse((await runSteward(['outbox', '--status', 'all', '--json'], second!.env)).stdout);
        return outbox.counts.pending === undefined && outbox.counts.delivered >= 1 ? outbox : undefined;
      });
      expect(listed.counts.dead).toBeUndefined();
      // Slack was asked whether the post had arrived, and it had: no second post.
      expect(fake.callsOf('conversations.history').length).toBeGreaterThan(0);
      expect(await channelHistory(fake, 'C0PRIVACY')).toHaveLength(1);
    } finally {
      await second?.stop();
      await first.stop();
      await fake.close();
    }
  });
});

describe('ask a human, on Slack', () => {
  let fake: FakeSlack;
  let steward: RunningSteward;
  let slack: SlackSide;
  beforeAll(async () => {
    fake = await startFakeSlack({
      botToken: BOT_TOKEN,
      channels: GOV_CHANNELS,
      users: {
        UASKER1: { name: 'ada', real_name: 'Ada Asker' },
        UHELPER1: { name: 'hal', real_name: 'Hal Helper', display_name: 'Hal' },
        UREVIEWER1: { name: 'rita', real_name: 'Rita Reviewer', display_name: 'Rita' },
      },
    });
    steward = await startSteward(fake, { OUTBOX_POLL_MS: '50' });
    slack = new SlackSide(steward, fake);
  });
  afterAll(async () => {
    await steward?.stop();
    await fake?.close();
  });

  it("posts the question to the owning team's channel and relays a reviewer's thread reply to the maker", async () => {
    const question = 'Can my Zap send customer emails to Mailchimp?';
    await slack.dm('UASKER1', question);
    const answer = await fake.waitFor(
      (call) =>
        call.method === 'chat.postMessage' &&
        call.response?.channel === dmOf('UASKER1') &&
        visibleText(call).includes('Ask a human'),
      {
        what: 'the handbook answer',
      },
    );
    expect(visibleText(answer)).toMatch(/Sources:/u);
    await slack.click(answer, 'Ask a human', 'UASKER1');

    const handedOver: SlackCall = await fake.waitFor(
      (call) =>
        call.method === 'chat.postMessage' &&
        String(call.response?.channel).startsWith('C0') &&
        visibleText(call).includes('Mailchimp'),
      {
        what: "the question in the team's channel",
      },
    );
    const channel = handedOver.response.channel as string;
    const threadTs = handedOver.response.ts as string;

    const threadReply = (user: string, text: string, ts: string, eventId: string) => {
      const event = fixture('event_message_im');
      Object.assign(event.event, {
        user,
        text,
        blocks: richTextOf(text),
        channel,
        channel_type: 'channel',
        thread_ts: threadTs,
        ts,
        event_ts: ts,
      });
      event.event_id = eventId;
      return event;
    };
    // Someone in the channel who is not one of Privacy's reviewers: told privately, nothing relayed.
    const now = Math.floor(Date.now() / 1000);
    const beforeBystander = fake.calls.length;
    expect(
      (await slack.event(threadReply('UHELPER1', 'Sure, send them.', `${now}.000666`, 'EvBYSTANDER1'))).status,
    ).toBe(200);
    const refusal = await fake.waitFor(
      (call) => call.method === 'chat.postEphemeral' && call.args.user === 'UHELPER1',
      { after: beforeBystander, what: 'the bystander told privately' },
    );
    expect(refusal.args).toMatchObject({ channel, thread_ts: threadTs });
    expect(refusal.args.text).toContain("Only Privacy's reviewers' replies are passed on");

    const answerText = 'Only with a signed DPA and consent; ask procurement for the template.';
    const reply = threadReply('UREVIEWER1', answerText, `${now}.000777`, 'EvHANDOFFREPLY1');
    expect((await slack.event(reply)).status).toBe(200);
    const relayed = await fake.waitFor(
      (call) =>
        call.method === 'chat.postMessage' &&
        call.response?.channel === dmOf('UASKER1') &&
        visibleText(call).includes('signed DPA'),
      {
        what: "the reviewer's answer in the maker's DM",
      },
    );
    expect(visibleText(relayed)).toContain('Mailchimp');
    expect(
      fake
        .callsOf('chat.postMessage')
        .some((call) => call.response?.channel === dmOf('UASKER1') && visibleText(call).includes('Sure, send them')),
    ).toBe(false);

    // Slack's redelivery of the same reply is relayed once.
    await slack.event(reply, { headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' } });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(
      fake
        .callsOf('chat.postMessage')
        .filter((call) => call.response?.channel === dmOf('UASKER1') && visibleText(call).includes('signed DPA')),
    ).toHaveLength(1);

    const audit = JSON.parse((await runSteward(['audit', 'export', '--format', 'json'], steward.env)).stdout) as Array<{
      action: string;
    }>;
    expect(audit.map((event) => event.action)).toEqual(
      expect.arrayContaining(['handoff.requested', 'handoff.answered']),
    );
  });
});
