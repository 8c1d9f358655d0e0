import { ConsoleOutput, createConsoleTransport, runConsoleChat } from '../../../adapters/console/index.ts';
import { loadConfig } from '../../config.ts';
import { createLogger } from '../../logger.ts';
import type { ControlRequest, ControlResponse } from '../../runtime/control.ts';
import type { Services } from '../../runtime/services.ts';
import { openServices } from '../../runtime/services.ts';
import type { CliIO } from '../io.ts';

export type HostHandler = (request: ControlRequest, services: Services) => Promise<ControlResponse>;

/** `steward chat`: the console adapter on the configured database. */
export async function runChat(io: CliIO, hostHandler: HostHandler): Promise<number> {
  const config = loadConfig(io.env);
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
    transports: [createConsoleTransport(output.write)],
    controlHandler: (request) => hostHandler(request, services),
  });
  try {
    await runConsoleChat({
      engine: services.engine,
      worker: services.worker,
      input: process.stdin,
      output,
      onError: (error) => services.logger.error({ err: error }, 'console turn failed'),
      ...(config.STEWARD_USER ? { user: config.STEWARD_USER } : {}),
    });
    return 0;
  } finally {
    await services.close();
  }
}
