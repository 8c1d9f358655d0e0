// End to end, as an organisation uses its own intake question: a question and a rule on its answer that
// exist only in the policy file (STEWARD_POLICY); a maker registers in the terminal chat (`steward chat`,
// piped), is asked the question only when its condition holds, and the answer raises the tier through
// the rule; `steward apps export` has the answer in CSV and JSON, and the CSV imports back unchanged.
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliWorkspace, runCli } from './support/cli.ts';
import { ChatProcess, stewardEnv } from './support/processes.ts';
import { writeTestPolicy } from './support/policy.ts';

const REGION_QUESTION = {
  id: 'region',
  ask: 'Where are the people who use it?',
  help: 'Where users are decides which data-transfer rules apply.',
  type: 'choice',
  // Asked only for apps other people use.
  when: { field: 'audience', in: ['team', 'department', 'organization', 'external'] },
  several: 'global',
  options: [
    { value: 'eu', label: 'Europe', words: ['emea', 'germany', 'berlin'] },
    { value: 'us', label: 'United States', words: ['usa', 'the states'] },
    { value: 'global', label: 'Worldwide', words: ['global', 'everywhere', 'all over the world'] },
  ],
};

const REGION_RULE = {
  id: 'WORLDWIDE-USE',
  title: 'Used worldwide',
  tier: 'high',
  teams: ['compliance'],
  explanation: 'The app is used {answers.region}, so compliance checks the data-transfer rules.',
  when: { field: 'answers.region', is: 'global' },
};

/** The test policy with the region question and its rule: in the file only, nowhere in the code. */
function writePolicy(dir: string): Promise<string> {
  return writeTestPolicy(dir, (doc) => {
    doc.setIn(['intake', 'questions'], doc.createNode([REGION_QUESTION]));
    doc.addIn(['rules'], doc.createNode(REGION_RULE));
  });
}

/** After "register": a team tool that no built-in rule minds (excel, 8 people, internal data, no AI). */
const TEAM_TOOL = ['Excel', 'Facilities', 'my team', '8', 'internal', 'none', 'no', 'minor', 'no'];

