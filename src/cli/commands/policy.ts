import path from 'node:path';
import { loadPolicy, PolicyError, policyPath } from '../../policy/load.ts';
import { missingReviewersWarning } from '../../policy/reviewers.ts';
import { loadVocabulary, resolveVocabularyPath } from '../../intake/understand/vocabulary.ts';
import type { CliIO } from '../io.ts';

const USAGE = `Usage: steward policy check [file]

Validates a policy file (default: STEWARD_POLICY, else the shipped policy/default.yaml) and the
vocabulary it names (intake.vocabulary, else the shipped policy/vocabulary.yaml), and names the line
and field of every problem. A valid policy that names no reviewers for a team gets a warning on stderr.
Exit codes: 0 valid, 1 invalid, 2 invalid usage.`;

/** `steward policy check [file]`. */
export async function runPolicy(args: string[], io: CliIO): Promise<number> {
  const [subcommand, file, ...rest] = args;
  if (subcommand === '--help' || subcommand === '-h' || subcommand === 'help') {
    io.stdout(USAGE);
    return 0;
  }
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

/** Relative to the working directory when inside it, so messages stay short and clickable. */
function displayPath(filePath: string, cwd: string): string {
  const relative = path.relative(cwd, filePath);
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : filePath;
}
