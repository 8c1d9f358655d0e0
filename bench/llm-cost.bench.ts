// LLM cost: calls and tokens per registration and per guardrail question, measured against a local
// OpenAI-compatible server (test/support/fake-openai.ts). Tokens are counted from what was actually
// sent, the way a real tokenizer roughly does (about 4 characters a token): `promptTokens` from the
// system and user messages, `schemaTokens` from the JSON schema sent as response_format (providers
// bill it as input too), `completionTokens` from the JSON the fake answers.
//   node --import tsx bench/llm-cost.bench.ts     (BENCH_LLM_REGISTRATIONS=10 registrations)
// Prints two tables and writes bench/results/llm-cost.json.
//
// Questions: the 83 labelled guardrail questions (all on-topic: one call each when the handbook has a
// section for them) plus off-topic ones, which must cost nothing.

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createGuardrailAdvisor } from '../src/handbook/answer.ts';
import { handbookDir, loadHandbook } from '../src/handbook/load.ts';
import { createLlmClient } from '../src/llm/client.ts';
import { DEFAULT_POLICY_PATH, loadPolicy } from '../src/policy/load.ts';
import { pgliteOnly } from '../test/support/databases.ts';
import { startFakeOpenAI } from '../test/support/fake-openai.ts';
import type { RecordedRequest } from '../test/support/fake-openai.ts';
import { createTestSteward } from '../test/support/steward.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const REGISTRATIONS = Number(process.env.BENCH_LLM_REGISTRATIONS ?? 10);

const OFF_TOPIC = [
  "What's the weather in Paris?",
  'Tell me a joke',
  'Who won the football match last night?',
  'Can you recommend a good pizza place near the office?',
  'What time is it in Tokyo?',
  'Write me a poem about spring',
  'How tall is Mount Everest?',
  'What should I cook for dinner tonight?',
];

const tokens = (text: string) => Math.ceil(text.length / 4);

interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  schema_tokens: number;
}

/** Answers each purpose with a plausible object; usage is counted from what was actually sent. */
function answer(request: RecordedRequest): { json: unknown; usage: Usage } {
  const messages = request.body.messages as Array<{ content: string }>;
  const prompt = messages.map((message) => message.content).join('\n');
  const schema = JSON.stringify(request.body.response_format ?? {});
  let json: unknown;
  if (schema.includes('guardrail_answer')) {
    // Cites every section it was given, as the guardrails bench's stub does: a grounded answer.
    const given = [...String(messages[1]?.content ?? '').matchAll(/<section id="([^"]+)"/g)].map((match) => match[1]!);
    json = { answered: given.length > 0, answer: 'Answered from the sections given.', citations: given };
  } else if (schema.includes('answer_reading')) {
    // An answer the rules could not read: the LLM cannot either, so the maker is asked again.
    json = { reading: null };
  } else if (schema.includes('app_profile_fields')) {
    json = {
      name: null,
      platform: 'power-apps',
      department: 'Customer Service',
      audience: null,
      userCount: 45,
      dataCategories: ['personal'],
      systems: null,
      aiUsed: false,
      aiGeneratesContent: null,
      aiDecisionImpact: null,
      aiProfiling: null,
      aiDomains: null,
      aiPractices: null,
      criticality: null,
      externalSharing: null,
    };
  } else {
    json = {
      tier: 'medium',
      teams: ['privacy'],
      rationale: 'Customer contact details are shared across the department.',
      missingFacts: [],
    };
  }
  return {
    json,
    usage: {
      prompt_tokens: tokens(prompt),
      completion_tokens: tokens(JSON.stringify(json)),
      schema_tokens: tokens(schema),
    },
  };
}

interface Cost {
  calls: number;
  promptTokens: number;
  schemaTokens: number;
  completionTokens: number;
}

function costPer(requests: RecordedRequest[], units: number): Cost {
  const usage = requests.map((request) => answer(request).usage);
  const per = (sum: number) => Math.round((sum / units) * 10) / 10;
  return {
    calls: per(requests.length),
    promptTokens: per(usage.reduce((sum, item) => sum + item.prompt_tokens, 0)),
    schemaTokens: per(usage.reduce((sum, item) => sum + item.schema_tokens, 0)),
    completionTokens: per(usage.reduce((sum, item) => sum + item.completion_tokens, 0)),
  };
}

