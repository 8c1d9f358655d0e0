import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { evaluateRules } from '../src/assessment/rules.ts';
import { runPolicy } from '../src/cli/commands/policy.ts';
import { memoryIO } from '../src/cli/io.ts';
import type { CliIO } from '../src/cli/io.ts';

/** `steward policy check` reads files only: a database is never asked for. */
const checkPolicy = (args: string[], io: CliIO) =>
  runPolicy(args, { io, services: () => Promise.reject(new Error('policy check must not open the database')) });
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/logger.ts';
import { openServices } from '../src/runtime/services.ts';
import { DEFAULT_VOCABULARY_PATH } from '../src/intake/understand/vocabulary.ts';
import { DEFAULT_POLICY_PATH, loadPolicy, loadPolicyFromText, PolicyError, policyPath } from '../src/policy/load.ts';
import { escalationTargets } from '../src/policy/routing.ts';
import { DEFAULT_TEAM_IDS, type Policy } from '../src/policy/schema.ts';
import { riskProfile } from './support/risk-profile.ts';

// Parsed YAML, edited freely as an admin edits the file: typing it would only restate the schema.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type RawPolicy = Record<string, any>;

const DEFAULT_TEXT = readFileSync(DEFAULT_POLICY_PATH, 'utf8');
const workDir = mkdtempSync(path.join(tmpdir(), 'steward-policy-'));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

/** The default policy after `change` is applied to its data, as an admin editing the file would. */
function editedPolicy(change: (data: RawPolicy) => void): Policy {
  const data = parse(DEFAULT_TEXT) as RawPolicy;
  change(data);
  return loadPolicyFromText(stringify(data), 'edited.yaml');
}

/** The default text with `from` (which must occur once) replaced. */
function editText(from: string, to: string): string {
  expect(DEFAULT_TEXT.split(from)).toHaveLength(2);
  return DEFAULT_TEXT.replace(from, to);
}

/** 1-based line of the first occurrence of `needle`. */
function lineOf(text: string, needle: string): number {
  const index = text.indexOf(needle);
  expect(index).toBeGreaterThanOrEqual(0);
  return text.slice(0, index).split('\n').length;
}

function refusal(text: string): PolicyError {
  try {
    loadPolicyFromText(text, 'edited.yaml');
  } catch (error) {
    if (error instanceof PolicyError) return error;
    throw error;
  }
  throw new Error('the policy was accepted');
}

