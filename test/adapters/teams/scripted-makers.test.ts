// The twenty scripted makers register over Teams: personal-chat activities shaped as Teams sends them
// (typed plain text with its HTML copy attached) to the real server in emulator mode. The driver reads
// only what Teams would show, and the inventory must hold what each maker meant.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadPolicy } from '../../../src/policy/load.ts';
import type { AppProfile } from '../../../src/profile/schema.ts';
import { startFakeBotConnector } from '../../support/fake-bot-connector.ts';
import type { FakeBotConnector } from '../../support/fake-bot-connector.ts';
import { runSteward, stewardEnv } from '../../support/processes.ts';
import { heardInText, inventoryDifferences, playMaker, SCRIPTED_MAKERS } from '../../support/scripted-maker.ts';
import { fixture, shown, startEmulatorSteward } from './steward-server.ts';
import type { EmulatorSteward } from './steward-server.ts';

vi.setConfig({ testTimeout: 600_000 });

const hints = loadPolicy().intake.riskHints.map((hint) => ({ id: hint.id, confirm: hint.confirm }));
const html = (typed: string) =>
  `<p>${typed.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;')}</p>`;

let connector: FakeBotConnector;
let steward: EmulatorSteward;

beforeAll(async () => {
  connector = await startFakeBotConnector();
  steward = await startEmulatorSteward();
});

afterAll(async () => {
  await steward?.stop();
  await connector?.close();
});

describe('twenty scripted makers on Teams', () => {
  it('register what each meant, with names as typed', async () => {
    let reasks = 0;
    let sequence = 0;
    for (const maker of SCRIPTED_MAKERS) {
      const user = { id: `29:${randomUUID()}`, name: maker.id, aadObjectId: randomUUID() };
      const conversation = {
        conversationType: 'personal',
        tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47',
        id: `a:${randomUUID()}`,
      };
      const run = await playMaker(maker, async (typed) => {
        const before = connector.calls.length;
        sequence += 1;
        const activity = fixture('personal-message', {
          serviceUrl: connector.serviceUrl,
          from: user,
          conversation,
          id: `1764${String(sequence).padStart(9, '0')}`,
          text: typed,
          textFormat: 'plain',
          attachments: [{ contentType: 'text/html', content: html(typed) }],
        });
        const result = await steward.server.postActivity(activity);
        expect(result.status, JSON.stringify(result.body)).toBe(200);
        // Replies, not the question card redrawn as answered ("✔ ...").
        const text = connector.calls
          .slice(before)
          .filter((call) => call.conversationId === conversation.id)
          .map(shown)
          .filter((shownText) => !shownText.includes('✔'))
          .join('\n');
        return heardInText(text, hints);
      });
      reasks += run.reasks;
    }
    const exported = await runSteward(['apps', 'export', '--format', 'json'], stewardEnv(steward.env));
    const apps = JSON.parse(exported.stdout) as Array<{ profile: AppProfile }>;
    const { risk, spelling } = inventoryDifferences(apps);
    expect(risk).toEqual([]);
    expect(spelling.length, spelling.join('\n')).toBeLessThanOrEqual(4);
    expect(reasks / SCRIPTED_MAKERS.length).toBeLessThanOrEqual(1);
  });
});
