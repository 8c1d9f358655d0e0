// The interactive terminal chat as a person sees it: `steward chat` under a real pseudo-terminal
// (util-linux `script`, part of every Debian system), plus its rendering and history on their own.
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadHistory, looksSecret, saveHistory } from '../../../adapters/console/history.ts';
import { colorWanted, renderReplies, renderTurn } from '../../../adapters/console/render.ts';
import type { Reply } from '../../../src/chat/reply.ts';
import { projectRoot } from '../../../src/paths.ts';
import { pgliteTestDir } from '../../support/databases.ts';
import { stewardEnv } from '../../support/processes.ts';

// Real processes on two busy cores: each step may take seconds.
vi.setConfig({ testTimeout: 120_000 });

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const ESC = '\u001b';
const UP = `${ESC}[A`;
const CTRL_C = '\u0003';
const CTRL_D = '\u0004';

const CONTROL_SEQUENCE = new RegExp(`${ESC}\\[[0-9;?]*[A-Za-z]`, 'gu');

/** What the terminal shows, roughly: the text without control sequences and carriage returns. */
function visible(raw: string): string {
  return raw.replace(CONTROL_SEQUENCE, '').replace(/\r/gu, '');
}

const hasScript = (() => {
  const probe = spawnSync('script', ['--version'], { encoding: 'utf8' });
  return probe.status === 0 && probe.stdout.includes('util-linux');
})();

/** `steward chat` on a pseudo-terminal: keys go in as a person types them, the screen's text comes out. */
class PtyChat {
  private raw = '';
  private mark = 0;
  readonly exited: Promise<number | null>;

  private constructor(private readonly child: ChildProcessWithoutNullStreams) {
    child.stdout.on('data', (chunk) => (this.raw += chunk));
    child.stderr.on('data', (chunk) => (this.raw += chunk));
    this.exited = new Promise((resolve) => child.on('close', (code) => resolve(code)));
  }

