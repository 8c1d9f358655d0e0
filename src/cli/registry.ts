import type { DestinationCheck } from '../policy/readiness.ts';
import type { Services } from '../runtime/services.ts';
import type { Actor } from '../store/audit.ts';
import type { CliIO } from './io.ts';

export interface CommandContext {
  io: CliIO;
  /** The services with the database: opened on first use, or the host's when run through its control socket. */
  services(): Promise<Services>;
  /** Run inside a running Steward (`npm run chat`, the server), on its services and platforms. */
  hosted?: boolean;
  /** Asks the configured chat platforms whether destinations exist; undefined when none is configured. */
  destinationCheck?(): Promise<DestinationCheck | undefined>;
}

/** Who runs a command, for the audit trail: the shell's user (the caller's, through a control socket). */
export function cliActor(ctx: CommandContext): Actor {
  return { platform: 'cli', userId: ctx.io.env.USER ?? ctx.io.env.USERNAME ?? 'admin' };
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
