import { z } from 'zod';
import { profileFields, statusLabel } from '../apps/present.ts';
import { appRecertification } from '../lifecycle/recertify.ts';
import type { Policy } from '../policy/schema.ts';
import { TIERS } from '../policy/schema.ts';
import { AppProfileSchema } from '../profile/schema.ts';
import { escalatedTeamsOf, reviewStanding } from '../review/standing.ts';
import { formatReference } from '../store/apps.ts';
import type { AppRecord } from '../store/dashboard.ts';
import type { Store } from '../store/store.ts';
import type { AppRow, AuditRow } from '../store/types.ts';
import type { Html, PageContext } from './html.ts';
import { count, dataTable, date, dateTime, empty, href, html, page, tierBadge } from './html.ts';
import { teamName, teamNames } from '../policy/schema.ts';

// One app: who owns it and who backs them up, its profile version by version side by side (changed
// values marked), every assessment with its reasons and the rules' sources, each team's decision, the
// owner changes, recertification, and the audit trail.

const AUDIT_LIMIT = 500;

/** "APP-0042" (any case, at least one digit); anything else is no app. */
const ReferenceSchema = z
  .string()
  .regex(/^app-\d{1,9}$/iu)
  .transform((text) => Number(text.slice(4)));

export function parseAppReference(text: string): number | undefined {
  const parsed = ReferenceSchema.safeParse(text);
  return parsed.success ? parsed.data : undefined;
}

const ReasonsSchema = z.array(
  z.object({
    rule: z.string(),
    tier: z.string().optional(),
    explanation: z.string().optional(),
    source: z.string().optional(),
  }),
);

const DECISIONS: Record<string, string> = {
  approve: 'approved',
  reject: 'rejected',
  changes: 'requested changes',
};

const OWNERSHIP_ACTIONS = new Set([
  'app.owner_changed',
  'app.orphaned',
  'app.ownership_accepted',
  'app.backup_owner_left',
]);

function person(name: string | null, email: string | null, platform: string | null, userId: string | null): string {
  const id = platform && userId ? `${platform}:${userId}` : '';
  const label = [name, email ? `<${email}>` : ''].filter(Boolean).join(' ');
  return label ? `${label}${id ? ` (${id})` : ''}` : id || 'none';
}

function detailsOf(details: unknown): Html {
  if (details === null || details === undefined) return html``;
  if (typeof details !== 'object' || Array.isArray(details)) return html`${JSON.stringify(details)}`;
  const entries = Object.entries(details as Record<string, unknown>).filter(([, value]) => value !== null);
  return html`<dl class="inline">
    ${entries.map(
      ([key, value]) =>
        html`<dt>${key}</dt>
          <dd>${typeof value === 'string' ? value : JSON.stringify(value)}</dd>`,
    )}
  </dl>`;
}

function versionsTable(record: AppRecord, policy: Policy): Html {
  if (record.versions.length === 0) return empty('No profile was stored for this app.');
  const columns = record.versions.map((version) => {
    const parsed = AppProfileSchema.safeParse(version.profile);
    const fields = parsed.success ? profileFields(parsed.data, policy) : [];
    return { version, readable: parsed.success, values: new Map(fields.map((field) => [field.label, field.value])) };
  });
  const labels: string[] = [];
  for (const column of [...columns].reverse())
    for (const label of column.values.keys()) if (!labels.includes(label)) labels.push(label);
  const header = columns.map((column) => ({
    label: html`Version ${column.version.version}<br /><span class="muted"
        >${date(column.version.createdAt)} by ${column.version.createdBy}</span
      >`,
  }));
  const rows = labels.map((label) => [
    label,
    ...columns.map((column, index) => {
      if (!column.readable) return { content: 'profile could not be read', class: 'muted' };
      const value = column.values.get(label) ?? '–';
      const previous = index > 0 ? (columns[index - 1]!.values.get(label) ?? '–') : value;
      return value !== previous
        ? { content: html`<span class="sr-only">changed: </span>${value}`, class: 'changed' }
        : value;
    }),
  ]);
  return html`<div class="scroll">
    ${dataTable(['Field', ...header], rows, {
      class: 'data versions',
      caption: 'The profile of each version; values that changed from the version before are marked.',
      rowHeader: true,
    })}
  </div>`;
}

