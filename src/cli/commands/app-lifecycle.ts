import { statusLabel } from '../../apps/present.ts';
import type { AppRecertification } from '../../lifecycle/recertify.ts';
import { appRecertification, isExempt } from '../../lifecycle/recertify.ts';
import { answerOpenCycle, retireApp as retireInCore } from '../../lifecycle/ownership.ts';
import { formatReference } from '../../store/apps.ts';
import type { Actor } from '../../store/audit.ts';
import type { Store } from '../../store/store.ts';
import type { AppRow } from '../../store/types.ts';
import type { CommandContext } from '../registry.ts';
import { dateOption, flag, option, positional } from '../options.ts';

// `steward apps show | exempt | retire`: one app after registration. Changes are audited, with the
// admin who ran the command as the actor, and close the app's open recertification cycle.

const SHOW_USAGE = 'Usage: steward apps show <APP-####> [--json]';
const EXEMPT_USAGE = 'Usage: steward apps exempt <APP-####> --until <date> --reason <text> [--json]';
const RETIRE_USAGE = 'Usage: steward apps retire <APP-####> [--reason <text>] [--json]';

const day = (date: Date | null) => (date ? date.toISOString().slice(0, 10) : null);
const iso = (date: Date | null) => date?.toISOString() ?? null;

function adminActor(ctx: CommandContext): Actor {
  return { platform: 'cli', userId: ctx.io.env.USER ?? ctx.io.env.USERNAME ?? 'admin' };
}

/** The one reference among the arguments ("APP-0042", "app-42", "42"), or undefined after saying what is wrong. */
function referenceArg(args: string[], optionsWithValues: string[], usage: string, ctx: CommandContext) {
  const given = positional(args, optionsWithValues);
  const match = given.length === 1 ? /^(?:app-?)?(\d+)$/iu.exec(given[0]!) : null;
  if (!match) {
    ctx.io.stderr(given.length === 1 ? `"${given[0]}" is not an app reference such as APP-0042.\n${usage}` : usage);
    return undefined;
  }
  return Number(match[1]);
}

async function appByNumber(store: Store, refNumber: number, ctx: CommandContext): Promise<AppRow | undefined> {
  const app = (await store.apps.list()).find((candidate) => candidate.refNumber === refNumber);
  if (!app) ctx.io.stderr(`No app ${formatReference(refNumber)} in the inventory.`);
  return app;
}

const label = (app: AppRow) => `${formatReference(app.refNumber)} "${app.name}"`;

function person(platform: string | null, userId: string | null, displayName: string | null, email: string | null) {
  return platform && userId ? { platform, userId, displayName, email } : null;
}

function personText(who: ReturnType<typeof person>): string {
  if (!who) return 'none';
  return `${who.platform}:${who.userId}${who.displayName ? ` (${who.displayName})` : ''}${who.email ? ` <${who.email}>` : ''}`;
}

function recertificationText(recert: AppRecertification, app: AppRow): string {
  const every = recert.everyDays ? `every ${recert.everyDays} days` : '';
  const last = `last ${day(recert.lastCertifiedAt) ?? `never (registered ${day(app.createdAt)})`}`;
  const due = day(recert.nextDueAt);
  const now = {
    current: `next due ${due}`,
    due: `due since ${due}, the owner is asked on the next run`,
    asked: `asked ${day(recert.askedAt)}, waiting for the owner (due ${due})`,
    reminded: `reminded, waiting for the owner (asked ${day(recert.askedAt)})`,
    overdue: `OVERDUE: asked ${day(recert.askedAt)}, no answer after a reminder; the leads were told`,
    exempt: `exempt; falls due ${due}`,
    'not-recertified': `not recertified (${app.status === 'retired' ? 'retired' : app.orphanedAt ? 'orphaned' : app.status === 'rejected' ? 'rejected' : 'not assessed'})`,
  }[recert.state];
  return [every, last, now].filter(Boolean).join('; ');
}

