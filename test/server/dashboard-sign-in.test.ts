// The governance dashboard behind the organisation's identity provider, end to end: `steward serve` with
// OIDC settings, a real OpenID Connect provider on 127.0.0.1, and headless Chromium. A reviewer signs in
// and sees the overview; someone who is neither a reviewer nor an admin gets 403; ID tokens for another
// audience, expired or forged are refused; without OIDC settings there is no dashboard at all.
import { APPS_CSV_HEADER } from '../support/cli.ts';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { createHttpApp, listen } from '../../src/server/http.ts';
import { HeldCli } from '../support/cli.ts';
import { runSteward, serveSteward, stewardEnv } from '../support/processes.ts';
import type { ServingSteward } from '../support/processes.ts';
import { freePort, startTestProvider } from '../support/oidc-provider.ts';
import type { TestProvider } from '../support/oidc-provider.ts';
import { writeTestPolicy } from '../support/policy.ts';

/** Where the pages' screenshots go, for a person to look at (not kept in git). */
const SCREENSHOTS = path.join(import.meta.dirname, '..', 'screenshots');
/** Debian's Chromium; CHROMIUM_PATH names another. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

let dir: string;
let provider: TestProvider;
let steward: ServingSteward;
let browser: Browser;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'steward-dashboard-'));
  const [providerPort, stewardPort] = [await freePort(), await freePort()];
  const publicUrl = `http://127.0.0.1:${stewardPort}`;
  provider = await startTestProvider({
    port: providerPort,
    redirectUri: `${publicUrl}/admin/callback`,
    accounts: {
      rita: { email: 'rita@example.com', name: 'Rita Reviewer', oid: 'aad-arch-1' },
      adam: { email: 'adam@example.com', name: 'Adam Admin' },
      nora: { email: 'nora@example.com', name: 'Nora Nobody', oid: 'aad-someone-else' },
    },
  });
  const policy = await writeTestPolicy(dir, (doc) => doc.setIn(['dashboard', 'admins'], ['adam@example.com']));
  env = stewardEnv({
    PGLITE_DIR: path.join(dir, 'db'),
    STEWARD_POLICY: policy,
    PORT: String(stewardPort),
    HOST: '127.0.0.1',
    OIDC_ISSUER_URL: provider.issuer,
    OIDC_CLIENT_ID: provider.clientId,
    OIDC_CLIENT_SECRET: provider.clientSecret,
    PUBLIC_URL: publicUrl,
    SESSION_SECRET: 'a-session-secret-for-tests-0123456789abcdef',
    LOG_LEVEL: 'info',
  });
  await writeFile(
    path.join(dir, 'apps.csv'),
    [
      APPS_CSV_HEADER,
      'Card refunds,Refunds card payments,airtable,Service,team,8,payment-card,,false,low,false,slack,UKIM,kim@example.com',
      'Team rota,Plans shifts,excel,Logistics,team,8,internal,,false,low,false,slack,ULEE,lee@example.com',
      'Vendor sync,Keeps vendor details,airtable,Procurement,team,5,internal,SAP:write,false,low,false,slack,UANA,ana@example.com',
    ].join('\n'),
  );
  const imported = await runSteward(['apps', 'import', path.join(dir, 'apps.csv')], env);
  expect(imported.stdout).toContain('Imported 3 app(s)');
  steward = await serveSteward(env);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  await mkdir(SCREENSHOTS, { recursive: true });
}, 90_000);

afterAll(async () => {
  if (process.env.SHOW_SERVER_OUTPUT) console.log(steward?.output());
  await browser?.close();
  await steward?.stop();
  await provider?.close();
  await rm(dir, { recursive: true, force: true });
});

/** Opens the dashboard in a fresh browser and signs in at the provider as `login`: where it ends, and its status. */
async function signIn(login: string): Promise<{ page: Page; status: number }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${steward.url}/admin/`);
  // The provider's own sign-in page, then its consent page; then back to Steward.
  await page.fill('input[name=login]', login);
  await page.fill('input[name=password]', 'any password');
  await page.click('button[type=submit]');
  const [landed] = await Promise.all([
    page.waitForResponse((response) => response.url().startsWith(steward.url) && response.status() !== 303, {
      timeout: 15_000,
    }),
    page.click('button[type=submit]'),
  ]);
  await page.waitForLoadState('load');
  return { page, status: landed.status() };
}

describe('the dashboard behind OpenID Connect', () => {
  it('lets a reviewer in after signing in at the identity provider', async () => {
    const { page, status } = await signIn('rita');
    expect(status).toBe(200);
    expect(new URL(page.url()).pathname).toBe('/admin/');
    await expect(page.textContent('header')).resolves.toContain('Rita Reviewer');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'overview.png'), fullPage: true });
    await page.context().close();
  });

  it('shows a reviewer the overview as the inventory has it, the high-risk Airtable apps, and one app in full', async () => {
    const listed = JSON.parse((await runSteward(['apps', 'list', '--json'], env)).stdout) as Array<{
      reference: string;
      name: string;
      tier: string;
    }>;
    const { page } = await signIn('rita');
    // The overview's apps by tier are the inventory's.
    const rows = await page.$$eval('table.bars:has(caption:text("Apps by risk tier")) tbody tr', (trs) =>
      trs.map((tr) => [
        tr.querySelector('th')!.textContent!.trim().toLowerCase(),
        tr.querySelector('td.num')!.textContent!.trim(),
      ]),
    );
    const byTier = new Map<string, number>();
    for (const app of listed) byTier.set(app.tier, (byTier.get(app.tier) ?? 0) + 1);
    expect(Object.fromEntries(rows.filter(([, count]) => count !== '0'))).toEqual(
      Object.fromEntries([...byTier].map(([tier, count]) => [tier, String(count)])),
    );
    const stats = ((await page.textContent('.stats')) ?? '').replace(/\s+/gu, ' ');
    expect(stats).toContain(`${listed.length} apps in the register`);

    // The inventory, filtered with its form to high-risk Airtable apps.
    await page.click('nav >> text=Inventory');
    await page.check('input[name=tier][value=high]');
    await page.selectOption('select[name=platform]', 'airtable');
    await page.click('form.filters button[type=submit]');
    const names = await page.$$eval('table tbody tr', (trs) => trs.map((tr) => tr.textContent ?? ''));
    const expected = listed.filter((app) => app.tier === 'high' && ['Card refunds'].includes(app.name));
    expect(names).toHaveLength(expected.length);
    expect(names[0]).toContain('Card refunds');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'inventory-high-airtable.png'), fullPage: true });

    // One app: why it is high, and what happened to it.
    await page.click('table tbody tr a:text("Card refunds")');
    const main = (await page.textContent('main')) ?? '';
    expect(main).toContain('PAYMENT-CARD-DATA');
    expect(main).toContain('PCI DSS');
    expect(main).toContain('Audit trail');
    expect(main).toContain('app.registered');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'app.png'), fullPage: true });
    await page.context().close();
  });

  it('lets an admin listed by e-mail in', async () => {
    const { page } = await signIn('adam');
    await expect(page.textContent('header')).resolves.toContain('Adam Admin');
    await page.context().close();
  });

  it('answers 403 to someone who is neither a reviewer nor an admin', async () => {
    const { page, status } = await signIn('nora');
    expect(status).toBe(403);
    await expect(page.textContent('main')).resolves.toContain('signed in as Nora Nobody');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'not-allowed.png') });
    await page.context().close();
  });

  for (const tamper of ['wrong-audience', 'expired', 'forged'] as const)
    it(`refuses an ID token ${tamper === 'forged' ? 'signed by someone else' : tamper === 'expired' ? 'that has expired' : 'for another audience'}`, async () => {
      provider.tamper = tamper;
      try {
        const { page, status } = await signIn('rita');
        expect(status).toBe(401);
        await expect(page.textContent('main')).resolves.toContain('could not be accepted');
        // No session was made: the dashboard sends the browser to sign in again.
        const again = await page.request.get(`${steward.url}/admin/`, { maxRedirects: 0 });
        expect(again.status()).toBe(303);
        expect(again.headers().location).toContain('/admin/login');
        await page.context().close();
      } finally {
        provider.tamper = 'none';
      }
    });

  it('sends strict security headers and cookies', async () => {
    const login = await fetch(`${steward.url}/admin/login`, { redirect: 'manual' });
    expect(login.status).toBe(303);
    expect(login.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(login.headers.get('content-security-policy')).not.toContain('unsafe-inline');
    const setCookie = login.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/HttpOnly/u);
    expect(setCookie).toMatch(/Secure/u);
    expect(setCookie).toMatch(/SameSite=Lax/u);
    // A session cookie someone made up is no session.
    const forged = await fetch(`${steward.url}/admin/`, {
      redirect: 'manual',
      headers: {
        cookie: 'steward_session=eyJzdWIiOiJ4IiwibmFtZSI6IngiLCJleHAiOjk5OTk5OTk5OTk5OTl9.bm90LWEtc2lnbmF0dXJl',
      },
    });
    expect(forged.status).toBe(303);
  });
});

describe('without OIDC settings', () => {
  it('serves no dashboard', async () => {
    const plain = await serveSteward({
      ...env,
      PORT: '0',
      OIDC_ISSUER_URL: '',
      OIDC_CLIENT_ID: '',
      OIDC_CLIENT_SECRET: '',
      PGLITE_DIR: path.join(dir, 'db2'),
    });
    try {
      expect((await fetch(`${plain.url}/admin/`, { redirect: 'manual' })).status).toBe(404);
      expect((await fetch(`${plain.url}/admin/login`, { redirect: 'manual' })).status).toBe(404);
    } finally {
      await plain.stop();
    }
  });

  it('refuses the development sign-in on anything but a loopback address', () => {
    expect(() => loadConfig({ HOST: '0.0.0.0', DASHBOARD_DEV_LOGIN: 'true' })).toThrow(ConfigError);
    expect(() => loadConfig({ HOST: '0.0.0.0', DASHBOARD_DEV_LOGIN: 'true' })).toThrow(/loopback/u);
    expect(loadConfig({ HOST: '127.0.0.1', DASHBOARD_DEV_LOGIN: 'true' }).DASHBOARD_DEV_LOGIN).toBe(true);
    expect(() => loadConfig({ OIDC_ISSUER_URL: 'https://login.example.com' })).toThrow(/OIDC_CLIENT_ID: required/u);
  });
});

describe('the development sign-in', () => {
  it('signs in by e-mail on a loopback address, and access still follows the policy', async () => {
    const cli = new HeldCli();
    await cli.open('steward-dashboard-dev-', {
      env: { HOST: '127.0.0.1', DASHBOARD_DEV_LOGIN: 'true' },
    });
    const server = await listen(createHttpApp(cli.services), 0, '127.0.0.1');
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/admin`;
      const form = await fetch(`${base}/login`);
      expect(await form.text()).toContain('Development sign-in');
      const signIn = (email: string) =>
        fetch(`${base}/dev-login`, {
          method: 'POST',
          redirect: 'manual',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ email, returnTo: '/admin/reviews' }).toString(),
        });
      const signedIn = await signIn('someone@example.com');
      expect(signedIn.status).toBe(303);
      expect(signedIn.headers.get('location')).toBe('/admin/reviews');
      const session = signedIn.headers.get('set-cookie')!.split(';')[0]!;
      // Signed in, but the shipped policy names no admins: not allowed.
      expect((await fetch(`${base}/`, { headers: { cookie: session } })).status).toBe(403);
    } finally {
      await new Promise((resolve) => server.close(resolve));
      await cli.close();
    }
  });
});
