import type { App } from '../../generated/prisma/client.ts';
import { statusLabel } from '../../apps/present.ts';
import { formatReference } from '../../store/apps.ts';
import type { CommandContext } from '../registry.ts';

// `steward apps list [--json] [--status S] [--owner platform:user]`: the inventory.

export function appRow(app: App) {
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

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd()).join('\n');
}

export async function runApps(args: string[], ctx: CommandContext): Promise<number> {
  const [sub = 'list', ...rest] = args;
  if (sub !== 'list') {
    ctx.io.stderr(`Unknown subcommand "apps ${sub}". Usage: steward apps list [--json] [--status <status>]`);
    return 2;
  }
  const json = rest.includes('--json');
  const statusIndex = rest.indexOf('--status');
  const status = statusIndex >= 0 ? rest[statusIndex + 1] : undefined;
  const services = await ctx.services();
  const apps = await services.db.prisma.app.findMany({
    ...(status ? { where: { status: status as App['status'] } } : {}),
    orderBy: { refNumber: 'asc' },
  });
  if (json) {
    ctx.io.stdout(JSON.stringify(apps.map(appRow), null, 2));
    return 0;
  }
  if (apps.length === 0) {
    ctx.io.stdout('No apps registered yet.');
    return 0;
  }
  const rows = [['REFERENCE', 'NAME', 'OWNER', 'STATUS', 'TIER', 'VERSION']];
  for (const app of apps) {
    rows.push([formatReference(app.refNumber), app.name, `${app.ownerPlatform}:${app.ownerName ?? app.ownerUserId}`, statusLabel(app.status), app.tier ?? '-', String(app.currentVersion)]);
  }
  ctx.io.stdout(table(rows));
  return 0;
}
