// /readyz with Slack: not ready while an escalation channel of the policy is missing in the workspace,
// naming it, and ready again once an admin creates it, without a restart.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeSlack } from '../../support/fake-slack.ts';
import { startFakeSlack } from '../../support/fake-slack.ts';
import type { RunningSteward } from './harness.ts';
import { BOT_TOKEN, GOV_CHANNELS, startSteward } from './harness.ts';

/* eslint-disable @typescript-eslint/no-explicit-any -- JSON bodies */

// The workspace has every escalation channel but #gov-ai, which an admin has yet to create.
const channels = GOV_CHANNELS.filter((channel) => channel.name !== 'gov-ai');
let fake: FakeSlack;
let steward: RunningSteward;

beforeAll(async () => {
  fake = await startFakeSlack({ botToken: BOT_TOKEN, channels });
  steward = await startSteward(fake);
});

afterAll(async () => {
  await steward?.stop();
  await fake?.close();
});

const readyz = async () => {
  const response = await fetch(`${steward.url}/readyz`);
  return { status: response.status, body: (await response.json()) as any };
};

describe('readiness with Slack', () => {
  it('is 503 naming the missing channel, and 200 once it exists', { timeout: 60_000 }, async () => {
    const missing = await readyz();
    expect(missing.status).toBe(503);
    expect(missing.body.checks.platforms.slack).toMatchObject({ status: 'degraded', unreachableChannels: ['#gov-ai'] });

    channels.push({ id: 'C0AIGOV', name: 'gov-ai' });
    const deadline = Date.now() + 20_000;
    let ready = await readyz();
    while (ready.status !== 200 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      ready = await readyz();
    }
    expect(ready.status).toBe(200);
    expect(ready.body.checks.platforms.slack).toMatchObject({ status: 'ok' });
    expect(ready.body.checks.platforms.slack.unreachableChannels).toBeUndefined();
  });
});
