import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { createInterface } from 'node:readline';
import type { ConversationEngine } from '../../src/chat/engine.ts';
import type { OutboxWorker } from '../../src/outbox/worker.ts';
import type { ConsoleOutput } from './output.ts';
import { renderReplies } from './render.ts';

export { ConsoleOutput } from './output.ts';
export { createConsoleTransport } from './transport.ts';

// The console adapter: a terminal chat with the core. Interactive on a TTY; when stdin is piped,
// one line is one message and it exits after the last reply.

export interface ConsoleAdapterConfig {
  engine: ConversationEngine;
  worker: OutboxWorker;
  input: NodeJS.ReadableStream & { isTTY?: boolean };
  output: ConsoleOutput;
  /** Who is speaking (STEWARD_USER); defaults to the OS user. */
  user?: string;
  onError?: (error: unknown) => void;
}

export async function runConsoleChat(config: ConsoleAdapterConfig): Promise<void> {
  const userId = config.user ?? os.userInfo().username;
  const interactive = Boolean(config.input.isTTY);
  const { output } = config;
  const lines = createInterface({ input: config.input, terminal: interactive, crlfDelay: Infinity });
  if (interactive) {
    output.write(`Steward console: you are "${userId}". Type "help" to start, Ctrl+D to leave.\n`);
    lines.setPrompt('you> ');
    lines.prompt();
  }
  for await (const line of lines) {
    if (interactive || line.trim() !== '') {
      output.hold();
      if (!interactive) output.write(`> ${line}\n`);
      try {
        const result = await config.engine.handle({
          platform: 'console',
          channelId: 'terminal',
          user: { userId, displayName: userId },
          text: line,
          eventId: randomUUID(),
        });
        output.write(`${renderReplies(result.replies)}\n`);
        // Escalations are printed as soon as the turn that caused them is saved.
        await config.worker.drain();
      } catch (error) {
        config.onError?.(error);
        output.write("Sorry, something went wrong on my side and that message wasn't saved. Please try again.\n");
      } finally {
        output.write('\n');
        output.flush();
      }
    }
    if (interactive) lines.prompt();
  }
}
