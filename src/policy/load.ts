import { readFileSync } from 'node:fs';
import path from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Range } from 'yaml';
import type { z } from 'zod';
import { projectRoot } from '../paths.ts';
import { answerLabel } from '../profile/answers.ts';
import { FIELDS } from '../profile/fields.ts';
import {
  ANSWERS_PREFIX,
  NAMED_LISTS,
  PolicySchema,
  conditionFields,
  type Condition,
  type FieldType,
  type NumberOperand,
  type Policy,
  type Scalar,
} from './schema.ts';

/** The policy shipped in the repository. */
export const DEFAULT_POLICY_PATH = path.join(projectRoot, 'policy', 'default.yaml');

/** The most teams a policy may define. */
const MAX_TEAMS = 31;

/** Rule id of the AI assessor's reason; a policy rule may not take it. */
export const AI_ASSESSMENT_RULE_ID = 'AI-ASSESSMENT';

export interface PolicyIssue {
  /** Field path in the file, like `rules[3].teams[0]`; empty for YAML syntax errors. */
  path: string;
  /** 1-based; absent when the file could not be read at all. */
  line?: number;
  column?: number;
  message: string;
}

/** A policy file that cannot be used. The message lists every problem as `file:line:column: path: message`. */
export class PolicyError extends Error {
  constructor(
    readonly source: string,
    readonly issues: PolicyIssue[],
  ) {
    const lines = issues.map((issue) => {
      const where = issue.line === undefined ? source : `${source}:${issue.line}:${issue.column ?? 1}`;
      return `  ${where}: ${issue.path ? `${issue.path}: ` : ''}${issue.message}`;
    });
    const count = issues.length === 1 ? '1 problem' : `${issues.length} problems`;
    super(`Policy ${source} is invalid (${count}):\n${lines.join('\n')}`);
    this.name = 'PolicyError';
  }
}

/** The policy file to use: STEWARD_POLICY (relative to cwd) when set, else the shipped default. */
export function policyPath(env: Record<string, string | undefined>, cwd: string): string {
  const configured = env.STEWARD_POLICY?.trim();
  return configured ? path.resolve(cwd, configured) : DEFAULT_POLICY_PATH;
}

/**
 * Reads, validates and freezes a policy file (the shipped default when no path is given).
 * All or nothing: returns a complete policy or throws PolicyError. `displayName` is how errors name
 * the file (default: the path as given).
 */
export function loadPolicy(filePath: string = DEFAULT_POLICY_PATH, options: { displayName?: string } = {}): Policy {
  return loadPolicyFromText(readDataFile(filePath, options.displayName ?? filePath), options.displayName ?? filePath);
}

/** A policy-like file's text; a file that cannot be read is a PolicyError naming it. */
export function readDataFile(filePath: string, sourceName: string): string {
  try {
    return readFileSync(filePath, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new PolicyError(sourceName, [{ path: '', message: `cannot read the file (${reason})` }]);
  }
}

type PathSegment = string | number;
export interface Problem {
  path: PathSegment[];
  message: string;
}

export function loadPolicyFromText(text: string, sourceName: string): Policy {
  return loadYamlFromText(text, sourceName, PolicySchema, findSemanticProblems) as Policy;
}

/**
 * Parses a YAML document against a schema, then `check` for what the schema cannot see. All or nothing:
 * the deeply frozen data, or a PolicyError naming the line and field of every problem.
 */
export function loadYamlFromText<T>(
  text: string,
  sourceName: string,
  schema: z.ZodType<T>,
  check?: (data: T) => Problem[],
): T {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const position = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };

  if (doc.errors.length > 0) {
    throw new PolicyError(
      sourceName,
      doc.errors.map((error) => ({
        path: '',
        ...position(error.pos[0]),
        message: `YAML syntax: ${firstLine(error.message)}`,
      })),
    );
  }

  const raw: unknown = doc.toJS({ maxAliasCount: 100 });
  const parsed = schema.safeParse(raw);
  const problems = parsed.success ? (check?.(parsed.data) ?? []) : zodProblems(parsed.error);
  if (problems.length > 0) {
    throw new PolicyError(
      sourceName,
      problems.map((problem) => {
        const range = locate(doc, problem.path);
        return {
          path: formatPath(problem.path, raw),
          // An empty document has no node to point at: its first line will do.
          ...(range ? position(range[0]) : { line: 1, column: 1 }),
          message: problem.message,
        };
      }),
    );
  }
  return deepFreeze(parsed.data as T);
}

