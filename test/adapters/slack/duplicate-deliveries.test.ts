// One Slack message is one turn, however many times and under however many event ids Slack delivers
// it: redelivered with a new event_id, or sent both as `message` and as `app_mention`. The server as
// `npm start` runs it, a fake Slack Web API, and requests signed as Slack signs them.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeSlack, SlackCall } from '../../support/fake-slack.ts';
import { startFakeSlack } from '../../support/fake-slack.ts';
import type { RunningSteward } from './harness.ts';
import { BOT_TOKEN, GOV_CHANNELS, SlackSide, dmOf, fixture, richTextOf, startSteward, visibleText } from './harness.ts';

const CHANNEL = 'C0GENERAL';

let fake: FakeSlack;
let steward: RunningSteward;
let slack: SlackSide;

beforeAll(async () => {
  fake = await startFakeSlack({
    botToken: BOT_TOKEN,
    channels: [...GOV_CHANNELS, { id: CHANNEL, name: 'general' }],
    users: { UDUPDM1: { name: 'dee' }, UDUPCH1: { name: 'cho' }, UDUPTWO1: { name: 'tom' } },
  });
  steward = await startSteward(fake);
  slack = new SlackSide(steward, fake);
});

afterAll(async () => {
  if (process.env.SHOW_SERVER_OUTPUT) console.log(steward?.output());
  await steward?.stop();
  await fake?.close();
});

/** Conversation turns the core has run, by outcome: from /metrics (steward_turns_total). */
async function turns(): Promise<{ ok: number; duplicate: number }> {
  const metrics = await (await fetch(`${steward.url}/metrics`)).text();
  const count = (outcome: string) => {
    const line = metrics
      .split('\n')
      .find(
        (candidate) =>
          candidate.startsWith('steward_turns_total{') &&
          candidate.includes('platform="slack"') &&
          candidate.includes(`outcome="${outcome}"`),
      );
    return line ? Number(line.split(' ').at(-1)) : 0;
  };
  return { ok: count('ok'), duplicate: count('duplicate') };
}