describe('an intake question only in the policy, in the terminal chat, exported and imported', () => {
  let dir: string;
  let env: Record<string, string>;
  let exported = '';
  const run = (...argv: string[]) => runCli(argv, { env, cwd: dir });

  beforeAll(async () => {
    ({ dir, env } = await cliWorkspace('steward-custom-questions-'));
    env.STEWARD_POLICY = await writePolicy(dir);
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('asks it when its condition holds, and the answer raises the tier through the rule', async () => {
    const chat = ChatProcess.start(stewardEnv({ ...env, STEWARD_USER: 'ana', LOG_LEVEL: 'warn' }));
    try {
      // For an app only its maker uses, the question is not asked.
      await chat.send('register');
      await chat.send('Expense notes');
      await chat.send('Keeps my own expense notes');
      const solo = [];
      for (const answer of ['Excel', 'Finance', 'just me', '1', 'internal', 'none', 'no', 'minor', 'no'])
        solo.push(await chat.send(answer));
      expect(solo.join('\n')).not.toContain('Where are the people who use it?');
      expect(solo.at(-1)).toContain('Summary');
      expect(await chat.send('yes')).toContain('Risk tier: LOW');

      // For a team tool, it is asked after the built-in questions, its options numbered.
      await chat.send('register');
      await chat.send('Lunch rota');
      await chat.send('Tracks who orders lunch');
      let reply = '';
      for (const answer of TEAM_TOOL) reply = await chat.send(answer);
      expect(reply).toContain('Where are the people who use it?');
      expect(reply).toMatch(/1\. Europe[\s\S]*3\. Worldwide/u);
      // "help" says why it is asked; a vague answer is asked again rather than guessed.
      expect(await chat.send('help')).toContain('Where users are decides which data-transfer rules apply.');
      expect(await chat.send('hmm, not sure')).not.toContain('Summary');
      reply = await chat.send('all over the world');
      // High risk: the backup owner is asked, then the summary shows the answer.
      expect(reply).toContain("Who looks after the app when you're away?");
      reply = await chat.send('sam@example.com');
      expect(reply).toContain('Region: Worldwide');
      reply = await chat.send('yes');
      expect(reply).toContain('Risk tier: HIGH');
      expect(reply).toContain(
        'WORLDWIDE-USE (high): The app is used Worldwide, so compliance checks the data-transfer rules.',
      );
    } finally {
      await chat.end();
    }
  });

  it('is in `apps export` as a column of the CSV and in the JSON profile', async () => {
    const csv = await run('apps', 'export', '--format', 'csv');
    expect(csv.code).toBe(0);
    exported = csv.out;
    const rows = parse(exported, { columns: true }) as Array<Record<string, string>>;
    expect(rows.map((row) => [row.name, row['answers.region'], row.tier])).toEqual([
      ['Expense notes', '', 'low'],
      ['Lunch rota', 'global', 'high'],
    ]);
    const json = await run('apps', 'export', '--format', 'json');
    const apps = JSON.parse(json.out) as Array<{ profile: { name: string; answers: Record<string, unknown> } }>;
    expect(apps.map((app) => [app.profile.name, app.profile.answers])).toEqual([
      ['Expense notes', {}],
      ['Lunch rota', { region: 'global' }],
    ]);
  });

  it('imports the exported CSV into another inventory with the same answers and tiers; a bad answer is refused', async () => {
    const other = await cliWorkspace('steward-custom-questions-import-');
    try {
      other.env.STEWARD_POLICY = await writePolicy(other.dir);
      const runOther = (...argv: string[]) => runCli(argv, { env: other.env, cwd: other.dir });
      const bad = exported.replace(/,global$/mu, ',mars');
      await writeFile(path.join(other.dir, 'bad.csv'), bad);
      const refused = await runOther('apps', 'import', 'bad.csv');
      expect(refused.code).toBe(1);
      expect(refused.err).toContain(
        'row 3: not imported: answers.region: "mars" is not one of the options (eu, us, global)',
      );
      expect(refused.out).toMatch(/row 2: imported APP-\d{4} "Expense notes" \(low\)/u);

      const again = await cliWorkspace('steward-custom-questions-again-');
      try {
        again.env.STEWARD_POLICY = await writePolicy(again.dir);
        const runAgain = (...argv: string[]) => runCli(argv, { env: again.env, cwd: again.dir });
        await writeFile(path.join(again.dir, 'apps.csv'), exported);
        const imported = await runAgain('apps', 'import', 'apps.csv');
        expect(imported.code, imported.err).toBe(0);
        expect(imported.out).toMatch(/row 3: imported APP-\d{4} "Lunch rota" \(high\)/u);
        const back = parse((await runAgain('apps', 'export', '--format', 'csv')).out, { columns: true }) as Array<
          Record<string, string>
        >;
        expect(back.map((row) => [row.name, row['answers.region'], row.tier])).toEqual([
          ['Expense notes', '', 'low'],
          ['Lunch rota', 'global', 'high'],
        ]);
        // A column for a question this inventory's policy does not ask: nothing is imported.
        await writeFile(path.join(again.dir, 'other.csv'), exported.replace('answers.region', 'answers.country'));
        const unknown = await runAgain('apps', 'import', 'other.csv');
        expect(unknown.code).toBe(2);
        expect(unknown.err).toContain('column answers.country: the policy has no question "country"');
        expect(JSON.parse((await runAgain('apps', 'list', '--json')).out)).toHaveLength(2);
      } finally {
        await rm(again.dir, { recursive: true, force: true });
      }
    } finally {
      await rm(other.dir, { recursive: true, force: true });
    }
  });
});