// ---------------------------------------------------------------- schema problems

function zodProblems(error: z.ZodError): Problem[] {
  return error.issues.flatMap((issue): Problem[] => {
    const at = issue.path.filter((part): part is PathSegment => typeof part !== 'symbol');
    // One problem per unknown key, so each points at its own line.
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ path: [...at, key], message: `unknown key "${key}"` }));
    }
    if (issue.code === 'invalid_key') {
      const reason = issue.issues[0]?.message ?? issue.message;
      return [{ path: at, message: `invalid name "${String(at.at(-1))}": ${reason}` }];
    }
    if (issue.code === 'invalid_type' && /received undefined$/.test(issue.message)) {
      return [{ path: at, message: `missing (expected ${issue.expected})` }];
    }
    return [{ path: at, message: issue.message }];
  });
}

// ---------------------------------------------------------------- semantic problems

/** What zod cannot see: references between parts of the policy, and conditions that fit the profile. */
function findSemanticProblems(policy: Policy): Problem[] {
  const problems: Problem[] = [];
  const problem = (at: PathSegment[], message: string) => problems.push({ path: at, message });
  const teamIds = Object.keys(policy.teams);

  if (teamIds.includes('leads')) problem(['teams', 'leads'], '"leads" is reserved for the top-level leads section');
  // The rules engine keeps a verdict's teams as a 31-bit set.
  if (teamIds.length > MAX_TEAMS) problem(['teams'], `at most ${MAX_TEAMS} teams, found ${teamIds.length}`);

  for (const [tier, settings] of Object.entries(policy.tiers)) {
    if (settings.notifyLeads && !settings.escalate) {
      problem(['tiers', tier, 'notifyLeads'], 'leads are told through escalation: set escalate: true as well');
    }
  }

  // Conditions may name the profile's fields and the answers to the policy's own questions.
  const fields = conditionFields(policy);
  for (const [name, condition] of Object.entries(policy.facts)) {
    checkCondition(condition, ['facts', name], { fields, insideRecords: false }, policy, problem);
  }
  for (const cycle of factCycles(policy.facts)) {
    problem(['facts', cycle[0]!], `fact "${cycle[0]}" depends on itself: ${cycle.join(' -> ')}`);
  }

  const firstIndexOfRule = new Map<string, number>();
  policy.rules.forEach((rule, index) => {
    const at = ['rules', index];
    const earlier = firstIndexOfRule.get(rule.id);
    if (earlier !== undefined)
      problem([...at, 'id'], `duplicate rule id "${rule.id}" (first used by rules[${earlier}])`);
    else firstIndexOfRule.set(rule.id, index);
    if (rule.id === AI_ASSESSMENT_RULE_ID)
      problem([...at, 'id'], `"${AI_ASSESSMENT_RULE_ID}" is reserved for the AI assessor`);

    rule.teams.forEach((team, teamIndex) => {
      if (!teamIds.includes(team))
        problem([...at, 'teams', teamIndex], `unknown team "${team}" (teams: ${teamIds.join(', ')})`);
    });
    for (const placeholder of placeholdersIn(rule.explanation)) {
      const complaint = placeholderProblem(placeholder, policy);
      if (complaint) problem([...at, 'explanation'], complaint);
    }
    checkCondition(rule.when, [...at, 'when'], { fields, insideRecords: false }, policy, problem);
  });

  const helpTeam = policy.intake.helpTeam;
  if (helpTeam && !teamIds.includes(helpTeam))
    problem(['intake', 'helpTeam'], `unknown team "${helpTeam}" (teams: ${teamIds.join(', ')})`);

  const hintIds = new Set<string>();
  policy.intake.riskHints.forEach((hint, index) => {
    if (hintIds.has(hint.id)) problem(['intake', 'riskHints', index, 'id'], `duplicate risk hint id "${hint.id}"`);
    hintIds.add(hint.id);
  });
  checkQuestions(policy, fields, problem);
  return problems;
}

