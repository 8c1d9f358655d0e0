import express from 'express';
import type { NextFunction, Request, Response } from 'express';
import { z } from 'zod';
import type { Policy } from '../policy/schema.ts';
import type { Store } from '../store/store.ts';
import { DASHBOARD_CSS } from './stylesheet.ts';
import { appPage, notFoundPage, parseAppReference } from './app-page.ts';
import { failuresPage } from './failures.ts';
import type { PageContext } from './html.ts';
import { empty, href, html, page } from './html.ts';
import { inventoryExport, inventoryPage } from './inventory.ts';
import { BadDashboardQuery, parseInventoryQuery } from './inventory-query.ts';
import { overviewPage } from './overview.ts';
import { reviewsPage } from './reviews.ts';

// The read-only governance dashboard as an Express router. Whoever mounts it (at /admin, behind
// sign-in) puts the signed-in person in res.locals.viewer and sets the security headers; every link
// here is relative to the mount point (req.baseUrl). Pages are server-rendered HTML with no script and
// no inline style; each response says how long it took in a Server-Timing header.

export interface DashboardDeps {
  store: Store;
  /** The policy in force now: a published policy can replace it while the server runs. */
  policy(): Policy;
  now?(): Date;
}

const ViewerSchema = z.object({ name: z.string().min(1), email: z.string().optional() });

function contextOf(req: Request, res: Response, now: Date): PageContext {
  const viewer = ViewerSchema.safeParse(res.locals.viewer);
  return {
    base: req.baseUrl,
    viewer: viewer.success
      ? { name: viewer.data.name, ...(viewer.data.email ? { email: viewer.data.email } : {}) }
      : undefined,
    now,
  };
}

function send(res: Response, status: number, type: string, body: string, started: number): void {
  res
    .status(status)
    .set({
      'Content-Type': type,
      'Cache-Control': 'no-store',
      'Server-Timing': `render;dur=${(performance.now() - started).toFixed(1)}`,
    })
    .send(body);
}

/** The one stylesheet; the host serves it before sign-in too, since the sign-in pages use it. */
export function serveStylesheet(_req: Request, res: Response): void {
  res.set({ 'Content-Type': 'text/css; charset=utf-8', 'Cache-Control': 'public, max-age=3600' }).send(DASHBOARD_CSS);
}

export function dashboardRouter(deps: DashboardDeps): express.Router {
  const router = express.Router();
  const now = () => deps.now?.() ?? new Date();

  /** Renders one page: `render` gets the page context and the policy in force for this request. */
  const pageRoute =
    (render: (ctx: PageContext, policy: Policy, req: Request) => Promise<{ status?: number; html: string }>) =>
    async (req: Request, res: Response) => {
      const started = performance.now();
      const ctx = contextOf(req, res, now());
      const rendered = await render(ctx, deps.policy(), req);
      send(res, rendered.status ?? 200, 'text/html; charset=utf-8', rendered.html, started);
    };

  router.get(
    '/',
    pageRoute(async (ctx, policy) => ({ html: await overviewPage(ctx, deps.store, policy) })),
  );
  router.get(
    '/inventory',
    pageRoute(async (ctx, _policy, req) => ({
      html: await inventoryPage(ctx, deps.store, parseInventoryQuery(req.query)),
    })),
  );
  for (const format of ['csv', 'json'] as const) {
    router.get(`/inventory.${format}`, async (req, res) => {
      const started = performance.now();
      const params = parseInventoryQuery(req.query);
      const body = await inventoryExport(deps.store, params, format);
      res.set(
        'Content-Disposition',
        `attachment; filename="steward-inventory-${now().toISOString().slice(0, 10)}.${format}"`,
      );
      send(res, 200, format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8', body, started);
    });
  }
  router.get(
    '/apps/:ref',
    pageRoute(async (ctx, policy, req) => {
      const given = String(req.params.ref);
      const number = parseAppReference(given);
      const app = number === undefined ? null : await deps.store.apps.byReference(`APP-${number}`);
      if (!app) return { status: 404, html: notFoundPage(ctx, given) };
      return { html: await appPage(ctx, deps.store, policy, app) };
    }),
  );
  router.get(
    '/reviews',
    pageRoute(async (ctx, policy) => ({ html: await reviewsPage(ctx, deps.store, policy) })),
  );
  router.get(
    '/failures',
    pageRoute(async (ctx, policy) => ({ html: await failuresPage(ctx, deps.store, policy) })),
  );
  router.get('/static/dashboard.css', serveStylesheet);

  // A query string the dashboard cannot read is the person's mistake: say what is wrong, as a page.
  // Anything else goes on to the host's error handler, which logs it.
  router.use((error: unknown, req: Request, res: Response, next: NextFunction) => {
    if (!(error instanceof BadDashboardQuery)) {
      next(error);
      return;
    }
    const ctx = contextOf(req, res, now());
    const body = html`${empty(`This address asks for something the dashboard cannot show. ${error.problems.join(' ')}`)}
      <p><a href="${href(ctx, '/inventory')}">Open the inventory without filters</a></p>`;
    send(res, 400, 'text/html; charset=utf-8', page(ctx, { title: 'Cannot show that', body }), performance.now());
  });
  return router;
}
