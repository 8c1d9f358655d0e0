// SIGTERM: Steward stops taking new work, finishes the turns already acknowledged, leaves what it
// could not deliver in the outbox, and the next start delivers it. Nothing is lost.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { FakeOpenAI } from '../../support/fake-openai.ts';
import { startFakeOpenAI } from '../../support/fake-openai.ts';
import type { FakeSlack } from '../../support/fake-slack.ts';
import { startFakeSlack } from '../../support/fake-slack.ts';
import { runSteward } from '../../support/processes.ts';
import type { RunningSteward } from './harness.ts';
import { BOT_TOKEN, GOV_CHANNELS, SlackSide, dmOf, startSteward, visibleText } from './harness.ts';
import { converse } from './registration-flow.ts';
import { MEDIUM_RISK_ANSWERS } from '../../support/steward.ts';

vi.setConfig({ testTimeout: 120_000 });

describe('shutting down with work in flight', () => {
  let fake: FakeSlack;
  let llm: FakeOpenAI;
  beforeAll(async () => {
    fake = await startFakeSlack({ botToken: BOT_TOKEN, channels: GOV_CHANNELS, users: { USTOP1: { name: 'sam' } } });
    llm = await startFakeOpenAI();
    // Descriptions yield nothing; the assessment takes 2.5 s, long enough to signal the server during it.
    llm.setDefault((request) => {
      const schema = JSON.stringify(request.body.response_format ?? {});
      if (schema.includes('app_profile_fields')) {
        return {
          json: Object.fromEntries(
            [
              'name',
              'platform',
              'department',
              'audience',
              'userCount',
              'dataCategories',
              'systems',
              'aiUsed',
              'aiGeneratesContent',
              'aiDecisionImpact',
              'aiProfiling',
              'aiDomains',
              'aiPractices',
              'criticality',
              'externalSharing',
            ].map((key) => [key, null]),
          ),
        };
      }
      return {
        delayMs: 2500,
        json: {
          tier: 'medium',
          teams: ['privacy'],
          rationale: 'Customer contact data across a department.',
          missingFacts: [],
        },
      };
    });
  });
  afterAll(async () => {
    await llm?.close();
    await fake?.close();
  });

  it('finishes the turn it acknowledged, refuses new requests, and the next start delivers what was left', async () => {
    const first: RunningSteward = await startSteward(fake, {
      OPENAI_BASE_URL: llm.baseUrl,
      OPENAI_API_KEY: 'sk-test',
      LLM_TIMEOUT_MS: '8000',
      OUTBOX_POLL_MS: '60000',
    });
    let second: RunningSteward | undefined;
    try {
      const slack = new SlackSide(first, fake);
      const answers = ['register', 'Stop test', 'Tracks customer complaints', ...MEDIUM_RISK_ANSWERS.slice(0, -1)];
      await converse(slack, fake, 'USTOP1', answers);
      // The final "yes" is acknowledged at once; the assessment then takes 2.5 s.
      const confirmed = await slack.dm('USTOP1', 'yes');
      expect(confirmed.status).toBe(200);
      const stopping = first.terminate();
      await new Promise((resolve) => setTimeout(resolve, 300));
      const refused = await slack.dm('USTOP1', 'my apps').catch(() => ({ status: 0 }));
      // While stopping, Slack is told to retry later (503) or cannot connect: either way nothing is half-done.
      expect([0, 503]).toContain(refused.status);
      await stopping;

      // A slow turn shows "Working on it…" first, which then becomes the answer (an update).
      const registered = fake.calls.find(
        (call) =>
          ['chat.postMessage', 'chat.update'].includes(call.method) &&
          call.response?.channel === dmOf('USTOP1') &&
          /Registered APP-\d{4}/u.test(visibleText(call)),
      );
      expect(registered, `the acknowledged turn finished before the server exited\n${first.output()}`).toBeDefined();
      const reference = /APP-\d{4,}/u.exec(visibleText(registered!))![0];
      expect(first.output()).toContain('shutting down');

      // The escalation was left pending (the outbox polls once a minute here): the next start delivers it.
      second = await startSteward(fake, { OUTBOX_POLL_MS: '50' }, { restartOf: first });
      const escalated = await fake.waitFor(
        (call) =>
          call.method === 'chat.postMessage' &&
          call.args.channel === 'C0PRIVACY' &&
          visibleText(call).includes(reference),
        {
          timeoutMs: 30_000,
          what: 'the escalation after the restart',
        },
      );
      expect(escalated).toBeDefined();
      const apps = JSON.parse((await runSteward(['apps', 'list', '--json'], second.env)).stdout) as Array<{
        reference: string;
      }>;
      expect(apps.filter((app) => app.reference === reference)).toHaveLength(1);
      expect(
        fake.calls.filter(
          (call) =>
            call.method === 'chat.postMessage' &&
            call.args.channel === 'C0PRIVACY' &&
            visibleText(call).includes(reference),
        ),
      ).toHaveLength(1);
    } finally {
      await second?.stop();
      await first.stop();
    }
  });
});