/** The organisation's own intake questions: ids, options, labels, and when each may be asked. */
function checkQuestions(
  policy: Policy,
  fields: Readonly<Record<string, FieldType>>,
  problem: (at: PathSegment[], message: string) => void,
): void {
  const builtInLabels = new Set(FIELDS.flatMap((field) => [field.label, ...field.aliases]).map(lower));
  const firstIndex = new Map<string, number>();
  const labels = new Map<string, string>();
  policy.intake.questions.forEach((question, index) => {
    const at: PathSegment[] = ['intake', 'questions', index];
    const earlier = firstIndex.get(question.id);
    if (earlier !== undefined)
      problem([...at, 'id'], `duplicate question id "${question.id}" (first used by intake.questions[${earlier}])`);
    else firstIndex.set(question.id, index);

    const label = answerLabel(question);
    const labelAt = question.label !== undefined ? [...at, 'label'] : [...at, 'id'];
    if (builtInLabels.has(lower(label)))
      problem(labelAt, `label "${label}" is already a built-in question's; give this question its own label`);
    else if (labels.has(lower(label)))
      problem(labelAt, `label "${label}" is already used by question "${labels.get(lower(label))}"`);
    else labels.set(lower(label), question.id);

    const hasOptions = question.type === 'choice' || question.type === 'multi';
    if (hasOptions && !question.options)
      problem([...at, 'type'], `a ${question.type} question needs options: [{ value, label }, ...]`);
    if (!hasOptions && question.options)
      problem([...at, 'options'], `options apply to choice and multi questions, not to ${question.type}`);
    const values = new Set<string>();
    question.options?.forEach((option, optionIndex) => {
      if (values.has(option.value))
        problem([...at, 'options', optionIndex, 'value'], `duplicate option value "${option.value}"`);
      values.add(option.value);
    });
    if (question.several !== undefined) {
      if (question.type !== 'choice') problem([...at, 'several'], 'several applies to choice questions only');
      else if (!values.has(question.several))
        problem([...at, 'several'], `"${question.several}" is not one of the options (${[...values].join(', ')})`);
    }
    if (question.cues !== undefined && question.type !== 'yesno')
      problem([...at, 'cues'], 'cues apply to yesno questions only');

    if (question.when) {
      checkCondition(question.when, [...at, 'when'], { fields, insideRecords: false }, policy, problem);
      // A question is asked after the ones before it: its condition cannot wait for itself or a later one.
      const asked = new Set(policy.intake.questions.slice(0, index).map((before) => before.id));
      for (const field of new Set(fieldsUsed(question.when, policy))) {
        if (!field.startsWith(ANSWERS_PREFIX) || !(field in fields)) continue;
        const id = field.slice(ANSWERS_PREFIX.length);
        if (!asked.has(id))
          problem(
            [...at, 'when'],
            id === question.id
              ? `when uses the question's own answer (${field})`
              : `when uses ${field}, which is asked after this question: move "${id}" before "${question.id}"`,
          );
      }
    }
  });
}

const lower = (text: string) => text.trim().toLowerCase();

/** Every field a condition names, through the facts it uses (each fact once). */
function fieldsUsed(condition: Condition, policy: Policy, seen = new Set<string>()): string[] {
  const children = [...(condition.all ?? []), ...(condition.any ?? []), ...(condition.not ? [condition.not] : [])];
  const found = children.flatMap((child) => fieldsUsed(child, policy, seen));
  if (condition.field !== undefined) found.push(condition.field);
  if (condition.fact !== undefined && !seen.has(condition.fact)) {
    seen.add(condition.fact);
    const fact = policy.facts[condition.fact];
    if (fact) found.push(...fieldsUsed(fact, policy, seen));
  }
  return found;
}

interface Scope {
  fields: Readonly<Record<string, FieldType>>;
  /** Inside `some`, fields are those of one record, and profile-level facts do not apply. */
  insideRecords: boolean;
}