/** Waits until the core has run `runs` more turns (answered or found duplicate) than `before`. */
async function untilTurns(before: { ok: number; duplicate: number }, runs: number) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const now = await turns();
    if (now.ok + now.duplicate - before.ok - before.duplicate >= runs) {
      // A turn's replies are posted after the core answers; give them a moment to land.
      await new Promise((resolve) => setTimeout(resolve, 500));
      const settled = await turns();
      return { ok: settled.ok - before.ok, duplicate: settled.duplicate - before.duplicate };
    }
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${runs} turns:\n${steward.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function repliesIn(channel: string, after: number): SlackCall[] {
  return fake.calls.slice(after).filter((call) => call.method === 'chat.postMessage' && call.args.channel === channel);
}

const newEventId = () => `Ev${randomUUID().replaceAll('-', '').slice(0, 10).toUpperCase()}`;
const retried = { headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' } };

describe('a DM message Slack delivers more than once', () => {
  it('is one turn when it comes again under another event id, with or without a retry header', async () => {
    const user = 'UDUPDM1';
    const before = await turns();
    const calls = fake.calls.length;
    const first = await slack.dm(user, 'register');
    await fake.waitFor(
      (call) => call.method === 'chat.postMessage' && visibleText(call).includes("What's the app called?"),
      {
        after: calls,
      },
    );
    // The same message (same channel, ts and client_msg_id) with new event ids.
    expect((await slack.event({ ...first.envelope, event_id: newEventId() })).status).toBe(200);
    expect((await slack.event({ ...first.envelope, event_id: newEventId() }, retried)).status).toBe(200);

    expect(await untilTurns(before, 3)).toEqual({ ok: 1, duplicate: 2 });
    // One turn's replies (a greeting and the first question), each posted once.
    const replies = repliesIn(dmOf(user), calls).map(visibleText);
    expect(replies.filter((text) => text.includes("What's the app called?"))).toHaveLength(1);
    expect(replies.filter((text) => text.includes("Let's register your app"))).toHaveLength(1);
    expect(new Set(replies).size).toBe(replies.length);
  });

  it('is one turn when both deliveries arrive at once, and the conversation moves on one step', async () => {
    const user = 'UDUPDM1';
    const before = await turns();
    const calls = fake.calls.length;
    const envelope = fixture('event_message_im');
    const ts = `${Math.floor(Date.now() / 1000)}.424242`;
    Object.assign(envelope.event, {
      user,
      text: 'Expense helper',
      blocks: richTextOf('Expense helper'),
      channel: dmOf(user),
      ts,
      event_ts: ts,
      client_msg_id: randomUUID(),
    });
    const responses = await Promise.all([
      slack.event({ ...envelope, event_id: newEventId() }),
      slack.event({ ...envelope, event_id: newEventId() }),
    ]);
    expect(responses.map((response) => response.status)).toEqual([200, 200]);

    expect(await untilTurns(before, 2)).toEqual({ ok: 1, duplicate: 1 });
    // Taken twice, the name would also have answered the next question ("what does it do").
    const replies = repliesIn(dmOf(user), calls).map(visibleText);
    expect(replies).toHaveLength(1);
    expect(replies[0]).toContain('what does it do');
  });
});

describe('a channel message Slack sends as app_mention and as message', () => {
  it('is answered once in its thread, also when the mention is redelivered under another event id', async () => {
    const user = 'UDUPCH1';
    const before = await turns();
    const calls = fake.calls.length;
    const ts = `${Math.floor(Date.now() / 1000)}.515151`;
    const event = {
      user,
      text: '<@U0STEWARD> help',
      blocks: richTextOf('<@U0STEWARD> help'),
      channel: CHANNEL,
      ts,
      event_ts: ts,
      client_msg_id: randomUUID(),
    };
    const mention = fixture('event_app_mention');
    Object.assign(mention.event, event);
    mention.event_id = newEventId();
    const message = fixture('event_message_im');
    Object.assign(message.event, { ...event, channel_type: 'channel' });
    message.event_id = newEventId();

    expect((await slack.event(mention)).status).toBe(200);
    expect((await slack.event(message)).status).toBe(200);
    expect((await slack.event({ ...mention, event_id: newEventId() })).status).toBe(200);
    expect((await slack.event({ ...mention, event_id: newEventId() }, retried)).status).toBe(200);

    // The `message` copy is not a turn at all (channel messages outside threads are not); the mention
    // and its two redeliveries reach the core, which answers the first only.
    expect(await untilTurns(before, 3)).toEqual({ ok: 1, duplicate: 2 });
    const replies = repliesIn(CHANNEL, calls);
    expect(replies).toHaveLength(1);
    expect(replies[0]!.args.thread_ts).toBe(ts);
    expect(visibleText(replies[0]!)).toContain('I register the apps you build');
  });
});

describe('different messages', () => {
  it('each get an answer, though their words are the same', async () => {
    const user = 'UDUPTWO1';
    const before = await turns();
    const calls = fake.calls.length;
    await slack.dm(user, 'help');
    await slack.dm(user, 'help');
    const mentions = ['.616161', '.626262'].map((fraction) => {
      const mention = fixture('event_app_mention');
      const ts = `${Math.floor(Date.now() / 1000)}${fraction}`;
      Object.assign(mention.event, { user, channel: CHANNEL, ts, event_ts: ts, client_msg_id: randomUUID() });
      mention.event_id = newEventId();
      return mention;
    });
    for (const mention of mentions) expect((await slack.event(mention)).status).toBe(200);

    expect(await untilTurns(before, 4)).toEqual({ ok: 4, duplicate: 0 });
    expect(repliesIn(dmOf(user), calls)).toHaveLength(2);
    expect(repliesIn(CHANNEL, calls).map((call) => call.args.thread_ts)).toEqual(
      mentions.map((mention) => mention.event.ts),
    );
  });
});
