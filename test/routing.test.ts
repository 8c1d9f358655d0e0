import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { DEFAULT_POLICY_PATH, loadPolicy, loadPolicyFromText } from '../src/policy/load.ts';
import { escalationTargets, isReviewer, reviewerTeams } from '../src/policy/routing.ts';

// Parsed YAML, edited freely as an admin edits the file: typing it would only restate the schema.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type RawPolicy = Record<string, any>;

const policy = loadPolicy();

describe('escalationTargets', () => {
  it('announces nothing for a low app: it is approved automatically', () => {
    expect(escalationTargets({ tier: 'low', teams: ['privacy'] }, policy)).toEqual([]);
  });

  it('sends a medium or high app to each of its teams on Slack and Teams, in policy order', () => {
    expect(escalationTargets({ tier: 'high', teams: ['compliance', 'privacy'] }, policy)).toEqual([
      { team: 'privacy', platform: 'slack', destination: '#gov-privacy' },
      { team: 'privacy', platform: 'teams', destination: 'Governance/Privacy' },
      { team: 'compliance', platform: 'slack', destination: '#gov-compliance' },
      { team: 'compliance', platform: 'teams', destination: 'Governance/Compliance' },
    ]);
  });

  it('tells the leads about a critical app as well', () => {
    const targets = escalationTargets({ tier: 'critical', teams: ['ai-governance'] }, policy);
    expect(targets.map((target) => `${target.team} ${target.platform} ${target.destination}`)).toEqual([
      'ai-governance slack #gov-ai',
      'ai-governance teams Governance/AI Governance',
      'leads slack #gov-leads',
      'leads teams Governance/Leads',
    ]);
  });

  it('ignores team ids the policy does not define', () => {
    expect(escalationTargets({ tier: 'medium', teams: ['legal'] }, policy)).toEqual([]);
  });
});

describe('isReviewer', () => {
  const data = parse(readFileSync(DEFAULT_POLICY_PATH, 'utf8')) as RawPolicy;
  data.teams.security.reviewers = { slack: ['U0SEC', 'S0SECGROUP'], teams: ['aad-sec-object-id'] };
  data.leads.reviewers = { slack: ['U0LEAD'], teams: [] };
  const staffed = loadPolicyFromText(stringify(data), 'staffed.yaml');

  it('knows reviewers by user id, per platform', () => {
    expect(isReviewer(staffed, 'security', 'slack', 'U0SEC')).toBe(true);
    expect(isReviewer(staffed, 'security', 'teams', 'aad-sec-object-id')).toBe(true);
    expect(isReviewer(staffed, 'security', 'teams', 'U0SEC')).toBe(false);
    expect(isReviewer(staffed, 'privacy', 'slack', 'U0SEC')).toBe(false);
  });

  it('knows reviewers through a listed group', () => {
    expect(isReviewer(staffed, 'security', 'slack', 'U0NEW', ['S0OTHER', 'S0SECGROUP'])).toBe(true);
    expect(isReviewer(staffed, 'security', 'slack', 'U0NEW', ['S0OTHER'])).toBe(false);
  });

  it('treats leads as their own list, and unknown teams as nobody', () => {
    expect(isReviewer(staffed, 'leads', 'slack', 'U0LEAD')).toBe(true);
    expect(isReviewer(staffed, 'security', 'slack', 'U0LEAD')).toBe(false);
    expect(isReviewer(staffed, 'legal', 'slack', 'U0SEC')).toBe(false);
    expect(reviewerTeams(staffed, 'slack', 'U0LEAD')).toEqual(['leads']);
    expect(reviewerTeams(staffed, 'slack', 'U0SEC')).toEqual(['security']);
  });

  it('finds no reviewer in the default policy until the admin fills them in', () => {
    expect(reviewerTeams(policy, 'slack', 'U0SEC', ['S0SECGROUP'])).toEqual([]);
  });
});