function checkCondition(
  condition: Condition,
  at: PathSegment[],
  scope: Scope,
  policy: Policy,
  problem: (at: PathSegment[], message: string) => void,
): void {
  condition.all?.forEach((child, index) => checkCondition(child, [...at, 'all', index], scope, policy, problem));
  condition.any?.forEach((child, index) => checkCondition(child, [...at, 'any', index], scope, policy, problem));
  if (condition.not) checkCondition(condition.not, [...at, 'not'], scope, policy, problem);
  if (condition.fact !== undefined) {
    if (scope.insideRecords)
      problem([...at, 'fact'], 'facts are about the whole profile; they cannot be used inside some');
    else if (!(condition.fact in policy.facts)) {
      problem(
        [...at, 'fact'],
        `unknown fact "${condition.fact}" (facts: ${Object.keys(policy.facts).join(', ') || 'none'})`,
      );
    }
  }
  if (condition.field === undefined) return;

  const type = scope.fields[condition.field];
  if (!type) {
    if (condition.field.startsWith(ANSWERS_PREFIX) && !scope.insideRecords) {
      const known = policy.intake.questions.map((question) => question.id).join(', ') || 'none';
      const id = condition.field.slice(ANSWERS_PREFIX.length);
      problem([...at, 'field'], `unknown question "${id}" in ${condition.field} (intake.questions: ${known})`);
    } else
      problem([...at, 'field'], `unknown field "${condition.field}" (fields: ${Object.keys(scope.fields).join(', ')})`);
    return;
  }
  const field = condition.field;
  const wrongOperator = (operator: string, suits: string) =>
    problem([...at, operator], `${operator} does not apply to ${field} (${describeType(type)}); it suits ${suits}`);
  const checkValue = (value: Scalar, valueAt: PathSegment[]) => {
    const complaint = valueProblem(value, type, field);
    if (complaint) problem(valueAt, complaint);
  };
  const checkThreshold = (operator: 'gt' | 'gte' | 'lt' | 'lte', operand: NumberOperand) => {
    if (type.kind !== 'number') return wrongOperator(operator, 'numbers');
    if (typeof operand === 'object' && !(operand.threshold in policy.thresholds)) {
      const known = Object.keys(policy.thresholds).join(', ') || 'none';
      problem([...at, operator, 'threshold'], `unknown threshold "${operand.threshold}" (thresholds: ${known})`);
    }
  };

  if (condition.is !== undefined) {
    if (type.kind === 'list' || type.kind === 'records')
      wrongOperator('is', 'single values; use includesAny or nonEmpty on lists');
    else checkValue(condition.is, [...at, 'is']);
  }
  if (condition.in !== undefined) {
    if (type.kind === 'list' || type.kind === 'records') wrongOperator('in', 'single values; use includesAny on lists');
    else condition.in.forEach((value, index) => checkValue(value, [...at, 'in', index]));
  }
  for (const operator of ['includesAny', 'includesAll'] as const) {
    const values = condition[operator];
    if (values === undefined) continue;
    if (type.kind !== 'list') wrongOperator(operator, 'lists such as dataCategories');
    else values.forEach((value, index) => checkValue(value, [...at, operator, index]));
  }
  if (condition.nonEmpty !== undefined && !['list', 'records', 'text'].includes(type.kind)) {
    wrongOperator('nonEmpty', 'lists and text');
  }
  for (const operator of ['gt', 'gte', 'lt', 'lte'] as const) {
    const operand = condition[operator];
    if (operand !== undefined) checkThreshold(operator, operand);
  }
  if (condition.mentionsAny !== undefined) {
    const operand = condition.mentionsAny;
    if (type.kind !== 'text') wrongOperator('mentionsAny', 'text');
    else if (!Array.isArray(operand) && !(NAMED_LISTS as readonly string[]).includes(operand.list)) {
      problem([...at, 'mentionsAny', 'list'], `unknown list "${operand.list}" (lists: ${NAMED_LISTS.join(', ')})`);
    }
  }
  if (condition.some !== undefined) {
    if (type.kind !== 'records') wrongOperator('some', 'lists of records such as systems');
    else checkCondition(condition.some, [...at, 'some'], { fields: type.fields, insideRecords: true }, policy, problem);
  }
}

