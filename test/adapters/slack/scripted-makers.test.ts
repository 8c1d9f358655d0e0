// The twenty scripted makers register over Slack: DMs signed and shaped as Slack sends them (`text`
// with &, <, > escaped and links wrapped, plus the rich_text block), to the real server. The driver
// reads only what Slack would show, and the inventory must hold what each maker meant.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadPolicy } from '../../../src/policy/load.ts';
import type { AppProfile } from '../../../src/profile/schema.ts';
import type { FakeSlack } from '../../support/fake-slack.ts';
import { startFakeSlack } from '../../support/fake-slack.ts';
import { runSteward } from '../../support/processes.ts';
import {
  heardInText,
  inventoryDifferences,
  playMaker,
  SCRIPTED_MAKERS,
  waitingForInText,
} from '../../support/scripted-maker.ts';
import type { RunningSteward } from './harness.ts';
import { BOT_TOKEN, GOV_CHANNELS, SlackSide, dmOf, startSteward, visibleText } from './harness.ts';

vi.setConfig({ testTimeout: 600_000 });

const hints = loadPolicy().intake.riskHints.map((hint) => ({ id: hint.id, confirm: hint.confirm }));
const userOf = (index: number) => `UMAKER${String(index).padStart(3, '0')}`;

/** What Slack puts in an event's `text` for what a person typed: &, <, > escaped, links wrapped. */
function asSlackSendsIt(typed: string): string {
  const escaped = typed.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
  return escaped.replace(/https?:\/\/[^\s]+/gu, (url) => `<${url}>`);
}

let fake: FakeSlack;
let steward: RunningSteward;
let slack: SlackSide;

beforeAll(async () => {
  const users = Object.fromEntries(
    SCRIPTED_MAKERS.map((maker, index) => [userOf(index), { name: maker.id, real_name: maker.id }]),
  );
  fake = await startFakeSlack({ botToken: BOT_TOKEN, channels: GOV_CHANNELS, users });
  steward = await startSteward(fake);
  slack = new SlackSide(steward, fake);
});

afterAll(async () => {
  await steward?.stop();
  await fake?.close();
});

/** Sends a DM and returns what Steward showed in that DM for it, once it has gone quiet. */
async function turn(user: string, typed: string): Promise<string> {
  const before = fake.calls.length;
  const response = await slack.dm(user, asSlackSendsIt(typed));
  expect(response.status).toBe(200);
  const inDm = () =>
    fake.calls
      .slice(before)
      .filter(
        (call) => ['chat.postMessage', 'chat.update'].includes(call.method) && call.response?.channel === dmOf(user),
      )
      // A question redrawn as answered ("✔ ...") is the old question, not the new one.
      .filter((call) => !visibleText(call).includes('✔'));
  await fake.waitFor((call) => call.method === 'chat.postMessage' && call.response?.channel === dmOf(user), {
    after: before,
    timeoutMs: 30_000,
    what: `a reply to "${typed}"`,
  });
  // Done when Steward waits for something (a question, a read-back, the summary) or has registered the
  // app; a reply that waits for nothing (the help after a greeting) is done once Slack has gone quiet.
  const pause = () => new Promise((resolve) => setTimeout(resolve, 25));
  let quietSince = Date.now();
  let seen = fake.calls.length;
  for (;;) {
    const text = inDm().map(visibleText).join('\n');
    if (waitingForInText(text, hints) || /Registered APP-\d+/u.test(text)) {
      await new Promise((resolve) => setTimeout(resolve, 60));
      return inDm().map(visibleText).join('\n');
    }
    if (fake.calls.length !== seen) {
      seen = fake.calls.length;
      quietSince = Date.now();
    } else if (Date.now() - quietSince > 500) return text;
    await pause();
  }
}

describe('twenty scripted makers on Slack', () => {
  it('register what each meant, with names as typed', async () => {
    let reasks = 0;
    for (const [index, maker] of SCRIPTED_MAKERS.entries()) {
      const run = await playMaker(maker, async (typed) => {
        const text = await turn(userOf(index), typed);
        return heardInText(text, hints);
      });
      reasks += run.reasks;
    }
    const apps = JSON.parse((await runSteward(['apps', 'export', '--format', 'json'], steward.env)).stdout) as Array<{
      profile: AppProfile;
    }>;
    const { risk, spelling } = inventoryDifferences(apps);
    expect(risk).toEqual([]);
    expect(spelling.length, spelling.join('\n')).toBeLessThanOrEqual(4);
    expect(reasks / SCRIPTED_MAKERS.length).toBeLessThanOrEqual(1);
  });
});
