import type { Server } from 'node:http';
import express from 'express';
import type { Express } from 'express';
import type { Services } from '../runtime/services.ts';

// The HTTP server of `npm start`. Adapters mount their endpoints on it.

export interface HttpMount {
  platform: string;
  mount?(app: Express): void;
  health?(): Promise<Record<string, unknown>>;
}

export function createHttpApp(services: Services, mounts: HttpMount[] = []): Express {
  const app = express();
  app.disable('x-powered-by');
  app.get('/healthz', async (_req, res) => {
    const outbox = await services.db.prisma.outboxMessage.groupBy({ by: ['status'], _count: { _all: true } });
    const counts = Object.fromEntries(outbox.map((row) => [row.status, row._count._all]));
    const platforms: Record<string, unknown> = {};
    for (const mount of mounts) platforms[mount.platform] = mount.health ? await mount.health() : { status: 'ok' };
    res.json({
      status: 'ok',
      database: services.db.kind,
      policyVersion: services.policy.version,
      llm: services.llm ? 'configured' : 'off',
      adapters: mounts.map((mount) => mount.platform),
      platforms,
      outbox: { pending: counts.pending ?? 0, dead: counts.dead ?? 0 },
    });
  });
  for (const mount of mounts) mount.mount?.(app);
  return app;
}

export function listen(app: Express, port: number, host: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host, (error?: Error) => (error ? reject(error) : resolve(server)));
  });
}
