import type { Policy } from '../policy/schema.ts';
import { APP_PLATFORMS } from '../profile/schema.ts';
import { formatReference } from '../store/apps.ts';
import type { WaitStats } from '../store/dashboard.ts';
import type { Store } from '../store/store.ts';
import type { Bar } from './charts.ts';
import { barList } from './charts.ts';
import type { Html, PageContext } from './html.ts';
import { appLink, count, dataTable, date, duration, empty, href, html, num, page, plural, tierBadge } from './html.ts';
import type { QueuedReview } from './review-queue.ts';
import { businessDaysBetween, reviewQueue, teamsInOrder } from './review-queue.ts';
import { teamName, teamNames } from '../policy/schema.ts';

// Where governance fails: the rules that fire most (what makers keep building), why reviewers reject
// or send apps back, reviews that stall (late, or sent back and never updated), and which teams and
// platforms wait longest, both for decisions already taken and for reviews still open.

const SHOWN = 15;

const KIND: Record<string, string> = { reject: 'rejected', changes: 'changes requested', approve: 'approved' };

interface Waiting {
  count: number;
  oldest: Date | undefined;
}

function waitingBy(queue: QueuedReview[], keys: (review: QueuedReview) => string[]): Map<string, Waiting> {
  const waiting = new Map<string, Waiting>();
  for (const review of queue)
    for (const key of keys(review)) {
      const entry = waiting.get(key) ?? { count: 0, oldest: undefined };
      entry.count += 1;
      if (!entry.oldest || review.submittedAt < entry.oldest) entry.oldest = review.submittedAt;
      waiting.set(key, entry);
    }
  return waiting;
}

function waitsTable(
  ctx: PageContext,
  caption: string,
  keys: string[],
  label: (key: string) => Html | string,
  decided: Map<string, WaitStats>,
  waiting: Map<string, Waiting>,
): Html {
  const rows = keys
    .map((key) => ({ key, decided: decided.get(key), waiting: waiting.get(key) }))
    .filter((row) => row.decided || row.waiting)
    .sort(
      (a, b) =>
        (b.waiting?.oldest ? ctx.now.getTime() - b.waiting.oldest.getTime() : 0) -
          (a.waiting?.oldest ? ctx.now.getTime() - a.waiting.oldest.getTime() : 0) ||
        (b.decided?.medianHours ?? 0) - (a.decided?.medianHours ?? 0),
    );
  if (rows.length === 0) return empty('No review was asked for yet, so there is no wait to measure.');
  return dataTable(
    ['', ...['Waiting now', 'Oldest waiting (business days)', 'Decided', 'Median wait', 'Longest wait'].map(num)],
    rows.map((row) => [
      label(row.key),
      count(row.waiting?.count ?? 0),
      row.waiting?.oldest ? count(businessDaysBetween(row.waiting.oldest, ctx.now)) : '–',
      count(row.decided?.decided ?? 0),
      row.decided ? duration(row.decided.medianHours) : '–',
      row.decided ? duration(row.decided.maxHours) : '–',
    ]),
    { caption, rowHeader: true },
  );
}