  static start(env: NodeJS.ProcessEnv): PtyChat {
    const command = [process.execPath, path.join(projectRoot, 'bin', 'steward.js'), 'chat']
      .map((word) => `'${word.replace(/'/gu, `'\\''`)}'`)
      .join(' ');
    return new PtyChat(spawn('script', ['-qfec', command, '/dev/null'], { cwd: projectRoot, env }));
  }

  /** Everything shown so far, control sequences included (colours, cursor moves). */
  get rawOutput(): string {
    return this.raw;
  }

  get screen(): string {
    return visible(this.raw);
  }

  /** Types keys; what appears from now on is what `expectNext` looks at. */
  type(keys: string): void {
    this.mark = this.screen.length;
    this.child.stdin.write(keys);
  }

  /** Waits until the text shown since the last keys matches, and returns that text. */
  async expectNext(pattern: RegExp, timeoutMs = 60_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const shown = this.screen.slice(this.mark);
      if (pattern.test(shown)) return shown;
      if (this.child.exitCode !== null || Date.now() > deadline)
        throw new Error(`Expected ${pattern} on the terminal; it shows:\n${this.screen}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  kill(): Promise<number | null> {
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
    return this.exited;
  }
}

describe.runIf(hasScript)('npm run chat in a terminal', () => {
  it('shows a prompt, echoes typing, answers under "steward>", recalls history with the up arrow, and leaves on Ctrl+C twice or Ctrl+D', async () => {
    // A new database, created by the chat: cheaper than this file making a migrated one to copy.
    const { dir, cleanup } = await pgliteTestDir();
    cleanups.push(cleanup);
    const env = stewardEnv({ PGLITE_DIR: path.join(dir, 'data'), STEWARD_USER: 'tty-maker' });
    const chat = PtyChat.start(env);
    cleanups.push(() => chat.kill());

    await chat.expectNext(/Steward console: you are "tty-maker"\. Type "help" to start, Ctrl\+D to leave\.\nyou> $/u);
    chat.type('help\r');
    // The typed word is echoed after the prompt, the answer follows under "steward>", then a new prompt.
    expect(await chat.expectNext(/\nyou> $/u)).toMatch(
      /^help\nsteward> I'm Steward\.[^]*\n {9}• my apps: your apps and their status\n[^]*• help: this message\n\nyou> $/u,
    );
    // Colour on a terminal (NO_COLOR is unset): Steward's prefix and the prompt stand out.
    expect(chat.rawOutput).toContain(`${ESC}[1;36msteward>${ESC}[0m`);
    expect(chat.rawOutput).toContain(`${ESC}[1;32myou>${ESC}[0m`);

    chat.type('register\r');
    expect(await chat.expectNext(/\nyou> $/u)).toMatch(/What's the app called\?\n\nyou> $/u);
    chat.type('Team lunch rota\r');
    await chat.expectNext(/what does it do and who uses it\?\n\nyou> $/u);

    // The up arrow brings the last line back; Ctrl+C clears it; on an empty line Ctrl+C says how to leave.
    chat.type(UP);
    await chat.expectNext(/you> Team lunch rota$/u);
    chat.type(CTRL_C);
    await chat.expectNext(/you> $/u);
    chat.type(CTRL_C);
    await chat.expectNext(/\^C\n\(To leave, press Ctrl\+C again or Ctrl\+D\.\)\nyou> $/u);

    chat.type('Tracks who orders lunch\r');
    // Numbered choices a person can type.
    expect(await chat.expectNext(/\nyou> $/u)).toMatch(
      /steward> What did you build it with\?\n {12}1\. Power Apps\n[^]*\n {11}10\. Something else\n {11}Type a number or the answer\.\n\nyou> $/u,
    );
    chat.type('7\r');
    await chat.expectNext(/steward> Which department or team owns it\?\n\nyou> $/u);
    // A line that looks like a secret is answered but never kept in the history.
    chat.type('my token is ghp_abcdefghijklmnopqrstuvwxyz0123\r');
    await chat.expectNext(/\nyou> $/u);

    chat.type(CTRL_D);
    await chat.expectNext(/steward> Goodbye!\n$/u);
    expect(await chat.exited).toBe(0);
    expect(chat.screen).not.toMatch(/error|warn/iu);

    // The history is kept next to the embedded database, oldest first, for its owner only.
    const file = path.join(dir, 'chat_history');
    expect(await readFile(file, 'utf8')).toBe('help\nregister\nTeam lunch rota\nTracks who orders lunch\n7\n');
    expect((await stat(file)).mode & 0o777).toBe(0o600);

    // The next chat starts with it: the up arrow recalls the last line kept; Ctrl+C twice leaves.
    const again = PtyChat.start(env);
    cleanups.push(() => again.kill());
    await again.expectNext(/\nyou> $/u);
    again.type(UP);
    await again.expectNext(/you> 7$/u);
    again.type(CTRL_C);
    await again.expectNext(/you> $/u);
    again.type(CTRL_C + CTRL_C);
    await again.expectNext(/\^C\nsteward> Goodbye!\n$/u);
    expect(await again.exited).toBe(0);
  });
});

describe('the terminal chat rendering', () => {
  const audience: Reply = {
    text: 'Who will use it?',
    choices: {
      multiple: false,
      options: ['Just me', 'My team', 'My department'].map((label) => ({ value: label.toLowerCase(), label })),
    },
    questionId: 'q:audience',
    tone: 'question',
  };
  const yesNo: Reply = {
    text: 'Does it use *AI*?',
    buttons: [
      { label: 'Yes', value: 'yes' },
      { label: 'No', value: 'no' },
    ],
    questionId: 'q:aiUsed',
  };

  it('puts Steward\'s lines under "steward>", numbers the choices, and names the words that answer', () => {
    expect(renderTurn([{ text: 'Noted.\nNext:' }, audience, yesNo], { color: false })).toBe(
      [
        'steward> Noted.',
        '         Next:',
        '',
        '         Who will use it?',
        '           1. Just me',
        '           2. My team',
        '           3. My department',
        '           Type a number or the answer.',
        '',
        '         Does it use AI?',
        '           Type yes or no.',
      ].join('\n'),
    );
    const handoff: Reply = {
      text: 'I can ask the Security team.',
      buttons: [{ label: 'Ask a human', value: 'ask a human' }],
    };
    const duplicate: Reply = {
      text: 'Update it?',
      buttons: [
        { label: 'Update APP-0001', value: 'update' },
        { label: 'Register a new one', value: 'rename' },
      ],
      questionId: 'duplicate',
    };
    expect(renderTurn([handoff], { color: false })).toContain('\n           Type "ask a human".');
    expect(renderTurn([duplicate], { color: false })).toContain(
      '\n           Type update (Update APP-0001) or rename (Register a new one).',
    );
  });

  it('wraps long lines to the terminal under their bullet, and colours only when asked', () => {
    const text = '• Never: Full card numbers in Airtable, Excel, Power Apps, SharePoint lists, Dataverse or Retool.';
    expect(renderTurn([{ text }], { color: false, columns: 60 })).toBe(
      // 60 columns: 9 for the prefix, 50 for the text, the last one free.
      [
        'steward> • Never: Full card numbers in Airtable, Excel,',
        '           Power Apps, SharePoint lists, Dataverse or',
        '           Retool.',
      ].join('\n'),
    );
    const colored = renderTurn([audience, { text: 'Please give a number.', tone: 'error' }], { color: true });
    expect(colored).toContain(`${ESC}[1;36msteward>${ESC}[0m Who will use it?`);
    expect(colored).toContain(`${ESC}[33mPlease give a number.${ESC}[0m`);
    expect(visible(colored)).toBe(
      visible(renderTurn([audience, { text: 'Please give a number.', tone: 'error' }], { color: false })),
    );

    expect(colorWanted({ isTTY: true }, {})).toBe(true);
    expect(colorWanted({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(colorWanted({ isTTY: true }, { TERM: 'dumb' })).toBe(false);
    expect(colorWanted({ isTTY: false }, {})).toBe(false);
  });

  it("leaves the piped chat's text as it was: plain replies, choices numbered, yes/no in brackets", () => {
    expect(renderReplies([audience, yesNo])).toBe(
      [
        'Who will use it?',
        '  1. Just me',
        '  2. My team',
        '  3. My department',
        '',
        'Does it use AI?',
        '  (yes / no)',
      ].join('\n'),
    );
  });
});

describe('the terminal chat history', () => {
  it('never keeps lines that look like secrets or card numbers', () => {
    for (const secret of [
      'sk-proj-abcdefghijklmnopqrstuvwx',
      'token xoxb-1234567890-abcdefghij',
      'ghp_abcdefghijklmnopqrstuvwxyz0123',
      'AKIAABCDEFGHIJKLMNOP',
      'password: hunter2',
      'API_KEY=abc',
      'postgresql://admin:s3cret@db.example.com/prod',
      'card 4111 1111 1111 1111',
      '4111-1111-1111-1111',
      'key 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
      '-----BEGIN RSA PRIVATE KEY-----',
    ]) {
      expect(looksSecret(secret), secret).toBe(true);
    }
    for (const line of [
      'register',
      'Team lunch rota',
      '45',
      '2, 4',
      'Salesforce (write), SharePoint (read)',
      'status APP-0042',
      'Can I put card numbers in Airtable?',
      'https://contoso.sharepoint.com/sites/facilities/lists/lunch-rota-2024',
    ]) {
      expect(looksSecret(line), line).toBe(false);
    }
  });

  it('is saved oldest first, capped, and read back newest first', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'steward-history-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const file = path.join(dir, 'data', 'chat_history');
    expect(loadHistory(file)).toEqual([]);
    saveHistory(file, ['three', 'password=x', 'two', 'one'], 2);
    expect(await readFile(file, 'utf8')).toBe('two\nthree\n');
    expect(loadHistory(file)).toEqual(['three', 'two']);
  });
});
