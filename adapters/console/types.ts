import type { StewardPort } from '../../src/runtime/port.ts';
import type { ConsoleOutput } from './output.ts';

// What the console adapter is given: the core to talk to, and the terminal to talk in.

interface ConsoleTerminal {
  /** Where the interactive chat is shown (stdout): the prompt and what is typed are echoed there. */
  output: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  /** ANSI colours (see colorWanted). */
  color?: boolean;
  /** Where the arrow-key history is kept between chats; unset: for this chat only. */
  historyFile?: string;
}

export interface ConsoleAdapterConfig {
  /** The core: the terminal takes turns and has escalations printed at once. */
  steward: Pick<StewardPort, 'handleTurn' | 'deliverNow'>;
  input: NodeJS.ReadableStream & { isTTY?: boolean };
  output: ConsoleOutput;
  /** The terminal of an interactive chat; without it, a TTY chat shows no prompt. */
  terminal?: ConsoleTerminal;
  /** Who is speaking (STEWARD_USER); defaults to the OS user. */
  user?: string;
  onError?: (error: unknown) => void;
}
