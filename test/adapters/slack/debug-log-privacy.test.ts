// With LOG_LEVEL=debug, Bolt and the Slack Web API client log every request and answer. Those lines
// go through Steward's logger, and must carry no personal data or secret: not the e-mail address or
// name users.info gives, not what the maker typed, not the bot token. The server as `npm start` runs
// it, in front of a fake Slack Web API whose users.info answers with a full profile, as Slack does.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeSlack } from '../../support/fake-slack.ts';
import { startFakeSlack } from '../../support/fake-slack.ts';
import type { RunningSteward } from './harness.ts';
import { BOT_TOKEN, GOV_CHANNELS, SIGNING_SECRET, SlackSide, dmOf, startSteward, visibleText } from './harness.ts';

const USER = 'UPRIVATE1';
const EMAIL = 'anastasia.privacy-lopez@example.org';
const REAL_NAME = 'Anastasia Privacy-Lopez';
const DISPLAY_NAME = 'Stasi Lopez';
const PHONE = '+44 7700 900461';
const TYPED = 'Zephyrine quarterly bonus ledger';

/** What Slack's users.info says of a person beyond the fake's names (https://api.slack.com/methods/users.info). */
const FULL_PROFILE = {
  email: EMAIL,
  phone: PHONE,
  title: 'Head of Payroll',
  first_name: 'Anastasia',
  last_name: 'Privacy-Lopez',
  real_name_normalized: REAL_NAME,
  display_name_normalized: DISPLAY_NAME,
  image_72: 'https://avatars.example.org/anastasia-72.png',
};

/** Passes every call to the fake, and adds the full profile to users.info answers. */
async function withFullProfiles(fake: FakeSlack): Promise<{ apiUrl: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      const upstream = await fetch(new URL(req.url!.replace(/^\/api\//u, ''), fake.apiUrl), {
        method: req.method ?? 'POST',
        headers: Object.fromEntries(
          Object.entries(req.headers).filter(
            (entry): entry is [string, string] => typeof entry[1] === 'string' && entry[0] !== 'content-length',
          ),
        ),
        body: Buffer.concat(chunks),
      });
      let body = await upstream.text();
      if (req.url?.endsWith('/users.info')) {
        const answer = JSON.parse(body);
        if (answer.user) {
          answer.user.profile = { ...answer.user.profile, ...FULL_PROFILE };
          answer.user.tz = 'Europe/London';
        }
        body = JSON.stringify(answer);
      }
      res.writeHead(upstream.status, { 'content-type': 'application/json' });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    apiUrl: `http://127.0.0.1:${port}/api/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

let fake: FakeSlack;
let proxy: { apiUrl: string; close(): Promise<void> };
let steward: RunningSteward;
let slack: SlackSide;

beforeAll(async () => {
  fake = await startFakeSlack({
    botToken: BOT_TOKEN,
    channels: GOV_CHANNELS,
    users: { [USER]: { name: 'anastasia.lopez', real_name: REAL_NAME, display_name: DISPLAY_NAME } },
  });
  proxy = await withFullProfiles(fake);
  steward = await startSteward({ ...fake, apiUrl: proxy.apiUrl }, { LOG_LEVEL: 'debug' });
  slack = new SlackSide(steward, fake);
});

afterAll(async () => {
  if (process.env.SHOW_SERVER_OUTPUT) console.log(steward?.output());
  await steward?.stop();
  await proxy?.close();
  await fake?.close();
});

async function say(text: string, expected: string): Promise<void> {
  const after = fake.calls.length;
  expect((await slack.dm(USER, text)).status).toBe(200);
  await fake.waitFor(
    (call) =>
      call.method === 'chat.postMessage' && call.args.channel === dmOf(USER) && visibleText(call).includes(expected),
    { after, what: `"${expected}"` },
  );
}

describe('debug logs of a Slack registration turn', () => {
  it('carry no e-mail address, name, typed text or token, and still say which calls were made', async () => {
    await say('register', "What's the app called?");
    await say(TYPED, 'what does it do');
    // The turn looked the maker up, and the answer named them: both went through the logged client.
    expect(fake.callsOf('users.info').length).toBeGreaterThan(0);
    // Steward logs asynchronously to a pipe: let the last lines arrive.
    await new Promise((resolve) => setTimeout(resolve, 300));

    const output = steward.output();
    for (const personal of [
      EMAIL,
      REAL_NAME,
      DISPLAY_NAME,
      PHONE,
      'Head of Payroll',
      'anastasia.lopez',
      TYPED,
      'Zephyrine',
      BOT_TOKEN,
      SIGNING_SECRET,
    ])
      expect(output, `the log shows "${personal}"`).not.toContain(personal);

    const lines = output
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const debug = lines.filter((line) => line.level === 20);
    expect(debug.some((line) => line.component === 'slack-web-api')).toBe(true);
    const said = JSON.stringify(debug);
    expect(said).toContain('users.info');
    expect(said).toContain('chat.postMessage');
    // What remains useful: ids and the outcome of each call.
    expect(said).toContain(USER);
    expect(said).toContain(dmOf(USER));
    expect(said).toContain('"ok":true');
  });
});
