// The governance dashboard over HTTP, on a real embedded database filled the way an admin fills it
// (`steward apps import`, reviewers' decisions, a leaver), plus one app whose name and profile carry
// markup as an older or tampered row might: what a governance lead would see and click.
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dashboardRouter } from '../src/dashboard/router.ts';
import type { AppProfile } from '../src/profile/schema.ts';
import { overdueReviews } from '../src/review/sla.ts';
import { formatReference } from '../src/store/apps.ts';
import { HeldCli } from './support/cli.ts';

const HEADER =
  'name,description,platform,department,audience,userCount,dataCategories,systems,aiUsed,criticality,externalSharing,ownerPlatform,ownerUserId,ownerEmail';
const SPECIAL = [
  'Card refunds,Refunds card payments,airtable,Service,team,8,payment-card,,false,low,false,console,kim,kim@example.com',
  'Card disputes,Tracks card disputes,airtable,Service,team,8,payment-card,,false,low,false,console,kim,kim@example.com',
  'Card chargebacks,Chargeback evidence,airtable,Finance,team,8,payment-card,,false,low,false,console,max,max@example.com',
  'Patient notes,Notes about patients,airtable,Health,team,6,health,,false,low,false,console,max,max@example.com',
  'Airtable lunch,Who orders lunch,airtable,Facilities,team,8,internal,,false,low,false,console,lee,lee@example.com',
  'Till cards,Card payments at the till,power-apps,Retail,team,8,payment-card,,false,low,false,console,lee,lee@example.com',
  'Complaint tracker,Tracks complaints,power-apps,Customer Service,department,45,personal,,false,medium,false,console,ana,ana@example.com',
  '"=HYPERLINK(""http://evil.example"")",Looks harmless,excel,Finance,team,3,internal,,false,low,false,console,ana,ana@example.com',
];
const FILLER = Array.from(
  { length: 56 },
  (_, index) =>
    `Lunch rota ${String(index + 1).padStart(2, '0')},Plans lunch,excel,Facilities,team,8,internal,,false,low,false,console,bo${index % 4},bo${index % 4}@example.com`,
);
const XSS = '<script>alert(1)</script> & "x"';
const XSS_ESCAPED = '&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot;';
const DAY = 86_400_000;
/** The dashboard's clock: three weeks on, every review is past its SLA. */
const NOW = new Date(Date.now() + 21 * DAY);

interface Listed {
  reference: string;
  name: string;
  status: string;
  tier: string | null;
}
interface Exported {
  reference: string;
  status: string;
  tier: string | null;
  profile: { platform: string; department: string; name: string };
}

/** Inline style or script of any kind: the CSP would refuse them. */
const INLINE = /<script|<style|<[^>]*\s(?:style|on[a-z]+)\s*=|javascript:/iu;