describe('the shipped default policy', () => {
  const policy = loadPolicy();

  it('loads with a version, the five teams and the fourteen rules of the issue', () => {
    expect(policy.version).toBe('2026.11.1');
    expect(Object.keys(policy.teams)).toEqual([...DEFAULT_TEAM_IDS]);
    expect(policy.rules.map((rule) => rule.id)).toEqual([
      'AI-PROHIBITED',
      'AI-HIGH-RISK',
      'AI-ANNEX-III-LIMITED',
      'AI-TRANSPARENCY',
      'SPECIAL-CATEGORY-DATA',
      'PAYMENT-CARD-DATA',
      'CREDENTIALS',
      'PERSONAL-DATA-EXTERNAL',
      'PERSONAL-DATA-BROAD',
      'CONFIDENTIAL-EXTERNAL',
      'SYSTEM-OF-RECORD-WRITE',
      'FINANCIAL-WRITE',
      'BUSINESS-CRITICAL',
      'BROAD-USE',
    ]);
  });

  it('routes each team to its Slack channel and the leads to #gov-leads', () => {
    const slack = Object.fromEntries(Object.entries(policy.teams).map(([id, team]) => [id, team.destinations.slack]));
    expect(slack).toEqual({
      security: ['#gov-security'],
      privacy: ['#gov-privacy'],
      'ai-governance': ['#gov-ai'],
      architecture: ['#gov-architecture'],
      compliance: ['#gov-compliance'],
    });
    expect(policy.leads.destinations.slack).toEqual(['#gov-leads']);
    expect(
      Object.values(policy.teams).every(
        (team) => team.reviewers.slack.length === 0 && team.reviewers.teams.length === 0,
      ),
    ).toBe(true);
  });

  it('says what each tier means for the maker and what status and review it gets', () => {
    const summary = Object.fromEntries(
      Object.entries(policy.tiers).map(([tier, settings]) => [
        tier,
        [settings.initialStatus, settings.escalate, settings.notifyLeads, settings.reviewSla?.businessDays],
      ]),
    );
    expect(summary).toEqual({
      low: ['approved', false, false, undefined],
      medium: ['submitted', true, false, 5],
      high: ['in_review', true, false, 2],
      critical: ['in_review', true, true, 1],
    });
    expect(policy.tiers.critical.meaning).toMatch(/blocked/i);
  });

  it('has the thresholds and systems of record of the issue', () => {
    expect(policy.thresholds).toEqual({ broadUseUsers: 100, broadPersonalDataUsers: 20 });
    expect(policy.systemsOfRecord).toEqual([
      'SAP',
      'Salesforce',
      'Workday',
      'Dynamics 365',
      'NetSuite',
      'Oracle E-Business Suite',
      'ServiceNow',
      'Epic',
      'Guidewire',
    ]);
  });

  it('gives the intake risk hints for hiring, credit, health, biometrics, cards, credentials, children and money', () => {
    const hint = (keyword: string) => policy.intake.riskHints.find((candidate) => candidate.keywords.includes(keyword));
    expect(hint('CVs')?.implies.aiDomains).toEqual(['employment']);
    expect(hint('loan')?.implies.aiDomains).toEqual(['essential-services']);
    expect(hint('patient')?.implies.dataCategories).toEqual(['health']);
    expect(hint('facial')?.implies).toEqual({ dataCategories: ['special-category'], aiDomains: ['biometrics'] });
    expect(hint('card number')?.implies.dataCategories).toEqual(['payment-card']);
    expect(hint('API key')?.implies.dataCategories).toEqual(['credentials']);
    expect(hint('pupils')?.implies).toEqual({ dataCategories: ['children'], aiDomains: ['education'] });
    expect(hint('payroll')?.implies.dataCategories).toEqual(['financial']);
    for (const riskHint of policy.intake.riskHints) expect(riskHint.confirm).toMatch(/\?$/);
  });

  it('is frozen, so a running policy cannot be changed halfway', () => {
    expect(Object.isFrozen(policy.rules[0]!.when)).toBe(true);
    expect(() => {
      (policy.thresholds as Record<string, number>).broadUseUsers = 5;
    }).toThrow(TypeError);
  });
});