function assessmentsSection(record: AppRecord, policy: Policy): Html {
  if (record.assessments.length === 0) return empty('This app was never assessed.');
  const titles = new Map(policy.rules.map((rule) => [rule.id, rule]));
  return html`${[...record.assessments].reverse().map((assessment) => {
    const reasons = ReasonsSchema.safeParse(assessment.reasons);
    const list = !reasons.success
      ? empty('The reasons of this assessment could not be read.')
      : reasons.data.length === 0
        ? empty('No policy rule applied.')
        : dataTable(
            ['Rule', 'Tier', 'Why', 'Source'],
            reasons.data.map((reason) => [
              html`<strong>${reason.rule}</strong
                >${titles.get(reason.rule) ? html`<br /><span class="muted">${titles.get(reason.rule)!.title}</span>` : ''}`,
              reason.tier ? tierBadge(reason.tier) : '–',
              reason.explanation ?? '',
              reason.source || titles.get(reason.rule)?.source || '–',
            ]),
            { class: 'data reasons' },
          );
    const teams = teamNames(policy, assessment.teams);
    return html`<article class="assessment" id="assessment-${assessment.id}">
      <h3>${dateTime(assessment.createdAt)}: version ${assessment.appVersion}, ${tierBadge(assessment.tier)}</h3>
      <p>
        By ${assessment.assessedBy === 'rules+llm' ? 'policy rules and AI assessment' : 'policy rules only'}, policy
        ${assessment.policyVersion}. ${teams ? `Reviewers: ${teams}.` : 'No review needed.'}
      </p>
      ${list}
    </article>`;
  })}`;
}

function decisionsSection(record: AppRecord, policy: Policy, waitingFor: string[] | undefined): Html {
  const waiting =
    waitingFor && waitingFor.length > 0 ? html`<p>Waiting for: ${teamNames(policy, waitingFor)}.</p>` : '';
  if (record.decisions.length === 0) return html`${waiting}${empty('No reviewer has decided on this app yet.')}`;
  return html`${waiting}
  ${dataTable(
    ['When', 'Version', 'Team', 'Decision', 'Reviewer', 'Reason'],
    record.decisions.map((decision) => [
      dateTime(decision.createdAt),
      decision.appVersion,
      decision.team ? teamName(policy, decision.team) : '–',
      { content: DECISIONS[decision.decision] ?? decision.decision, class: `decision-${decision.decision}` },
      decision.reviewerName ?? `${decision.reviewerPlatform}:${decision.reviewerId}`,
      decision.reason ?? '',
    ]),
  )}`;
}

function auditTable(rows: AuditRow[], emptyText: string): Html {
  if (rows.length === 0) return empty(emptyText);
  return dataTable(
    ['When', 'Who', 'What', 'Details'],
    rows.map((row) => [
      dateTime(row.at),
      row.actorName ?? `${row.actorPlatform}:${row.actorId}`,
      html`<code>${row.action}</code>`,
      detailsOf(row.details),
    ]),
    { class: 'data audit' },
  );
}

