import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { importDiscovered } from '../../discover/import.ts';
import type { ParsedExport } from '../../discover/parse.ts';
import {
  ExportFormatError,
  exportText,
  parseCsvExport,
  parseCsvMapping,
  parseFlows,
  parsePowerApps,
} from '../../discover/parse.ts';
import { discoveryReport } from '../../discover/report.ts';
import type { DiscoveryReport } from '../../discover/report.ts';
import { runDiscoveryNudge } from '../../discover/nudge.ts';
import { linkItem } from '../../discover/owner-answers.ts';
import { formatReference } from '../../store/apps.ts';
import type { CommandContext } from '../registry.ts';
import { cliActor } from '../registry.ts';
import { textTable } from '../text-table.ts';
import { dateOption, flag, option, positional } from '../options.ts';

// `steward discover`: what the platforms' exports list, against the register.

const USAGE = `Usage: steward discover import <file> --source power-apps|power-automate|csv [--mapping <file>] [--name <name>]
       steward discover report [--json]
       steward discover link <APP-####> --source <source> --id <platform id>
       steward discover nudge [--dry-run] [--json]

power-apps / power-automate: the JSON of Get-AdminPowerApp / Get-AdminFlow | ConvertTo-Json.
csv: any other tool's export, with --mapping (JSON or YAML: { "externalId": "<column>", "name": "<column>",
"owner": "<e-mail column>", "ownerName", "environment", "createdAt", "modifiedAt", "enabled" }) and
--name naming the source (e.g. zapier): its items are "csv:<name>".
report --now <date>: as of that date (which nudges count as never answered).
nudge: each owner of unregistered items gets one message listing them (once per item); --dry-run
shows who would get what and sends nothing.`;

const CSV_SOURCE_NAME = /^[a-z0-9][a-z0-9-]{0,39}$/u;

