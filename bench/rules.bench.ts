// Rule assessments per second: the policy-driven engine against a hand-written if/else version of
// the same 14 default rules, over the labelled profiles.
//   node --import tsx bench/rules.bench.ts        (BENCH_SECONDS=3 by default, per contestant)
// Prints one line per contestant and writes bench/results/rules.json.

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { evaluateRules } from '../src/assessment/rules.ts';
import { loadPolicy } from '../src/policy/load.ts';
import { TIER_ORDER, type Tier } from '../src/policy/schema.ts';
import { AppProfileSchema, type AppProfile } from '../src/profile/schema.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const seconds = Number(process.env.BENCH_SECONDS ?? 3);

const policy = loadPolicy();
const labelled = JSON.parse(readFileSync(path.join(here, '../test/fixtures/labelled-profiles.json'), 'utf8')) as Array<{
  profile: unknown;
}>;
const profiles: AppProfile[] = labelled.map((item) => AppProfileSchema.parse(item.profile));

// ---------------------------------------------------------------- the baseline: the table, hard-coded

const TEAM_ORDER = ['security', 'privacy', 'ai-governance', 'architecture', 'compliance'];
const PERSONAL = new Set(['personal', 'special-category', 'health', 'children']);
const SYSTEM_OF_RECORD =
  /(?<![\p{L}\p{N}])(?:SAP|Salesforce|Workday|Dynamics\s+365|NetSuite|Oracle\s+E-Business\s+Suite|ServiceNow|Epic|Guidewire)(?![\p{L}\p{N}])/iu;

interface BaselineVerdict {
  tier: Tier;
  teams: string[];
  rules: string[];
}

function baseline(p: AppProfile): BaselineVerdict {
  const rules: string[] = [];
  const teams = new Set<string>();
  let tier: Tier = 'low';
  const fire = (rule: string, ruleTier: Tier, ruleTeams: string[]) => {
    rules.push(rule);
    for (const team of ruleTeams) teams.add(team);
    if (TIER_ORDER[ruleTier] > TIER_ORDER[tier]) tier = ruleTier;
  };
  const data = p.dataCategories;
  const personal = data.some((category) => PERSONAL.has(category));
  const external = p.audience === 'external' || p.externalSharing;
  const sorWrite = p.systems.some((system) => system.access === 'write' && SYSTEM_OF_RECORD.test(system.name));
  const ai = p.ai;

  if (ai.used && ai.practices.length > 0) fire('AI-PROHIBITED', 'critical', ['ai-governance', 'privacy']);
  if (ai.used && ai.domains.length > 0) {
    if (ai.decisionImpact === 'significant' || ai.profiling) fire('AI-HIGH-RISK', 'high', ['ai-governance']);
    else fire('AI-ANNEX-III-LIMITED', 'medium', ['ai-governance']);
  }
  if (ai.used && ai.generatesContent && (p.audience === 'organization' || p.audience === 'external'))
    fire('AI-TRANSPARENCY', 'medium', ['ai-governance']);
  if (data.includes('special-category') || data.includes('health') || data.includes('children'))
    fire('SPECIAL-CATEGORY-DATA', 'high', ['privacy']);
  if (data.includes('payment-card')) fire('PAYMENT-CARD-DATA', 'high', ['security', 'compliance']);
  if (data.includes('credentials')) fire('CREDENTIALS', 'high', ['security']);
  if (personal && external) fire('PERSONAL-DATA-EXTERNAL', 'high', ['privacy', 'security']);
  if (personal && (p.audience === 'department' || p.audience === 'organization' || p.userCount > 20))
    fire('PERSONAL-DATA-BROAD', 'medium', ['privacy']);
  if ((data.includes('confidential') || data.includes('financial')) && external)
    fire('CONFIDENTIAL-EXTERNAL', 'high', ['security']);
  if (sorWrite) fire('SYSTEM-OF-RECORD-WRITE', 'medium', ['architecture']);
  if (data.includes('financial') && sorWrite) fire('FINANCIAL-WRITE', 'high', ['compliance', 'architecture']);
  if (p.criticality === 'high') fire('BUSINESS-CRITICAL', 'medium', ['architecture']);
  if (p.audience === 'organization' || p.userCount > 100) fire('BROAD-USE', 'medium', ['architecture']);

  return { tier, teams: TEAM_ORDER.filter((team) => teams.has(team)), rules };
}

// ---------------------------------------------------------------- agreement first: a fast wrong answer is no answer

const disagreements = profiles.flatMap((profile) => {
  const engine = evaluateRules(profile, policy);
  const expected = baseline(profile);
  const same =
    engine.tier === expected.tier &&
    engine.teams.join() === expected.teams.join() &&
    engine.reasons
      .map((reason) => reason.rule)
      .sort()
      .join() === [...expected.rules].sort().join();
  return same
    ? []
    : [`${profile.name}: engine ${engine.tier} [${engine.teams}] vs baseline ${expected.tier} [${expected.teams}]`];
});
if (disagreements.length > 0) {
  console.error(`The engine and the baseline disagree:\n${disagreements.join('\n')}`);
  process.exit(1);
}

// ---------------------------------------------------------------- timing

function measure(assess: (profile: AppProfile) => { tier: Tier }): { assessments: number; perSecond: number } {
  let sink = 0; // consumed below, so the work cannot be optimised away
  const run = (durationMs: number) => {
    let assessments = 0;
    const started = performance.now();
    let elapsed: number;
    do {
      for (const profile of profiles) sink += TIER_ORDER[assess(profile).tier];
      assessments += profiles.length;
      elapsed = performance.now() - started;
    } while (elapsed < durationMs);
    return { assessments, elapsed };
  };
  run(Math.min(500, seconds * 200)); // warm up the JIT
  const { assessments, elapsed } = run(seconds * 1000);
  if (sink < 0) console.log(sink);
  return { assessments, perSecond: Math.round(assessments / (elapsed / 1000)) };
}

const engine = measure((profile) => evaluateRules(profile, policy));
const hardCoded = measure(baseline);
const ratio = engine.perSecond / hardCoded.perSecond;

const format = (value: number) => value.toLocaleString('en-US');
console.log(
  `rules engine (policy ${policy.version}): ${format(engine.perSecond)} assessments/s over ${profiles.length} labelled profiles`,
);
console.log(`hand-written baseline:        ${format(hardCoded.perSecond)} assessments/s (no explanations)`);
console.log(`engine / baseline: ${ratio.toFixed(2)}`);

const resultsDir = path.join(here, 'results');
mkdirSync(resultsDir, { recursive: true });
writeFileSync(
  path.join(resultsDir, 'rules.json'),
  `${JSON.stringify(
    {
      benchmark: 'rules',
      at: new Date().toISOString(),
      node: process.version,
      policyVersion: policy.version,
      profiles: profiles.length,
      secondsPerContestant: seconds,
      engine,
      baseline: hardCoded,
      engineToBaselineRatio: Number(ratio.toFixed(3)),
    },
    null,
    2,
  )}\n`,
);
