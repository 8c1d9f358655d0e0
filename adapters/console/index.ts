import os from 'node:os';
import { createInterface } from 'node:readline';
import type { ConversationEngine } from '../../src/chat/engine.ts';
import type { OutboxWorker } from '../../src/outbox/worker.ts';
import type { ConsoleOutput } from './output.ts';
import { renderReplies } from './render.ts';
import { runInteractiveChat } from './terminal.ts';
import { takeTurn } from './turn.ts';

export { ConsoleOutput } from './output.ts';
export { colorWanted } from './render.ts';
export { createConsoleTransport } from './transport.ts';

// The console adapter: a terminal chat with the core. Interactive on a TTY (a prompt, echo, line
// editing, history); when stdin is piped, one line is one message and it exits after the last reply.

interface ConsoleTerminal {
  /** Where the interactive chat is shown (stdout): the prompt and what is typed are echoed there. */
  output: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  /** ANSI colours (see colorWanted). */
  color?: boolean;
  /** Where the arrow-key history is kept between chats; unset: for this chat only. */
  historyFile?: string;
}

export interface ConsoleAdapterConfig {
  engine: ConversationEngine;
  worker: OutboxWorker;
  input: NodeJS.ReadableStream & { isTTY?: boolean };
  output: ConsoleOutput;
  /** The terminal of an interactive chat; without it, a TTY chat shows no prompt. */
  terminal?: ConsoleTerminal;
  /** Who is speaking (STEWARD_USER); defaults to the OS user. */
  user?: string;
  onError?: (error: unknown) => void;
}

export async function runConsoleChat(config: ConsoleAdapterConfig): Promise<void> {
  const userId = config.user ?? os.userInfo().username;
  if (config.input.isTTY) return runInteractiveChat(config, userId);

  const { output } = config;
  const lines = createInterface({ input: config.input, terminal: false, crlfDelay: Infinity });
  for await (const line of lines) {
    if (line.trim() === '') continue;
    output.hold();
    output.write(`> ${line}\n`);
    await takeTurn(config, userId, line, renderReplies);
  }
}