describe('governance dashboard', () => {
  const cli = new HeldCli();
  let server: Server;
  let origin = '';
  const refs = new Map<string, string>();
  const pages: Record<string, string> = {};

  const get = async (path: string) => {
    const response = await fetch(`${origin}/admin${path}`);
    const body = await response.text();
    // Pages are read as a person reads them: white space between and inside tags does not count.
    const isPage = response.headers.get('content-type')?.startsWith('text/html') ?? false;
    const text = isPage ? body.replace(/\s+>/gu, '>').replace(/>\s+</gu, '><').replace(/\s+/gu, ' ') : body;
    if (isPage) pages[path] = text;
    return { status: response.status, text, headers: response.headers };
  };
  /** A page refused with `status` and saying `message`. */
  const expectRefused = async (path: string, status: number, message: string) => {
    const response = await get(path);
    expect(response.status, path).toBe(status);
    expect(response.text, path).toContain(message);
  };
  const json = async <T>(...argv: string[]): Promise<T> => JSON.parse((await cli.run(...argv)).out) as T;
  /** References in the inventory table, in their order. */
  const tableRefs = (page: string) =>
    [...page.matchAll(/<tr><td><a href="\/admin\/apps\/(APP-\d+)">/gu)].map((match) => match[1]);

  beforeAll(async () => {
    await cli.open('steward-dashboard-', { apps: [HEADER, ...SPECIAL, ...FILLER] });
    const { store } = cli.services;
    for (const app of await json<Listed[]>('apps', 'list', '--json')) refs.set(app.name, app.reference);

    // A row with markup in it, as an old or tampered record might hold (today's intake refuses markup).
    const profile: AppProfile = {
      name: XSS,
      description: 'Keeps <img src=x onerror=alert(1)> card numbers',
      platform: 'airtable',
      department: 'R&D "Labs" <b>',
      audience: 'team',
      userCount: 5,
      dataCategories: ['payment-card'],
      systems: [],
      ai: {
        used: false,
        generatesContent: false,
        decisionImpact: 'none',
        profiling: false,
        domains: [],
        practices: [],
      },
      criticality: 'low',
      externalSharing: false,
    };
    const assessment = await cli.services.assess(profile);
    const owner = { platform: 'console', userId: 'eve', displayName: '<b>Eve</b>', email: 'eve@example.com' };
    await store.transaction(async (tx) => {
      const app = await tx.apps.create({ name: XSS, owner, status: 'in_review', tier: assessment.tier });
      await tx.apps.addVersion({ appId: app.id, version: 1, profile, createdBy: 'console:eve' });
      await tx.assessments.record(app.id, 1, assessment);
      await tx.audit.record({ actor: owner, action: 'app.registered', appId: app.id, details: { name: XSS } });
      refs.set(XSS, formatReference(app.refNumber));
    });

    const decide = async (name: string, team: string, decision: 'approve' | 'reject' | 'changes', reason?: string) => {
      const app = await store.apps.byReference(refs.get(name)!);
      const reviewers: Record<string, string> = { security: 'USECURITY1', compliance: 'UCOMPLY1' };
      const outcome = await cli.services.decide({
        appId: app!.id,
        appVersion: app!.currentVersion,
        team,
        decision,
        ...(reason ? { reason } : {}),
        reviewer: { platform: 'slack', userId: reviewers[team]!, displayName: `${team} reviewer` },
      });
      expect(outcome.kind).toBe('decided');
    };
    await decide('Card refunds', 'security', 'reject', 'Card numbers must not be kept in Airtable');
    await decide('Card disputes', 'security', 'changes', "Use the payment provider's tokens");
    await decide('Card chargebacks', 'security', 'approve');
    await decide(XSS, 'compliance', 'reject', '<script>alert(2)</script> & "why"');
    // Lee leaves without a backup: Lee's apps are orphaned.
    expect((await cli.run('owners', 'leave', 'lee@example.com')).code).toBe(0);

    const app = express();
    app.use('/admin', (_req, res, next) => {
      res.locals.viewer = { name: 'Gia <Lead>', email: 'gia@example.com' };
      next();
    });
    app.use('/admin', dashboardRouter({ store, policy: () => cli.services.policy, now: () => NOW }));
    server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server?.close();
    await cli.close();
  });

  it('the overview counts what the inventory holds, each count leading to the inventory filtered to it', async () => {
    const listed = await json<Listed[]>('apps', 'list', '--json');
    const exported = await json<Exported[]>('apps', 'export', '--format', 'json');
    const { status, text } = await get('/');
    expect(status).toBe(200);
    const linked = (query: string) => {
      const match = new RegExp(`<a href="/admin/inventory\\?${query}">([\\d,]+)</a>`, 'u').exec(text);
      return match ? Number(match[1]!.replace(/,/gu, '')) : undefined;
    };
    expect(linked('')).toBeUndefined();
    expect(text).toMatch(new RegExp(`<a href="/admin/inventory">${listed.length}</a>`, 'u'));
    const tiers = ['low', 'medium', 'high', 'critical'];
    for (const tier of tiers) {
      const expected = listed.filter((app) => app.tier === tier).length;
      expect(linked(`tier=${tier}`), tier).toBe(expected);
    }
    for (const state of ['approved', 'in_review', 'submitted', 'rejected', 'changes_requested']) {
      const expected = listed.filter((app) => app.status === state).length;
      if (expected > 0) expect(linked(`status=${state}`), state).toBe(expected);
    }
    const airtable = exported.filter((app) => app.profile.platform === 'airtable').length;
    expect(linked('platform=airtable')).toBe(airtable);
    expect(linked('department=Facilities')).toBe(
      exported.filter((app) => app.profile.department === 'Facilities').length,
    );
    // Reviews waiting: the high card apps not yet decided, the complaint tracker, the till.
    expect(text).toContain('reviews waiting for a decision');
    expect(text).toMatch(/<a href="\/admin\/inventory\?orphaned=1">2<\/a>/u);
    expect(text).toContain('Registrations and escalations per week');
    expect(text).toContain('No discovery data yet');
    expect(text).toContain('Signed in as <strong>Gia &lt;Lead&gt;</strong>');
  });

  it('filters and search narrow the table: high-risk Airtable apps, a department, an owner, words', async () => {
    const exported = await json<Exported[]>('apps', 'export', '--format', 'json');
    const highAirtable = exported
      .filter((app) => app.tier === 'high' && app.profile.platform === 'airtable')
      .map((app) => app.reference);
    const filtered = await get('/inventory?tier=high&platform=airtable');
    expect(filtered.status).toBe(200);
    expect(highAirtable).toContain(refs.get(XSS));
    expect(tableRefs(filtered.text).sort()).toEqual(highAirtable.sort());
    expect(filtered.text).toContain('tier high, platform airtable');

    const byOwner = await get('/inventory?owner=kim');
    expect(tableRefs(byOwner.text).sort()).toEqual([refs.get('Card refunds'), refs.get('Card disputes')].sort());
    const byWords = await get('/inventory?q=chargeback');
    expect(tableRefs(byWords.text)).toEqual([refs.get('Card chargebacks')]);
    const byReference = await get(`/inventory?q=${refs.get('Patient notes')!.toLowerCase()}`);
    expect(tableRefs(byReference.text)).toEqual([refs.get('Patient notes')]);
    const byDepartment = await get('/inventory?department=customer%20service');
    expect(tableRefs(byDepartment.text)).toEqual([refs.get('Complaint tracker')]);
    const nothing = await get('/inventory?q=%25nothing_like_this');
    expect(tableRefs(nothing.text)).toEqual([]);
    expect(nothing.text).toContain('No app is matching');
    const orphans = await get('/inventory?orphaned=1');
    expect(tableRefs(orphans.text).sort()).toEqual([refs.get('Airtable lunch'), refs.get('Till cards')].sort());
  });

  it('sorts by any column both ways, and pages fifty at a time', async () => {
    const byName = tableRefs((await get('/inventory?sort=name&dir=asc&platform=airtable')).text);
    const names = [...refs].filter(([name]) => byName.includes(refs.get(name)!));
    const expected = names
      .sort(([a], [b]) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1))
      .map(([, reference]) => reference);
    expect(byName).toEqual(expected);
    const reversed = tableRefs((await get('/inventory?sort=name&dir=desc&platform=airtable')).text);
    expect(reversed).toEqual([...expected].reverse());
    const byTier = tableRefs((await get('/inventory?sort=tier&dir=desc')).text);
    const listed = await json<Listed[]>('apps', 'list', '--json');
    const tierOf = new Map(listed.map((app) => [app.reference, app.tier]));
    const rank = (reference: string | undefined) =>
      ['low', 'medium', 'high', 'critical'].indexOf(tierOf.get(reference!) ?? '');
    const ranks = byTier.map(rank);
    expect(ranks).toEqual([...ranks].sort((a, b) => b - a));

    const total = listed.length;
    const first = await get('/inventory');
    const second = await get('/inventory?page=2');
    const firstRefs = tableRefs(first.text);
    const secondRefs = tableRefs(second.text);
    expect(firstRefs).toHaveLength(50);
    expect(secondRefs).toHaveLength(total - 50);
    expect(new Set([...firstRefs, ...secondRefs]).size).toBe(total);
    expect(first.text).toContain('Page 1 of 2');
    expect(first.text).toContain('href="/admin/inventory?sort=reference&amp;dir=asc&amp;page=2" rel="next"');
    expect((await get('/inventory?page=9')).text).toContain('past the last page');
  });

  it('exports exactly the filtered set as CSV and JSON, formulas neutralised', async () => {
    const all = tableRefs((await get('/inventory?platform=airtable&tier=high')).text);
    const csv = await get('/inventory.csv?platform=airtable&tier=high');
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(csv.headers.get('content-disposition')).toMatch(/attachment; filename="steward-inventory-.*\.csv"/u);
    const rows = parse(csv.text, { columns: true }) as Array<Record<string, string>>;
    expect(rows.map((row) => row.reference)).toEqual(all);
    expect(rows.find((row) => row.reference === refs.get(XSS))?.name).toBe(XSS);
    const data = JSON.parse((await get('/inventory.json?platform=airtable&tier=high')).text) as Array<{
      reference: string;
      platform: string;
    }>;
    expect(data.map((row) => row.reference)).toEqual(all);
    expect(new Set(data.map((row) => row.platform))).toEqual(new Set(['airtable']));

    // The whole filtered set, not one page.
    const everything = JSON.parse((await get('/inventory.json')).text) as unknown[];
    expect(everything).toHaveLength((await json<Listed[]>('apps', 'list', '--json')).length);
    const excel = parse((await get('/inventory.csv?q=HYPERLINK')).text, { columns: true }) as Array<
      Record<string, string>
    >;
    expect(excel.map((row) => row.name)).toEqual(['\'=HYPERLINK("http://evil.example")']);
  });

  it('the app page shows the profile by version, reasons with rule sources, decisions and the audit trail', async () => {
    const reference = refs.get('Card refunds')!;
    const { status, text } = await get(`/apps/${reference}`);
    expect(status).toBe(200);
    expect(text).toContain(`${reference} Card refunds`);
    expect(text).toContain('PAYMENT-CARD-DATA');
    expect(text).toContain('PCI DSS');
    expect(text).toContain('Version 1');
    expect(text).toContain('Refunds card payments');
    expect(text).toContain('Card numbers must not be kept in Airtable');
    expect(text).toContain('rejected');
    expect(text).toContain('security reviewer');
    for (const action of ['app.registered', 'app.assessed', 'app.escalated'])
      expect(text).toContain(`<code>${action}</code>`);
    expect(text).toMatch(/<code>review\.reject/u);

    const partly = await get(`/apps/${refs.get('Card chargebacks')}`);
    expect(partly.text).toMatch(/Waiting for: [^<]*Compliance/u);
    const orphan = await get(`/apps/${refs.get('Till cards')}`);
    expect(orphan.text).toContain('orphaned since');
    expect(orphan.text).toContain('<code>app.orphaned</code>');

    const lower = await get(`/apps/${reference.toLowerCase()}`);
    expect(lower.status).toBe(200);
    await expectRefused('/apps/APP-9999', 404, 'There is no app APP-9999 in the inventory.');
    await expectRefused('/apps/%3Cb%3E', 404, '&quot;&lt;b&gt;&quot; is not an app reference');
  });

  it('the review queues show each review per team, its age against the SLA, and the late ones as the SLA check sees them', async () => {
    const { text } = await get('/reviews');
    const late = await overdueReviews(cli.services.store, cli.services.policy, NOW);
    expect(late.length).toBeGreaterThan(0);
    const lateSection = /<section id="late">([\s\S]*?)<\/section>/u.exec(text)![1]!;
    expect([...lateSection.matchAll(/<a href="\/admin\/apps\/(APP-\d+)">/gu)].map((match) => match[1]).sort()).toEqual(
      late.map((review) => review.reference).sort(),
    );
    expect(text).toContain('id="team-compliance"');
    expect(text).toContain('id="team-privacy"');
    // Card chargebacks waits for compliance only: security approved.
    const security = /<section id="team-security">([\s\S]*?)<\/section>/u.exec(text)![1]!;
    expect(security).not.toContain(refs.get('Card chargebacks'));
    const compliance = /<section id="team-compliance">([\s\S]*?)<\/section>/u.exec(text)![1]!;
    expect(compliance).toContain(refs.get('Card chargebacks'));
    expect(text).toContain('past twice the SLA: leads told');
  });

  it('where governance fails: rules that fire most, rejection reasons, stalled reviews, longest waits', async () => {
    const { status, text } = await get('/failures');
    expect(status).toBe(200);
    expect(text).toMatch(/PAYMENT-CARD-DATA: [^<]+<\/th><td class="num">5</u);
    expect(text).toContain('Card numbers must not be kept in Airtable');
    expect(text).toContain('Use the payment provider&#39;s tokens');
    expect(text).toContain('Sent back for changes and not updated since');
    expect(text).toContain(refs.get('Card disputes'));
    expect(text).toContain('Waits per team');
    expect(text).toContain('Waits per platform');
  });

  it('escapes markup typed by makers and reviewers everywhere, and no page has inline style or script', async () => {
    const reference = refs.get(XSS)!;
    const paths = [
      '/',
      '/inventory',
      '/inventory?platform=airtable',
      `/inventory?q=${encodeURIComponent(XSS)}`,
      `/apps/${reference}`,
      '/reviews',
      '/failures',
      '/inventory?tier=urgent',
      '/apps/APP-9999',
    ];
    for (const path of paths) await get(path);
    for (const [path, text] of Object.entries(pages)) {
      expect(text, path).not.toMatch(INLINE);
      expect(text, path).not.toContain('<b>');
      expect(text, path).not.toContain('<img');
    }
    expect(pages['/inventory?platform=airtable']).toContain(XSS_ESCAPED);
    expect(pages[`/apps/${reference}`]).toContain(XSS_ESCAPED);
    expect(pages[`/apps/${reference}`]).toContain('Keeps &lt;img src=x onerror=alert(1)&gt; card numbers');
    expect(pages[`/apps/${reference}`]).toContain('&lt;script&gt;alert(2)&lt;/script&gt; &amp; &quot;why&quot;');
    expect(pages['/failures']).toContain('&lt;script&gt;alert(2)&lt;/script&gt;');
    expect(pages['/failures']).toContain(XSS_ESCAPED);
    expect(pages['/']).toContain('R&amp;D &quot;Labs&quot; &lt;b&gt;');
    expect(pages[`/inventory?q=${encodeURIComponent(XSS)}`]).toContain(`value="${XSS_ESCAPED}"`);
  });

  it('an unknown tier or sort is a clear 400 page; the stylesheet is served', async () => {
    await expectRefused(
      '/inventory?tier=urgent',
      400,
      'Tier &quot;urgent&quot; is unknown: choose low, medium, high, critical.',
    );
    await expectRefused('/inventory.csv?sort=colour', 400, 'Sort &quot;colour&quot; is unknown');
    expect((await get('/inventory?page=0')).status).toBe(400);
    const css = await get('/static/dashboard.css');
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toContain('text/css');
    expect(pages['/']).toMatch(/<link rel="stylesheet" href="\/admin\/static\/dashboard\.css"\s*\/?>/u);
  });
});