describe('an admin edits the policy, no code changes', () => {
  const team30 = riskProfile({ dataCategories: ['personal'], audience: 'team', userCount: 30 });

  it('raising the personal-data threshold from 20 to 50 stops PERSONAL-DATA-BROAD for 30 users', () => {
    expect(evaluateRules(team30, loadPolicy()).tier).toBe('medium');
    const raised = editedPolicy((data) => (data.thresholds.broadPersonalDataUsers = 50));
    expect(evaluateRules(team30, raised)).toEqual({ tier: 'low', teams: [], reasons: [] });
    expect(
      evaluateRules(riskProfile({ dataCategories: ['personal'], userCount: 51 }), raised).reasons[0]?.explanation,
    ).toContain('the threshold is 50');
  });

  it('removing a rule stops it firing', () => {
    const critical = riskProfile({ criticality: 'high' });
    expect(evaluateRules(critical, loadPolicy()).tier).toBe('medium');
    const without = editedPolicy(
      (data) => (data.rules = data.rules.filter((rule: { id: string }) => rule.id !== 'BUSINESS-CRITICAL')),
    );
    expect(evaluateRules(critical, without).tier).toBe('low');
  });

  it('a new rule with a new team fires and routes', () => {
    const policy = editedPolicy((data) => {
      data.teams.legal = { name: 'Legal', destinations: { slack: ['#gov-legal'] } };
      data.rules.push({
        id: 'EXTERNAL-AIRTABLE',
        title: 'Airtable bases shared outside',
        tier: 'high',
        teams: ['legal'],
        explanation: 'The app is an Airtable base shared with {audience} users.',
        when: { all: [{ field: 'platform', is: 'airtable' }, { fact: 'external' }] },
      });
    });
    const verdict = evaluateRules(riskProfile({ platform: 'airtable', externalSharing: true }), policy);
    expect(verdict).toEqual({
      tier: 'high',
      teams: ['legal'],
      reasons: [
        {
          rule: 'EXTERNAL-AIRTABLE',
          tier: 'high',
          teams: ['legal'],
          explanation: 'The app is an Airtable base shared with team users.',
          source: '',
        },
      ],
    });
    expect(escalationTargets(verdict, policy)).toEqual([
      { team: 'legal', platform: 'slack', destination: '#gov-legal' },
    ]);
  });

  it('adding a system of record makes writes to it count', () => {
    const jiraWriter = riskProfile({ systems: [{ name: 'Jira Service Management', access: 'write' }] });
    expect(evaluateRules(jiraWriter, loadPolicy()).tier).toBe('low');
    const policy = editedPolicy((data) => data.systemsOfRecord.push('Jira'));
    expect(evaluateRules(jiraWriter, policy).reasons.map((reason) => reason.rule)).toEqual(['SYSTEM-OF-RECORD-WRITE']);
  });

  it('changing what "personal data" means changes every rule built on it', () => {
    const financialOutside = riskProfile({ dataCategories: ['financial'], externalSharing: true });
    const policy = editedPolicy((data) => data.facts.personalData.includesAny.push('financial'));
    expect(evaluateRules(financialOutside, policy).reasons.map((reason) => reason.rule)).toEqual([
      'PERSONAL-DATA-EXTERNAL',
      'CONFIDENTIAL-EXTERNAL',
    ]);
  });

  it('STEWARD_POLICY names the file to use, relative to the working directory', () => {
    const file = path.join(workDir, 'strict.yaml');
    writeFileSync(file, DEFAULT_TEXT.replace('broadUseUsers: 100', 'broadUseUsers: 10'));
    expect(policyPath({ STEWARD_POLICY: 'strict.yaml' }, workDir)).toBe(file);
    expect(policyPath({}, workDir)).toBe(DEFAULT_POLICY_PATH);
    const policy = loadPolicy(policyPath({ STEWARD_POLICY: 'strict.yaml' }, workDir));
    expect(evaluateRules(riskProfile({ userCount: 11 }), policy).tier).toBe('medium');
  });
});

