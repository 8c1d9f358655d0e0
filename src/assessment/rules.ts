import type { AppProfile } from '../profile/schema.ts';
import {
  ANSWERS_PREFIX,
  NAMED_LISTS,
  TIER_ORDER,
  type Condition,
  type NumberOperand,
  type Policy,
  type Rule,
  type TeamId,
  type Tier,
} from '../policy/schema.ts';

// The rules engine: evaluates a policy's declarative rules against a profile. Conditions are compiled
// once per policy into closures (cached per policy object), so an assessment is a handful of calls.

/** Why an app got its tier: one fired rule, or the AI assessment. */
export interface Reason {
  /** Rule id, or AI-ASSESSMENT. */
  rule: string;
  tier: Tier;
  teams: TeamId[];
  /** One sentence the maker can understand. */
  explanation: string;
  /** The regulation or standard behind the rule; may be empty. */
  source: string;
}

export interface RulesVerdict {
  /** The highest tier of the fired rules; low when none fired. */
  tier: Tier;
  /** Union of the fired rules' teams, in policy order. */
  teams: TeamId[];
  /** Fired rules, highest tier first, then in policy order. */
  reasons: Reason[];
}

export function evaluateRules(profile: AppProfile, policy: Policy): RulesVerdict {
  const { rules, teamOrder } = compiledFor(policy);
  let tier: Tier = 'low';
  const fired: CompiledRule[] = [];
  for (const compiled of rules) {
    if (!compiled.test(profile)) continue;
    fired.push(compiled);
    if (TIER_ORDER[compiled.rule.tier] > TIER_ORDER[tier]) tier = compiled.rule.tier;
  }

  // Teams as a bit set over the policy's team order: union and ordering in one pass.
  let teamBits = 0;
  for (const compiled of fired) teamBits |= compiled.teamBits;

  // Array.prototype.sort is stable, so equal tiers keep policy order.
  fired.sort((a, b) => TIER_ORDER[b.rule.tier] - TIER_ORDER[a.rule.tier]);
  return {
    tier,
    teams: teamsOf(teamBits, teamOrder),
    reasons: fired.map((compiled) => ({
      rule: compiled.rule.id,
      tier: compiled.rule.tier,
      teams: compiled.teams.slice(),
      explanation: compiled.explain(profile),
      source: compiled.rule.source,
    })),
  };
}

function teamsOf(bits: number, teamOrder: readonly TeamId[]): TeamId[] {
  const teams: TeamId[] = [];
  for (let index = 0; bits !== 0; index++, bits >>>= 1) if (bits & 1) teams.push(teamOrder[index]!);
  return teams;
}

/**
 * A test for "text mentions any of these phrases as whole words, ignoring case": 'SAP Concur' mentions
 * SAP, 'Sapphire' does not, 'Dynamics 365 Sales' mentions 'Dynamics 365'. Any run of spaces in a phrase
 * matches any run of whitespace.
 */
export function wholeWordsMatcher(phrases: readonly string[]): (text: string) => boolean {
  const alternatives = phrases
    .map((phrase) => phrase.trim())
    .filter((phrase) => phrase.length > 0)
    .map((phrase) => phrase.split(/\s+/).map(escapeRegExp).join('\\s+'));
  if (alternatives.length === 0) return () => false;
  // A "word" boundary here is any letter or digit in any script, which \b (ASCII only) does not give.
  const pattern = new RegExp(`(?<![\\p{L}\\p{N}])(?:${alternatives.join('|')})(?![\\p{L}\\p{N}])`, 'iu');
  return (text) => pattern.test(text);
}

