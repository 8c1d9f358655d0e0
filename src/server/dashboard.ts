import { randomBytes } from 'node:crypto';
import express from 'express';
import type { Express, Request, RequestHandler, Response } from 'express';
import { z } from 'zod';
import type { DashboardSetting } from '../config.ts';
import { dashboardRouter, serveStylesheet } from '../dashboard/router.ts';
import { html, page } from '../dashboard/html.ts';
import type { Html } from '../dashboard/html.ts';
import { dashboardAccess, reviewerIds } from '../policy/dashboard-access.ts';
import type { Services } from '../runtime/services.ts';
import { identityOf, LoginTransactionSchema, OidcSignIn, SignedInSchema, SignInError } from './oidc.ts';
import type { SignedIn } from './oidc.ts';
import { cookie, cookiesOf, readSignedValue, signValue } from './signed-cookie.ts';

// The governance dashboard at /admin, behind the organisation's identity provider. Not served at all
// without OIDC settings (or the development sign-in on a loopback address). Every response carries a
// strict Content-Security-Policy: no script, no inline style, nothing from elsewhere.

const DASHBOARD_PATH = '/admin';
const SESSION_COOKIE = 'steward_session';
const LOGIN_COOKIE = 'steward_login';
const SESSION_MS = 8 * 3600_000;
const LOGIN_MS = 10 * 60_000;

const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy':
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cache-Control': 'no-store',
};

/** A path inside the dashboard to come back to after signing in; anything else goes to the overview. */
function safeReturn(value: unknown): string {
  return typeof value === 'string' && /^\/admin(?:[/?][^\s\\]*)?$/u.test(value) && !value.startsWith('//')
    ? value
    : `${DASHBOARD_PATH}/`;
}

function plainPage(res: Response, status: number, title: string, body: Html): void {
  res
    .status(status)
    .type('html')
    .send(page({ base: DASHBOARD_PATH, viewer: undefined, now: new Date() }, { title, body }));
}

