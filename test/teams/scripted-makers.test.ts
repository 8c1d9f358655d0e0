// The twenty scripted makers register over Teams: personal-chat activities shaped as Teams sends them
// (typed plain text with its HTML copy attached) to the real server in emulator mode. The driver reads
// only what Teams would show, and the inventory must hold what each maker meant.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadPolicy } from '../../src/policy/load.ts';
import type { AppProfile } from '../../src/profile/schema.ts';
import { startFakeBotConnector } from '../support/fake-bot-connector.ts';
import type { FakeBotConnector } from '../support/fake-bot-connector.ts';
import { writeTestPolicy } from '../support/policy.ts';
import { runSteward, stewardEnv } from '../support/processes.ts';
import { playMaker, profileDifferences, SCRIPTED_MAKERS, waitingForInText } from '../support/scripted-maker.ts';
import { fixture, migratedDatabaseDir, shown, startStewardServer } from './steward-server.ts';
import type { StewardServer } from './steward-server.ts';

vi.setConfig({ testTimeout: 600_000 });

const hints = loadPolicy().intake.riskHints.map((hint) => ({ id: hint.id, confirm: hint.confirm }));
const html = (typed: string) => `<p>${typed.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;')}</p>`;

let connector: FakeBotConnector;
let server: StewardServer;
let cleanupDir: () => Promise<void>;
let databaseDir: string;
let policyFile: string;

beforeAll(async () => {
  connector = await startFakeBotConnector();
  const database = await migratedDatabaseDir();
  cleanupDir = database.cleanup;
  databaseDir = database.dir;
  policyFile = await writeTestPolicy(path.dirname(database.dir));
  server = await startStewardServer({ TEAMS_EMULATOR: 'true', PGLITE_DIR: database.dir, STEWARD_POLICY: policyFile });
});

afterAll(async () => {
  await server?.stop();
  await connector?.close();
  await cleanupDir?.();
});

describe('twenty scripted makers on Teams', () => {
  it('register what each meant, with names as typed', async () => {
    let reasks = 0;
    let sequence = 0;
    for (const maker of SCRIPTED_MAKERS) {
      const user = { id: `29:${randomUUID()}`, name: maker.id, aadObjectId: randomUUID() };
      const conversation = { conversationType: 'personal', tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47', id: `a:${randomUUID()}` };
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
        const result = await server.postActivity(activity);
        expect(result.status, JSON.stringify(result.body)).toBe(200);
        // Replies, not the question card redrawn as answered ("✔ ...").
        const text = connector.calls
          .slice(before)
          .filter((call) => call.conversationId === conversation.id)
          .map(shown)
          .filter((shownText) => !shownText.includes('✔'))
          .join('\n');
        const waitingFor = waitingForInText(text, hints);
        return { text, ...(waitingFor ? { waitingFor } : {}), refused: /couldn't (match|read)|no option|Please give|needs at least|can't be empty/u.test(text) };
      });
      reasks += run.reasks;
    }
    const exported = await runSteward(['apps', 'export', '--format', 'json'], stewardEnv({ PGLITE_DIR: databaseDir, STEWARD_POLICY: policyFile }));
    const apps = JSON.parse(exported.stdout) as Array<{ profile: AppProfile }>;
    const problems = SCRIPTED_MAKERS.flatMap((maker) => {
      const app = apps.find((candidate) => candidate.profile.name === maker.expect.name);
      return app ? profileDifferences(maker, app.profile) : [`${maker.id}: no app named ${JSON.stringify(maker.expect.name)}`];
    });
    expect(problems.filter((problem) => !/\.(department|systems):/u.test(problem))).toEqual([]);
    expect(problems.length, problems.join('\n')).toBeLessThanOrEqual(4);
    expect(reasks / SCRIPTED_MAKERS.length).toBeLessThanOrEqual(1);
  });
});