describe('an invalid policy is refused with the line and field at fault', () => {
  it.each([
    {
      problem: 'a YAML syntax error',
      from: '  broadUseUsers: 100',
      to: '  broadUseUsers: 100: 1',
      at: 'broadUseUsers: 100: 1',
      says: /YAML syntax: Nested mappings/,
    },
    {
      problem: 'a number written as a word',
      from: 'broadPersonalDataUsers: 20',
      to: 'broadPersonalDataUsers: twenty',
      at: 'broadPersonalDataUsers: twenty',
      says: /thresholds\.broadPersonalDataUsers: Invalid input: expected number/,
    },
    {
      problem: 'an unknown tier',
      from: '    tier: critical\n',
      to: '    tier: severe\n',
      at: 'tier: severe',
      says: /rules\[0\]\.tier \(rule AI-PROHIBITED\): Invalid option/,
    },
    {
      problem: 'an unknown team in a rule',
      from: 'teams: [security, compliance]',
      to: 'teams: [security, complience]',
      at: 'teams: [security, complience]',
      says: /rules\[5\]\.teams\[1\] \(rule PAYMENT-CARD-DATA\): unknown team "complience"/,
    },
    {
      problem: 'a duplicate rule id',
      from: '  - id: CREDENTIALS',
      to: '  - id: PAYMENT-CARD-DATA',
      at: '  - id: PAYMENT-CARD-DATA\n    title: Passwords',
      says: /rules\[6\]\.id \(rule PAYMENT-CARD-DATA\): duplicate rule id "PAYMENT-CARD-DATA" \(first used by rules\[5\]\)/,
    },
    {
      problem: 'an unknown field in a condition',
      from: '{ field: ai.profiling, is: false }',
      to: '{ field: ai.profilling, is: false }',
      at: 'ai.profilling',
      says: /rules\[2\]\.when\.all\[3\]\.field \(rule AI-ANNEX-III-LIMITED\): unknown field "ai.profilling"/,
    },
    {
      problem: 'an unknown threshold',
      from: 'gt: { threshold: broadUseUsers }',
      to: 'gt: { threshold: broadUsers }',
      at: 'broadUsers }',
      says: /rules\[13\]\.when\.any\[1\]\.gt\.threshold \(rule BROAD-USE\): unknown threshold "broadUsers"/,
    },
    {
      problem: 'a misspelt category',
      from: 'includesAny: [payment-card]',
      to: 'includesAny: [paymentcard]',
      at: 'paymentcard',
      says: /rules\[5\]\.when\.includesAny\[0\] \(rule PAYMENT-CARD-DATA\): "paymentcard" is not a value of dataCategories/,
    },
    {
      problem: 'a misspelt operator',
      from: 'includesAny: [credentials]',
      to: 'includesany: [credentials]',
      at: 'includesany',
      says: /rules\[6\]\.when\.includesany \(rule CREDENTIALS\): unknown key "includesany"/,
    },
    {
      problem: 'an operator that does not suit the field',
      from: 'when: { field: criticality, is: high }',
      to: 'when: { field: criticality, gt: 2 }',
      at: 'gt: 2',
      says: /rules\[12\]\.when\.gt \(rule BUSINESS-CRITICAL\): gt does not apply to criticality/,
    },
    {
      problem: 'an unknown placeholder',
      from: '({audience}, {userCount} users; the threshold is {thresholds.broadUseUsers})',
      to: '({usercount} users)',
      at: '{usercount}',
      says: /rules\[13\]\.explanation \(rule BROAD-USE\): unknown placeholder \{usercount\}/,
    },
  ])('$problem', ({ from, to, at, says }) => {
    const text = editText(from, to);
    const error = refusal(text);
    expect(error.message).toMatch(says);
    expect(error.issues[0]?.line).toBe(lineOf(text, at));
    expect(error.message).toContain(`edited.yaml:${lineOf(text, at)}:`);
  });

  it('a missing version', () => {
    const error = refusal(editText('version: "2026.11.1"\n', ''));
    expect(error.issues).toEqual([expect.objectContaining({ path: 'version', message: 'missing (expected string)' })]);
  });

  it('facts that depend on each other in a loop', () => {
    const text = editText(
      '  systemOfRecordWrite:\n',
      '  loop:\n    fact: loopBack\n  loopBack:\n    any: [{ fact: loop }]\n  systemOfRecordWrite:\n',
    );
    const error = refusal(text);
    expect(error.message).toContain('facts.loop: fact "loop" depends on itself: loop -> loopBack -> loop');
    expect(error.issues[0]?.line).toBe(lineOf(text, '  loop:'));
  });

  it('lists every problem at once', () => {
    const text = editText('teams: [security, compliance]', 'teams: [securty, complience]');
    expect(refusal(text).issues.map((issue) => issue.path)).toEqual([
      'rules[5].teams[0] (rule PAYMENT-CARD-DATA)',
      'rules[5].teams[1] (rule PAYMENT-CARD-DATA)',
    ]);
  });

  it('more teams than the engine can track', () => {
    const data = parse(DEFAULT_TEXT) as RawPolicy;
    for (let index = 0; index < 27; index++) data.teams[`extra-${index}`] = { name: `Extra ${index}` };
    expect(() => loadPolicyFromText(stringify(data), 'many.yaml')).toThrow(/teams: at most 31 teams, found 32/);
  });

  it('a file that cannot be read', () => {
    const missing = path.join(workDir, 'nope.yaml');
    expect(() => loadPolicy(missing)).toThrow(/nope\.yaml.*cannot read the file \(ENOENT\)/s);
  });
});

