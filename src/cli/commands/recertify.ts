import type { RecertificationItem } from '../../lifecycle/recertify.ts';
import { recertificationItems, runRecertification } from '../../lifecycle/recertify.ts';
import type { CommandContext } from '../registry.ts';
import { dateOption, flag, positional } from '../options.ts';
import { textTable } from '../text-table.ts';

// `steward recertify`: run a recertification cycle now (the server runs one every hour), or with
// --due only list what is due or waiting for an answer, sending nothing.

const USAGE = 'Usage: steward recertify [--due] [--now <ISO date>] [--json]';

const day = (date: Date | null) => (date ? date.toISOString().slice(0, 10) : null);

function itemJson(item: RecertificationItem) {
  return {
    reference: item.reference,
    name: item.name,
    tier: item.tier,
    owner: item.owner,
    dueAt: item.dueAt.toISOString(),
    state: item.state,
    askedAt: item.askedAt?.toISOString() ?? null,
    remindedAt: item.remindedAt?.toISOString() ?? null,
    leadsToldAt: item.leadsToldAt?.toISOString() ?? null,
    next: item.next,
  };
}

const NEXT_LABEL: Record<NonNullable<RecertificationItem['next']>, string> = {
  ask: 'ask the owner',
  remind: 'remind the owner',
  'tell-leads': 'tell the leads',
};

export async function runRecertify(args: string[], ctx: CommandContext): Promise<number> {
  if (positional(args, ['--now']).length > 0) {
    ctx.io.stderr(USAGE);
    return 2;
  }
  const given = dateOption(args, '--now', ctx.io);
  if (given === null) return 2;
  const now = given ?? new Date();
  const services = await ctx.services();
  const json = flag(args, '--json');
  if (flag(args, '--due')) {
    const items = await recertificationItems(services.store, services.policy, now);
    if (json) ctx.io.stdout(JSON.stringify(items.map(itemJson), null, 2));
    else if (items.length === 0) ctx.io.stdout('Nothing is due for recertification.');
    else
      ctx.io.stdout(
        textTable([
          ['REFERENCE', 'NAME', 'TIER', 'OWNER', 'DUE', 'STATE', 'NEXT RUN'],
          ...items.map((item) => [
            item.reference,
            item.name,
            item.tier,
            `${item.owner.platform}:${item.owner.displayName ?? item.owner.userId}`,
            day(item.dueAt)!,
            item.state === 'due' ? 'due, not asked' : item.state,
            item.next ? NEXT_LABEL[item.next] : '-',
          ]),
        ]),
      );
    return 0;
  }
  const run = await runRecertification(services.store, services.policy, now, services.deliveryPlatforms);
  if (json) {
    ctx.io.stdout(JSON.stringify({ now: now.toISOString(), ...run }, null, 2));
    return 0;
  }
  const count = (digests: typeof run.asked) => digests.reduce((sum, digest) => sum + digest.apps.length, 0);
  for (const digest of run.asked)
    ctx.io.stdout(`Asked ${digest.owner.platform}:${digest.owner.userId} about ${digest.apps.join(', ')}`);
  for (const digest of run.reminded)
    ctx.io.stdout(`Reminded ${digest.owner.platform}:${digest.owner.userId} of ${digest.apps.join(', ')}`);
  if (run.leadsTold.length > 0) ctx.io.stdout(`Told the leads about ${run.leadsTold.join(', ')}`);
  ctx.io.stdout(
    `Recertification on ${day(now)}: ${count(run.asked)} app(s) asked in ${run.asked.length} digest(s), ${count(run.reminded)} reminded in ${run.reminded.length}, ${run.leadsTold.length} overdue reported to the leads; ${run.messages} message(s) queued.`,
  );
  return 0;
}
