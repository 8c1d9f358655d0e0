import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { toSafeCsv } from '../../csv-cell.ts';
import { reassessAll } from '../../apps/reassess-all.ts';
import { overdueReviews } from '../../review/sla.ts';
import { OUTBOX_FILTERS } from '../../store/outbox.ts';
import type { OutboxFilter } from '../../store/outbox.ts';
import type { CommandContext } from '../registry.ts';
import { dateOption, flag, option, positional } from '../options.ts';

// Admin commands over the review loop: overdue reviews, the audit trail, the outbox, re-assessment.

/** `steward reviews --overdue [--json] [--now <ISO date>]` */
export async function runReviews(args: string[], ctx: CommandContext): Promise<number> {
  if (!flag(args, '--overdue')) {
    ctx.io.stderr('Usage: steward reviews --overdue [--json] [--now <ISO date>]');
    return 2;
  }
  const given = dateOption(args, '--now', ctx.io);
  if (given === null) return 2;
  const now = given ?? new Date();
  const services = await ctx.services();
  const overdue = await overdueReviews(services.store, services.policy, now);
  if (flag(args, '--json')) {
    ctx.io.stdout(
      JSON.stringify(
        overdue.map((review) => ({
          ...review,
          submittedAt: review.submittedAt.toISOString(),
          dueAt: review.dueAt.toISOString(),
          leadsAt: review.leadsAt.toISOString(),
        })),
        null,
        2,
      ),
    );
    return 0;
  }
  if (overdue.length === 0) {
    ctx.io.stdout('No overdue reviews.');
    return 0;
  }
  for (const review of overdue) {
    ctx.io.stdout(
      `${review.reference}  ${review.name}  ${review.tier}  waiting since ${review.submittedAt.toISOString().slice(0, 10)}, due ${review.dueAt.toISOString().slice(0, 10)} (SLA ${review.slaBusinessDays} business day(s))`,
    );
  }
  return 0;
}

/** `steward audit export [--format csv|json] [--output <file>]` */
export async function runAudit(args: string[], ctx: CommandContext): Promise<number> {
  const [sub] = positional(args, ['--format', '--output']);
  const format = option(args, '--format') ?? 'csv';
  if (sub !== 'export' || (format !== 'csv' && format !== 'json')) {
    ctx.io.stderr('Usage: steward audit export [--format csv|json] [--output <file>]');
    return 2;
  }
  const services = await ctx.services();
  const events = await services.store.audit.all();
  const rows = events.map((event) => ({
    id: event.id.toString(),
    at: event.at.toISOString(),
    actorPlatform: event.actorPlatform,
    actorId: event.actorId,
    actorName: event.actorName ?? '',
    action: event.action,
    appId: event.appId ?? '',
    details: event.details === null ? '' : JSON.stringify(event.details),
  }));
  const text =
    format === 'csv'
      ? toSafeCsv(rows, ['id', 'at', 'actorPlatform', 'actorId', 'actorName', 'action', 'appId', 'details'])
      : `${JSON.stringify(
          rows.map((row, index) => ({ ...row, details: events[index]!.details })),
          null,
          2,
        )}\n`;
  const output = option(args, '--output');
  if (output) {
    await writeFile(path.resolve(ctx.io.cwd, output), text);
    ctx.io.stderr(`Exported ${rows.length} audit event(s) to ${output}.`);
  } else ctx.io.stdout(text);
  return 0;
}

/** `steward outbox [--status pending|delivered|dead|all] [--json]` and `steward outbox retry <id>|--dead` */
export async function runOutbox(args: string[], ctx: CommandContext): Promise<number> {
  const services = await ctx.services();
  const { outbox } = services.store;
  const [sub, id] = positional(args, ['--status']);
  if (sub === 'retry') {
    const all = flag(args, '--dead');
    if (!all && !id) {
      ctx.io.stderr('Usage: steward outbox retry <id> | steward outbox retry --dead');
      return 2;
    }
    const retried = await outbox.retryDead(all ? undefined : id);
    ctx.io.stdout(`${retried} message(s) queued for delivery again.`);
    return retried === 0 && id ? 1 : 0;
  }
  if (sub !== undefined) {
    ctx.io.stderr(
      'Usage: steward outbox [--status pending|delivered|dead|all] [--json] | steward outbox retry <id>|--dead',
    );
    return 2;
  }
  const status = option(args, '--status') ?? 'undelivered';
  if (!isOutboxFilter(status)) {
    ctx.io.stderr(`--status must be one of ${OUTBOX_FILTERS.join(', ')}.`);
    return 2;
  }
  const messages = await outbox.list(status);
  const counts = await outbox.counts();
  if (flag(args, '--json')) {
    ctx.io.stdout(
      JSON.stringify(
        {
          counts,
          messages: messages.map((message) => ({
            id: message.id,
            kind: message.kind,
            platform: message.platform,
            destination: message.destination,
            status: message.status,
            attempts: message.attempts,
            lastError: message.lastError,
            createdAt: message.createdAt.toISOString(),
            nextAttemptAt: message.nextAttemptAt.toISOString(),
            deliveredAt: message.deliveredAt?.toISOString() ?? null,
          })),
        },
        null,
        2,
      ),
    );
    return 0;
  }
  ctx.io.stdout(
    `Outbox: ${
      Object.entries(counts)
        .map(([name, count]) => `${count} ${name}`)
        .join(', ') || 'empty'
    }.`,
  );
  for (const message of messages) {
    ctx.io.stdout(
      `${message.id}  ${message.status.padEnd(9)} ${message.kind.padEnd(12)} ${message.platform}:${message.destination}  attempts ${message.attempts}${message.lastError ? `  last error: ${message.lastError}` : ''}`,
    );
  }
  return 0;
}

/** `steward reassess [--json]`: re-assess every app under the current policy version. */
export async function runReassess(args: string[], ctx: CommandContext): Promise<number> {
  const services = await ctx.services();
  const result = await reassessAll({
    store: services.store,
    policy: services.policy,
    assess: services.assess,
    deliveryPlatforms: services.deliveryPlatforms,
  });
  if (flag(args, '--json'))
    ctx.io.stdout(JSON.stringify({ policyVersion: services.policy.version, ...result }, null, 2));
  else {
    for (const change of result.assessed)
      ctx.io.stdout(
        `${change.reference}  ${change.name}: ${change.from ?? '-'} -> ${change.to}${change.rose ? '  (rose: owner told, reviewers asked)' : ''}`,
      );
    ctx.io.stdout(
      `Re-assessed ${result.assessed.length} app(s) under policy ${services.policy.version}; ${result.unchanged} already current.`,
    );
  }
  return 0;
}

function isOutboxFilter(value: string): value is OutboxFilter {
  return (OUTBOX_FILTERS as readonly string[]).includes(value);
}