function valueProblem(value: Scalar, type: FieldType, field: string): string | undefined {
  switch (type.kind) {
    case 'boolean':
      return typeof value === 'boolean' ? undefined : `${field} is true or false, not ${JSON.stringify(value)}`;
    case 'number':
      return typeof value === 'number' ? undefined : `${field} is a number, not ${JSON.stringify(value)}`;
    case 'text':
      return typeof value === 'string' ? undefined : `${field} is text, not ${JSON.stringify(value)}`;
    case 'enum':
    case 'list':
      return type.values.includes(String(value))
        ? undefined
        : `${JSON.stringify(value)} is not a value of ${field} (values: ${type.values.join(', ')})`;
    case 'records':
      return `${field} is a list of records; use some`;
  }
}

function describeType(type: FieldType): string {
  switch (type.kind) {
    case 'enum':
      return `one of ${type.values.join(', ')}`;
    case 'list':
      return 'a list';
    case 'records':
      return 'a list of records';
    default:
      return type.kind;
  }
}

/** Each cycle once, as the chain of fact names that closes it. */
function factCycles(facts: Record<string, Condition>): string[][] {
  const references = (condition: Condition): string[] => [
    ...(condition.fact !== undefined ? [condition.fact] : []),
    ...(condition.all ?? []).flatMap(references),
    ...(condition.any ?? []).flatMap(references),
    ...(condition.not ? references(condition.not) : []),
  ];
  const cycles: string[][] = [];
  const done = new Set<string>();
  const visit = (name: string, chain: string[]) => {
    if (chain.includes(name)) {
      if (chain[0] === name) cycles.push([...chain, name]);
      return;
    }
    const condition = facts[name];
    if (!condition || done.has(name)) return;
    for (const next of references(condition)) visit(next, [...chain, name]);
  };
  for (const name of Object.keys(facts)) {
    visit(name, []);
    done.add(name);
  }
  return cycles;
}

/** `{path}` placeholders of an explanation, without braces. */
function placeholdersIn(template: string): string[] {
  return [...template.matchAll(/\{([^{}]*)\}/g)].map((match) => match[1]!.trim());
}

function placeholderProblem(placeholder: string, policy: Policy): string | undefined {
  if (placeholder.startsWith('thresholds.')) {
    const name = placeholder.slice('thresholds.'.length);
    return name in policy.thresholds ? undefined : `unknown threshold in placeholder {${placeholder}}`;
  }
  if ((NAMED_LISTS as readonly string[]).includes(placeholder)) return undefined;
  const type = conditionFields(policy)[placeholder];
  if (!type)
    return `unknown placeholder {${placeholder}}: use a profile field, answers.<question id>, thresholds.<name> or ${NAMED_LISTS.join(', ')}`;
  if (type.kind === 'records') return `{${placeholder}} is a list of records and cannot be shown in an explanation`;
  return undefined;
}

// ---------------------------------------------------------------- positions and paths

/** Where `path` is in the document: the value for scalars, else the key that names it, else the nearest ancestor. */
function locate(doc: Document.Parsed, at: readonly PathSegment[]): Range | undefined {
  let node: unknown = doc.contents;
  let best: Range | undefined = (doc.contents as { range?: Range } | null)?.range;
  for (const segment of at) {
    if (isMap(node)) {
      const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(segment));
      if (!pair) return best;
      best = (pair.key as { range?: Range }).range ?? best;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item: unknown = node.items[segment];
      if (!item) return best;
      best = (item as { range?: Range }).range ?? best;
      node = item;
    } else {
      return best;
    }
  }
  return isScalar(node) && node.range ? node.range : best;
}

/** `rules[3].teams[0]`, naming the rule by id too when there is one, so the reader needs no counting. */
function formatPath(at: readonly PathSegment[], raw: unknown): string {
  const text = at
    .map((part, index) => (typeof part === 'number' ? `[${part}]` : index === 0 ? part : `.${part}`))
    .join('');
  if (at[0] === 'rules' && typeof at[1] === 'number' && Array.isArray((raw as { rules?: unknown })?.rules)) {
    const id = ((raw as { rules: unknown[] }).rules[at[1]] as { id?: unknown } | undefined)?.id;
    if (typeof id === 'string' && id) return `${text} (rule ${id})`;
  }
  return text || '(root)';
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.trim();
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
