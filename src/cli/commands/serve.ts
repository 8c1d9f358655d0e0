import { createConsoleTransport } from '../../../adapters/console/index.ts';
import { databaseSetting, loadConfig } from '../../config.ts';
import { createLogger } from '../../logger.ts';
import type { Services } from '../../runtime/services.ts';
import { openServices } from '../../runtime/services.ts';
import { createHttpApp, listen } from '../../server/http.ts';
import type { CliIO } from '../io.ts';
import type { HostHandler } from './chat.ts';

/** `steward serve`: the HTTP server with the outbox worker, until SIGTERM or SIGINT. */
export async function runServe(io: CliIO, hostHandler: HostHandler): Promise<number> {
  const config = loadConfig(io.env);
  const logger = createLogger(config.LOG_LEVEL, 'stdout');
  const write = (text: string) => void process.stdout.write(text);
  const services: Services = await openServices({
    config,
    env: io.env,
    cwd: io.cwd,
    logger,
    purpose: 'steward serve',
    // Until a chat platform is connected, escalations are printed like the console chat prints them.
    transports: [createConsoleTransport(write)],
    controlHandler: (request) => hostHandler(request, services),
  });
  const app = createHttpApp(services);
  const server = await listen(app, config.PORT, config.HOST);
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  services.worker.start(config.OUTBOX_POLL_MS);
  logger.info(
    { port, database: services.db.describe, policyVersion: services.policy.version, llm: services.llm ? services.llm.model : 'off' },
    `Steward listening on http://${config.HOST}:${port} (${databaseSetting(config, io.cwd).kind})`,
  );

  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      logger.info({ signal }, 'shutting down');
      resolve();
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  // Stop taking requests, let in-flight ones finish, then close the database.
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await services.close();
  return 0;
}
