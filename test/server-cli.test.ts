// `npm start` and the admin commands, as processes.
import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { projectRoot } from '../src/paths.ts';
import { pgliteTestDir } from './support/databases.ts';
import { runSteward, stewardEnv } from './support/processes.ts';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function waitForHealth(url: string, timeoutMs = 30_000): Promise<Response> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fetch(url);
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

describe('npm start', () => {
  it('serves /healthz on the embedded database and stops cleanly on SIGTERM', async () => {
    const { dir, cleanup } = await pgliteTestDir();
    cleanups.push(cleanup);
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const server = spawn('npm', ['start', '-s'], {
      cwd: projectRoot,
      detached: true,
      env: stewardEnv({ PGLITE_DIR: `${dir}/db`, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info' }),
    });
    let output = '';
    server.stdout.on('data', (chunk) => (output += chunk));
    server.stderr.on('data', (chunk) => (output += chunk));
    const exited = new Promise<number | null>((resolve) => server.on('close', resolve));
    // npm runs the server under a shell: signal the whole process group, as a terminal's Ctrl+C does.
    const signal = (name: NodeJS.Signals) => {
      try {
        process.kill(-server.pid!, name);
      } catch {
        // already gone
      }
    };
    cleanups.push(async () => {
      signal('SIGKILL');
      await exited;
    });

    const response = await waitForHealth(`http://127.0.0.1:${port}/healthz`).catch((error) => {
      throw new Error(`${String(error)}\n${output}`);
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      status: 'ok',
      database: 'pglite',
      llm: 'off',
      outbox: { pending: 0, dead: 0 },
    });
    expect(output).toContain('Steward listening');
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/u);

    const ready = await fetch(`http://127.0.0.1:${port}/readyz`, { headers: { 'x-request-id': 'probe-1' } });
    expect(ready.status).toBe(200);
    expect(ready.headers.get('x-request-id')).toBe('probe-1');
    expect(await ready.json()).toMatchObject({ status: 'ready', checks: { database: 'ok', migrations: 'ok' } });

    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    for (const name of [
      'steward_turns_total',
      'steward_ack_latency_seconds',
      'steward_llm_calls_total',
      'steward_outbox_depth 0',
      'steward_outbox_oldest_age_seconds 0',
      'steward_outbox_dead_letters 0',
      'steward_sla_breaches 0',
      'steward_process_resident_memory_bytes',
    ]) {
      expect(metrics).toContain(name);
    }

    // While the server runs, admin commands go through it.
    const listed = await runSteward(['apps', 'list'], stewardEnv({ PGLITE_DIR: `${dir}/db` }));
    expect(listed).toMatchObject({ code: 0, stdout: 'No apps registered yet.\n' });

    signal('SIGTERM');
    const killer = setTimeout(() => signal('SIGKILL'), 15_000);
    await exited;
    clearTimeout(killer);
    expect(output).toContain('shutting down');
  });
});

describe('configuration and admin commands', () => {
  it('refuses a bad setting by naming the variable, without echoing secrets', async () => {
    const result = await runSteward(
      ['serve'],
      stewardEnv({ PORT: 'eighty', DATABASE_URL: 'mysql://user:hunter2@db/x' }),
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('PORT');
    expect(result.stderr).toContain('DATABASE_URL: must be a postgresql:// connection string');
    expect(result.stderr).not.toContain('hunter2');
  });

  it('prints the app profile as JSON Schema', async () => {
    const result = await runSteward(['schema'], stewardEnv({}));
    expect(result.code).toBe(0);
    const schema = JSON.parse(result.stdout);
    expect(schema.required).toEqual(
      expect.arrayContaining([
        'name',
        'description',
        'platform',
        'department',
        'audience',
        'userCount',
        'dataCategories',
        'systems',
        'ai',
        'criticality',
        'externalSharing',
      ]),
    );
    expect(schema.properties.audience.enum).toEqual(['personal', 'team', 'department', 'organization', 'external']);
    expect(schema.properties.name.maxLength).toBe(120);
  });

  it('answers an unknown command with the usage', async () => {
    const result = await runSteward(['frobnicate'], stewardEnv({}));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Unknown command "frobnicate"');
    expect(result.stderr).toContain('steward apps list');
  });
});