/** A condition in words, for prompts and documentation: "(ai.used is true and ai.practices is not empty)". */
export function describeCondition(condition: Condition, policy?: Policy): string {
  const describe = (child: Condition) => describeCondition(child, policy);
  if (condition.all) return `(${condition.all.map(describe).join(' and ')})`;
  if (condition.any) return `(${condition.any.map(describe).join(' or ')})`;
  if (condition.not) {
    const inner = describe(condition.not);
    return inner.startsWith('(') ? `not ${inner}` : `not (${inner})`;
  }
  if (condition.fact !== undefined) return condition.fact;
  const field = condition.field ?? '?';
  const list = (values: readonly unknown[]) => values.map(String).join(', ');
  const number = (operand: NumberOperand) =>
    typeof operand === 'number'
      ? String(operand)
      : `${operand.threshold}${policy ? ` (${policy.thresholds[operand.threshold]})` : ''}`;
  if (condition.is !== undefined) return `${field} is ${String(condition.is)}`;
  if (condition.in) return `${field} is one of ${list(condition.in)}`;
  if (condition.includesAny) return `${field} includes any of ${list(condition.includesAny)}`;
  if (condition.includesAll) return `${field} includes all of ${list(condition.includesAll)}`;
  if (condition.nonEmpty !== undefined) return `${field} is ${condition.nonEmpty ? 'not empty' : 'empty'}`;
  if (condition.gt !== undefined) return `${field} > ${number(condition.gt)}`;
  if (condition.gte !== undefined) return `${field} >= ${number(condition.gte)}`;
  if (condition.lt !== undefined) return `${field} < ${number(condition.lt)}`;
  if (condition.lte !== undefined) return `${field} <= ${number(condition.lte)}`;
  if (condition.mentionsAny) {
    const operand = condition.mentionsAny;
    return `${field} mentions, as whole words, any of ${Array.isArray(operand) ? list(operand) : operand.list}`;
  }
  if (condition.some) return `some entry of ${field} has ${describe(condition.some)}`;
  return '?';
}

/**
 * Whether a condition certainly holds for a profile that may still be incomplete (an intake's answers so
 * far): a field that has no value yet is unknown, and so is anything that depends on it (`not` of an
 * unknown is unknown; `all` is false once one part is false, `any` true once one part is true). Only a
 * condition that is known to hold is true: a custom question is asked when its `when` certainly holds.
 */
export function conditionHolds(condition: Condition, subject: unknown, policy: Policy): boolean {
  return partialTest(condition, subject, compiledFor(policy)) === true;
}

type Known = boolean | undefined;

function partialTest(condition: Condition, subject: unknown, compiled: CompiledPolicy): Known {
  if (condition.all) {
    let result: Known = true;
    for (const child of condition.all) {
      const part = partialTest(child, subject, compiled);
      if (part === false) return false;
      if (part === undefined) result = undefined;
    }
    return result;
  }
  if (condition.any) {
    let result: Known = false;
    for (const child of condition.any) {
      const part = partialTest(child, subject, compiled);
      if (part === true) return true;
      if (part === undefined) result = undefined;
    }
    return result;
  }
  if (condition.not) {
    const inner = partialTest(condition.not, subject, compiled);
    return inner === undefined ? undefined : !inner;
  }
  if (condition.fact !== undefined) {
    const fact = compiled.policy.facts[condition.fact];
    return fact ? partialTest(fact, subject, compiled) : undefined;
  }
  if (condition.field === undefined) return undefined;
  const value = getter(condition.field)(subject);
  if (value === undefined || value === null) return undefined;
  // A field with a value is tested as the rules test it (inside `some`, records are complete).
  let leaf = compiled.leaves.get(condition);
  if (!leaf) {
    leaf = compiled.compiler.compile(condition, 'condition');
    compiled.leaves.set(condition, leaf);
  }
  return leaf(subject);
}

// ---------------------------------------------------------------- compilation

type Predicate = (subject: unknown) => boolean;

interface CompiledRule {
  rule: Rule;
  test: Predicate;
  explain: (profile: AppProfile) => string;
  /** The rule's teams, in policy order. */
  teams: TeamId[];
  /** The same teams as bits: bit i = teamOrder[i]. */
  teamBits: number;
}

