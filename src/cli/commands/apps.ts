import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { statusLabel } from '../../apps/present.ts';
import { InventoryCsvError, inventoryToCsv, parseInventoryCsv } from '../../apps/inventory-csv.ts';
import type { InventoryRow } from '../../apps/inventory-csv.ts';
import { formatReference } from '../../store/apps.ts';
import { APP_STATUSES } from '../../store/types.ts';
import type { AppRow, AppStatus } from '../../store/types.ts';
import type { CommandContext } from '../registry.ts';
import { flag, option, positional } from '../options.ts';
import { exemptApp, retireApp, showApp } from './app-lifecycle.ts';
import { textTable } from '../text-table.ts';

// `steward apps list | export | import | show | exempt | retire`: the inventory.

const USAGE = `Usage:
  steward apps list [--json] [--status <status>] [--orphaned]
  steward apps export --format csv|json [--output <file>]
  steward apps import <file.csv> [--json]
  steward apps show <APP-####> [--json]
  steward apps exempt <APP-####> --until <date> --reason <text> [--json]
  steward apps retire <APP-####> [--reason <text>] [--json]`;

function appRow(app: AppRow) {
  return {
    reference: formatReference(app.refNumber),
    name: app.name,
    owner: { platform: app.ownerPlatform, userId: app.ownerUserId, displayName: app.ownerName ?? undefined },
    status: app.status,
    tier: app.tier,
    version: app.currentVersion,
    createdAt: app.createdAt.toISOString(),
    updatedAt: app.updatedAt.toISOString(),
  };
}

export async function runApps(args: string[], ctx: CommandContext): Promise<number> {
  const [sub = 'list', ...rest] = args;
  if (sub === 'list') return list(rest, ctx);
  if (sub === 'export') return exportApps(rest, ctx);
  if (sub === 'import') return importApps(rest, ctx);
  if (sub === 'show') return showApp(rest, ctx);
  if (sub === 'exempt') return exemptApp(rest, ctx);
  if (sub === 'retire') return retireApp(rest, ctx);
  ctx.io.stderr(`Unknown subcommand "apps ${sub}".\n${USAGE}`);
  return 2;
}

async function list(args: string[], ctx: CommandContext): Promise<number> {
  const status = option(args, '--status');
  const services = await ctx.services();
  if (status !== undefined && !isAppStatus(status)) {
    ctx.io.stderr(`--status must be one of ${APP_STATUSES.join(', ')}.`);
    return 2;
  }
  const orphaned = flag(args, '--orphaned');
  const apps = orphaned
    ? (await services.store.apps.orphaned()).filter((app) => !status || app.status === status)
    : await services.store.apps.list(status ? { status: [status] } : {});
  if (flag(args, '--json')) {
    // The orphaned list adds when each was orphaned; the plain list's shape is unchanged.
    const rows = apps.map((app) =>
      orphaned ? { ...appRow(app), orphanedAt: app.orphanedAt?.toISOString() ?? null } : appRow(app),
    );
    ctx.io.stdout(JSON.stringify(rows, null, 2));
    return 0;
  }
  if (apps.length === 0) {
    ctx.io.stdout(orphaned ? 'No orphaned apps.' : 'No apps registered yet.');
    return 0;
  }
  const rows = [['REFERENCE', 'NAME', 'OWNER', 'STATUS', 'TIER', 'VERSION', ...(orphaned ? ['ORPHANED SINCE'] : [])]];
  for (const app of apps) {
    rows.push([
      formatReference(app.refNumber),
      app.name,
      `${app.ownerPlatform}:${app.ownerName ?? app.ownerUserId}`,
      statusLabel(app.status),
      app.tier ?? '-',
      String(app.currentVersion),
      ...(orphaned ? [app.orphanedAt?.toISOString().slice(0, 10) ?? '-'] : []),
    ]);
  }
  ctx.io.stdout(textTable(rows));
  return 0;
}

