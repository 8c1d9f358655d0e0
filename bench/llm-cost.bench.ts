// LLM cost: calls and tokens per registration (and per guardrail question), measured against a local
// OpenAI-compatible server that counts tokens the way a real one roughly does (about 4 characters a token).
//   node --import tsx bench/llm-cost.bench.ts
// Writes bench/results/llm-cost.json.

import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLlmClient } from '../src/llm/client.ts';
import { pgliteOnly } from '../test/support/databases.ts';
import { startFakeOpenAI } from '../test/support/fake-openai.ts';
import type { RecordedRequest } from '../test/support/fake-openai.ts';
import { createTestSteward } from '../test/support/steward.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const REGISTRATIONS = Number(process.env.BENCH_REGISTRATIONS ?? 10);

const tokens = (text: string) => Math.ceil(text.length / 4);

/** Answers each purpose with a plausible object; usage is counted from what was actually sent. */
function answer(request: RecordedRequest) {
  const prompt = (request.body.messages as Array<{ content: string }>).map((message) => message.content).join('\n');
  const schema = JSON.stringify(request.body.response_format ?? {});
  const json = schema.includes('app_profile_fields')
    ? { name: null, platform: 'power-apps', department: 'Customer Service', audience: null, userCount: 45, dataCategories: ['personal'], systems: null, aiUsed: false, aiGeneratesContent: null, aiDecisionImpact: null, aiProfiling: null, aiDomains: null, aiPractices: null, criticality: null, externalSharing: null }
    : { tier: 'medium', teams: ['privacy'], rationale: 'Customer contact details are shared across the department.', missingFacts: [] };
  return { json, usage: { prompt_tokens: tokens(prompt), completion_tokens: tokens(JSON.stringify(json)) } };
}

const fake = await startFakeOpenAI();
fake.setDefault(answer);
const database = await pgliteOnly();
try {
  const llm = createLlmClient({ baseUrl: fake.baseUrl, apiKey: 'bench', model: 'bench-model', timeoutMs: 5000 })!;
  const steward = createTestSteward(database.db.prisma, { llm });
  for (let index = 0; index < REGISTRATIONS; index += 1) {
    const user = `bench-${index}`;
    await steward.say('I built a Power App where 45 people in Customer Service track complaints with customer names and emails', user);
    for (const reply of [`Complaint tracker ${index}`, 'department', 'none', 'medium', 'no', 'yes']) await steward.say(reply, user);
  }
  const requests = fake.requests;
  const usage = requests.map((request) => answer(request).usage);
  const perRegistration = {
    calls: requests.length / REGISTRATIONS,
    promptTokens: usage.reduce((sum, item) => sum + item.prompt_tokens, 0) / REGISTRATIONS,
    completionTokens: usage.reduce((sum, item) => sum + item.completion_tokens, 0) / REGISTRATIONS,
  };
  const result = { registrations: REGISTRATIONS, perRegistration };
  console.log('LLM cost per registration (description extraction + assessment):');
  console.table({ registration: perRegistration });
  mkdirSync(path.join(here, 'results'), { recursive: true });
  writeFileSync(path.join(here, 'results', 'llm-cost.json'), `${JSON.stringify(result, null, 2)}\n`);
} finally {
  await fake.close();
  await database.cleanup();
}