describe('steward policy check', () => {
  it('accepts the default policy', async () => {
    const io = memoryIO({ cwd: path.dirname(path.dirname(DEFAULT_POLICY_PATH)) });
    expect(await checkPolicy(['check'], io)).toBe(0);
    expect(io.out).toBe('Policy 2026.11.1 at policy/default.yaml is valid: 14 rules, 5 teams\n');
  });

  it('checks the file given, or else STEWARD_POLICY', async () => {
    writeFileSync(
      path.join(workDir, 'next.yaml'),
      DEFAULT_TEXT.replace('version: "2026.11.1"', 'version: "2026.12.0"'),
    );
    const given = memoryIO({ cwd: workDir });
    expect(await checkPolicy(['check', 'next.yaml'], given)).toBe(0);
    expect(given.out).toContain('Policy 2026.12.0 at next.yaml is valid');

    const fromEnv = memoryIO({ cwd: workDir, env: { STEWARD_POLICY: 'next.yaml' } });
    expect(await checkPolicy(['check'], fromEnv)).toBe(0);
    expect(fromEnv.out).toContain('Policy 2026.12.0 at next.yaml is valid');
  });

  it('refuses an invalid file with exit code 1, naming the line and the field', async () => {
    const text = editText('teams: [security, compliance]', 'teams: [security, complience]');
    writeFileSync(path.join(workDir, 'broken.yaml'), text);
    const io = memoryIO({ cwd: workDir });
    expect(await checkPolicy(['check', 'broken.yaml'], io)).toBe(1);
    expect(io.out).toBe('');
    expect(io.err).toContain(`broken.yaml:${lineOf(text, 'complience')}:`);
    expect(io.err).toContain('rules[5].teams[1] (rule PAYMENT-CARD-DATA): unknown team "complience"');
  });

  it('checks the vocabulary the policy names, naming its line and field', async () => {
    const vocabulary = readFileSync(DEFAULT_VOCABULARY_PATH, 'utf8').replace('    power-apps:\n', '    powerapps:\n');
    writeFileSync(path.join(workDir, 'words.yaml'), vocabulary);
    writeFileSync(
      path.join(workDir, 'with-words.yaml'),
      DEFAULT_TEXT.replace('  # vocabulary: vocabulary.yaml', '  vocabulary: words.yaml'),
    );
    const io = memoryIO({ cwd: workDir });
    expect(await checkPolicy(['check', 'with-words.yaml'], io)).toBe(1);
    expect(io.err).toContain(`words.yaml:${lineOf(vocabulary, 'powerapps:')}:`);
    expect(io.err).toContain('choices.platform.powerapps');
  });

  it('exits 1 for a missing file and 2 for a wrong command', async () => {
    expect(await checkPolicy(['check', 'missing.yaml'], memoryIO({ cwd: workDir }))).toBe(1);
    const io = memoryIO({ cwd: workDir });
    expect(await checkPolicy(['verify'], io)).toBe(2);
    expect(io.err).toContain('Usage: steward policy check [file]');
  });
});

describe('the policy a server starts with', () => {
  it('is the one the validated configuration names (STEWARD_POLICY), checked before anything is opened', async () => {
    writeFileSync(path.join(workDir, 'server-policy.yaml'), 'version: 1\nrules: [\n');
    const config = loadConfig({ STEWARD_POLICY: 'server-policy.yaml' });
    const starting = openServices({
      config,
      // The raw environment no longer says which policy: only the configuration does.
      env: {},
      cwd: workDir,
      logger: createLogger('silent'),
      purpose: 'test',
      deliveryPlatforms: [],
    });
    await expect(starting).rejects.toThrow(PolicyError);
    await expect(starting).rejects.toThrow(/server-policy\.yaml/u);
  });
});
