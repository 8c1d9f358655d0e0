import { ConfigError, llmSettings, loadConfig } from '../../config.ts';
import { createGuardrailAdvisor, MAX_QUESTION_LENGTH, type GuardrailAnswer } from '../../handbook/answer.ts';
import { HandbookError, loadHandbook, resolveHandbookDir } from '../../handbook/load.ts';
import { sourcesLine } from '../../handbook/reply.ts';
import { createLlmClient } from '../../llm/client.ts';
import { loadPolicy, PolicyError, policyPath } from '../../policy/load.ts';
import type { CliIO } from '../io.ts';

const USAGE = `Usage: steward ask "<question>" [--json]

Answers a guardrail question from the handbook the policy names, and cites its sections.
  --json   print { answer, citations: [{ id, title }], handoff }

Uses the policy in STEWARD_POLICY (default: the shipped policy/default.yaml) and its handbook folder,
and an LLM when OPENAI_API_KEY or OPENAI_BASE_URL is set (OPENAI_MODEL, LLM_TIMEOUT_MS).
Exit codes: 0 answered, 1 configuration, policy or handbook error, 2 invalid usage.`;

/** The JSON contract of `steward ask --json`. */
interface AskOutput {
  answer: string;
  citations: Array<{ id: string; title: string }>;
  handoff: boolean;
}

/** `steward ask`. Words after the command are joined, so the quotes are optional. */
export async function runAsk(args: string[], io: CliIO): Promise<number> {
  const options = parseArgs(args);
  if ('help' in options) {
    io.stdout(USAGE);
    return 0;
  }
  if ('error' in options) {
    io.stderr(`${options.error}\n\n${USAGE}`);
    return 2;
  }

  let advisor;
  let policy;
  try {
    const config = loadConfig(io.env);
    const file = policyPath(io.env, io.cwd);
    policy = loadPolicy(file);
    const handbook = loadHandbook(resolveHandbookDir(policy, file), policy);
    const llm = createLlmClient(llmSettings(config));
    advisor = createGuardrailAdvisor({ policy, handbook, ...(llm ? { llm } : {}) });
  } catch (error) {
    if (error instanceof PolicyError || error instanceof ConfigError || error instanceof HandbookError) {
      io.stderr(error.message);
      return 1;
    }
    throw error;
  }

  const result = await advisor.answer(options.question);
  // The JSON contract has no room for the LLM's failure; say it where a person will see it.
  if (result.llm && 'error' in result.llm)
    io.stderr(`AI answer not used, handbook excerpt instead (${result.llm.error.kind}: ${result.llm.error.message})`);
  if (options.json) io.stdout(JSON.stringify(toAskOutput(result), null, 2));
  else io.stdout(formatAnswer(result, policy.teams[result.team ?? '']?.name));
  return 0;
}

function toAskOutput(result: GuardrailAnswer): AskOutput {
  return {
    answer: result.answer,
    citations: result.citations.map(({ id, title }) => ({ id, title })),
    handoff: result.handoff,
  };
}

function formatAnswer(result: GuardrailAnswer, teamName: string | undefined): string {
  const lines = [result.answer];
  if (result.citations.length > 0) lines.push('', sourcesLine(result.citations));
  // In chat this is the "Ask a human" button; here, say where to take the question.
  if (result.handoff && teamName)
    lines.push('', `To ask the ${teamName} team, ask Steward in Slack or Teams and press "Ask a human".`);
  return lines.join('\n');
}

type ParsedArgs = { help: true } | { error: string } | { question: string; json: boolean };

function parseArgs(args: string[]): ParsedArgs {
  let json = false;
  const words: string[] = [];
  for (const arg of args) {
    if (arg === '--help' || arg === '-h') return { help: true };
    if (arg === '--json') json = true;
    else if (arg.startsWith('--')) return { error: `Unknown option ${arg}` };
    else words.push(arg);
  }
  const question = words.join(' ').trim();
  if (question === '') return { error: 'Missing the question' };
  if (question.length > MAX_QUESTION_LENGTH)
    return { error: `The question is ${question.length} characters long; ask in at most ${MAX_QUESTION_LENGTH}.` };
  return { question, json };
}
