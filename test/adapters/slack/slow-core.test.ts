// When the core is slow (here: an LLM that takes 2.6 s to answer), Slack still gets its answer within
// 3 seconds, and the user sees "Working on it…" until the real answer replaces it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeOpenAI } from '../../support/fake-openai.ts';
import { startFakeOpenAI } from '../../support/fake-openai.ts';
import type { FakeSlack } from '../../support/fake-slack.ts';
import { startFakeSlack } from '../../support/fake-slack.ts';
import type { RunningSteward } from './harness.ts';
import { SlackSide, dmOf, startSteward, visibleText } from './harness.ts';

const LLM_DELAY_MS = 2600;

let fake: FakeSlack;
let llm: FakeOpenAI;
let steward: RunningSteward;
let slack: SlackSide;

beforeAll(async () => {
  fake = await startFakeSlack({
    botToken: 'xoxb-test-steward-token',
    channels: [{ id: 'C0PRIVACY', name: 'gov-privacy' }],
  });
  llm = await startFakeOpenAI();
  // Every LLM call is slow, and its answer unusable: Steward carries on with its rules, as it should.
  llm.setDefault({ delayMs: LLM_DELAY_MS, content: 'not json' });
  steward = await startSteward(fake, {
    OPENAI_BASE_URL: llm.baseUrl,
    OPENAI_API_KEY: 'test-key',
    LLM_TIMEOUT_MS: '6000',
  });
  slack = new SlackSide(steward, fake);
});

afterAll(async () => {
  await steward?.stop();
  await llm?.close();
  await fake?.close();
});

describe('a slow core', () => {
  it('acks a DM at once, shows "Working on it…", then turns it into the answer', async () => {
    const user = 'USLOW1';
    const before = fake.calls.length;
    const response = await slack.dm(user, 'I built a Power App for complaint tracking');
    expect(response.status).toBe(200);
    expect(response.ms).toBeLessThan(1000);
    const notice = await fake.waitFor(
      (call) =>
        call.method === 'chat.postMessage' &&
        call.args.channel === dmOf(user) &&
        visibleText(call).includes('Working on it'),
      { after: before, what: 'the working notice' },
    );
    const answer = await fake.waitFor((call) => call.method === 'chat.update' && call.args.ts === notice.response.ts, {
      after: before,
      timeoutMs: 15_000,
      what: 'the notice replaced by the answer',
    });
    expect(visibleText(answer)).toContain("Thanks! Let's get it registered");
    expect(answer.at - notice.at).toBeGreaterThan(500);
    await fake.waitFor(
      (call) =>
        call.method === 'chat.postMessage' &&
        call.args.channel === dmOf(user) &&
        visibleText(call).includes("What's the app called?"),
      { after: before },
    );
    expect(llm.requests.length).toBeGreaterThan(0);
  });

  it('answers the registration form within 3 seconds, then shows the result in the same modal', async () => {
    const user = 'USLOW2';
    const before = fake.calls.length;
    const response = await slack.submitForm(
      user,
      { name: { type: 'plain_text_input', value: 'Slow assessment' } },
      'VSLOWFORM1',
    );
    expect(response.status).toBe(200);
    expect(response.ms).toBeLessThan(3000);
    const acked = JSON.parse(response.text);
    expect(acked.response_action).toBe('update');
    expect(JSON.stringify(acked.view.blocks)).toContain('Working on it');
    const result = await fake.waitFor((call) => call.method === 'views.update' && call.args.view_id === 'VSLOWFORM1', {
      after: before,
      timeoutMs: 15_000,
      what: 'the modal updated',
    });
    expect(result.args.view.title.text).toBe('Registered');
    expect(visibleText(result)).toContain('AI assessment was unavailable');
  });
});