/** `steward apps show <APP-####> [--json]` */
export async function showApp(args: string[], ctx: CommandContext): Promise<number> {
  const refNumber = referenceArg(args, [], SHOW_USAGE, ctx);
  if (refNumber === undefined) return 2;
  const services = await ctx.services();
  const app = await appByNumber(services.store, refNumber, ctx);
  if (!app) return 1;
  const now = new Date();
  const recert = await appRecertification(services.store, services.policy, app, now);
  const owner = person(app.ownerPlatform, app.ownerUserId, app.ownerName, app.ownerEmail)!;
  const backup = person(app.backupOwnerPlatform, app.backupOwnerUserId, app.backupOwnerName, app.backupOwnerEmail);
  const exemption = app.exemptUntil
    ? { until: app.exemptUntil.toISOString(), reason: app.exemptReason, active: isExempt(app, now) }
    : null;
  if (flag(args, '--json')) {
    ctx.io.stdout(
      JSON.stringify(
        {
          reference: formatReference(app.refNumber),
          name: app.name,
          status: app.status,
          tier: app.tier,
          version: app.currentVersion,
          owner: { ...owner, unconfirmedSince: iso(app.ownershipUnconfirmedSince) },
          backupOwner: backup,
          recertification: {
            everyDays: recert.everyDays,
            state: recert.state,
            lastCertifiedAt: iso(recert.lastCertifiedAt),
            nextDueAt: iso(recert.nextDueAt),
            askedAt: iso(recert.askedAt),
          },
          exemption,
          orphanedAt: iso(app.orphanedAt),
          retiredAt: iso(app.retiredAt),
          createdAt: app.createdAt.toISOString(),
          updatedAt: app.updatedAt.toISOString(),
        },
        null,
        2,
      ),
    );
    return 0;
  }
  const unconfirmed = app.ownershipUnconfirmedSince
    ? ` (took over ${day(app.ownershipUnconfirmedSince)}, not accepted yet)`
    : '';
  const lines: Array<[string, string]> = [
    ['Status', statusLabel(app.status)],
    ['Tier', app.tier ?? '-'],
    ['Version', String(app.currentVersion)],
    ['Owner', `${personText(owner)}${unconfirmed}`],
    ['Backup owner', personText(backup)],
    ['Recertification', recertificationText(recert, app)],
    [
      'Exemption',
      exemption
        ? `until ${day(app.exemptUntil)}${exemption.active ? '' : ' (ended)'}: ${exemption.reason ?? '-'}`
        : 'none',
    ],
    ['Orphaned', app.orphanedAt ? `since ${day(app.orphanedAt)}: waiting for a new owner` : 'no'],
    ['Retired', app.retiredAt ? `on ${day(app.retiredAt)}` : 'no'],
  ];
  const width = Math.max(...lines.map(([name]) => name.length)) + 1;
  ctx.io.stdout([label(app), ...lines.map(([name, value]) => `  ${`${name}:`.padEnd(width)}  ${value}`)].join('\n'));
  return 0;
}

/** The app's open recertification cycle, if any, is settled by the change: nobody is chased about it. */

/** `steward apps exempt <APP-####> --until <date> --reason <text> [--json]` */
export async function exemptApp(args: string[], ctx: CommandContext): Promise<number> {
  const refNumber = referenceArg(args, ['--until', '--reason'], EXEMPT_USAGE, ctx);
  if (refNumber === undefined) return 2;
  const until = dateOption(args, '--until', ctx.io);
  if (until === null) return 2;
  const now = new Date();
  if (until === undefined) {
    ctx.io.stderr(`Until when? ${EXEMPT_USAGE}`);
    return 2;
  }
  if (until <= now) {
    ctx.io.stderr(`--until must be in the future: ${until.toISOString()} has passed.`);
    return 2;
  }
  const reason = option(args, '--reason')?.trim();
  if (!reason || reason.startsWith('--')) {
    ctx.io.stderr(`An exemption needs a reason (--reason "..."), kept in the audit trail.\n${EXEMPT_USAGE}`);
    return 2;
  }
  const services = await ctx.services();
  const app = await appByNumber(services.store, refNumber, ctx);
  if (!app) return 1;
  if (app.status === 'retired') {
    ctx.io.stderr(`${label(app)} is retired: it is not recertified, so there is nothing to exempt it from.`);
    return 1;
  }
  const actor = adminActor(ctx);
  const closedCycle = await services.store.transaction(async (tx) => {
    await tx.apps.exempt(app.id, until, reason);
    const closed = await answerOpenCycle(tx, app.id, 'exempt', actor, now);
    await tx.audit.record({
      actor,
      action: 'app.exempted',
      appId: app.id,
      details: {
        reference: formatReference(app.refNumber),
        until: until.toISOString(),
        reason,
        previous: app.exemptUntil ? { until: app.exemptUntil.toISOString(), reason: app.exemptReason } : null,
        closedCycle: closed,
      },
    });
    return closed;
  });
  if (flag(args, '--json'))
    ctx.io.stdout(
      JSON.stringify(
        { reference: formatReference(app.refNumber), exemptUntil: until.toISOString(), reason, closedCycle },
        null,
        2,
      ),
    );
  else
    ctx.io.stdout(
      `Exempted ${label(app)} from recertification until ${until.toISOString()}: ${reason}. It falls due again on that date${closedCycle ? '; its open recertification is closed' : ''}.`,
    );
  return 0;
}

/** `steward apps retire <APP-####> [--reason <text>] [--json]` */
export async function retireApp(args: string[], ctx: CommandContext): Promise<number> {
  const refNumber = referenceArg(args, ['--reason'], RETIRE_USAGE, ctx);
  if (refNumber === undefined) return 2;
  const reason = option(args, '--reason')?.trim() || null;
  const services = await ctx.services();
  const app = await appByNumber(services.store, refNumber, ctx);
  if (!app) return 1;
  if (app.status === 'retired') {
    ctx.io.stderr(`${label(app)} is already retired${app.retiredAt ? ` (since ${day(app.retiredAt)})` : ''}.`);
    return 1;
  }
  const now = new Date();
  await retireInCore(
    { store: services.store, policy: services.policy, deliveryPlatforms: services.deliveryPlatforms, now },
    app,
    adminActor(ctx),
    { reason, asAdmin: true },
  );
  if (flag(args, '--json'))
    ctx.io.stdout(
      JSON.stringify(
        {
          reference: formatReference(app.refNumber),
          status: 'retired',
          retiredAt: now.toISOString(),
          previousStatus: app.status,
          reason,
        },
        null,
        2,
      ),
    );
  else ctx.io.stdout(`Retired ${label(app)}. It stays in the inventory, and leaves reviews and recertification.`);
  return 0;
}
