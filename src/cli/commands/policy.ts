import path from 'node:path';
import { loadPolicy, PolicyError, policyPath } from '../../policy/load.ts';
import { missingReviewersWarning } from '../../policy/reviewers.ts';
import { loadVocabulary, resolveVocabularyPath } from '../../intake/understand/vocabulary.ts';
import { diffPolicy } from '../../apps/policy-diff.ts';
import type { Policy } from '../../policy/schema.ts';
import { flag, positional } from '../options.ts';
import type { CommandContext } from '../registry.ts';

const USAGE = `Usage: steward policy check [file]
       steward policy diff <draft.yaml> [--json]

check: validates a policy file (default: STEWARD_POLICY, else the shipped policy/default.yaml) and the
vocabulary it names (intake.vocabulary, else the shipped policy/vocabulary.yaml), and names the line
and field of every problem. A valid policy that names no reviewers for a team gets a warning on stderr.
diff: assesses every app under the draft and shows what would change (tiers, teams, the rules behind
them) and who would hear of it; nothing is stored or sent.
Exit codes: 0 valid, 1 invalid, 2 invalid usage.`;

/** `steward policy check [file]` | `steward policy diff <draft> [--json]`. */
export async function runPolicy(args: string[], ctx: CommandContext): Promise<number> {
  const { io } = ctx;
  const [subcommand, file, ...rest] = args;
  if (subcommand === '--help' || subcommand === '-h' || subcommand === 'help') {
    io.stdout(USAGE);
    return 0;
  }
  if (subcommand === 'diff') return runDiff(args.slice(1), ctx);
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

async function runDiff(args: string[], ctx: CommandContext): Promise<number> {
  const { io } = ctx;
  const files = positional(args, []);
  if (files.length !== 1) {
    io.stderr(USAGE);
    return 2;
  }
  const filePath = path.resolve(io.cwd, files[0]!);
  let draft: Policy;
  try {
    draft = loadPolicy(filePath, { displayName: displayPath(filePath, io.cwd) });
  } catch (error) {
    if (!(error instanceof PolicyError)) throw error;
    io.stderr(error.message);
    return 1;
  }
  const services = await ctx.services();
  const diff = await diffPolicy(services.store, services.policy, draft);
  if (flag(args, '--json')) {
    io.stdout(JSON.stringify(diff, null, 2));
    return 0;
  }
  const lines = [
    `Policy ${diff.from} -> ${diff.to}: ${diff.changes.length} of ${diff.assessed} app(s) would change. Nothing was stored or sent.`,
  ];
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
    lines.push('', 'Would hear of it (one message each):');
    for (const recipient of [...channels, ...owners])
      lines.push(`  ${recipient.platform} ${recipient.destination}: ${recipient.apps.join(', ')}`);
  }
  io.stdout(lines.join('\n'));
  return 0;
}

/** Relative to the working directory when inside it, so messages stay short and clickable. */
function displayPath(filePath: string, cwd: string): string {
  const relative = path.relative(cwd, filePath);
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : filePath;
}
