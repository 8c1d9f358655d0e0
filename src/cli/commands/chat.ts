import path from 'node:path';
import { ConsoleOutput, colorWanted, createConsoleTransport, runConsoleChat } from '../../../adapters/console/index.ts';
import { databaseSetting, loadConfig } from '../../config.ts';
import type { Config } from '../../config.ts';
import { createLogger } from '../../logger.ts';
import type { ControlRequest, ControlResponse } from '../../runtime/control.ts';
import type { Services } from '../../runtime/services.ts';
import { openServices } from '../../runtime/services.ts';
import type { CliIO } from '../io.ts';

export type HostHandler = (request: ControlRequest, services: Services) => Promise<ControlResponse>;

/**
 * The interactive chat's arrow-key history is kept next to the embedded database (./data/chat_history
 * by default); on PostgreSQL there is no data directory, and it lasts for one chat.
 */
function historyFile(config: Config, cwd: string): string | undefined {
  const database = databaseSetting(config, cwd);
  return database.kind === 'pglite' ? path.join(path.dirname(database.dir), 'chat_history') : undefined;
}

/** `steward chat`: the console adapter on the configured database. */
export async function runChat(io: CliIO, hostHandler: HostHandler): Promise<number> {
  const config = loadConfig(io.env);
  // Colour only in the interactive chat on a terminal: a piped chat prints exactly the text.
  const color = Boolean(process.stdin.isTTY) && colorWanted(process.stdout, io.env);
  const output = new ConsoleOutput((text) => void process.stdout.write(text));
  const services: Services = await openServices({
    config,
    env: io.env,
    cwd: io.cwd,
    // Logs go to stderr, and only warnings unless asked: the terminal is for the conversation.
    logger: createLogger(io.env.LOG_LEVEL ?? 'warn', 'stderr'),
    purpose: 'steward chat',
    defaultMetrics: false,
    deliveryPlatforms: ['console'],
    transports: [createConsoleTransport(output.write, { color })],
    controlHandler: (request) => hostHandler(request, services),
  });
  const file = historyFile(config, io.cwd);
  try {
    await runConsoleChat({
      steward: services,
      input: process.stdin,
      output,
      terminal: { output: process.stdout, color, ...(file ? { historyFile: file } : {}) },
      onError: (error) => services.logger.error({ err: error }, 'console turn failed'),
      ...(config.STEWARD_USER ? { user: config.STEWARD_USER } : {}),
    });
    return 0;
  } finally {
    await services.close();
  }
}
