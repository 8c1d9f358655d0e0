import path from 'node:path';
import { ConfigError, databaseSetting, loadConfig } from '../config.ts';
import { PolicyError } from '../policy/load.ts';
import type { Services } from '../runtime/services.ts';
import { EmbeddedDatabaseBusyError, acquireEmbeddedLock } from '../runtime/embedded-lock.ts';
import type { ControlRequest, ControlResponse } from '../runtime/control.ts';
import type { EarlyEmbeddedStart } from '../runtime/early-start.ts';
import { sendControlRequest } from '../runtime/control.ts';
import type { CliIO } from './io.ts';
import { memoryIO, processIO } from './io.ts';
import type { CliCommand, CommandContext } from './registry.ts';
import { usesDatabase } from './registry.ts';

// `steward <command>`: one entry point for the server, the console chat and admin commands. Each
// command's code is loaded when it runs, so `steward help` loads no database, Bolt or botbuilder.

const governance = () => import('./commands/governance.ts');

const COMMANDS: CliCommand[] = [
  {
    name: 'serve',
    usage: 'steward serve',
    summary: 'Run the HTTP server (what `npm start` runs).',
    usesDatabase: false,
    run: async (_args, ctx) => (await import('./commands/serve.ts')).runServe(ctx.io, hostHandler),
  },
  {
    name: 'chat',
    usage: 'steward chat',
    summary: 'Chat with Steward in this terminal (what `npm run chat` runs).',
    usesDatabase: false,
    run: async (_args, ctx) => (await import('./commands/chat.ts')).runChat(ctx.io, hostHandler),
  },
  {
    name: 'migrate',
    usage: 'steward migrate',
    summary: 'Apply pending database migrations.',
    usesDatabase: true,
    run: runMigrate,
  },
  {
    name: 'apps',
    usage: 'steward apps list|show|export|import|exempt|retire ...',
    summary: 'List, show, export (CSV/JSON), import (CSV), exempt from recertification or retire apps.',
    usesDatabase: true,
    run: async (args, ctx) => (await import('./commands/apps.ts')).runApps(args, ctx),
  },
  {
    name: 'owners',
    usage: 'steward owners leave <email | platform:userId> | --file leavers.csv [--json]',
    summary: 'Record that someone left: their apps go to their backups or are orphaned.',
    usesDatabase: true,
    run: async (args, ctx) => (await import('./commands/owners.ts')).runOwners(args, ctx),
  },
  {
    name: 'discover',
    usage: 'steward discover import <file> --source <source> | report [--json] | link <APP-####> ... | nudge',
    summary:
      'Import what a platform lists, report what was never registered, nudge its owners, link an app to its platform id.',
    usesDatabase: true,
    run: async (args, ctx) => (await import('./commands/discover.ts')).runDiscover(args, ctx),
  },
  {
    name: 'reviews',
    usage: 'steward reviews --overdue [--json] [--now <date>]',
    summary: 'List reviews past their SLA.',
    usesDatabase: true,
    run: async (args, ctx) => (await governance()).runReviews(args, ctx),
  },
  {
    name: 'recertify',
    usage: 'steward recertify [--due] [--now <date>] [--json]',
    summary: 'Run a recertification cycle now, or list what is due.',
    usesDatabase: true,
    run: async (args, ctx) => (await import('./commands/recertify.ts')).runRecertify(args, ctx),
  },
  {
    name: 'audit',
    usage: 'steward audit export [--format csv|json] [--output <file>]',
    summary: 'Export the audit trail.',
    usesDatabase: true,
    run: async (args, ctx) => (await governance()).runAudit(args, ctx),
  },
  {
    name: 'outbox',
    usage: 'steward outbox [--status S] [--json] | outbox retry <id>|--dead',
    summary: 'Show undelivered messages; retry dead letters.',
    usesDatabase: true,
    run: async (args, ctx) => (await governance()).runOutbox(args, ctx),
  },
  {
    name: 'reassess',
    usage: 'steward reassess [--json]',
    summary: 'Re-assess every app under the current policy.',
    usesDatabase: true,
    run: async (args, ctx) => (await governance()).runReassess(args, ctx),
  },
  {
    name: 'classify',
    usage: 'steward classify <file.json | -> [--json]',
    summary: 'Assess app profiles against the policy.',
    usesDatabase: false,
    run: async (args, ctx) => (await import('./commands/classify.ts')).runClassify(args, ctx.io),
  },
  {
    name: 'ask',
    usage: 'steward ask "<question>" [--json]',
    summary: 'Answer a guardrail question from the handbook.',
    usesDatabase: false,
    run: async (args, ctx) => (await import('./commands/ask.ts')).runAsk(args, ctx.io),
  },
  {
    name: 'policy',
    usage: 'steward policy check [file] | diff|publish <draft.yaml> [--json] | rollback [<number>] | history',
    summary: 'Validate a policy; show what a draft would change; publish it, roll back, list what was published.',
    usesDatabase: (args) => ['diff', 'publish', 'rollback', 'history'].includes(args[0] ?? ''),
    run: async (args, ctx) => (await import('./commands/policy.ts')).runPolicy(args, ctx),
  },
  {
    name: 'schema',
    usage: 'steward schema',
    summary: 'Print the app profile as JSON Schema.',
    usesDatabase: false,
    run: runSchema,
  },
  {
    name: 'help',
    usage: 'steward help',
    summary: 'Show this help.',
    usesDatabase: false,
    run: async (_args, ctx) => (ctx.io.stdout(helpText()), 0),
  },
];