export async function failuresPage(ctx: PageContext, store: Store, policy: Policy): Promise<string> {
  const [rules, reasons, declined, decisionCounts, waits, stalledChanges, queue] = await Promise.all([
    store.dashboard.ruleCounts(SHOWN),
    store.dashboard.declineReasons(SHOWN),
    store.dashboard.declined(SHOWN),
    store.dashboard.decisionCounts(),
    store.dashboard.waits(),
    store.dashboard.stalledChanges(SHOWN),
    reviewQueue(store, policy, ctx.now),
  ]);
  const ruleById = new Map(policy.rules.map((rule) => [rule.id, rule]));
  const ruleBars: Bar[] = rules.map((row) => {
    const rule = ruleById.get(row.rule);
    return {
      label: rule ? `${row.rule}: ${rule.title}` : `${row.rule} (not in the policy in force)`,
      value: row.apps,
      ...(rule ? { tone: `tier-${rule.tier}` } : {}),
    };
  });

  const teamDecisions = new Map<string, Record<string, number>>();
  for (const row of decisionCounts) {
    const team = row.team ?? 'unknown';
    const entry = teamDecisions.get(team) ?? {};
    entry[row.decision] = (entry[row.decision] ?? 0) + row.count;
    teamDecisions.set(team, entry);
  }
  const decisionTeams = teamsInOrder(policy, teamDecisions.keys()).filter((team) => teamDecisions.has(team));
  const decisionTable =
    decisionTeams.length === 0
      ? empty('No reviewer has decided on any app yet.')
      : dataTable(
          ['Team', ...['Approved', 'Changes requested', 'Rejected', 'Not approved'].map(num)],
          decisionTeams.map((team) => {
            const entry = teamDecisions.get(team) ?? {};
            const approved = entry.approve ?? 0;
            const changes = entry.changes ?? 0;
            const rejected = entry.reject ?? 0;
            const all = approved + changes + rejected;
            return [
              teamName(policy, team),
              count(approved),
              count(changes),
              count(rejected),
              all === 0 ? '–' : `${Math.round(((changes + rejected) / all) * 100)}%`,
            ];
          }),
          { caption: 'Decisions per team', rowHeader: true },
        );

  const reasonTable =
    reasons.length === 0
      ? empty('No app was rejected or sent back for changes with a reason yet.')
      : dataTable(
          ['Reason', 'Decision', num('Times'), 'Teams', 'Last'],
          reasons.map((row) => [
            row.reason,
            KIND[row.decision] ?? row.decision,
            count(row.count),
            teamNames(policy, row.teams),
            date(row.lastAt),
          ]),
          { caption: 'Reasons given, most frequent first (the same words counted together)' },
        );
  const recentTable =
    declined.length === 0
      ? ''
      : html`<h3>Latest rejections and requests for changes</h3>
          ${dataTable(
            ['When', 'App', 'Team', 'Decision', 'Reason'],
            declined.map((row) => [
              date(row.createdAt),
              html`${appLink(ctx, formatReference(row.refNumber))} ${row.name}`,
              row.team ? teamName(policy, row.team) : '–',
              KIND[row.decision] ?? row.decision,
              row.reason ?? '',
            ]),
          )}`;

  const late = queue.filter((review) => review.overdue).slice(0, SHOWN);
  const lateCount = queue.filter((review) => review.overdue).length;
  const stalledLate =
    late.length === 0
      ? empty('No review is past its SLA.')
      : html`<ul class="compact">
            ${late.map(
              (review) =>
                html`<li>
                  ${appLink(ctx, review.reference)} ${review.name} ${tierBadge(review.tier)}:
                  ${plural(review.ageDays, 'business day')} (SLA ${review.slaBusinessDays ?? '–'}), waiting for
                  ${teamNames(policy, review.waitingFor) || 'no team named'}${review.pastTwice ? html` <span class="flag">leads told</span>` : ''}
                </li>`,
            )}
          </ul>
          ${lateCount > late.length ? html`<p class="muted">and ${count(lateCount - late.length)} more on <a href="${href(ctx, '/reviews')}#late">Reviews</a>.</p>` : ''}`;
  const stalledBack =
    stalledChanges.length === 0
      ? empty('No app is waiting for its maker after a request for changes.')
      : html`<ul class="compact">
          ${stalledChanges.map((row) => {
            return html`<li>
              ${appLink(ctx, formatReference(row.refNumber))} ${row.name} ${tierBadge(row.tier)}: sent back
              ${date(row.requestedAt)} by
              ${row.team ? teamName(policy, row.team) : 'a reviewer'}${row.reason ? html`: <q>${row.reason}</q>` : ''}
            </li>`;
          })}
        </ul>`;

  const teamKeys = teamsInOrder(policy, [
    ...waits.byTeam.map((row) => row.key),
    ...queue.flatMap((review) => review.waitingFor),
  ]);
  const teamWaits = waitsTable(
    ctx,
    'Waits per team: reviews still open, and from submission to decision for those decided',
    teamKeys,
    (team) => teamName(policy, team),
    new Map(waits.byTeam.map((row) => [row.key, row])),
    waitingBy(queue, (review) => review.waitingFor),
  );
  const platformWaiting = waitingBy(queue, (review) => [review.platform ?? 'unknown']);
  const platformKeys = [...new Set([...waits.byPlatform.map((row) => row.key), ...platformWaiting.keys()])].sort();
  const platformWaits = waitsTable(
    ctx,
    'Waits per platform',
    platformKeys,
    (platform) =>
      APP_PLATFORMS.some((known) => known === platform)
        ? html`<a href="${href(ctx, '/inventory', { platform, status: ['submitted', 'in_review'] })}">${platform}</a>`
        : platform,
    new Map(waits.byPlatform.map((row) => [row.key, row])),
    platformWaiting,
  );

  const body = html`<section>
      <h2>Rules that fire most</h2>
      <p class="muted">How many apps' latest assessment names each rule (retired apps left out).</p>
      ${barList(ruleBars, { caption: 'Apps per rule', emptyText: 'No policy rule applies to any app yet.' })}
    </section>
    <section>
      <h2>Rejections and requests for changes</h2>
      ${decisionTable}${reasonTable}${recentTable}
    </section>
    <section>
      <h2>Stalled reviews</h2>
      <h3>Past the SLA, oldest first</h3>
      ${stalledLate}
      <h3>Sent back for changes and not updated since</h3>
      ${stalledBack}
    </section>
    <section>
      <h2>Longest waits</h2>
      ${teamWaits}${platformWaits}
    </section>`;
  return page(ctx, { title: 'Where governance fails', section: 'failures', body });
}
