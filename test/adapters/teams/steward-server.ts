import type { ConnectorCall } from '../../support/fake-bot-connector.ts';
// The real `steward serve` in a child process, for the Teams end-to-end tests, with helpers to post
// activities shaped like the fixtures in test/fixtures/teams.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../../../src/paths.ts';
import { migratedPgliteDir } from '../../support/databases.ts';
import { writeTestPolicy } from '../../support/policy.ts';
import { stewardEnv } from '../../support/processes.ts';

const BIN = path.join(projectRoot, 'bin', 'steward.js');
const FIXTURES = path.join(projectRoot, 'test', 'fixtures', 'teams');

interface PostResult {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- invoke responses are read field by field
  /** The x-request-id the server answered with. */
  requestId: string | null;
}

export interface StewardServer {
  baseUrl: string;
  /** Everything the server printed so far (JSON log lines). */
  output(): string;
  postActivity(activity: object, headers?: Record<string, string>): Promise<PostResult>;
  healthz(): Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- a JSON document read field by field
  /** Polls /healthz until the outbox has nothing pending. */
  outboxSettled(timeoutMs?: number): Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- as healthz
  stop(): Promise<void>;
}

/** Starts `node bin/steward.js serve` on 127.0.0.1 (a free port) and waits until /healthz answers. */
export async function startStewardServer(env: Record<string, string>, timeoutMs = 60_000): Promise<StewardServer> {
  const child = spawn(process.execPath, [BIN, 'serve'], {
    cwd: projectRoot,
    env: stewardEnv({ HOST: '127.0.0.1', PORT: '0', OUTBOX_POLL_MS: '100', LOG_LEVEL: 'info', ...env }),
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));

  const deadline = Date.now() + timeoutMs;
  let baseUrl: string | undefined;
  while (!baseUrl) {
    const match = /Steward listening on (http:\/\/127\.0\.0\.1:\d+)/u.exec(output);
    if (match) baseUrl = match[1];
    else if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`steward serve did not start:\n${output}`);
    } else await delay(50);
  }
  const url = baseUrl;

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a JSON document read field by field
  const healthz = async (): Promise<any> => (await fetch(`${url}/healthz`)).json();
  return {
    baseUrl: url,
    output: () => output,
    async postActivity(activity, headers = {}) {
      const response = await fetch(`${url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
        body: JSON.stringify(activity),
      });
      const text = await response.text();
      let body: unknown = text;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        // not JSON: keep the text
      }
      return { status: response.status, body, requestId: response.headers.get('x-request-id') };
    },
    healthz,
    async outboxSettled(settleTimeoutMs = 15_000) {
      const until = Date.now() + settleTimeoutMs;
      for (;;) {
        const health = await healthz();
        if (health.outbox.pending === 0) return health;
        if (Date.now() > until) throw new Error(`outbox still has ${health.outbox.pending} pending messages`);
        await delay(50);
      }
    },
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killer);
    },
  };
}

/** A copy of a migrated PGlite database for the server (faster than a fresh one), closed here so it can open it. */

export interface EmulatorSteward {
  server: StewardServer;
  /** The embedded database and the test policy, for `steward` commands on the same data. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

/** `steward serve` in Teams emulator mode on a fresh migrated database with the test policy (`edit` changes it). */
export async function startEmulatorSteward(edit?: Parameters<typeof writeTestPolicy>[1]): Promise<EmulatorSteward> {
  const database = await migratedPgliteDir();
  const policyFile = await writeTestPolicy(path.dirname(database.dir), edit);
  const env = { PGLITE_DIR: database.dir, STEWARD_POLICY: policyFile };
  const server = await startStewardServer({ TEAMS_EMULATOR: 'true', ...env });
  return {
    server,
    env,
    stop: async () => {
      await server.stop();
      await database.cleanup();
    },
  };
}

/** A fixture activity with fields replaced (top-level keys; nested objects are replaced whole). */
export function fixture<T extends Record<string, unknown>>(name: string, overrides: Record<string, unknown> = {}): T {
  const activity = JSON.parse(readFileSync(path.join(FIXTURES, `${name}.json`), 'utf8')) as T;
  return { ...activity, ...overrides } as T;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/* eslint-disable @typescript-eslint/no-explicit-any -- cards are read field by field */

// Reading what the bot posted: cards, their text and their actions.

export function card(call: ConnectorCall | undefined): any {
  return call?.activity?.attachments?.[0]?.content;
}

/** What the user sees of a posted message: its text, or its card's text blocks and facts. */
export function shown(call: ConnectorCall): string {
  const content = card(call);
  if (!content) return String(call.activity?.text ?? '');
  const parts: string[] = [];
  const walk = (element: any) => {
    if (!element || typeof element !== 'object') return;
    if (element.type === 'TextBlock') parts.push(element.text);
    if (element.type === 'FactSet') for (const fact of element.facts) parts.push(`${fact.title}: ${fact.value}`);
    if (element.type === 'RichTextBlock') parts.push(element.inlines.map((inline: any) => inline.text).join(''));
    for (const child of [...(element.body ?? []), ...(element.actions ?? [])]) walk(child);
  };
  walk(content);
  return parts.join('\n');
}

/** Every action of a card, including those in action sets and show-cards, by title. */
export function actions(content: any): any[] {
  const found: any[] = [];
  const walk = (element: any) => {
    if (!element || typeof element !== 'object') return;
    if (typeof element.type === 'string' && element.type.startsWith('Action.')) found.push(element);
    for (const child of [...(element.body ?? []), ...(element.actions ?? [])]) walk(child);
    if (element.card) walk(element.card);
  };
  walk(content);
  return found;
}

export function action(content: any, title: string, type?: string): any {
  const match = actions(content).find((candidate) => candidate.title === title && (!type || candidate.type === type));
  if (!match)
    throw new Error(
      `No action "${title}" on the card: ${actions(content)
        .map((a) => `${a.type} ${a.title}`)
        .join(', ')}`,
    );
  return match;
}
