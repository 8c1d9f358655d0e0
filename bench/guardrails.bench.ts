// Guardrail answers: how often the right handbook section comes first (top-1) or among the first three
// (top-3) on the labelled maker questions, with retrieval only and through the LLM path against a stub
// model; and how long a retrieval takes.
//   node --import tsx bench/guardrails.bench.ts        (BENCH_ROUNDS=60 passes over the questions for latency)
// Prints a table and writes bench/results/guardrails.json.
//
// The stub is a local OpenAI-compatible server that answers by citing every section it was given, in
// order: it measures the pipeline (prompt, one call per question, citation filtering), not a model's
// judgement, so its hit rates equal retrieval's unless the pipeline loses something.

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createGuardrailAdvisor, type GuardrailAdvisor } from '../src/handbook/answer.ts';
import { handbookDir, loadHandbook } from '../src/handbook/load.ts';
import { createHandbookIndex } from '../src/handbook/search.ts';
import { createLlmClient } from '../src/llm/client.ts';
import { DEFAULT_POLICY_PATH, loadPolicy } from '../src/policy/load.ts';
import { startFakeOpenAI } from '../test/support/fake-openai.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const rounds = Number(process.env.BENCH_ROUNDS ?? 60);
const P99_TARGET_MS = 5;

interface LabelledQuestion {
  question: string;
  expected: string;
  heldOut?: boolean;
}

const policy = loadPolicy();
const handbook = loadHandbook(handbookDir(policy, DEFAULT_POLICY_PATH), policy);
const labelled = JSON.parse(
  readFileSync(path.join(here, '../test/fixtures/guardrail-questions.json'), 'utf8'),
) as LabelledQuestion[];

// ---------------------------------------------------------------- hit rates

interface HitRates {
  questions: number;
  top1: number;
  top3: number;
}

function rates(ranked: string[][], questions: LabelledQuestion[]): HitRates {
  const hits = questions.map((item, index) => ({
    top1: ranked[index]![0] === item.expected,
    top3: ranked[index]!.slice(0, 3).includes(item.expected),
  }));
  const share = (count: number) => Number((count / questions.length).toFixed(4));
  return {
    questions: questions.length,
    top1: share(hits.filter((hit) => hit.top1).length),
    top3: share(hits.filter((hit) => hit.top3).length),
  };
}

function split(ranked: string[][]): { all: HitRates; heldOut: HitRates } {
  const heldOutIndexes = labelled.flatMap((item, index) => (item.heldOut ? [index] : []));
  return {
    all: rates(ranked, labelled),
    heldOut: rates(
      heldOutIndexes.map((index) => ranked[index]!),
      heldOutIndexes.map((index) => labelled[index]!),
    ),
  };
}

const buildStarted = performance.now();
const index = createHandbookIndex(handbook);
const indexBuildMs = performance.now() - buildStarted;

const retrievalRanked = labelled.map(({ question }) => index.search(question, 3).map((hit) => hit.section.id));
const retrieval = split(retrievalRanked);

const stub = await startFakeOpenAI();
stub.setDefault((request) => {
  const user = String(request.body.messages?.[1]?.content ?? '');
  const given = [...user.matchAll(/<section id="([^"]+)"/g)].map((match) => match[1]!);
  return { json: { answered: given.length > 0, answer: 'Answered from the sections given.', citations: given } };
});
const llm = createLlmClient({ baseUrl: stub.baseUrl, apiKey: 'bench', model: 'stub', timeoutMs: 5000 })!;
const withStub: GuardrailAdvisor = createGuardrailAdvisor({ policy, handbook, llm });
const stubStarted = performance.now();
const stubAnswers = [];
for (const { question } of labelled) stubAnswers.push(await withStub.answer(question));
const stubMs = performance.now() - stubStarted;
await stub.close();
const stubFallbacks = stubAnswers.filter((answer) => answer.assessedBy !== 'retrieval+llm').length;
const withLlmStub = split(stubAnswers.map((answer) => answer.citations.map((citation) => citation.id)));

// ---------------------------------------------------------------- retrieval latency

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

for (let warm = 0; warm < 5; warm += 1) for (const { question } of labelled) index.search(question, 3);
const timings: number[] = [];
let sink = 0; // consumed below, so the searches cannot be optimised away
for (let round = 0; round < rounds; round += 1) {
  for (const { question } of labelled) {
    const started = performance.now();
    sink += index.search(question, 3).length;
    timings.push(performance.now() - started);
  }
}
if (sink < 0) console.log(sink);
timings.sort((a, b) => a - b);
const latency = {
  queries: timings.length,
  p50Ms: Number(percentile(timings, 50).toFixed(3)),
  p99Ms: Number(percentile(timings, 99).toFixed(3)),
  maxMs: Number(timings.at(-1)!.toFixed(3)),
  targetP99Ms: P99_TARGET_MS,
};

// ---------------------------------------------------------------- report

const pct = (share: number) => `${(share * 100).toFixed(1)}%`.padStart(7);
const heldOutCount = retrieval.heldOut.questions;
console.log(
  `Guardrail answers: ${labelled.length} labelled questions (${heldOutCount} held out), ${handbook.sections.length} handbook sections`,
);
console.log('');
console.log('mode                     top-1    top-3   held-out top-1   held-out top-3');
for (const [name, result] of [
  ['retrieval only', retrieval],
  ['retrieval + LLM stub', withLlmStub],
] as const) {
  console.log(
    `${name.padEnd(22)}  ${pct(result.all.top1)}  ${pct(result.all.top3)}          ${pct(result.heldOut.top1)}          ${pct(result.heldOut.top3)}`,
  );
}
console.log('');
console.log(
  `LLM stub: ${labelled.length} calls, ${stubFallbacks} fell back to the excerpt, ${(stubMs / labelled.length).toFixed(1)} ms per answer over loopback HTTP`,
);
console.log(
  `retrieval latency over ${latency.queries.toLocaleString('en-US')} queries: p50 ${latency.p50Ms} ms, p99 ${latency.p99Ms} ms, max ${latency.maxMs} ms (target p99 < ${P99_TARGET_MS} ms: ${latency.p99Ms < P99_TARGET_MS ? 'met' : 'MISSED'})`,
);
console.log(`index built in ${indexBuildMs.toFixed(1)} ms`);

const resultsDir = path.join(here, 'results');
mkdirSync(resultsDir, { recursive: true });
writeFileSync(
  path.join(resultsDir, 'guardrails.json'),
  `${JSON.stringify(
    {
      benchmark: 'guardrails',
      at: new Date().toISOString(),
      node: process.version,
      policyVersion: policy.version,
      sections: handbook.sections.length,
      retrievalOnly: retrieval,
      withLlmStub: {
        ...withLlmStub,
        calls: labelled.length,
        fallbacks: stubFallbacks,
        msPerAnswer: Number((stubMs / labelled.length).toFixed(2)),
      },
      retrievalLatency: latency,
      indexBuildMs: Number(indexBuildMs.toFixed(2)),
    },
    null,
    2,
  )}\n`,
);
