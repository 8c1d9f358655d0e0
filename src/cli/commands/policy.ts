import path from 'node:path';
import { loadPolicy, loadPolicyFromText, PolicyError, policyPath, readDataFile } from '../../policy/load.ts';
import { missingReviewersWarning } from '../../policy/reviewers.ts';
import { loadVocabulary, resolveVocabularyPath } from '../../intake/understand/vocabulary.ts';
import { diffPolicy } from '../../apps/policy-diff.ts';
import type { PolicyDiff } from '../../apps/policy-diff.ts';
import { PolicyNotReadyError, PublishRefusedError, publishPolicy } from '../../apps/policy-publish.ts';
import { publishedSourceName } from '../../runtime/active-policy.ts';
import type { Policy } from '../../policy/schema.ts';
import { flag, positional } from '../options.ts';
import type { CommandContext } from '../registry.ts';
import { cliActor } from '../registry.ts';

const USAGE = `Usage: steward policy check [file]
       steward policy diff <draft.yaml> [--json]
       steward policy publish <draft.yaml> [--json]
       steward policy rollback [<number>] [--json]
       steward policy history [--json]

check: validates a policy file (default: STEWARD_POLICY, else the shipped policy/default.yaml) and the
vocabulary it names (intake.vocabulary, else the shipped policy/vocabulary.yaml), and names the line
and field of every problem. A valid policy that names no reviewers for a team gets a warning on stderr.
diff: assesses every app under the draft and shows what would change (tiers, teams, the rules behind
them) and who would hear of it; nothing is stored or sent.
publish: makes the draft the policy in force for every instance, re-assesses every app exactly as diff
shows, and sends one message to each owner of a changed app and one to each reviewer channel asked to
review. Refused, with nothing changed or sent, when a process it switches on lacks its settings.
rollback: publishes an earlier policy again (default: the one before the policy in force).
history: the published policies, newest first.
Exit codes: 0 done, 1 invalid or refused, 2 invalid usage.`;

/** `steward policy check [file]` | `steward policy diff <draft> [--json]`. */
export async function runPolicy(args: string[], ctx: CommandContext): Promise<number> {
  const { io } = ctx;
  const [subcommand, file, ...rest] = args;
  if (subcommand === '--help' || subcommand === '-h' || subcommand === 'help') {
    io.stdout(USAGE);
    return 0;
  }
  if (subcommand === 'diff') return runDiff(args.slice(1), ctx);
  if (subcommand === 'publish') return runPublish(args.slice(1), ctx);
  if (subcommand === 'rollback') return runRollback(args.slice(1), ctx);
  if (subcommand === 'history') return runHistory(args.slice(1), ctx);
  if (subcommand !== 'check' || rest.length > 0) {
    io.stderr(
      `${subcommand === undefined ? 'Missing subcommand' : `Unknown arguments: ${args.join(' ')}`}\n\n${USAGE}`,
    );
    return 2;
  }

  const filePath = file === undefined ? policyPath(io.env, io.cwd) : path.resolve(io.cwd, file);
  const shown = displayPath(filePath, io.cwd);
  try {
    const policy = loadPolicy(filePath, { displayName: shown });
    // The vocabulary the policy names (or the shipped one) is checked with it: both are read at start.
    const vocabularyFile = resolveVocabularyPath(policy, filePath);
    loadVocabulary(vocabularyFile, { displayName: displayPath(vocabularyFile, io.cwd) });
    const rules = policy.rules.length;
    const teams = Object.keys(policy.teams).length;
    io.stdout(
      `Policy ${policy.version} at ${shown} is valid: ${rules} ${rules === 1 ? 'rule' : 'rules'}, ${teams} ${teams === 1 ? 'team' : 'teams'}`,
    );
    // Valid, but not ready to govern: said on stderr, and the exit code stays 0 (the file is valid).
    const warning = missingReviewersWarning(policy);
    if (warning) io.stderr(`Warning: ${warning}`);
    return 0;
  } catch (error) {
    if (!(error instanceof PolicyError)) throw error;
    io.stderr(error.message);
    return 1;
  }
}

/** The draft file, read and validated: its text and policy, or the exit code after saying why not. */
function readDraft(args: string[], ctx: CommandContext): { source: string; draft: Policy } | number {
  const files = positional(args, []);
  if (files.length !== 1) {
    ctx.io.stderr(USAGE);
    return 2;
  }
  const filePath = path.resolve(ctx.io.cwd, files[0]!);
  const shown = displayPath(filePath, ctx.io.cwd);
  try {
    const source = readDataFile(filePath, shown);
    return { source, draft: loadPolicyFromText(source, shown) };
  } catch (error) {
    if (!(error instanceof PolicyError)) throw error;
    ctx.io.stderr(error.message);
    return 1;
  }
}

async function runDiff(args: string[], ctx: CommandContext): Promise<number> {
  const read = readDraft(args, ctx);
  if (typeof read === 'number') return read;
  const services = await ctx.services();
  await services.refreshPolicy();
  const diff = await diffPolicy(services.store, services.policy, read.draft, services.deliveryPlatforms);
  if (flag(args, '--json')) {
    ctx.io.stdout(JSON.stringify(diff, null, 2));
    return 0;
  }
  ctx.io.stdout(
    [
      `Policy ${diff.from} -> ${diff.to}: ${diff.changes.length} of ${diff.assessed} app(s) would change. Nothing was stored or sent.`,
      ...diffLines(diff),
    ].join('\n'),
  );
  return 0;
}

