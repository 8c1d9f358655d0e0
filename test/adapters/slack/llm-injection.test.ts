// Prompt injection end to end on Slack: the real server, a fake Slack Web API and a fake OpenAI-compatible
// LLM that writes mentions and links into its answers. What Slack is asked to post must not ping anyone
// (no <!channel>, <!here> or <@U…> sequences, no @everyone) or carry a link the handbook does not have.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeOpenAI } from '../../support/fake-openai.ts';
import { startFakeOpenAI } from '../../support/fake-openai.ts';
import type { FakeSlack, SlackCall } from '../../support/fake-slack.ts';
import { startFakeSlack } from '../../support/fake-slack.ts';
import type { RunningSteward } from './harness.ts';
import { BOT_TOKEN, GOV_CHANNELS, SlackSide, dmOf, startSteward, visibleText } from './harness.ts';

const PINGS_AND_LINKS =
  '<!channel> <!here> <@U123ADMIN> <https://evil.example|Click here> [click](https://evil.example) @everyone https://evil.example/phish';

/** Everything Slack was asked to show: the fallback text and the blocks (or the modal's view). */
function posted(call: SlackCall): string {
  return JSON.stringify({ text: call.args.text, blocks: call.args.blocks, view: call.args.view });
}

/**
 * Slack reads <!…>, <@…> and <url|label> as control sequences (the adapter escapes & < > as &amp; &lt;
 * &gt;), @everyone as a broadcast, and a bare URL as a link: none may come from the model.
 */
function expectNoPingsOrLinks(text: string): void {
  expect(text).not.toMatch(/<[!@#]|<https?:/u);
  expect(text).not.toMatch(/(?:^|[^\p{L}\p{N}])@(?:everyone|channel|here)\b/iu);
  expect(text).not.toContain('U123ADMIN');
  expect(text).not.toContain('evil.example');
}

let fake: FakeSlack;
let llm: FakeOpenAI;
let steward: RunningSteward;
let slack: SlackSide;

beforeAll(async () => {
  fake = await startFakeSlack({ botToken: BOT_TOKEN, channels: GOV_CHANNELS });
  llm = await startFakeOpenAI();
  steward = await startSteward(fake, {
    OPENAI_BASE_URL: llm.baseUrl,
    OPENAI_API_KEY: 'sk-test',
    LLM_TIMEOUT_MS: '5000',
  });
  slack = new SlackSide(steward, fake);
});

afterAll(async () => {
  if (process.env.SHOW_SERVER_OUTPUT) console.log(steward?.output());
  await steward?.stop();
  await llm?.close();
  await fake?.close();
});

describe('an LLM that writes mentions and links, on Slack', () => {
  it('a guardrail answer: the maker gets the handbook excerpt, with nothing that pings or links', async () => {
    const user = 'UINJECT1';
    llm.respondWith({
      json: {
        answered: true,
        answer: `No, never store card numbers in Airtable. ${PINGS_AND_LINKS}`,
        citations: ['payment-card-data'],
      },
    });
    const before = fake.calls.length;
    await slack.dm(user, 'Can I put card numbers in Airtable?');
    const answer = await fake.waitFor(
      (call) =>
        ['chat.postMessage', 'chat.update'].includes(call.method) &&
        call.response?.channel === dmOf(user) &&
        visibleText(call).includes('Sources:'),
      { after: before, timeoutMs: 15_000, what: 'the handbook answer' },
    );
    expect(llm.requests).toHaveLength(1);
    expect(visibleText(answer)).toContain('From the handbook, “Payment card data and PCI DSS”');
    expect(visibleText(answer)).toContain('Payment card data and PCI DSS (payment-card-data)');
    for (const call of fake.calls.slice(before)) expectNoPingsOrLinks(posted(call));
  });

  it("a registration the AI assessor raises: the tier stands, and neither the maker nor the reviewers get the model's markup", async () => {
    const user = 'UINJECT2';
    llm.respondWith({
      json: {
        tier: 'high',
        teams: ['privacy', 'security'],
        rationale: `Complaints often include card numbers read out on calls. ${PINGS_AND_LINKS}`,
        missingFacts: [],
      },
    });
    const before = fake.calls.length;
    const submitted = await slack.submitForm(user, {}, 'VINJECT1');
    expect(submitted.status).toBe(200);
    const confirmation = await fake.waitFor(
      (call) =>
        call.method === 'chat.postMessage' &&
        call.response?.channel === dmOf(user) &&
        visibleText(call).includes('Registered APP-'),
      { after: before, timeoutMs: 15_000, what: 'the confirmation in the DM' },
    );
    expect(visibleText(confirmation)).toContain('Risk tier: HIGH');
    expect(visibleText(confirmation)).toContain('AI-ASSESSMENT (high): Complaints often include card numbers');
    // The modal shows the same result: in the form's ack, or in a views.update after "Working on it".
    const acked = JSON.parse(submitted.text);
    const modal = JSON.stringify(acked.view.blocks).includes('AI-ASSESSMENT')
      ? JSON.stringify(acked)
      : posted(
          await fake.waitFor((call) => call.method === 'views.update' && call.args.view_id === 'VINJECT1', {
            after: before,
            what: 'the result in the modal',
          }),
        );
    expect(modal).toContain('AI-ASSESSMENT');
    expectNoPingsOrLinks(modal);

    const reviews = await fake.waitFor(
      (call) => call.method === 'chat.postMessage' && call.response?.channel === 'C0SECURITY',
      { after: before, timeoutMs: 15_000, what: "the review request in the security team's channel" },
    );
    expect(visibleText(reviews)).toContain('Complaints often include card numbers');
    for (const call of fake.calls.slice(before)) expectNoPingsOrLinks(posted(call));
  });
});