function helpText(): string {
  const width = Math.max(...COMMANDS.map((command) => command.usage.length));
  return [
    'Usage: steward <command>',
    '',
    ...COMMANDS.map((command) => `  ${command.usage.padEnd(width)}  ${command.summary}`),
  ].join('\n');
}

async function runSchema(_args: string[], ctx: CommandContext): Promise<number> {
  const { appProfileJsonSchema } = await import('../profile/schema.ts');
  ctx.io.stdout(JSON.stringify(appProfileJsonSchema(), null, 2));
  return 0;
}

async function runMigrate(_args: string[], ctx: CommandContext): Promise<number> {
  const { applyMigrations } = await import('../db/migrate.ts');
  const target = databaseSetting(loadConfig(ctx.io.env), ctx.io.cwd);
  if (target.kind === 'pglite') {
    const lock = acquireEmbeddedLock(target.dir, { purpose: 'steward migrate' });
    if (!lock.acquired) throw new EmbeddedDatabaseBusyError(target.dir, lock.heldBy);
    try {
      return report(await applyMigrations(target), ctx.io);
    } finally {
      lock.release();
    }
  }
  return report(await applyMigrations(target), ctx.io);
}

function report(result: { applied: string[] }, io: CliIO): number {
  io.stdout(
    result.applied.length === 0
      ? 'The database is up to date.'
      : `Applied ${result.applied.length} migration(s):\n${result.applied.map((name) => `  ${name}`).join('\n')}`,
  );
  return 0;
}

/** Runs a command on behalf of another `steward` process, inside the one that holds the embedded database. */
async function hostHandler(request: ControlRequest, services: Services): Promise<ControlResponse> {
  const env = request.user ? { ...process.env, USER: request.user } : process.env;
  const io = memoryIO({ stdin: request.stdin, env, cwd: request.cwd ?? process.cwd() });
  const [name] = request.args;
  const command = COMMANDS.find((candidate) => candidate.name === name);
  let exitCode: number;
  if (name === 'migrate') {
    io.stdout('The database is up to date: the running Steward process applied all migrations when it started.');
    exitCode = 0;
  } else if (!command || !usesDatabase(command, request.args.slice(1))) {
    io.stderr(`"${name}" cannot run through the running Steward process.`);
    exitCode = 2;
  } else {
    exitCode = await main(request.args, io, services);
  }
  // What the command queued (a nudge, a leaver's messages) goes out now: the chat prints it at once.
  void services.deliverNow();
  return { stdout: io.out, stderr: io.err, exitCode };
}

