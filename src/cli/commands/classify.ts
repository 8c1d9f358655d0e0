import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { assessProfile, formatAssessment, toClassifyOutput, type AssessmentResult } from '../../assessment/assess.ts';
import { ConfigError, llmSettings, loadConfig } from '../../config.ts';
import { createLlmClient } from '../../llm/client.ts';
import { loadPolicy, PolicyError, policyPath } from '../../policy/load.ts';
import { AppProfileSchema, describeIssues, type AppProfile } from '../../profile/schema.ts';
import type { CliIO } from '../io.ts';

const USAGE = `Usage: steward classify <file.json | -> [--json]

Assesses the risk of one app profile, or of each profile in a JSON array ('-' reads standard input).
  --json   print { tier, teams, reasons, assessedBy, policyVersion } (an array for an array input)

Uses the policy in STEWARD_POLICY (default: the shipped policy/default.yaml), and the AI assessor when
OPENAI_API_KEY or OPENAI_BASE_URL is set (OPENAI_MODEL, LLM_TIMEOUT_MS).
Exit codes: 0 assessed, 1 configuration or policy error, 2 invalid usage or input.`;

/** `steward classify`. Invalid input prints every field at fault to stderr, nothing to stdout, and exits 2. */
export async function runClassify(args: string[], io: CliIO): Promise<number> {
  const options = parseArgs(args);
  if ('help' in options) {
    io.stdout(USAGE);
    return 0;
  }
  if ('error' in options) {
    io.stderr(`${options.error}\n\n${USAGE}`);
    return 2;
  }

  const input = await readInput(options.input, io);
  if ('error' in input) {
    io.stderr(input.error);
    return 2;
  }
  const profiles = validateProfiles(input.data);
  if ('errors' in profiles) {
    io.stderr(`Invalid app profile in ${input.name}:\n${profiles.errors.map((line) => `  ${line}`).join('\n')}`);
    return 2;
  }

  let policy;
  let llm;
  try {
    const config = loadConfig(io.env);
    policy = loadPolicy(policyPath(io.env, io.cwd));
    llm = createLlmClient(llmSettings(config));
  } catch (error) {
    if (error instanceof PolicyError || error instanceof ConfigError) {
      io.stderr(error.message);
      return 1;
    }
    throw error;
  }

  // One at a time: kinder to rate limits, and each profile still gets the full LLM timeout.
  const results: AssessmentResult[] = [];
  for (const profile of profiles.items) results.push(await assessProfile(profile, { policy, llm }));

  if (options.json) {
    const outputs = results.map(toClassifyOutput);
    io.stdout(JSON.stringify(profiles.isArray ? outputs : outputs[0], null, 2));
    // The JSON contract has no room for the LLM's failure; say it where a person will see it.
    results.forEach((result, index) => {
      if (result.llm && 'error' in result.llm) {
        io.stderr(
          `${profiles.items[index]!.name}: AI assessment failed, rules only (${result.llm.error.kind}: ${result.llm.error.message})`,
        );
      }
    });
  } else {
    io.stdout(
      results
        .map((result, index) => `${profiles.items[index]!.name}\n${formatAssessment(result, policy)}`)
        .join('\n\n'),
    );
  }
  return 0;
}

type ParsedArgs = { help: true } | { error: string } | { input: string; json: boolean };

function parseArgs(args: string[]): ParsedArgs {
  let json = false;
  const positional: string[] = [];
  for (const arg of args) {
    if (arg === '--help' || arg === '-h') return { help: true };
    if (arg === '--json') json = true;
    else if (arg.startsWith('-') && arg !== '-') return { error: `Unknown option ${arg}` };
    else positional.push(arg);
  }
  if (positional.length !== 1)
    return { error: positional.length === 0 ? 'Missing the profile file (or - for stdin)' : 'Only one file at a time' };
  return { input: positional[0]!, json };
}

async function readInput(input: string, io: CliIO): Promise<{ name: string; data: unknown } | { error: string }> {
  const name = input === '-' ? 'standard input' : input;
  let text: string;
  try {
    text = input === '-' ? await io.readStdin() : await readFile(path.resolve(io.cwd, input), 'utf8');
  } catch (error) {
    return { error: `Cannot read ${name}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` };
  }
  try {
    return { name, data: JSON.parse(text) as unknown };
  } catch (error) {
    return { error: `Invalid JSON in ${name}: ${(error as Error).message}` };
  }
}

function validateProfiles(data: unknown): { items: AppProfile[]; isArray: boolean } | { errors: string[] } {
  const isArray = Array.isArray(data);
  const candidates: unknown[] = isArray ? data : [data];
  const items: AppProfile[] = [];
  const errors: string[] = [];
  candidates.forEach((candidate, index) => {
    const parsed = AppProfileSchema.safeParse(candidate);
    if (parsed.success) items.push(parsed.data);
    else errors.push(...describeIssues(parsed.error).map((line) => (isArray ? `[${index}] ${line}` : line)));
  });
  return errors.length > 0 ? { errors } : { items, isArray };
}
