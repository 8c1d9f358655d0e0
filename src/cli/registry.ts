import type { Services } from '../runtime/services.ts';
import type { CliIO } from './io.ts';

export interface CommandContext {
  io: CliIO;
  /** The services with the database: opened on first use, or the host's when run through its control socket. */
  services(): Promise<Services>;
  /** Run inside a running Steward (`npm run chat`, the server), on its services and platforms. */
  hosted?: boolean;
}

export interface CliCommand {
  name: string;
  usage: string;
  summary: string;
  /**
   * Opens the database (for these arguments, when a function); when another process holds the embedded
   * one, the command runs inside that process.
   */
  usesDatabase: boolean | ((args: string[]) => boolean);
  run(args: string[], ctx: CommandContext): Promise<number>;
}

/** Whether the command, with these arguments, opens the database. */
export function usesDatabase(command: CliCommand, args: string[]): boolean {
  return typeof command.usesDatabase === 'function' ? command.usesDatabase(args) : command.usesDatabase;
}