interface CompiledPolicy {
  policy: Policy;
  rules: CompiledRule[];
  teamOrder: TeamId[];
  teamRank: Map<TeamId, number>;
  compiler: ConditionCompiler;
  /** Field conditions compiled for conditionHolds, by the (frozen) condition object. */
  leaves: WeakMap<Condition, Predicate>;
}

const compiledPolicies = new WeakMap<Policy, CompiledPolicy>();

function compiledFor(policy: Policy): CompiledPolicy {
  let compiled = compiledPolicies.get(policy);
  if (!compiled) {
    compiled = compilePolicy(policy);
    compiledPolicies.set(policy, compiled);
  }
  return compiled;
}

function compilePolicy(policy: Policy): CompiledPolicy {
  const teamOrder = Object.keys(policy.teams);
  // Teams are kept as 31-bit sets; the loader refuses policies with more (MAX_TEAMS).
  if (teamOrder.length > 31) throw new Error('a policy may define at most 31 teams');
  const teamRank = new Map(teamOrder.map((team, index) => [team, index]));
  const compiler = new ConditionCompiler(policy);
  const rules = policy.rules.map((rule) => {
    const teamBits = rule.teams.reduce(
      (bits, team) => (teamRank.has(team) ? bits | (1 << teamRank.get(team)!) : bits),
      0,
    );
    return {
      rule,
      test: compiler.compile(rule.when, `rule ${rule.id}`),
      explain: compileTemplate(rule.explanation, policy),
      teams: teamsOf(teamBits, teamOrder),
      teamBits,
    };
  });
  return { policy, rules, teamOrder, teamRank, compiler, leaves: new WeakMap() };
}

class ConditionCompiler {
  private readonly facts = new Map<string, Predicate>();

  constructor(private readonly policy: Policy) {}

  // The loader has already checked fields, operators, references and cycles; the throws below only
  // guard against a policy object built without it.
  compile(condition: Condition, where: string): Predicate {
    if (condition.all) return every(condition.all.map((child) => this.compile(child, where)));
    if (condition.any) return some(condition.any.map((child) => this.compile(child, where)));
    if (condition.not) {
      const inner = this.compile(condition.not, where);
      return (subject) => !inner(subject);
    }
    if (condition.fact !== undefined) return this.fact(condition.fact, where);
    if (condition.field === undefined) throw new Error(`${where}: empty condition`);

    const get = getter(condition.field);
    if (condition.is !== undefined) {
      const expected = condition.is;
      return (subject) => get(subject) === expected;
    }
    if (condition.in) {
      const allowed = new Set<unknown>(condition.in);
      return (subject) => allowed.has(get(subject));
    }
    if (condition.includesAny) {
      const wanted = new Set<unknown>(condition.includesAny);
      return (subject) => asArray(get(subject)).some((value) => wanted.has(value));
    }
    if (condition.includesAll) {
      const wanted = condition.includesAll;
      return (subject) => {
        const values = asArray(get(subject));
        return wanted.every((value) => values.includes(value));
      };
    }
    if (condition.nonEmpty !== undefined) {
      const expected = condition.nonEmpty;
      return (subject) => {
        const value = get(subject);
        const length = typeof value === 'string' ? value.trim().length : asArray(value).length;
        return length > 0 === expected;
      };
    }
    if (condition.gt !== undefined) return this.compare(get, condition.gt, (a, b) => a > b);
    if (condition.gte !== undefined) return this.compare(get, condition.gte, (a, b) => a >= b);
    if (condition.lt !== undefined) return this.compare(get, condition.lt, (a, b) => a < b);
    if (condition.lte !== undefined) return this.compare(get, condition.lte, (a, b) => a <= b);
    if (condition.mentionsAny) {
      const operand = condition.mentionsAny;
      const mentions = wholeWordsMatcher(Array.isArray(operand) ? operand : this.namedList(operand.list, where));
      return (subject) => {
        const value = get(subject);
        return typeof value === 'string' && mentions(value);
      };
    }
    if (condition.some) {
      const element = this.compile(condition.some, where);
      return (subject) => asArray(get(subject)).some(element);
    }
    throw new Error(`${where}: field ${condition.field} has no operator`);
  }

