// The console chat and the steward command as a user runs them: real processes on a real database.
import { afterEach, describe, expect, it, vi } from 'vitest';

// Real processes on two busy cores: each step may take seconds.
vi.setConfig({ testTimeout: 120_000 });
import { migratedPgliteDir, pgliteTestDir, postgresTestUrl } from '../../support/databases.ts';
import { ChatProcess, runSteward, stewardEnv } from '../../support/processes.ts';
import { LOW_RISK_ANSWERS, MEDIUM_RISK_ANSWERS } from '../../support/steward.ts';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A new embedded database (created by the first command), or a copy of a migrated one (faster). */
async function embeddedEnv(user = 'maker', fresh = false) {
  if (fresh) {
    const { dir, cleanup } = await pgliteTestDir();
    cleanups.push(cleanup);
    return stewardEnv({ PGLITE_DIR: `${dir}/db`, STEWARD_USER: user });
  }
  const { dir, cleanup } = await migratedPgliteDir();
  cleanups.push(cleanup);
  return stewardEnv({ PGLITE_DIR: dir, STEWARD_USER: user });
}

function startChat(env: NodeJS.ProcessEnv): ChatProcess {
  const chat = ChatProcess.start(env);
  cleanups.push(() => chat.kill());
  return chat;
}

const MEDIUM_RISK = ['register', 'Complaint tracker', 'Tracks customer complaints', ...MEDIUM_RISK_ANSWERS];

describe('npm run chat', () => {
  it('registers an app from piped input, prints escalations with their destination, and `steward apps list` lists it', async () => {
    const env = await embeddedEnv('priya', true);
    const chat = await runSteward([], env, `${MEDIUM_RISK.join('\n')}\n`, ['npm', 'run', '-s', 'chat']);
    expect(chat.stderr).toBe('');
    expect(chat.code).toBe(0);
    expect(chat.stdout).toContain('Registered APP-0001 "Complaint tracker"');
    expect(chat.stdout).toContain('[#gov-privacy] Review needed: APP-0001 "Complaint tracker"');
    expect(chat.stdout).toMatch(/\[#gov-privacy\] Maker: priya/u);

    const listed = await runSteward(['apps', 'list', '--json'], env);
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout)).toEqual([
      expect.objectContaining({
        reference: 'APP-0001',
        name: 'Complaint tracker',
        status: 'submitted',
        tier: 'medium',
        owner: expect.objectContaining({ userId: 'priya' }),
      }),
    ]);
    const table = await runSteward(['apps', 'list'], env);
    expect(table.stdout).toMatch(/APP-0001\s+Complaint tracker\s+console:priya/u);
  });

  it('resumes a conversation after the process is killed mid-way', async () => {
    const env = await embeddedEnv();
    const [name, description, ...rest] = LOW_RISK_ANSWERS;
    const first = startChat(env);
    await first.send('register');
    await first.send(name!);
    expect(await first.send(description!)).toContain('What did you build it with?');
    await first.kill('SIGKILL');

    const second = startChat(env);
    expect(await second.send('status')).toContain('registering "Team lunch rota"');
    expect(await second.send(rest[0]!)).toContain('department');
    for (const answer of rest.slice(1, -1)) await second.send(answer);
    const summary = await second.send(rest.at(-1)!);
    expect(summary).toContain(`Name: ${name}`);
    expect(summary).toContain(`What it does: ${description}`);
    expect(await second.send('yes')).toContain('Registered APP-0001 "Team lunch rota"');
    expect((await second.end()).code).toBe(0);
  });

  it('never opens the embedded database behind a running chat: commands go through it, a second chat is refused', async () => {
    const env = await embeddedEnv();
    const chat = startChat(env);
    await chat.send('help');

    const listed = await runSteward(['apps', 'list'], env);
    expect(listed).toMatchObject({ code: 0, stdout: 'No apps registered yet.\n' });
    const migrated = await runSteward(['migrate'], env);
    expect(migrated.code).toBe(0);
    expect(migrated.stdout).toContain('applied all migrations when it started');

    const second = await runSteward(['chat'], env, 'help\n');
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(`is in use by process ${chat.pid} (steward chat)`);
    expect(second.stderr).toContain('DATABASE_URL');

    expect(await chat.send('my apps')).toContain("haven't registered any apps");
    expect((await chat.end()).code).toBe(0);
    // Once the chat has stopped, the command opens the database itself.
    expect(await runSteward(['apps', 'list'], env)).toMatchObject({ code: 0, stdout: 'No apps registered yet.\n' });
  });
});

describe.runIf(process.env.TEST_DATABASE_URL)('two processes on one PostgreSQL', () => {
  it('continue the same conversation turn by turn and end with one correct registration', async () => {
    const database = await postgresTestUrl()!;
    cleanups.push(database.cleanup);
    const env = stewardEnv({ DATABASE_URL: database.url, STEWARD_USER: 'quinn' });
    const a = startChat(env);
    const b = startChat(env);
    const turns = ['register', ...LOW_RISK_ANSWERS];
    for (const [index, turn] of turns.entries()) await (index % 2 === 0 ? a : b).send(turn);
    const last = turns.length % 2 === 0 ? a : b;
    const registered = await last.send('yes');
    expect(registered).toContain('Registered APP-0001 "Team lunch rota"');
    await a.end();
    await b.end();
    const apps = JSON.parse((await runSteward(['apps', 'list', '--json'], env)).stdout);
    expect(apps).toHaveLength(1);
    expect(apps[0]).toMatchObject({ name: 'Team lunch rota', status: 'approved', tier: 'low', version: 1 });
  });
});
