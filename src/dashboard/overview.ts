import { statusLabel } from '../apps/present.ts';
import type { Policy } from '../policy/schema.ts';
import { TIERS } from '../policy/schema.ts';
import { formatReference } from '../store/apps.ts';
import type { BreakdownRow } from '../store/dashboard.ts';
import type { Store } from '../store/store.ts';
import { APP_STATUSES } from '../store/types.ts';
import type { Bar } from './charts.ts';
import { barList, trendChart } from './charts.ts';
import type { Html, PageContext } from './html.ts';
import { appLink, count, dataTable, date, empty, href, html, num, page, plural, tierBadge } from './html.ts';
import { reviewQueue, teamsInOrder } from './review-queue.ts';
import { teamName } from '../policy/schema.ts';

// The overview: the register by tier, status, platform and department (each number opens the inventory
// filtered to it), reviews waiting and late, what needs the leads (orphans, overdue recertifications),
// discovery coverage when there is discovery data, and registrations and escalations week by week.

const WEEKS = 12;
const DEPARTMENTS_SHOWN = 15;

function sumBy(rows: BreakdownRow[], key: (row: BreakdownRow) => string | null): Map<string | null, number> {
  const sums = new Map<string | null, number>();
  for (const row of rows) sums.set(key(row), (sums.get(key(row)) ?? 0) + row.count);
  return sums;
}

/** Monday 00:00 UTC of the week `weeksBack` weeks before the one holding `now`. */
function weekStart(now: Date, weeksBack: number): Date {
  const day = new Date(`${now.toISOString().slice(0, 10)}T00:00:00.000Z`);
  const sinceMonday = (day.getUTCDay() + 6) % 7;
  day.setUTCDate(day.getUTCDate() - sinceMonday - 7 * weeksBack);
  return day;
}

function perWeek(weeks: Date[], rows: Array<{ week: Date; count: number }>): number[] {
  const byWeek = new Map(rows.map((row) => [new Date(row.week).getTime(), row.count]));
  return weeks.map((week) => byWeek.get(week.getTime()) ?? 0);
}

function stat(label: string, value: number, link: string | undefined, note?: Html | string): Html {
  const number = link ? html`<a href="${link}">${count(value)}</a>` : count(value);
  return html`<div class="stat">
    <p class="stat-value">${number}</p>
    <p class="stat-label">${label}</p>
    ${note ? html`<p class="stat-note">${note}</p>` : ''}
  </div>`;
}