const fake = await startFakeOpenAI();
fake.setDefault(({ body, ...rest }) => {
  const { json, usage } = answer({ body, ...rest });
  return {
    json,
    usage: { prompt_tokens: usage.prompt_tokens + usage.schema_tokens, completion_tokens: usage.completion_tokens },
  };
});
const database = await pgliteOnly();
try {
  const llm = createLlmClient({ baseUrl: fake.baseUrl, apiKey: 'bench', model: 'bench-model', timeoutMs: 5000 })!;

  // ------------------------------------------------------------ registrations
  const steward = createTestSteward(database.db.store, { llm });
  for (let index = 0; index < REGISTRATIONS; index += 1) {
    const user = `bench-${index}`;
    await steward.say(
      'I built a Power App where 45 people in Customer Service track complaints with customer names and emails',
      user,
    );
    // One answer the rules cannot read ("it depends on the week"): one interpretation call, then re-asked.
    for (const reply of [
      `Complaint tracker ${index}`,
      'department',
      'none',
      'it depends on the week',
      'medium',
      'no',
      'yes',
    ])
      await steward.say(reply, user);
  }
  const registrationRequests = [...fake.requests];
  const perRegistration = costPer(registrationRequests, REGISTRATIONS);
  const purposeOf = (request: RecordedRequest) => {
    const schema = JSON.stringify(request.body.response_format ?? {});
    return schema.includes('app_profile_fields')
      ? 'extraction'
      : schema.includes('answer_reading')
        ? 'interpretation'
        : 'assessment';
  };
  const registrationPurposes = registrationRequests.map(purposeOf);

  // ------------------------------------------------------------ guardrail questions
  fake.reset();
  const policy = loadPolicy();
  const handbook = loadHandbook(handbookDir(policy, DEFAULT_POLICY_PATH), policy);
  const advisor = createGuardrailAdvisor({ policy, handbook, llm });
  const labelled = (
    JSON.parse(readFileSync(path.join(here, '../test/fixtures/guardrail-questions.json'), 'utf8')) as Array<{
      question: string;
    }>
  ).map((item) => item.question);

  const ask = async (questions: string[]) => {
    const before = fake.requests.length;
    const answers = [];
    for (const question of questions) answers.push(await advisor.answer(question));
    const requests = fake.requests.slice(before);
    return {
      questions: questions.length,
      viaLlm: answers.filter((item) => item.assessedBy === 'retrieval+llm').length,
      fallbacks: answers.filter((item) => item.llm && 'error' in item.llm).length,
      noCall: answers.filter((item) => !item.llm).length,
      perQuestion: costPer(requests, questions.length),
    };
  };
  const onTopic = await ask(labelled);
  const offTopic = await ask(OFF_TOPIC);

  const result = {
    benchmark: 'llm-cost',
    at: new Date().toISOString(),
    tokenCounting:
      'ceil(characters / 4) of what was sent: promptTokens = system + user messages, schemaTokens = response_format JSON schema, completionTokens = the JSON answered',
    registrations: REGISTRATIONS,
    perRegistration,
    registrationCalls: Object.fromEntries(
      (['extraction', 'interpretation', 'assessment'] as const).map((purpose) => [
        purpose,
        registrationPurposes.filter((p) => p === purpose).length / REGISTRATIONS,
      ]),
    ),
    questions: { onTopic, offTopic },
  };
  console.log(
    `LLM cost per registration (description extraction, one unreadable answer interpreted, assessment), over ${REGISTRATIONS} registrations:`,
  );
  console.table({ registration: perRegistration });
  console.log(
    `LLM cost per guardrail question: ${onTopic.questions} labelled on-topic questions (${onTopic.viaLlm} answered via the LLM, ${onTopic.fallbacks} fell back, ${onTopic.noCall} without a call), ${offTopic.questions} off-topic:`,
  );
  console.table({ 'on-topic question': onTopic.perQuestion, 'off-topic question': offTopic.perQuestion });
  mkdirSync(path.join(here, 'results'), { recursive: true });
  writeFileSync(path.join(here, 'results', 'llm-cost.json'), `${JSON.stringify(result, null, 2)}\n`);
} finally {
  await fake.close();
  await database.cleanup();
}