/**
 * Runs one `steward` command. `held`: services the caller keeps open (a running Steward taking another
 * process's command): the command uses them instead of opening the database, and leaves them open.
 */
export async function main(argv: string[], io: CliIO = processIO(), held?: Services): Promise<number> {
  const [name = 'help', ...args] = argv;
  const command = COMMANDS.find(
    (candidate) => candidate.name === name || (name === '--help' && candidate.name === 'help'),
  );
  if (!command) {
    io.stderr(`Unknown command "${name}".\n${helpText()}`);
    return 2;
  }
  let services: Services | undefined = held;
  let early: EarlyEmbeddedStart | undefined;
  const ctx: CommandContext = {
    io,
    hosted: held !== undefined,
    services: async () => {
      if (services) return services;
      // Route escalations (imports, re-assessments) to the platforms the server delivers to.
      const { enabledAdapterFactories } = await import('../../adapters/index.ts');
      const { openServices } = await import('../runtime/services.ts');
      const { createLogger } = await import('../logger.ts');
      const platforms = enabledAdapterFactories(io.env).map((factory) => factory.platform);
      services = await openServices({
        config: loadConfig(io.env),
        env: io.env,
        cwd: io.cwd,
        logger: createLogger(io.env.LOG_LEVEL ?? 'warn', 'stderr'),
        purpose: `steward ${command.name}`,
        deliveryPlatforms: platforms.length > 0 ? platforms : ['console'],
        defaultMetrics: false,
        ...(early ? { early } : {}),
      });
      return services;
    },
    destinationCheck: async () => {
      const { enabledAdapterFactories } = await import('../../adapters/index.ts');
      const factories = enabledAdapterFactories(io.env);
      if (factories.length === 0) return undefined;
      const context = { services: await ctx.services(), env: io.env, logger: (await ctx.services()).logger };
      return async (platform, destinations) => {
        const factory = factories.find((candidate) => candidate.platform === platform);
        return factory?.unresolvedDestinations ? factory.unresolvedDestinations(context, destinations) : [];
      };
    },
  };
  try {
    if (!held) early = await startDatabaseEarly(command, args, io);
    return await command.run(args, ctx);
  } catch (error) {
    if (error instanceof EmbeddedDatabaseBusyError && usesDatabase(command, args) && error.heldBy.controlSocket) {
      const stdin = args.includes('-') ? await io.readStdin() : '';
      const response = await sendControlRequest(error.heldBy.controlSocket, {
        args: [command.name, ...args],
        stdin,
        cwd: path.resolve(io.cwd),
        ...((io.env.USER ?? io.env.USERNAME) ? { user: (io.env.USER ?? io.env.USERNAME)! } : {}),
      });
      if (response.stdout) io.stdout(response.stdout);
      if (response.stderr) io.stderr(response.stderr);
      return response.exitCode;
    }
    if (error instanceof ConfigError || error instanceof PolicyError || error instanceof EmbeddedDatabaseBusyError) {
      io.stderr(error.message);
      return 1;
    }
    io.stderr(`steward ${command.name} failed: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  } finally {
    if (!held) await services?.close();
    await early?.dispose();
  }
}

/**
 * The embedded database starts opening before the command's code loads (migrate opens it its own way).
 * Busy: EmbeddedDatabaseBusyError, so the command runs in the process that holds it.
 */
async function startDatabaseEarly(
  command: CliCommand,
  args: string[],
  io: CliIO,
): Promise<EarlyEmbeddedStart | undefined> {
  if (!usesDatabase(command, args) || command.name === 'migrate') return undefined;
  const target = databaseSetting(loadConfig(io.env), io.cwd);
  if (target.kind !== 'pglite') return undefined;
  const { startEmbeddedEarly } = await import('../runtime/early-start.ts');
  return startEmbeddedEarly(target.dir, `steward ${command.name}`);
}
