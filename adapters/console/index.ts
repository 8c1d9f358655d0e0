import os from 'node:os';
import { createInterface } from 'node:readline';
import { renderReplies } from './render.ts';
import { runInteractiveChat } from './terminal.ts';
import { takeTurn } from './turn.ts';
import type { ConsoleAdapterConfig } from './types.ts';

export { ConsoleOutput } from './output.ts';
export { colorWanted } from './render.ts';
export { createConsoleTransport } from './transport.ts';

// The console adapter: a terminal chat with the core. Interactive on a TTY (a prompt, echo, line
// editing, history); when stdin is piped, one line is one message and it exits after the last reply.

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
