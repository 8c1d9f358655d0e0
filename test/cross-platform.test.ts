// One Steward on Slack and Teams at once: a Slack reviewer decides on a Teams maker's app, and the
// maker hears about it in Teams.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startFakeBotConnector } from './support/fake-bot-connector.ts';
import type { ConnectorCall, FakeBotConnector } from './support/fake-bot-connector.ts';
import type { FakeSlack } from './support/fake-slack.ts';
import { startFakeSlack } from './support/fake-slack.ts';
import { writeTestPolicy } from './support/policy.ts';
import { BOT_TOKEN, GOV_CHANNELS, SIGNING_SECRET, SlackSide, visibleText } from './adapters/slack/harness.ts';
import type { RunningSteward } from './adapters/slack/harness.ts';
import { fixture, startStewardServer } from './adapters/teams/steward-server.ts';
import { migratedPgliteDir } from './support/databases.ts';
import type { StewardServer } from './adapters/teams/steward-server.ts';

vi.setConfig({ testTimeout: 90_000 });

describe('Slack and Teams together', () => {
  let slackFake: FakeSlack;
  let connector: FakeBotConnector;
  let server: StewardServer;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    slackFake = await startFakeSlack({
      botToken: BOT_TOKEN,
      channels: GOV_CHANNELS,
      users: { UPRIVACY1: { name: 'pia', real_name: 'Pia Privacy', display_name: 'Pia' } },
    });
    connector = await startFakeBotConnector();
    const database = await migratedPgliteDir();
    cleanup = database.cleanup;
    const policy = await writeTestPolicy(path.dirname(database.dir));
    server = await startStewardServer({
      TEAMS_EMULATOR: 'true',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_API_URL: slackFake.apiUrl,
      PGLITE_DIR: database.dir,
      STEWARD_POLICY: policy,
      OUTBOX_POLL_MS: '50',
    });
  });
  afterAll(async () => {
    await server?.stop();
    await connector?.close();
    await slackFake?.close();
    await cleanup?.();
  });

  it("lets a Slack reviewer approve a Teams maker's app; the maker is told in Teams", async () => {
    expect((await server.healthz()).adapters).toEqual(['slack', 'teams']);
    const maker = { id: `29:${randomUUID()}`, name: 'Tea Maker', aadObjectId: randomUUID() };
    const conversationId = `a:${randomUUID()}`;
    const base = {
      serviceUrl: connector.serviceUrl,
      from: maker,
      conversation: {
        conversationType: 'personal',
        tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47',
        id: conversationId,
      },
    };
    let counter = 0;
    const inMakersChat = (since: number) =>
      connector.calls.slice(since).filter((call: ConnectorCall) => call.conversationId === conversationId);
    const say = async (text: string) => {
      const before = connector.calls.length;
      counter += 1;
      const result = await server.postActivity(
        fixture('personal-message', { ...base, id: `cross-${counter}-${Date.now()}`, text }),
      );
      expect(result.status).toBe(200);
      return inMakersChat(before);
    };
    const answers = [
      'register',
      'Clinic helper',
      'Books physio appointments for staff',
      'power apps',
      'HR',
      'department',
      '30',
      'health',
      'none',
      'no',
      'medium',
      'no',
      'backup@example.com', // backup owner: asked from medium risk up
    ];
    for (const answer of answers) await say(answer);
    const submitted = await say('yes');
    const registered = submitted.map((call) => JSON.stringify(call.activity)).join('\n');
    expect(registered).toMatch(/Registered APP-\d{4}/u);
    const reference = /APP-\d{4,}/u.exec(registered)![0];

    // The escalation reaches the privacy reviewers' Slack channel, with the decision buttons.
    const escalation = await slackFake.waitFor(
      (call) =>
        call.method === 'chat.postMessage' &&
        call.args.channel === 'C0PRIVACY' &&
        visibleText(call).includes(reference),
      {
        timeoutMs: 30_000,
        what: 'the escalation in #gov-privacy',
      },
    );
    const slack = new SlackSide({ url: server.baseUrl } as RunningSteward, slackFake);
    const before = connector.calls.length;
    expect((await slack.click(escalation, 'Approve', 'UPRIVACY1', 'gov-privacy')).status).toBe(200);

    // The Slack message shows the decision, and the Teams maker hears it in their personal chat.
    await slackFake.waitFor(
      (call) =>
        call.method === 'chat.update' &&
        call.args.channel === 'C0PRIVACY' &&
        visibleText(call).includes('Approved by Pia'),
      { timeoutMs: 30_000, what: 'the updated escalation' },
    );
    const deadline = Date.now() + 30_000;
    let told = '';
    while (Date.now() < deadline && !told.includes('was approved')) {
      told = inMakersChat(before)
        .map((call) => JSON.stringify(call.activity))
        .join('\n');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(told).toContain(`${reference} \\"Clinic helper\\" was approved by Pia`);
  });
});