function diffLines(diff: PolicyDiff, heading = 'Would hear of it (one message each):'): string[] {
  const lines: string[] = [];
  for (const change of diff.changes) {
    const teams =
      change.teams.from.join(',') === change.teams.to.join(',')
        ? ''
        : `; teams ${change.teams.from.join(', ') || 'none'} -> ${change.teams.to.join(', ') || 'none'}`;
    lines.push(
      `  ${change.ref}  ${change.name}: ${change.from} -> ${change.to}${teams}${change.reviewAgain ? ' (reviewed again)' : ''}  [${change.rules.join(', ') || 'no rule'}]`,
    );
  }
  const { owners, channels } = diff.messages;
  if (owners.length + channels.length > 0) {
    lines.push('', heading);
    for (const recipient of [...channels, ...owners])
      lines.push(`  ${recipient.platform} ${recipient.destination}: ${recipient.apps.join(', ')}`);
  }
  return lines;
}

async function runPublish(args: string[], ctx: CommandContext): Promise<number> {
  const read = readDraft(args, ctx);
  if (typeof read === 'number') return read;
  // The draft must work here as it will at every start: its handbook and vocabulary load.
  const services = await ctx.services();
  try {
    services.activePolicy.loadsHere(read.draft);
  } catch (error) {
    if (!(error instanceof PolicyError)) throw error;
    ctx.io.stderr(error.message);
    return 1;
  }
  return publish(ctx, read, undefined, args);
}

async function runRollback(args: string[], ctx: CommandContext): Promise<number> {
  const wanted = positional(args, []);
  if (wanted.length > 1 || (wanted[0] !== undefined && !/^#?\d+$/u.test(wanted[0]))) {
    ctx.io.stderr(USAGE);
    return 2;
  }
  const services = await ctx.services();
  await services.refreshPolicy();
  const history = await services.store.policies.history();
  const target =
    wanted[0] === undefined ? history[1] : history.find((row) => row.number === Number(wanted[0]!.replace('#', '')));
  if (!target) {
    ctx.io.stderr(
      wanted[0] === undefined
        ? 'Nothing to roll back to: no policy was published before the one in force. See `steward policy history`.'
        : `No published policy #${wanted[0].replace('#', '')}. See \`steward policy history\`.`,
    );
    return 1;
  }
  if (target.number === history[0]?.number) {
    ctx.io.stderr(`#${target.number} is the policy in force already.`);
    return 1;
  }
  const draft = loadPolicyFromText(target.source, publishedSourceName(target.number, target.version));
  return publish(ctx, { source: target.source, draft }, target.number, args);
}

async function publish(
  ctx: CommandContext,
  read: { source: string; draft: Policy },
  restores: number | undefined,
  args: string[],
): Promise<number> {
  const services = await ctx.services();
  await services.refreshPolicy();
  const { bound } = services.activePolicy;
  const checkDestinations = await ctx.destinationCheck?.();
  try {
    const outcome = await publishPolicy(services.store, {
      source: read.source,
      draft: read.draft,
      current: { policy: bound.policy, number: bound.number, source: bound.source },
      publisher: cliActor(ctx),
      deliveryPlatforms: services.deliveryPlatforms,
      ...(checkDestinations ? { checkDestinations } : {}),
      ...(restores === undefined ? {} : { restores }),
      now: new Date(),
    });
    services.activePolicy.adopt(read.draft, read.source, outcome.number);
    void services.deliverNow();
    if (flag(args, '--json')) {
      const { diff, ...rest } = outcome;
      ctx.io.stdout(JSON.stringify({ ...rest, ...(restores === undefined ? {} : { restores }), ...diff }, null, 2));
      return 0;
    }
    const { diff } = outcome;
    ctx.io.stdout(
      [
        `${restores === undefined ? 'Published' : `Rolled back to #${restores}:`} policy ${diff.to} is in force as #${outcome.number} (was ${diff.from}). ` +
          `${diff.changes.length} of ${diff.assessed} app(s) changed: ${outcome.raised} raised, ${outcome.lowered} lowered.`,
        ...diffLines(diff, 'Told (one message each):'),
      ].join('\n'),
    );
    return 0;
  } catch (error) {
    if (!(error instanceof PolicyNotReadyError) && !(error instanceof PublishRefusedError)) throw error;
    ctx.io.stderr(error.message);
    return 1;
  }
}

async function runHistory(args: string[], ctx: CommandContext): Promise<number> {
  if (positional(args, []).length > 0) {
    ctx.io.stderr(USAGE);
    return 2;
  }
  const services = await ctx.services();
  const history = await services.store.policies.history();
  const rows = history.map((row, index) => ({
    number: row.number,
    version: row.version,
    publishedAt: row.publishedAt.toISOString(),
    publishedBy: row.publisherName ?? `${row.publisherPlatform}:${row.publisherId}`,
    restores: row.restores,
    inForce: index === 0,
    summary: row.summary,
  }));
  if (flag(args, '--json')) {
    ctx.io.stdout(JSON.stringify(rows, null, 2));
    return 0;
  }
  if (rows.length === 0) {
    ctx.io.stdout(
      `No policy was published yet: ${services.policy.version} from the policy file is in force. Publish one with \`steward policy publish <draft.yaml>\`.`,
    );
    return 0;
  }
  ctx.io.stdout(
    rows
      .map(
        (row) =>
          `#${row.number}  ${row.version}  ${row.publishedAt.slice(0, 16).replace('T', ' ')} UTC  by ${row.publishedBy}` +
          `${row.restores ? `  (rollback to #${row.restores})` : ''}${row.inForce ? '  in force' : ''}`,
      )
      .join('\n'),
  );
  return 0;
}

/** Relative to the working directory when inside it, so messages stay short and clickable. */
function displayPath(filePath: string, cwd: string): string {
  const relative = path.relative(cwd, filePath);
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : filePath;
}