export async function overviewPage(ctx: PageContext, store: Store, policy: Policy): Promise<string> {
  const since = weekStart(ctx.now, WEEKS - 1);
  const [breakdown, queue, orphaned, recertifications, coverage, weekly] = await Promise.all([
    store.dashboard.breakdown(),
    reviewQueue(store, policy, ctx.now),
    store.dashboard.orphanedCount(),
    store.dashboard.overdueRecertifications(),
    store.dashboard.coverage(),
    store.dashboard.weekly(since),
  ]);
  const total = breakdown.reduce((sum, row) => sum + row.count, 0);
  const inventory = (params: Record<string, string>) => href(ctx, '/inventory', params);
  if (total === 0)
    return page(ctx, {
      title: 'Overview',
      section: 'overview',
      body: empty(
        'No apps are registered yet. Apps appear here once makers register them in chat or an admin imports them (steward apps import).',
      ),
    });

  const byTier = sumBy(breakdown, (row) => row.tier);
  const tierBars: Bar[] = TIERS.map((tier) => ({
    label: tier,
    value: byTier.get(tier) ?? 0,
    link: inventory({ tier }),
    tone: `tier-${tier}`,
  }));
  const unassessed = [...byTier].filter(([tier]) => !TIERS.some((known) => known === tier));
  for (const [tier, value] of unassessed) tierBars.push({ label: tier ?? 'unassessed', value });

  const byStatus = sumBy(breakdown, (row) => row.status);
  const statusBars: Bar[] = APP_STATUSES.filter((status) => byStatus.has(status)).map((status) => ({
    label: statusLabel(status),
    value: byStatus.get(status) ?? 0,
    link: inventory({ status }),
    tone: `status-${status}`,
  }));

  const byPlatform = [...sumBy(breakdown, (row) => row.platform)].sort((a, b) => b[1] - a[1]);
  const platformBars: Bar[] = byPlatform.map(([platform, value]) => ({
    label: platform ?? 'unknown',
    value,
    ...(platform ? { link: inventory({ platform }) } : {}),
  }));

  const byDepartment = [...sumBy(breakdown, (row) => row.department)].sort(
    (a, b) => b[1] - a[1] || String(a[0]).localeCompare(String(b[0])),
  );
  const departmentBars: Bar[] = byDepartment.slice(0, DEPARTMENTS_SHOWN).map(([department, value]) => ({
    label: department ?? 'unknown',
    value,
    ...(department ? { link: inventory({ department }) } : {}),
  }));
  const moreDepartments = byDepartment.length - departmentBars.length;

  const overdue = queue.filter((review) => review.overdue);
  const pastTwice = overdue.filter((review) => review.pastTwice);
  const waitingByTeam = new Map<string, number>();
  for (const review of queue)
    for (const team of review.waitingFor) waitingByTeam.set(team, (waitingByTeam.get(team) ?? 0) + 1);
  const teamBars: Bar[] = teamsInOrder(policy, waitingByTeam.keys())
    .filter((team) => waitingByTeam.has(team))
    .map((team) => ({
      label: teamName(policy, team),
      value: waitingByTeam.get(team) ?? 0,
      link: `${href(ctx, '/reviews')}#team-${team}`,
    }));

  const attention: Html[] = [];
  if (orphaned > 0)
    attention.push(
      stat('orphaned apps: their owner left and nobody took over', orphaned, inventory({ orphaned: '1' })),
    );
  if (recertifications.length > 0)
    attention.push(
      html`<div class="stat">
        <p class="stat-value">${count(recertifications.length)}</p>
        <p class="stat-label">overdue recertifications: the leads were told and the owner has not answered</p>
        <ul class="compact">
          ${recertifications.slice(0, 10).map(
            (row) =>
              html`<li>
                ${appLink(ctx, formatReference(row.refNumber))} ${row.name} ${tierBadge(row.tier)}
                <span class="muted">asked ${date(row.askedAt)}</span>
              </li>`,
          )}
        </ul>
        ${recertifications.length > 10 ? html`<p class="muted">and ${count(recertifications.length - 10)} more</p>` : ''}
      </div>`,
    );

  const coverageTotal = coverage.reduce(
    (sum, row) => ({ discovered: sum.discovered + row.discovered, registered: sum.registered + row.registered }),
    { discovered: 0, registered: 0 },
  );
  const percent = (registered: number, discovered: number) =>
    discovered === 0 ? '–' : `${Math.round((registered / discovered) * 100)}%`;
  const coverageSection =
    coverage.length === 0
      ? html`<section>
          <h2>Discovery coverage</h2>
          ${empty('No discovery data yet: coverage shows once a platform inventory is imported (steward discover import).')}
        </section>`
      : html`<section>
          <h2>Discovery coverage</h2>
          <p>
            ${percent(coverageTotal.registered, coverageTotal.discovered)} of the apps the platforms' inventories list
            are registered (${count(coverageTotal.registered)} of ${count(coverageTotal.discovered)}).
          </p>
          ${dataTable(
            ['Source', num('Discovered'), num('Registered'), num('Coverage')],
            coverage.map((row) => [
              row.source,
              count(row.discovered),
              count(row.registered),
              percent(row.registered, row.discovered),
            ]),
            { rowHeader: true },
          )}
        </section>`;

  const weeks = Array.from({ length: WEEKS }, (_, index) => weekStart(ctx.now, WEEKS - 1 - index));
  const trend = trendChart(
    weeks,
    [
      { name: 'Registrations', tone: 'series-a', values: perWeek(weeks, weekly.registrations) },
      { name: 'Escalations', tone: 'series-b', values: perWeek(weeks, weekly.escalations) },
    ],
    {
      caption: `Registrations and escalations per week (weeks from Monday, UTC), last ${WEEKS} weeks`,
      emptyText: `No app was registered or escalated in the last ${WEEKS} weeks.`,
    },
  );

  const body = html`<div class="stats">
      ${stat('apps in the register', total, inventory({}), byStatus.get('retired') ? `${count(byStatus.get('retired') ?? 0)} of them retired` : undefined)}
      ${stat('reviews waiting for a decision', queue.length, href(ctx, '/reviews'))}
      ${stat('reviews past their SLA', overdue.length, overdue.length > 0 ? `${href(ctx, '/reviews')}#late` : undefined, pastTwice.length > 0 ? `${plural(pastTwice.length, 'review')} past twice the SLA: the leads were told` : undefined)}
    </div>
    ${
      attention.length > 0
        ? html`<section>
            <h2>Needs the leads</h2>
            <div class="stats">${attention}</div>
          </section>`
        : html`<p class="muted">No orphaned apps and no overdue recertifications.</p>`
    }
    <div class="grid">
      <section>
        <h2>By risk tier</h2>
        ${barList(tierBars, { caption: 'Apps by risk tier', emptyText: 'No app has a tier yet.' })}
      </section>
      <section>
        <h2>By status</h2>
        ${barList(statusBars, { caption: 'Apps by status', emptyText: 'No apps.' })}
      </section>
      <section>
        <h2>By platform</h2>
        ${barList(platformBars, { caption: 'Apps by platform', emptyText: 'No platform recorded.' })}
      </section>
      <section>
        <h2>By department</h2>
        ${barList(departmentBars, { caption: 'Apps by department, most first', emptyText: 'No department recorded.' })}${moreDepartments > 0 ? html`<p class="muted">and ${plural(moreDepartments, 'more department')}; search the <a href="${inventory({ sort: 'department' })}">inventory by department</a>.</p>` : ''}
      </section>
      <section>
        <h2>Reviews waiting, by team</h2>
        ${barList(teamBars, { caption: 'Reviews waiting for each team', emptyText: 'No review is waiting for a decision.' })}
      </section>
    </div>
    ${coverageSection}
    <section>
      <h2>Trend</h2>
      ${trend}
    </section>`;
  return page(ctx, { title: 'Overview', section: 'overview', body });
}