async function readText(file: string, ctx: CommandContext): Promise<string | undefined> {
  try {
    return exportText(await readFile(path.resolve(ctx.io.cwd, file)));
  } catch (error) {
    ctx.io.stderr(`Cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    return undefined;
  }
}

async function runImport(args: string[], ctx: CommandContext): Promise<number> {
  const withValues = ['--source', '--mapping', '--name'];
  const files = positional(args, withValues);
  const kind = option(args, '--source');
  const mappingFile = option(args, '--mapping');
  const csvName = option(args, '--name');
  const isCsv = kind === 'csv';
  if (
    files.length !== 1 ||
    !['power-apps', 'power-automate', 'csv'].includes(kind ?? '') ||
    isCsv !== (mappingFile !== undefined) ||
    isCsv !== (csvName !== undefined)
  ) {
    ctx.io.stderr(USAGE);
    return 2;
  }
  if (isCsv && !CSV_SOURCE_NAME.test(csvName!)) {
    ctx.io.stderr(`--name must be lower-case letters, digits and dashes (e.g. zapier), not "${csvName}".`);
    return 2;
  }
  const file = files[0]!;
  const text = await readText(file, ctx);
  if (text === undefined) return 1;
  let parsed: ParsedExport;
  try {
    if (kind === 'power-apps') parsed = parsePowerApps(text);
    else if (kind === 'power-automate') parsed = parseFlows(text);
    else {
      const mapping = await readText(mappingFile!, ctx);
      if (mapping === undefined) return 1;
      parsed = parseCsvExport(text, parseCsvMapping(mapping));
    }
  } catch (error) {
    if (!(error instanceof ExportFormatError)) throw error;
    ctx.io.stderr(`${file}: nothing was imported: ${error.message}`);
    return 1;
  }
  if (parsed.items.length === 0) {
    // An empty export would mark everything of the source missing: far likelier a failed export than a fact.
    ctx.io.stderr(
      `${file}: nothing was imported: no item could be read.${parsed.rejected.map((line) => `\n  ${line}`).join('')}`,
    );
    return 1;
  }
  const source = isCsv ? `csv:${csvName}` : kind!;
  const services = await ctx.services();
  const counts = await importDiscovered(services.store, {
    source,
    items: parsed.items,
    complete: parsed.rejected.length === 0,
    rejected: parsed.rejected.length,
    actor: cliActor(ctx),
    at: new Date(),
  });
  const reappeared = counts.reappeared > 0 ? ` (${counts.reappeared} reappeared)` : '';
  ctx.io.stdout(
    `${source}: ${counts.new} new, ${counts.updated} updated${reappeared}, ${counts.unchanged} unchanged, ` +
      `${counts.disappeared} disappeared, ${parsed.rejected.length} rejected.`,
  );
  if (parsed.rejected.length === 0) return 0;
  ctx.io.stderr(
    `${file}: ${parsed.rejected.length} item(s) rejected; the rest were imported, and no item was marked ` +
      `as disappeared since the rejected ones may be among them.\n${parsed.rejected.map((line) => `  ${line}`).join('\n')}`,
  );
  return 1;
}

const percent = (ratio: number) => `${Math.round(ratio * 100)}%`;

function coverageTable(groups: DiscoveryReport['byPlatform'], heading: string): string {
  return textTable([
    [heading, 'coverage', 'registered', 'discovered'],
    ...Object.entries(groups)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, group]) => [name, percent(group.coverage), String(group.registered), String(group.discovered)]),
  ]);
}

async function runReport(args: string[], ctx: CommandContext): Promise<number> {
  const now = dateOption(args, '--now', ctx.io);
  if (now === null) return 2;
  const services = await ctx.services();
  const { report, proposals } = await discoveryReport(services.store, {
    now: now ?? new Date(),
    neverAnsweredDays: services.policy.discovery.neverAnsweredDays,
  });
  if (flag(args, '--json')) {
    ctx.io.stdout(JSON.stringify(report, null, 2));
    return 0;
  }
  const lines = [
    `Coverage: ${percent(report.coverage)} (${report.registered} of ${report.discovered} discovered item(s) registered)`,
    '',
    coverageTable(report.byPlatform, 'platform'),
    '',
    coverageTable(report.byDepartment, 'department'),
  ];
  if (report.unregistered.length > 0) {
    lines.push('', `Unregistered (${report.unregistered.length}):`);
    for (const entry of report.unregistered) {
      const proposal = proposals.get(entry);
      const maybe = proposal ? ` (may be ${proposal.ref} "${proposal.name}": its owner confirms)` : '';
      lines.push(`  ${entry.source}  ${entry.name}  ${entry.owner ?? 'owner unknown'}  ${entry.externalId}${maybe}`);
    }
  }
  if (report.missing.length > 0) {
    lines.push('', `No longer found by the last import of their platform (${report.missing.length}):`);
    lines.push(...report.missing.map((app) => `  ${app.ref}  ${app.name}`));
  }
  if (report.ownerMismatch.length > 0) {
    lines.push('', `Owner differs from the register (${report.ownerMismatch.length}):`);
    lines.push(
      ...report.ownerMismatch.map(
        (entry) => `  ${entry.ref}  ${entry.name}: the export says ${entry.owner}, the register ${entry.appOwner}`,
      ),
    );
  }
  lines.push(...ownerSections(report));
  ctx.io.stdout(lines.join('\n'));
  return 0;
}

/** Where governance fails: owners out of reach or silent, items disowned, retired or coming back. */
function ownerSections(report: DiscoveryReport): string[] {
  const lines: string[] = [];
  const names = (items: Array<{ name: string }>) => items.map((item) => item.name).join(', ');
  if (report.unreachable.length > 0) {
    lines.push('', `Owners a nudge cannot reach (${report.unreachable.length}):`);
    lines.push(...report.unreachable.map((entry) => `  ${entry.owner}: ${names(entry.items)} (${entry.reason})`));
  }
  if (report.neverAnswered.length > 0) {
    lines.push('', `Owners who never answered their nudge (${report.neverAnswered.length}):`);
    lines.push(
      ...report.neverAnswered.map(
        (entry) => `  ${entry.owner}: ${names(entry.items)} (nudged ${entry.nudgedAt.slice(0, 10)})`,
      ),
    );
  }
  if (report.notMine.length > 0) {
    lines.push('', `Not theirs, says the listed owner (${report.notMine.length}):`);
    lines.push(...report.notMine.map((entry) => `  ${entry.source}  ${entry.name}  listed for ${entry.owner ?? '?'}`));
  }
  if (report.retiredByOwner.length > 0) {
    lines.push('', `Retired, says the owner, yet still listed by the platform (${report.retiredByOwner.length}):`);
    lines.push(...report.retiredByOwner.map((entry) => `  ${entry.source}  ${entry.name}  ${entry.owner ?? ''}`));
  }
  if (report.reappearing.length > 0) {
    lines.push('', `Reappeared after an import no longer listed them (${report.reappearing.length}):`);
    lines.push(
      ...report.reappearing.map((entry) => `  ${entry.source}  ${entry.name}  ${entry.reappearances} time(s)`),
    );
  }
  return lines;
}

/** `discover nudge`: one message per owner of unregistered items not yet nudged. */
async function runNudge(args: string[], ctx: CommandContext): Promise<number> {
  if (positional(args, []).length > 0) {
    ctx.io.stderr(USAGE);
    return 2;
  }
  const services = await ctx.services();
  const dryRun = flag(args, '--dry-run');
  // On its own, without Slack or Teams settings, this process can only queue messages for a terminal
  // that may never print them: every owner would count as nudged and never be asked again.
  if (!dryRun && !ctx.hosted && services.deliveryPlatforms.join() === 'console') {
    ctx.io.stderr(
      'No chat platform is configured here (no SLACK_* or TEAMS_* settings), so nobody would get the nudge. ' +
        "Run it with the server's settings, or while `npm run chat` runs (to print the messages there), or with --dry-run.",
    );
    return 1;
  }
  const run = await runDiscoveryNudge(services.store, {
    now: new Date(),
    deliveryPlatforms: services.deliveryPlatforms,
    actor: cliActor(ctx),
    dryRun,
  });
  if (flag(args, '--json')) {
    ctx.io.stdout(JSON.stringify({ dryRun, ...run }, null, 2));
    return 0;
  }
  const names = (items: Array<{ name: string }>) => items.map((item) => item.name).join(', ');
  const lines = [
    `${dryRun ? 'Would send' : 'Sent'} ${run.sent.length} message(s) to ${run.sent.length} owner(s) about ` +
      `${run.sent.reduce((sum, owner) => sum + owner.items.length, 0)} unregistered app(s).`,
    ...run.sent.map((owner) => `  ${owner.owner} -> ${owner.platform} ${owner.destination}: ${names(owner.items)}`),
  ];
  if (run.unreachable.length > 0)
    lines.push(
      `Cannot reach ${run.unreachable.length} owner(s); \`steward discover report\` lists them:`,
      ...run.unreachable.map((owner) => `  ${owner.owner}: ${names(owner.items)} (${owner.reason})`),
    );
  if (run.sent.length === 0 && run.unreachable.length === 0)
    lines.push('Every unregistered app found so far has been nudged about already.');
  ctx.io.stdout(lines.join('\n'));
  return 0;
}

/** `discover link`: the app is known on a platform by this id (what confirms a proposal by hand). */
async function runLink(args: string[], ctx: CommandContext): Promise<number> {
  const [reference, ...extra] = positional(args, ['--source', '--id']);
  const source = option(args, '--source')?.trim();
  const externalId = option(args, '--id')?.trim();
  if (!reference || extra.length > 0 || !source || !externalId) {
    ctx.io.stderr(USAGE);
    return 2;
  }
  const services = await ctx.services();
  const app = await services.store.apps.byReference(reference);
  if (!app) {
    ctx.io.stderr(`No app ${reference}.`);
    return 1;
  }
  const added = await services.store.transaction((tx) =>
    linkItem(
      tx,
      { source, externalId },
      { id: app.id, reference: formatReference(app.refNumber) },
      cliActor(ctx),
      'by hand',
    ),
  );
  ctx.io.stdout(
    added
      ? `${reference.toUpperCase()} is known on ${source} as ${externalId}.`
      : `${source} ${externalId} is already linked to an app; nothing changed.`,
  );
  return 0;
}

export async function runDiscover(args: string[], ctx: CommandContext): Promise<number> {
  const [subcommand, ...rest] = args;
  if (subcommand === 'import') return runImport(rest, ctx);
  if (subcommand === 'report') return runReport(rest, ctx);
  if (subcommand === 'link') return runLink(rest, ctx);
  if (subcommand === 'nudge') return runNudge(rest, ctx);
  ctx.io.stderr(USAGE);
  return 2;
}
