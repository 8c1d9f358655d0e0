// The twenty scripted makers again, through `npm run chat` as a process (piped, one line per message):
// the driver sees only the text a person sees, and the inventory export must hold what each meant,
// names with &, <, > and emoji exactly as typed.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPolicy } from '../src/policy/load.ts';
import type { AppProfile } from '../src/profile/schema.ts';
import { ChatProcess, runSteward, stewardEnv } from './support/processes.ts';
import { heardInText, inventoryDifferences, playMaker, SCRIPTED_MAKERS } from './support/scripted-maker.ts';

const hints = loadPolicy().intake.riskHints.map((hint) => ({ id: hint.id, confirm: hint.confirm }));

describe('twenty scripted makers in the terminal chat', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'steward-makers-'));
    env = stewardEnv({ PGLITE_DIR: path.join(dir, 'db'), STEWARD_USER: 'makers' });
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('register what each meant, reading only what the terminal shows', { timeout: 300_000 }, async () => {
    const chat = ChatProcess.start(env);
    let reasks = 0;
    try {
      for (const maker of SCRIPTED_MAKERS) {
        const run = await playMaker(maker, async (line) => {
          const text = await chat.send(line);
          return heardInText(text, hints);
        });
        reasks += run.reasks;
      }
    } finally {
      await chat.end();
    }
    const exported = await runSteward(['apps', 'export', '--format', 'json'], env);
    const apps = JSON.parse(exported.stdout) as Array<{ profile: AppProfile }>;
    const { risk, spelling } = inventoryDifferences(apps);
    expect(risk).toEqual([]);
    expect(spelling.length, spelling.join('\n')).toBeLessThanOrEqual(4);
    expect(reasks / SCRIPTED_MAKERS.length).toBeLessThanOrEqual(1);
  });
});
