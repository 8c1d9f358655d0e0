import { clearScreenDown, createInterface, cursorTo, moveCursor } from 'node:readline';
import type { Key } from 'node:readline';
import type { ConsoleAdapterConfig } from './types.ts';
import { HISTORY_SIZE, keepable, loadHistory, saveHistory } from './history.ts';
import { USER_PROMPT, paint, renderTurn } from './render.ts';
import type { TerminalStyle } from './render.ts';
import { takeTurn } from './turn.ts';

// The interactive chat: readline on the terminal gives the prompt, echo, line editing and arrow-key
// history. While a message is being answered the prompt is put away (typing waits), the replies are
// printed, then the prompt comes back. Anything written outside a turn while the prompt is shown (a
// delivery that finishes late) goes above the prompt, and the line being typed is drawn again.

const LEAVE_HINT = '(To leave, press Ctrl+C again or Ctrl+D.)';

export async function runInteractiveChat(config: ConsoleAdapterConfig, userId: string): Promise<void> {
  const { output } = config;
  const screen = config.terminal?.output;
  const tty = Boolean(screen?.isTTY);
  const color = tty && (config.terminal?.color ?? false);
  const style = (): TerminalStyle => ({ color, columns: tty ? screen?.columns : undefined });
  let historyFile = config.terminal?.historyFile;

  const lines = createInterface({
    input: config.input,
    ...(screen ? { output: screen } : {}),
    terminal: tty,
    crlfDelay: Infinity,
    prompt: `${paint(USER_PROMPT.trimEnd(), color, 'bold', 'green')} `,
    history: loadHistory(historyFile),
    historySize: HISTORY_SIZE,
    removeHistoryDuplicates: true,
  });

  let prompting = false;
  let closed = false;
  const showPrompt = () => {
    if (closed) return;
    lines.prompt();
    prompting = true;
  };

  // Secrets never stay in the history, in memory or in the file.
  lines.on('history', (history: string[]) => {
    const kept = keepable(history);
    if (kept.length !== history.length) history.splice(0, history.length, ...kept);
    try {
      saveHistory(historyFile, history);
    } catch {
      // A read-only data directory: the history lasts for this chat only.
      historyFile = undefined;
    }
  });

  // Ctrl+C clears the line being typed; on an empty line it says how to leave, and a second one leaves.
  let warned = false;
  lines.on('SIGINT', () => {
    if (lines.line !== '') {
      lines.write(null, { ctrl: true, name: 'u' });
      lines.write(null, { ctrl: true, name: 'k' });
      warned = false;
    } else if (warned) {
      screen?.write('^C');
      lines.close();
    } else {
      warned = true;
      screen?.write(`^C\n${paint(LEAVE_HINT, color, 'dim')}\n`);
      showPrompt();
    }
  });
  const onKeypress = (_text: string | undefined, key: Key | undefined) => {
    if (!(key?.ctrl && key.name === 'c')) warned = false;
  };
  config.input.on('keypress', onKeypress);
  lines.on('close', () => {
    closed = true;
    if (prompting) screen?.write('\n');
    prompting = false;
  });

  output.interpose((text, sink) => {
    if (!prompting || !tty || !screen) return sink(text);
    // Put the prompt and the typed line away, print, and draw them again below.
    const rows = lines.getCursorPos().rows;
    moveCursor(screen, 0, -rows);
    cursorTo(screen, 0);
    clearScreenDown(screen);
    sink(text.endsWith('\n') ? text : `${text}\n`);
    // readline redraws from `rows` lines up, where the cursor was in the typed line.
    sink('\n'.repeat(rows));
    lines.prompt(true);
  });

  try {
    output.write(`Steward console: you are "${userId}". Type "help" to start, Ctrl+D to leave.\n`);
    showPrompt();
    for await (const line of lines) {
      prompting = false;
      if (line.trim() !== '') {
        lines.pause();
        await takeTurn(config, userId, line, (replies) => renderTurn(replies, style()));
      }
      showPrompt();
    }
  } finally {
    config.input.off('keypress', onKeypress);
    output.interpose(undefined);
  }
  output.write(`${renderTurn([{ text: 'Goodbye!' }], style())}\n`);
}
