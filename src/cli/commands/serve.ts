import { missingReviewersWarning } from '../../policy/reviewers.ts';
import { createConsoleTransport } from '../../../adapters/console/index.ts';
import { enabledAdapterFactories } from '../../../adapters/index.ts';
import type { PlatformAdapter } from '../../../adapters/index.ts';
import { databaseSetting, loadConfig } from '../../config.ts';
import { createLogger } from '../../logger.ts';
import type { Services } from '../../runtime/services.ts';
import { openServices } from '../../runtime/services.ts';
import { createHttpApp, listen } from '../../server/http.ts';
import { sendSlaReminders } from '../../review/sla.ts';
import { remindAboutOrphans } from '../../lifecycle/orphans.ts';
import { runRecertification } from '../../lifecycle/recertify.ts';
import { runDiscoveryNudge } from '../../discover/nudge.ts';
import type { CliIO } from '../io.ts';
import type { HostHandler } from './chat.ts';

/** `steward serve`: the HTTP server with the chat platforms and the outbox worker, until SIGTERM or SIGINT. */
export async function runServe(io: CliIO, hostHandler: HostHandler): Promise<number> {
  const config = loadConfig(io.env);
  const logger = createLogger(config.LOG_LEVEL, 'stdout');
  // Listen for the signal before anything is opened, so a stop during start-up still closes cleanly.
  const stopRequested = new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      logger.info({ signal }, 'shutting down');
      resolve();
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  const factories = enabledAdapterFactories(io.env);
  // Without a chat platform, escalations are printed like the console chat prints them.
  const consoleOnly = factories.length === 0;
  const services: Services = await openServices({
    config,
    env: io.env,
    cwd: io.cwd,
    logger,
    purpose: 'steward serve',
    deliveryPlatforms: consoleOnly ? ['console'] : factories.map((factory) => factory.platform),
    transports: consoleOnly ? [createConsoleTransport((text) => void process.stdout.write(text))] : [],
    controlHandler: (request) => hostHandler(request, services),
  });
  const adapters: PlatformAdapter[] = [];
  try {
    for (const factory of factories) {
      const adapter = await factory.create({
        services,
        env: io.env,
        logger: logger.child({ platform: factory.platform }),
      });
      services.worker.addTransport(adapter.transport);
      adapters.push(adapter);
    }
  } catch (error) {
    await services.close();
    throw error;
  }
  const app = createHttpApp(services, adapters);
  const server = await listen(app, config.PORT, config.HOST);
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  for (const adapter of adapters) await adapter.start?.();
  services.worker.start(config.OUTBOX_POLL_MS);
  // Timed work follows a policy published by another instance, as turns do.
  const inForce = () =>
    services.refreshPolicy().catch((error: unknown) => logger.error({ err: error }, 'policy check failed'));
  const slaTimer = setInterval(() => {
    void inForce().then(() => {
      sendSlaReminders(services.store, services.policy, new Date(), services.deliveryPlatforms).catch(
        (error: unknown) => logger.error({ err: error }, 'SLA check failed'),
      );
      // Orphaned apps wait on the same SLA for the leads to name an owner.
      remindAboutOrphans(services.store, services.policy, new Date(), services.deliveryPlatforms).catch(
        (error: unknown) => logger.error({ err: error }, 'orphan reminder check failed'),
      );
    });
  }, config.SLA_CHECK_MS);
  slaTimer.unref();
  const recertify = () =>
    void services
      .track(runRecertification(services.store, services.policy, new Date(), services.deliveryPlatforms))
      .catch((error: unknown) => logger.error({ err: error }, 'recertification run failed'));
  // Owners of apps the inventory found unregistered, when the policy lets the server nudge them.
  const nudge = () =>
    services.policy.discovery.nudge.enabled
      ? void services
          .track(runDiscoveryNudge(services.store, { now: new Date(), deliveryPlatforms: services.deliveryPlatforms }))
          .catch((error: unknown) => logger.error({ err: error }, 'discovery nudge run failed'))
      : undefined;
  // Recertification falls due by the day: hourly runs (and one at start) ask on the day without waste.
  const hourly = () =>
    void inForce().then(() => {
      recertify();
      nudge();
    });
  hourly();
  const lifecycleTimer = setInterval(hourly, config.LIFECYCLE_CHECK_MS);
  lifecycleTimer.unref();
  logger.info(
    {
      port,
      database: services.db.describe,
      policyVersion: services.policy.version,
      policyFrom:
        services.activePolicy.bound.number === undefined ? 'file' : `published #${services.activePolicy.bound.number}`,
      llm: services.llm ? services.llm.model : 'off',
      platforms: consoleOnly ? ['console (no chat platform configured)'] : adapters.map((adapter) => adapter.platform),
    },
    `Steward listening on http://${config.HOST}:${port} (${databaseSetting(config, io.cwd).kind})`,
  );

  const noReviewers = missingReviewersWarning(services.policy);
  if (noReviewers) logger.warn({ policyVersion: services.policy.version }, noReviewers);

  await stopRequested;
  // Stop taking requests, let in-flight ones finish, then close the database. Pending outbox work
  // stays in the database for the next start.
  clearInterval(slaTimer);
  clearInterval(lifecycleTimer);
  for (const adapter of adapters) await adapter.stop?.();
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  await closed;
  // Turns acknowledged before the signal finish and are saved; outbox work left pending is
  // delivered by the next start (or another instance).
  await services.drain();
  logger.info({ pendingOutbox: (await services.store.outbox.counts()).pending ?? 0 }, 'stopped');
  await services.close();
  return 0;
}
