import { statusLabel } from '../apps/present.ts';
import type { Policy } from '../policy/schema.ts';
import { TIERS } from '../policy/schema.ts';
import type { Store } from '../store/store.ts';
import { slaMeter } from './charts.ts';
import type { Html, PageContext } from './html.ts';
import { appLink, count, dataTable, date, empty, html, num, page, plural, tierBadge } from './html.ts';
import type { QueuedReview } from './review-queue.ts';
import { reviewQueue, teamsInOrder } from './review-queue.ts';
import { teamName, teamNames } from '../policy/schema.ts';

// The review queues: per team, each review still waiting for that team, its age in business days
// against its tier's SLA, when it falls due and whether the leads have been told (twice the SLA).

const NO_TEAM = '(none)';
/** Rows shown per list, oldest first; the rest are counted (thousands of rows help nobody). */
const SHOWN = 50;

function more(total: number): Html | string {
  return total > SHOWN
    ? html`<p class="muted">The ${SHOWN} oldest of ${count(total)} are shown; decide those first.</p>`
    : '';
}

function state(review: QueuedReview): Html {
  if (review.pastTwice) return html`<span class="sla sla-late-twice">past twice the SLA: leads told</span>`;
  if (review.overdue) return html`<span class="sla sla-late">late</span>`;
  if (review.dueAt === null) return html`<span class="sla">no SLA</span>`;
  return html`<span class="sla sla-ok">on time</span>`;
}

function reviewRows(ctx: PageContext, policy: Policy, reviews: QueuedReview[], showTeams: boolean): Html {
  return dataTable(
    [
      'App',
      'Tier',
      'Status',
      'Submitted',
      num('Age (business days)'),
      'Against the SLA',
      'Due',
      'State',
      ...(showTeams ? ['Waiting for'] : []),
    ],
    reviews.map((review) => ({
      class: review.pastTwice ? 'row-late-twice' : review.overdue ? 'row-late' : undefined,
      cells: [
        html`${appLink(ctx, review.reference)} ${review.name}`,
        tierBadge(review.tier),
        statusLabel(review.status),
        date(review.submittedAt),
        html`${count(review.ageDays)}${review.slaBusinessDays !== null ? html` <span class="muted">/ ${review.slaBusinessDays}</span>` : ''}`,
        review.slaBusinessDays !== null ? slaMeter(review.ageDays, review.slaBusinessDays) : '–',
        date(review.dueAt),
        state(review),
        ...(showTeams ? [teamNames(policy, review.waitingFor) || 'no team named'] : []),
      ],
    })),
    { class: 'data queue' },
  );
}

export async function reviewsPage(ctx: PageContext, store: Store, policy: Policy): Promise<string> {
  const queue = await reviewQueue(store, policy, ctx.now);
  const byTeam = new Map<string, QueuedReview[]>();
  for (const review of queue)
    for (const team of review.waitingFor.length > 0 ? review.waitingFor : [NO_TEAM]) {
      const list = byTeam.get(team);
      if (list) list.push(review);
      else byTeam.set(team, [review]);
    }
  const teams = teamsInOrder(
    policy,
    [...byTeam.keys()].filter((team) => team !== NO_TEAM),
  );
  if (byTeam.has(NO_TEAM)) teams.push(NO_TEAM);
  const nameOf = (team: string) =>
    team === NO_TEAM ? 'No team named (the leads should look)' : teamName(policy, team);
  const late = queue.filter((review) => review.overdue);

  const sla = TIERS.filter((tier) => policy.tiers[tier].escalate).map((tier) => {
    const days = policy.tiers[tier].reviewSla?.businessDays;
    return html`<li>${tierBadge(tier)} ${days ? plural(days, 'business day') : 'no SLA'}</li>`;
  });
  const summary = dataTable(
    ['Team', num('Waiting'), num('Late'), 'Oldest submitted'],
    teams.map((team) => {
      const reviews = byTeam.get(team) ?? [];
      const lateCount = reviews.filter((review) => review.overdue).length;
      return [
        reviews.length > 0 ? html`<a href="#team-${team}">${nameOf(team)}</a>` : nameOf(team),
        count(reviews.length),
        lateCount > 0 ? html`<strong>${count(lateCount)}</strong>` : '0',
        date(reviews[0]?.submittedAt),
      ];
    }),
    { caption: 'Waiting per team', rowHeader: true },
  );

  const sections = teams
    .filter((team) => (byTeam.get(team) ?? []).length > 0)
    .map((team) => {
      const reviews = byTeam.get(team)!;
      return html`<section id="team-${team}">
        <h2>${nameOf(team)}: ${plural(reviews.length, 'review')} waiting</h2>
        ${reviewRows(ctx, policy, reviews.slice(0, SHOWN), false)}${more(reviews.length)}
      </section>`;
    });

  const body =
    queue.length === 0
      ? html`${empty('No review is waiting for a decision: every escalated app has been decided.')}
          <p>Review SLAs by tier:</p>
          <ul class="compact">
            ${sla}
          </ul>`
      : html`<p>
            ${plural(queue.length, 'review')} waiting for a decision, ${plural(late.length, 'review')} past the SLA.
            SLAs count business days (Monday to Friday) from submission:
          </p>
          <ul class="compact inline-list">
            ${sla}
          </ul>
          ${summary}
          <section id="late">
            <h2>Past the SLA</h2>
            ${late.length === 0 ? empty('No review is past its SLA.') : html`${reviewRows(ctx, policy, late.slice(0, SHOWN), true)}${more(late.length)}`}
          </section>
          ${sections}`;
  return page(ctx, { title: 'Reviews', section: 'reviews', body });
}
