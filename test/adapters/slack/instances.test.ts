// Several instances on one PostgreSQL behind a round-robin balancer: a conversation continues from
// instance to instance, and a burst of 200 escalations is delivered with no duplicate and no loss.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { postgresTestUrl } from '../../support/databases.ts';
import type { FakeSlack } from '../../support/fake-slack.ts';
import { startFakeSlack } from '../../support/fake-slack.ts';
import { runSteward } from '../../support/processes.ts';
import type { RunningSteward } from './harness.ts';
import { BOT_TOKEN, GOV_CHANNELS, SlackSide, channelHistory, dmOf, startSteward, visibleText } from './harness.ts';

vi.setConfig({ testTimeout: 180_000, hookTimeout: 120_000 });

/** Sends each request to the next instance in turn, as a round-robin load balancer does. */
async function roundRobin(targets: string[]): Promise<{ url: string; served: number[]; close(): Promise<void> }> {
  const served = targets.map(() => 0);
  let next = 0;
  const server = http.createServer((req, res) => {
    const index = next;
    next = (next + 1) % targets.length;
    served[index]! += 1;
    const target = new URL(req.url ?? '/', targets[index]);
    const upstream = http.request(target, { method: req.method, headers: req.headers }, (response) => {
      res.writeHead(response.statusCode ?? 502, response.headers);
      response.pipe(res);
    });
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    served,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe.runIf(process.env.TEST_DATABASE_URL)('two instances on one PostgreSQL', () => {
  let fake: FakeSlack;
  let database: { url: string; cleanup(): Promise<void> };
  let one: RunningSteward;
  let two: RunningSteward;
  let balancer: Awaited<ReturnType<typeof roundRobin>>;

  beforeAll(async () => {
    database = await postgresTestUrl()!;
    fake = await startFakeSlack({ botToken: BOT_TOKEN, channels: GOV_CHANNELS, users: { UROUND1: { name: 'rob' } } });
    const env = { DATABASE_URL: database.url, OUTBOX_POLL_MS: '50' };
    one = await startSteward(fake, env);
    two = await startSteward(fake, env);
    balancer = await roundRobin([one.url, two.url]);
  });
  afterAll(async () => {
    await balancer?.close();
    await one?.stop();
    await two?.stop();
    await fake?.close();
    await database?.cleanup();
  });

  it('continue one conversation across instances, turn by turn, and register it once', async () => {
    const slack = new SlackSide({ ...one, url: balancer.url }, fake);
    // Each answer with words of the question that must follow it.
    const turns: Array<[string, string]> = [
      ['register', "What's the app called?"],
      ['Round robin rota', 'what does it do'],
      ['Shares the on-call rota', 'What did you build it with?'],
      ['excel', 'Which department'],
      ['IT', 'Who will use it?'],
      ['department', 'how many people'],
      ['40', 'What kinds of data'],
      ['personal', 'connect to other systems'],
      ['none', 'use AI'],
      ['no', 'stopped working'],
      ['low', 'outside the company'],
      ['no', "Who looks after the app when you're away?"],
      ['rob.backup@example.com', 'Summary'],
      ['yes', 'Registered APP-'],
    ];
    // Like a person, the maker waits for the next question before answering it.
    for (const [answer, next] of turns) {
      const before = fake.calls.length;
      await slack.dm('UROUND1', answer);
      await fake.waitFor(
        (call) =>
          call.method === 'chat.postMessage' &&
          call.response?.channel === dmOf('UROUND1') &&
          visibleText(call).includes(next),
        {
          after: before,
          timeoutMs: 30_000,
          what: `"${next}" after "${answer}"`,
        },
      );
    }
    const registered = await fake.waitFor(
      (call) =>
        call.method === 'chat.postMessage' &&
        call.response?.channel === dmOf('UROUND1') &&
        /Registered APP-\d{4}/u.test(visibleText(call)),
      {
        timeoutMs: 60_000,
        what: 'the registration',
      },
    );
    expect(balancer.served.every((count) => count >= 6)).toBe(true);
    const reference = /APP-\d{4,}/u.exec(visibleText(registered))![0];
    const apps = JSON.parse((await runSteward(['apps', 'list', '--json'], one.env)).stdout) as Array<{
      reference: string;
      name: string;
    }>;
    expect(apps.filter((app) => app.name === 'Round robin rota')).toEqual([expect.objectContaining({ reference })]);
    const deadline = Date.now() + 30_000;
    while (
      (await channelHistory(fake, 'C0PRIVACY')).filter((message) =>
        String(message.text).includes(`Review needed: ${reference}`),
      ).length === 0 &&
      Date.now() < deadline
    ) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(
      (await channelHistory(fake, 'C0PRIVACY')).filter((message) =>
        String(message.text).includes(`Review needed: ${reference}`),
      ),
    ).toHaveLength(1);
  });

  it('deliver a burst of 200 escalations with no duplicate and no loss, through 429s and 5xx', async () => {
    const rows = [
      'name,description,platform,department,audience,userCount,dataCategories,systems,aiUsed,criticality,externalSharing,ownerPlatform,ownerUserId',
    ];
    for (let index = 0; index < 200; index += 1)
      rows.push(
        `Burst app ${index},Tracks customer contacts ${index},airtable,Sales,department,30,personal,,false,low,false,slack,UBURST${index}`,
      );
    const file = path.join(os.tmpdir(), `steward-burst-${process.pid}.csv`);
    await writeFile(file, rows.join('\n'));
    fake.failNext('chat.postMessage', { status: 429, retryAfterSec: 1 }, 5, (args) => args.channel === 'C0PRIVACY');
    fake.failNext('chat.postMessage', { status: 500 }, 5, (args) => args.channel === 'C0PRIVACY');

    const imported = await runSteward(['apps', 'import', file], one.env);
    expect(imported.stdout).toContain('Imported 200 app(s); 0 row(s) rejected.');

    const burstIn = async () =>
      (await channelHistory(fake, 'C0PRIVACY')).filter((message) =>
        /Review needed: APP-\d+ "Burst app/u.test(String(message.text)),
      );
    const deadline = Date.now() + 120_000;
    while ((await burstIn()).length < 200 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 250));
    // Give a wrongful second delivery the time to show up before counting.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const burst = await burstIn();
    const names = burst.map((message) => /"(Burst app \d+)"/u.exec(String(message.text))![1]);
    expect(names).toHaveLength(200);
    expect(new Set(names).size).toBe(200);
    const outbox = JSON.parse((await runSteward(['outbox', '--status', 'all', '--json'], one.env)).stdout);
    expect(outbox.counts.pending).toBeUndefined();
    expect(outbox.counts.dead).toBeUndefined();
  });
});
