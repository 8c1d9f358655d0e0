// Runs the real `steward` command in child processes, as a user would from a terminal.
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';
import { projectRoot } from '../../src/paths.ts';

const BIN = path.join(projectRoot, 'bin', 'steward.js');

export interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A clean environment: no LLM, no platform secrets, nothing from the developer's shell that changes behaviour. */
export function stewardEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'warn', ...extra };
  return env;
}

export function runSteward(
  args: string[],
  env: NodeJS.ProcessEnv,
  stdin = '',
  command: string[] = [process.execPath, BIN],
): Promise<Exit> {
  return new Promise((resolve, reject) => {
    const child = spawn(command[0]!, [...command.slice(1), ...args], { cwd: projectRoot, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

/** A piped `steward chat` kept open, so a test can send one line at a time and read each turn. */
export class ChatProcess {
  private stdout = '';
  private stderr = '';
  private sent = 0;
  private readonly exited: Promise<Exit>;

  private constructor(private readonly child: ChildProcessWithoutNullStreams) {
    child.stdout.on('data', (chunk) => (this.stdout += chunk));
    child.stderr.on('data', (chunk) => (this.stderr += chunk));
    this.exited = new Promise((resolve) =>
      child.on('close', (code) => resolve({ code, stdout: this.stdout, stderr: this.stderr })),
    );
  }

  static start(env: NodeJS.ProcessEnv): ChatProcess {
    return new ChatProcess(spawn(process.execPath, [BIN, 'chat'], { cwd: projectRoot, env }));
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** Sends one message and resolves with the text of that turn (its replies and the escalations it caused). */
  async send(line: string, timeoutMs = 60_000): Promise<string> {
    this.sent += 1;
    const turn = this.sent;
    const before = this.turns().length;
    this.child.stdin.write(`${line}\n`);
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const turns = this.turns();
      if (turns.length >= turn && turns.length > before && this.stdout.endsWith('\n\n')) return turns[turn - 1]!;
      if (this.child.exitCode !== null) break;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error(`No reply to "${line}" within ${timeoutMs} ms.\nstdout:\n${this.stdout}\nstderr:\n${this.stderr}`);
  }

  /** Waits until the chat has printed something matching `pattern` (say, a message another command queued). */
  async waitForOutput(pattern: RegExp, timeoutMs = 30_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const found = pattern.exec(this.stdout);
      if (found) return found[0];
      if (this.child.exitCode !== null) break;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error(
      `Nothing matching ${String(pattern)} within ${timeoutMs} ms.\nstdout:\n${this.stdout}\nstderr:\n${this.stderr}`,
    );
  }

  /** Everything the chat printed so far. */
  get output(): string {
    return this.stdout;
  }

  private turns(): string[] {
    return this.stdout.split(/^> /mu).slice(1);
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<Exit> {
    this.child.kill(signal);
    return this.exited;
  }

  end(): Promise<Exit> {
    this.child.stdin.end();
    return this.exited;
  }
}

/** `steward serve` in its own process group. */
export interface ServingSteward {
  url: string;
  output(): string;
  /** SIGTERM, then SIGKILL if it is still there 10 s later. */
  stop(): Promise<void>;
  /** Kills it at once, as a crash would. */
  crash(): Promise<void>;
}

/** Starts `steward serve` with this environment and waits until it listens (45 s at most). */
export async function serveSteward(env: NodeJS.ProcessEnv): Promise<ServingSteward> {
  const server = spawn(process.execPath, [BIN, 'serve'], { cwd: projectRoot, env, detached: true });
  let output = '';
  server.stdout.on('data', (chunk) => (output += chunk));
  server.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise<void>((resolve) => server.on('close', () => resolve()));
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(-server.pid!, name);
    } catch {
      // already gone
    }
  };
  const stop = async () => {
    signal('SIGTERM');
    const killer = setTimeout(() => signal('SIGKILL'), 10_000);
    await exited;
    clearTimeout(killer);
  };
  const crash = async () => {
    signal('SIGKILL');
    await exited;
  };
  const deadline = Date.now() + 45_000;
  for (;;) {
    const port = /"port":(\d+)[^\n]*Steward listening/u.exec(output)?.[1];
    if (port) return { url: `http://127.0.0.1:${port}`, output: () => output, stop, crash };
    if (server.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`Steward did not start:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