export async function appPage(ctx: PageContext, store: Store, policy: Policy, app: AppRow): Promise<string> {
  const reference = formatReference(app.refNumber);
  const [record, recertification, escalated] = await Promise.all([
    store.dashboard.appRecord(app.id, AUDIT_LIMIT),
    appRecertification(store, policy, app, ctx.now),
    escalatedTeamsOf(store, policy, app, app.currentVersion),
  ]);
  const tier = TIERS.find((known) => known === app.tier);
  const current = record.decisions.filter((decision) => decision.appVersion === app.currentVersion);
  const standing = reviewStanding(escalated, current, tier ? policy.tiers[tier].approval : 'every-team');
  const waitingFor = ['in_review', 'submitted'].includes(app.status) ? standing.waitingFor : undefined;
  const flags = [
    app.orphanedAt && app.status !== 'retired'
      ? html`<span class="flag">orphaned since ${date(app.orphanedAt)}</span>`
      : '',
    app.ownershipUnconfirmedSince
      ? html`<span class="flag">owner not confirmed since ${date(app.ownershipUnconfirmedSince)}</span>`
      : '',
    recertification.state === 'overdue' ? html`<span class="flag">recertification overdue</span>` : '',
  ];
  const ownership = record.audit.filter((row) => OWNERSHIP_ACTIONS.has(row.action));
  const recert = {
    current: `confirmed; next due ${date(recertification.nextDueAt)}`,
    due: `due since ${date(recertification.nextDueAt)}; the owner is asked on the next run`,
    asked: `asked ${date(recertification.askedAt)}, waiting for the owner`,
    reminded: `reminded, waiting for the owner (asked ${date(recertification.askedAt)})`,
    overdue: `overdue: asked ${date(recertification.askedAt)}, no answer after a reminder; the leads were told`,
    exempt: `exempt until ${date(app.exemptUntil)}${app.exemptReason ? ` (${app.exemptReason})` : ''}`,
    'not-recertified': 'not recertified (retired, rejected, orphaned or not assessed)',
  }[recertification.state];
  const body = html`<p class="lead">
      ${tierBadge(app.tier)} ${statusLabel(app.status)} · version ${app.currentVersion} ${flags}
    </p>
    <dl class="facts">
      <dt>Owner</dt>
      <dd>
        <a href="${href(ctx, '/inventory', { owner: app.ownerEmail ?? app.ownerUserId })}"
          >${person(app.ownerName, app.ownerEmail, app.ownerPlatform, app.ownerUserId)}</a
        >
      </dd>
      <dt>Backup owner</dt>
      <dd>${person(app.backupOwnerName, app.backupOwnerEmail, app.backupOwnerPlatform, app.backupOwnerUserId)}</dd>
      <dt>Registered</dt>
      <dd>${dateTime(app.createdAt)}</dd>
      <dt>Last changed</dt>
      <dd>${dateTime(app.updatedAt)}</dd>
      <dt>Recertification</dt>
      <dd>
        ${recert}${recertification.everyDays ? ` (every ${recertification.everyDays} days; last confirmed ${date(recertification.lastCertifiedAt)})` : ''}
      </dd>
      ${
        app.retiredAt
          ? html`<dt>Retired</dt>
              <dd>${dateTime(app.retiredAt)}</dd>`
          : ''
      }
    </dl>
    <nav class="toc" aria-label="On this page">
      <a href="#profile">Profile</a> · <a href="#assessments">Assessments</a> · <a href="#decisions">Decisions</a> ·
      <a href="#ownership">Ownership</a> · <a href="#audit">Audit trail</a>
    </nav>
    <section id="profile">
      <h2>Profile, version by version</h2>
      ${versionsTable(record, policy)}
    </section>
    <section id="assessments">
      <h2>Assessments (${count(record.assessments.length)})</h2>
      ${assessmentsSection(record, policy)}
    </section>
    <section id="decisions">
      <h2>Reviewer decisions</h2>
      ${decisionsSection(record, policy, waitingFor)}
    </section>
    <section id="ownership">
      <h2>Ownership and handoffs</h2>
      ${auditTable(ownership, 'The app has kept its first owner: no handoff, no owner left.')}
      ${
        record.recertifications.length > 0
          ? html`<h3>Recertification cycles</h3>
              ${dataTable(
                ['Due', 'Asked', 'Answered', 'Answer'],
                record.recertifications.map((cycle) => [
                  date(cycle.dueAt),
                  date(cycle.askedAt),
                  date(cycle.answeredAt),
                  cycle.answer ?? 'no answer yet',
                ]),
              )}`
          : ''
      }
    </section>
    <section id="audit">
      <h2>Audit trail</h2>
      ${record.auditTotal > record.audit.length ? html`<p class="muted">The newest ${count(record.audit.length)} of ${count(record.auditTotal)} entries; <code>steward audit export</code> has them all.</p>` : ''}${auditTable(record.audit, 'Nothing recorded for this app.')}
    </section>`;
  return page(ctx, { title: `${reference} ${app.name}`, body });
}

export function notFoundPage(ctx: PageContext, given: string): string {
  const number = parseAppReference(given);
  const text =
    number === undefined
      ? `"${given}" is not an app reference: references look like APP-0042.`
      : `There is no app ${formatReference(number)} in the inventory.`;
  return page(ctx, {
    title: 'App not found',
    body: html`${empty(text)}
      <p><a href="${href(ctx, '/inventory', { q: given })}">Search the inventory for "${given}"</a></p>`,
  });
}