async function exportApps(args: string[], ctx: CommandContext): Promise<number> {
  const format = option(args, '--format') ?? 'csv';
  if (format !== 'csv' && format !== 'json') {
    ctx.io.stderr(`--format must be csv or json.\n${USAGE}`);
    return 2;
  }
  const services = await ctx.services();
  const { apps: inventory } = services.store;
  const apps = await inventory.list();
  const rows: InventoryRow[] = [];
  for (const app of apps) {
    const profile = await inventory.currentProfile(app);
    rows.push({
      reference: formatReference(app.refNumber),
      status: app.status,
      tier: app.tier,
      version: app.currentVersion,
      profile,
      owner: {
        platform: app.ownerPlatform,
        userId: app.ownerUserId,
        ...(app.ownerName ? { displayName: app.ownerName } : {}),
        ...(app.ownerEmail ? { email: app.ownerEmail } : {}),
      },
    });
  }
  const text =
    format === 'csv'
      ? inventoryToCsv(rows, services.policy.intake.questions)
      : `${JSON.stringify(
          rows.map((row) => ({
            reference: row.reference,
            status: row.status,
            tier: row.tier,
            version: row.version,
            owner: row.owner,
            // Answers to the policy's own questions are part of the profile; every app shows the key.
            profile: { ...row.profile, owner: undefined, answers: row.profile.answers ?? {} },
          })),
          null,
          2,
        )}\n`;
  const output = option(args, '--output');
  if (output) {
    await writeFile(path.resolve(ctx.io.cwd, output), text);
    ctx.io.stderr(`Exported ${rows.length} app(s) to ${output}.`);
  } else ctx.io.stdout(text);
  return 0;
}

async function importApps(args: string[], ctx: CommandContext): Promise<number> {
  const [file] = positional(args, []);
  if (!file) {
    ctx.io.stderr(`Which file? ${USAGE}`);
    return 2;
  }
  const text =
    file === '-'
      ? await ctx.io.readStdin()
      : await readFile(path.resolve(ctx.io.cwd, file), 'utf8').catch(() => undefined);
  if (text === undefined) {
    ctx.io.stderr(`Cannot read ${file}.`);
    return 2;
  }
  // The answer columns are read against the policy in force, so the services come first.
  const services = await ctx.services();
  let rows;
  try {
    rows = parseInventoryCsv(text, services.policy.intake.questions);
  } catch (error) {
    if (error instanceof InventoryCsvError) ctx.io.stderr(`${file}: ${error.message}`);
    else ctx.io.stderr(`${file} is not valid CSV: ${error instanceof Error ? error.message : String(error)}`);
    return 2;
  }
  const imported: Array<{ row: number; reference: string; name: string; tier: string }> = [];
  const rejected: Array<{ row: number; errors: string[] }> = [];
  for (const row of rows) {
    if (!row.ok) {
      rejected.push({ row: row.row, errors: row.errors });
      continue;
    }
    // Each row is registered in its own transaction: a bad row never leaves half an app behind.
    const outcome = await services.registerProfile(row.owner, row.profile);
    if (outcome.ok)
      imported.push({
        row: row.row,
        reference: outcome.result.reference,
        name: row.profile.name,
        tier: outcome.assessment.tier,
      });
    else
      rejected.push({
        row: row.row,
        errors: Object.entries(outcome.errors).map(([field, message]) => `${field}: ${message}`),
      });
  }
  if (flag(args, '--json')) ctx.io.stdout(JSON.stringify({ imported, rejected }, null, 2));
  else {
    for (const app of imported) ctx.io.stdout(`row ${app.row}: imported ${app.reference} "${app.name}" (${app.tier})`);
    for (const bad of rejected) ctx.io.stderr(`row ${bad.row}: not imported: ${bad.errors.join('; ')}`);
    ctx.io.stdout(`Imported ${imported.length} app(s); ${rejected.length} row(s) rejected.`);
  }
  return rejected.length > 0 ? 1 : 0;
}

function isAppStatus(value: string): value is AppStatus {
  return (APP_STATUSES as readonly string[]).includes(value);
}