  private fact(name: string, where: string): Predicate {
    const known = this.facts.get(name);
    if (known) return known;
    const condition = this.policy.facts[name];
    if (!condition) throw new Error(`${where}: unknown fact ${name}`);
    const compiled = this.compile(condition, `fact ${name}`);
    this.facts.set(name, compiled);
    return compiled;
  }

  private compare(get: Getter, operand: NumberOperand, holds: (a: number, b: number) => boolean): Predicate {
    const limit = typeof operand === 'number' ? operand : this.policy.thresholds[operand.threshold];
    if (limit === undefined) throw new Error(`unknown threshold ${(operand as { threshold: string }).threshold}`);
    return (subject) => {
      const value = get(subject);
      return typeof value === 'number' && holds(value, limit);
    };
  }

  private namedList(name: string, where: string): readonly string[] {
    if (name === 'systemsOfRecord') return this.policy.systemsOfRecord;
    throw new Error(`${where}: unknown list ${name}`);
  }
}

type Getter = (subject: unknown) => unknown;

function getter(path: string): Getter {
  const parts = path.split('.');
  // Profiles are shallow; the one- and two-step cases avoid a loop on the hot path.
  if (parts.length === 1) {
    const [key] = parts as [string];
    return (subject) => (subject as Record<string, unknown> | undefined)?.[key];
  }
  if (parts.length === 2) {
    const [outer, inner] = parts as [string, string];
    return (subject) => (subject as Record<string, Record<string, unknown> | undefined> | undefined)?.[outer]?.[inner];
  }
  return (subject) =>
    parts.reduce<unknown>((value, key) => (value as Record<string, unknown> | undefined)?.[key], subject);
}

function every(predicates: Predicate[]): Predicate {
  return (subject) => {
    for (const predicate of predicates) if (!predicate(subject)) return false;
    return true;
  };
}

function some(predicates: Predicate[]): Predicate {
  return (subject) => {
    for (const predicate of predicates) if (predicate(subject)) return true;
    return false;
  };
}

function asArray(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Compiles "{userCount} users, over {thresholds.broadUseUsers}" into a function of the profile. */
function compileTemplate(template: string, policy: Policy): (profile: AppProfile) => string {
  const parts: Array<string | Getter> = [];
  let last = 0;
  for (const match of template.matchAll(/\{([^{}]*)\}/g)) {
    parts.push(template.slice(last, match.index));
    parts.push(placeholderValue(match[1]!.trim(), policy));
    last = match.index + match[0].length;
  }
  parts.push(template.slice(last));
  if (parts.length === 1) return () => template;
  return (profile) => {
    let text = '';
    for (const part of parts) text += typeof part === 'string' ? part : formatValue(part(profile));
    return text;
  };
}

function placeholderValue(name: string, policy: Policy): Getter {
  if (name.startsWith('thresholds.')) {
    const value = policy.thresholds[name.slice('thresholds.'.length)];
    return () => value;
  }
  if ((NAMED_LISTS as readonly string[]).includes(name)) return () => policy.systemsOfRecord;
  const get = getter(name);
  // A custom question's options are shown by their labels, as the maker picked them.
  const question = name.startsWith(ANSWERS_PREFIX)
    ? policy.intake.questions.find((candidate) => `${ANSWERS_PREFIX}${candidate.id}` === name)
    : undefined;
  const options = question?.options;
  if (!options) return get;
  const label = (value: unknown) => options.find((option) => option.value === value)?.label ?? value;
  return (subject) => {
    const value = get(subject);
    return Array.isArray(value) ? value.map(label) : label(value);
  };
}

function formatValue(value: unknown): string {
  if (Array.isArray(value)) return value.length > 0 ? value.join(', ') : 'none';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  return value === undefined || value === null ? '' : String(value);
}
