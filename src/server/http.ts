import { randomUUID } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import type { Server } from 'node:http';
import express from 'express';
import type { Express } from 'express';
import { DEFAULT_MIGRATIONS_DIR } from '../db/migrate.ts';
import type { Services } from '../runtime/services.ts';
import { errorHandler, jsonBodyForBareErrors, methodNotAllowed, notFound } from './errors.ts';
import { mountLeavers } from './leavers.ts';
import { mountDashboard } from './dashboard.ts';
import { dashboardSetting } from '../config.ts';

// The HTTP server of `npm start`: liveness, readiness, metrics, and the adapters' endpoints.

export interface HttpMount {
  platform: string;
  /** Adds the platform's routes. What they throw or pass to next() is answered by ./errors.ts. */
  mount?(app: Express): void;
  /** `status: 'ok'` when every destination is reachable; anything else makes /readyz fail. */
  health?(): Promise<Record<string, unknown>>;
}

async function platformHealth(mounts: HttpMount[]) {
  const platforms: Record<string, Record<string, unknown>> = {};
  for (const mount of mounts) {
    platforms[mount.platform] = mount.health
      ? await mount.health().catch((error: unknown) => ({ status: 'error', error: String(error) }))
      : { status: 'ok' };
  }
  return platforms;
}

async function pendingMigrations(services: Services): Promise<string[]> {
  const local = (await readdir(DEFAULT_MIGRATIONS_DIR, { withFileTypes: true }))
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name);
  const done = new Set(await services.store.health.appliedMigrations());
  return local.filter((name) => !done.has(name));
}

export function createHttpApp(services: Services, mounts: HttpMount[] = []): Express {
  const app = express();
  app.disable('x-powered-by');
  // A request id on every request and in every log line about it; a caller's own id is kept.
  app.use((req, res, next) => {
    const given = req.header('x-request-id');
    const id = given && /^[\w.-]{1,100}$/u.test(given) ? given : randomUUID();
    res.setHeader('x-request-id', id);
    res.locals.requestId = id;
    res.locals.log = services.logger.child({ requestId: id });
    const started = performance.now();
    res.on('finish', () => {
      (res.locals.log as Services['logger']).debug(
        { method: req.method, path: req.path, status: res.statusCode, ms: Math.round(performance.now() - started) },
        'request',
      );
    });
    next();
  });
  app.use(jsonBodyForBareErrors);

  app.get('/healthz', async (_req, res) => {
    const counts = await services.store.outbox.counts();
    res.json({
      status: 'ok',
      database: services.db.kind,
      policyVersion: services.policy.version,
      llm: services.llm ? 'configured' : 'off',
      adapters: mounts.map((mount) => mount.platform),
      platforms: await platformHealth(mounts),
      outbox: { pending: counts.pending ?? 0, dead: counts.dead ?? 0 },
    });
  });

  app.get('/readyz', async (_req, res) => {
    const checks: Record<string, unknown> = {};
    let ready = true;
    try {
      await services.store.health.ping();
      checks.database = 'ok';
      const pending = await pendingMigrations(services);
      checks.migrations = pending.length === 0 ? 'ok' : { pending };
      if (pending.length > 0) ready = false;
    } catch (error) {
      checks.database = `unreachable: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`;
      ready = false;
    }
    checks.adapters = mounts.length > 0 ? mounts.map((mount) => mount.platform) : 'none (escalations are printed)';
    const platforms = await platformHealth(mounts);
    checks.platforms = platforms;
    if (Object.values(platforms).some((health) => health.status !== 'ok')) ready = false;
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', checks });
  });

  app.get('/metrics', async (_req, res) => {
    const { contentType, body } = await services.metrics.render();
    res.type(contentType).send(body);
  });
  app.all(['/healthz', '/readyz', '/metrics'], methodNotAllowed(['GET', 'HEAD']));

  mountLeavers(app, services);
  mountDashboard(app, services, dashboardSetting(services.config));
  for (const mount of mounts) mount.mount?.(app);
  // After every route, the adapters' included: errors anywhere are answered as JSON, never with a stack.
  app.use(notFound);
  app.use(errorHandler(services.logger));
  return app;
}

export function listen(app: Express, port: number, host: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host, (error?: Error) => (error ? reject(error) : resolve(server)));
  });
}