export function mountDashboard(app: Express, services: Services, setting: DashboardSetting): void {
  if (setting.kind === 'off') return;
  const log = services.logger.child({ component: 'dashboard' });
  // The development sign-in without SESSION_SECRET signs with a key of this process (sessions end with it).
  const secret = setting.sessionSecret ?? randomBytes(32).toString('hex');
  const publicUrl = setting.kind === 'oidc' ? setting.publicUrl : undefined;
  const oidc =
    setting.kind === 'oidc'
      ? new OidcSignIn({
          issuer: setting.issuer,
          clientId: setting.clientId,
          clientSecret: setting.clientSecret,
          redirectUri: new URL(`${DASHBOARD_PATH}/callback`, setting.publicUrl),
        })
      : undefined;

  const router = express.Router();
  router.use((_req, res, next) => {
    res.set(SECURITY_HEADERS);
    next();
  });

  const signIn = (res: Response, person: SignedIn, returnTo: string) => {
    res.append(
      'Set-Cookie',
      cookie(SESSION_COOKIE, signValue(secret, 'session', person, SESSION_MS), {
        path: DASHBOARD_PATH,
        maxAgeMs: SESSION_MS,
      }),
    );
    res.redirect(303, safeReturn(returnTo));
  };

  // The stylesheet styles the sign-in pages too, before anyone is signed in.
  router.get('/static/dashboard.css', serveStylesheet);

  router.get('/login', async (req, res) => {
    const returnTo = safeReturn(req.query.returnTo);
    if (!oidc) {
      plainPage(
        res,
        200,
        'Sign in (development)',
        html`<p class="muted">Development sign-in: no identity provider is asked. Served on a loopback address only.</p>
          <form method="post" action="${DASHBOARD_PATH}/dev-login">
            <input type="hidden" name="returnTo" value="${returnTo}" />
            <label>E-mail address <input type="email" name="email" required autocomplete="email" /></label>
            <button type="submit">Sign in</button>
          </form>`,
      );
      return;
    }
    try {
      const { url, transaction } = await oidc.start(returnTo);
      res.append(
        'Set-Cookie',
        cookie(LOGIN_COOKIE, signValue(secret, 'login', transaction, LOGIN_MS), {
          path: DASHBOARD_PATH,
          maxAgeMs: LOGIN_MS,
        }),
      );
      res.redirect(303, url.href);
    } catch (error) {
      log.error({ err: error instanceof Error ? error.message : String(error) }, 'dashboard sign-in could not start');
      plainPage(
        res,
        503,
        'Sign-in unavailable',
        html`<p>
          ${error instanceof SignInError ? error.message : 'The sign-in could not start.'}. Please try again later.
        </p>`,
      );
    }
  });

  if (oidc) {
    router.get('/callback', async (req, res) => {
      const transaction = readSignedValue(
        secret,
        'login',
        cookiesOf(req.headers.cookie).get(LOGIN_COOKIE),
        LoginTransactionSchema,
      );
      res.append('Set-Cookie', cookie(LOGIN_COOKIE, '', { path: DASHBOARD_PATH, maxAgeMs: 0 }));
      if (!transaction) {
        plainPage(
          res,
          400,
          'Sign-in expired',
          html`<p>This sign-in is unknown or took too long. <a href="${DASHBOARD_PATH}/login">Sign in again</a>.</p>`,
        );
        return;
      }
      try {
        const callback = new URL(req.originalUrl, publicUrl);
        const signedIn = await oidc.finish(callback, transaction);
        // Entra may list hundreds of groups: only those the policy names matter, and the cookie stays small.
        const named = new Set(reviewerIds(services.policy));
        const groups = signedIn.groups?.filter((group) => named.has(group.toLowerCase()));
        const { groups: _all, ...rest } = signedIn;
        const person = groups && groups.length > 0 ? { ...rest, groups } : rest;
        log.info({ sub: person.sub }, 'signed in to the dashboard');
        signIn(res, person, transaction.returnTo);
      } catch (error) {
        // Why goes to the log; the page says only that it failed.
        log.warn({ err: error instanceof Error ? error.message : String(error) }, 'dashboard sign-in refused');
        plainPage(
          res,
          401,
          'Sign-in failed',
          html`<p>
            The identity provider's answer could not be accepted, so you are not signed in.
            <a href="${DASHBOARD_PATH}/login">Try again</a>.
          </p>`,
        );
      }
    });
  } else {
    router.post('/dev-login', express.urlencoded({ extended: false, limit: '4kb' }), (req, res) => {
      const email = z
        .string()
        .trim()
        .toLowerCase()
        .email()
        .safeParse((req.body as Record<string, unknown> | undefined)?.email);
      if (!email.success) {
        plainPage(
          res,
          400,
          'Sign in (development)',
          html`<p>Please give an e-mail address. <a href="${DASHBOARD_PATH}/login">Back</a></p>`,
        );
        return;
      }
      signIn(
        res,
        { sub: `dev:${email.data}`, name: email.data, email: email.data },
        String((req.body as Record<string, unknown>).returnTo ?? ''),
      );
    });
  }

  router.get('/logout', (_req, res) => {
    res.append('Set-Cookie', cookie(SESSION_COOKIE, '', { path: DASHBOARD_PATH, maxAgeMs: 0 }));
    plainPage(
      res,
      200,
      'Signed out',
      html`<p>You are signed out. <a href="${DASHBOARD_PATH}/login">Sign in again</a>.</p>`,
    );
  });

  const requireViewer: RequestHandler = async (req: Request, res, next) => {
    const person = readSignedValue(
      secret,
      'session',
      cookiesOf(req.headers.cookie).get(SESSION_COOKIE),
      SignedInSchema,
    );
    if (!person) {
      res.redirect(303, `${DASHBOARD_PATH}/login?returnTo=${encodeURIComponent(req.originalUrl)}`);
      return;
    }
    // Who may see it is policy, read at each request: a publish or a reviewer removed counts at once.
    await services.refreshPolicy();
    const access = dashboardAccess(services.policy, identityOf(person));
    if (!access.allowed) {
      plainPage(
        res,
        403,
        'Not allowed',
        html`<p>
          You are signed in as <strong>${person.name}</strong>, but the dashboard is for the reviewers of the policy's
          teams and its dashboard admins. Ask a governance lead to add you.
          <a href="${DASHBOARD_PATH}/logout">Sign out</a>.
        </p>`,
      );
      return;
    }
    res.locals.viewer = { name: person.name, ...(person.email ? { email: person.email } : {}) };
    next();
  };
  router.use(requireViewer, dashboardRouter({ store: services.store, policy: () => services.policy }));
  app.use(DASHBOARD_PATH, router);
}
