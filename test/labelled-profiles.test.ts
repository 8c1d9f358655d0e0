import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { evaluateRules } from '../src/assessment/rules.ts';
import { loadPolicy } from '../src/policy/load.ts';
import { TIERS, type Tier } from '../src/policy/schema.ts';
import { AppProfileSchema } from '../src/profile/schema.ts';

// Realistic citizen-built apps, each labelled by reading the policy table, not by running the engine.
// `rules` records the reasoning behind each label: the rules that should fire.

interface LabelledProfile {
  id: string;
  expected: { tier: Tier; teams: string[]; rules: string[] };
  profile: unknown;
}

const labelled = JSON.parse(
  readFileSync(new URL('./fixtures/labelled-profiles.json', import.meta.url), 'utf8'),
) as LabelledProfile[];
const policy = loadPolicy();

describe('labelled profiles', () => {
  it('has at least 40 profiles that between them reach every tier and fire every default rule', () => {
    expect(labelled.length).toBeGreaterThanOrEqual(40);
    expect(new Set(labelled.map((item) => item.expected.tier))).toEqual(new Set(TIERS));
    const expectedRules = new Set(labelled.flatMap((item) => item.expected.rules));
    expect([...expectedRules].sort()).toEqual(policy.rules.map((rule) => rule.id).sort());
  });

  it.each(labelled.map((item) => [item.id, item] as const))('%s', (_id, item) => {
    const profile = AppProfileSchema.parse(item.profile);
    const verdict = evaluateRules(profile, policy);
    expect({ tier: verdict.tier, teams: verdict.teams }).toEqual({
      tier: item.expected.tier,
      teams: item.expected.teams,
    });
    expect(verdict.reasons.map((reason) => reason.rule).sort()).toEqual([...item.expected.rules].sort());
  });
});
