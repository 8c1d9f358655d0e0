import { z } from 'zod';
import {
  AI_DOMAINS,
  AI_PRACTICES,
  APP_PLATFORMS,
  AUDIENCES,
  CRITICALITIES,
  DATA_CATEGORIES,
  DECISION_IMPACTS,
  SYSTEM_ACCESS,
} from '../profile/schema.ts';

// The governance policy is data: tiers, teams, thresholds, lists and rules live in one YAML file
// (policy/default.yaml by default) so an admin changes them without touching code.

// ---------------------------------------------------------------- tiers

export const TIERS = ['low', 'medium', 'high', 'critical'] as const;
export type Tier = (typeof TIERS)[number];

/** Rank of each tier: higher is riskier. */
export const TIER_ORDER: Readonly<Record<Tier, number>> = Object.freeze({ low: 0, medium: 1, high: 2, critical: 3 });

export function maxTier(a: Tier, b: Tier): Tier {
  return TIER_ORDER[a] >= TIER_ORDER[b] ? a : b;
}

/** The app status a new registration starts in, per tier (a subset of the store's AppStatus). */
const INITIAL_STATUSES = ['approved', 'submitted', 'in_review'] as const;

// ---------------------------------------------------------------- teams

/** Team ids of the shipped policy. A policy may define others; rules may only name teams it defines. */
export const DEFAULT_TEAM_IDS = ['security', 'privacy', 'ai-governance', 'architecture', 'compliance'] as const;
/** A key of `policy.teams`. */
export type TeamId = string;
/** Routing name of the governance leads, who hear about critical apps besides the teams. */
export const LEADS = 'leads';

const idList = z.array(z.string().trim().min(1));

const ReviewersSchema = z
  .object({
    /** Slack user ids (U...) or user-group ids (S...). */
    slack: idList.default([]),
    /** Microsoft Entra (AAD) object ids of users or groups. */
    teams: idList.default([]),
  })
  .strict();

const DestinationsSchema = z
  .object({
    /** Slack channel names ('#gov-security') or ids ('C0123ABC'). */
    slack: idList.default([]),
    teams: z
      .array(z.object({ team: z.string().trim().min(1), channel: z.string().trim().min(1) }).strict())
      .default([]),
  })
  .strict();

const TeamSchema = z
  .object({
    name: z.string().trim().min(1),
    reviewers: ReviewersSchema.default({ slack: [], teams: [] }),
    destinations: DestinationsSchema.default({ slack: [], teams: [] }),
  })
  .strict();

const LeadsSchema = TeamSchema.extend({ name: z.string().trim().min(1).default('Governance leads') }).strict();

const TierSettingsSchema = z
  .object({
    /** What the tier means for the maker, in one sentence. */
    meaning: z.string().trim().min(1),
    nextSteps: z.string().trim().min(1),
    initialStatus: z.enum(INITIAL_STATUSES),
    /** Whether the teams' destinations are told (an escalation issue is raised). */
    escalate: z.boolean(),
    /** Whether the leads are told as well. */
    notifyLeads: z.boolean().default(false),
    reviewSla: z.object({ businessDays: z.number().int().positive() }).strict().optional(),
    /**
     * When an escalated version is approved: once every team it was sent to has approved (each team's
     * review is its own), or on the first team's approval. A rejection or a request for changes from
     * any of those teams decides at once either way.
     */
    approval: z.enum(['every-team', 'any-team']).default('every-team'),
  })
  .strict();

const days = z.number().int().positive();

const LifecycleSchema = z
  .object({
    /** From this tier up, intake asks who looks after the app when its owner is away, and needs an answer. */
    backupOwnerFrom: z.enum(TIERS).default('medium'),
    /** How often the owner re-confirms an app, in days, per tier. */
    recertifyEveryDays: z
      .object({ low: days.default(365), medium: days.default(180), high: days.default(90), critical: days.default(90) })
      .strict()
      .default({ low: 365, medium: 180, high: 90, critical: 90 }),
    /** Days without an answer to a recertification digest before its one reminder; as many again, the leads are told. */
    recertifyReminderDays: days.default(7),
  })
  .strict()
  .default({
    backupOwnerFrom: 'medium',
    recertifyEveryDays: { low: 365, medium: 180, high: 90, critical: 90 },
    recertifyReminderDays: 7,
  });

const DiscoverySchema = z
  .object({
    /** The server nudges owners of newly discovered unregistered apps by itself (hourly); off: only `steward discover nudge`. */
    nudge: z
      .object({ enabled: z.boolean().default(false) })
      .strict()
      .default({ enabled: false }),
    /** Days after a nudge without an answer or a registration before the report lists its owner as never answered. */
    neverAnsweredDays: days.default(14),
  })
  .strict()
  .default({ nudge: { enabled: false }, neverAnsweredDays: 14 });

// ---------------------------------------------------------------- the condition language

/**
 * One node of a rule's `when`. Exactly one of:
 * - `all: [...]` (every condition holds), `any: [...]` (at least one holds), `not: {...}`;
 * - `fact: name`, a named condition from the policy's `facts` section;
 * - `field: path` with exactly one operator:
 *   `is` (equals), `in` (one of), `includesAny` / `includesAll` (on lists), `nonEmpty` (true/false),
 *   `gt` / `gte` / `lt` / `lte` (a number or `{ threshold: name }`),
 *   `mentionsAny` (text contains any phrase as whole words, case-insensitive; a list or `{ list: systemsOfRecord }`),
 *   `some` (a condition that at least one record of a record list meets; its fields are the record's).
 */
export interface Condition {
  all?: Condition[];
  any?: Condition[];
  not?: Condition;
  fact?: string;
  field?: string;
  is?: Scalar;
  in?: Scalar[];
  includesAny?: string[];
  includesAll?: string[];
  nonEmpty?: boolean;
  gt?: NumberOperand;
  gte?: NumberOperand;
  lt?: NumberOperand;
  lte?: NumberOperand;
  mentionsAny?: PhraseOperand;
  some?: Condition;
}
export type Scalar = string | number | boolean;
export type NumberOperand = number | { threshold: string };
type PhraseOperand = string[] | { list: string };

const COMBINATORS = ['all', 'any', 'not', 'fact'] as const;
const OPERATORS = [
  'is',
  'in',
  'includesAny',
  'includesAll',
  'nonEmpty',
  'gt',
  'gte',
  'lt',
  'lte',
  'mentionsAny',
  'some',
] as const;

/** Lists a `mentionsAny: { list: ... }` may name: top-level string lists of the policy. */
export const NAMED_LISTS = ['systemsOfRecord'] as const;

const scalar = z.union([z.string(), z.number(), z.boolean()], { error: 'expected a string, number or boolean' });
const numberOperand = z.union([z.number(), z.object({ threshold: z.string().min(1) }).strict()], {
  error: 'expected a number or { threshold: <name> }',
});
const phraseOperand = z.union(
  [z.array(z.string().trim().min(1)).min(1), z.object({ list: z.string().min(1) }).strict()],
  {
    error: 'expected a list of phrases or { list: <name> }',
  },
);

const ConditionSchema: z.ZodType<Condition> = z.lazy(() =>
  z
    .object({
      all: z.array(ConditionSchema).min(1).optional(),
      any: z.array(ConditionSchema).min(1).optional(),
      not: ConditionSchema.optional(),
      fact: z.string().min(1).optional(),
      field: z.string().min(1).optional(),
      is: scalar.optional(),
      in: z.array(scalar).min(1).optional(),
      includesAny: z.array(z.string()).min(1).optional(),
      includesAll: z.array(z.string()).min(1).optional(),
      nonEmpty: z.boolean().optional(),
      gt: numberOperand.optional(),
      gte: numberOperand.optional(),
      lt: numberOperand.optional(),
      lte: numberOperand.optional(),
      mentionsAny: phraseOperand.optional(),
      some: ConditionSchema.optional(),
    })
    .strict()
    .superRefine((condition, ctx) => {
      const combinators = COMBINATORS.filter((key) => condition[key] !== undefined);
      const operators = OPERATORS.filter((key) => condition[key] !== undefined);
      const hasField = condition.field !== undefined;
      if (hasField && combinators.length === 0 && operators.length === 1) return;
      if (!hasField && combinators.length === 1 && operators.length === 0) return;
      let message: string;
      if (hasField && operators.length === 0)
        message = `field "${condition.field}" needs one operator: ${OPERATORS.join(', ')}`;
      else if (hasField && operators.length > 1)
        message = `one operator per condition, found ${operators.join(' and ')}: wrap them in all: [...]`;
      else if (hasField) message = `a field condition cannot also use ${combinators.join(', ')}`;
      else if (operators.length > 0) message = `operator ${operators.join(', ')} needs a field`;
      else if (combinators.length > 1) message = `one of ${combinators.join(', ')} per condition: nest them`;
      else message = `expected one of ${COMBINATORS.join(', ')}, or field with an operator`;
      ctx.addIssue({ code: 'custom', message });
    }),
);

// ---------------------------------------------------------------- the fields conditions may test

export type FieldType =
  | { kind: 'boolean' }
  | { kind: 'number' }
  | { kind: 'text' }
  | { kind: 'enum'; values: readonly string[] }
  | { kind: 'list'; values: readonly string[] }
  | { kind: 'records'; fields: Readonly<Record<string, FieldType>> };

const boolean: FieldType = { kind: 'boolean' };
const text: FieldType = { kind: 'text' };
const oneOf = (values: readonly string[]): FieldType => ({ kind: 'enum', values });
const listOf = (values: readonly string[]): FieldType => ({ kind: 'list', values });

/**
 * The app-profile fields a condition may name (dotted paths into AppProfile). `owner` is left out on
 * purpose: who built an app must not change its risk.
 */
export const PROFILE_FIELDS: Readonly<Record<string, FieldType>> = Object.freeze({
  name: text,
  description: text,
  platform: oneOf(APP_PLATFORMS),
  department: text,
  audience: oneOf(AUDIENCES),
  userCount: { kind: 'number' },
  dataCategories: listOf(DATA_CATEGORIES),
  systems: { kind: 'records', fields: { name: text, access: oneOf(SYSTEM_ACCESS) } },
  'ai.used': boolean,
  'ai.generatesContent': boolean,
  'ai.decisionImpact': oneOf(DECISION_IMPACTS),
  'ai.profiling': boolean,
  'ai.domains': listOf(AI_DOMAINS),
  'ai.practices': listOf(AI_PRACTICES),
  criticality: oneOf(CRITICALITIES),
  externalSharing: boolean,
});

// ---------------------------------------------------------------- rules, hints, policy

const ruleId = z
  .string()
  .regex(/^[A-Z][A-Z0-9]*(-[A-Z0-9]+)*$/, 'rule ids are UPPER-KEBAB-CASE, like PERSONAL-DATA-BROAD');
const kebabId = z.string().regex(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/, 'ids are lower-kebab-case, like ai-governance');
const name = z.string().regex(/^[A-Za-z][A-Za-z0-9]*$/, 'names are camelCase letters and digits');

const RuleSchema = z
  .object({
    id: ruleId,
    title: z.string().trim().min(1),
    tier: z.enum(TIERS),
    teams: z.array(z.string()).default([]),
    source: z.string().trim().default(''),
    /** Maker-readable sentence; `{field.path}` and `{thresholds.name}` placeholders are filled in. */
    explanation: z.string().trim().min(1),
    when: ConditionSchema,
  })
  .strict();

/** Facts a maker may confirm, in profile terms; also what the AI assessor may suggest. */
export const ImpliedFactsSchema = z
  .object({
    dataCategories: z.array(z.enum(DATA_CATEGORIES)).min(1).optional(),
    aiDomains: z.array(z.enum(AI_DOMAINS)).min(1).optional(),
    aiPractices: z.array(z.enum(AI_PRACTICES)).min(1).optional(),
    aiUsed: z.boolean().optional(),
    profiling: z.boolean().optional(),
    decisionImpact: z.enum(DECISION_IMPACTS).optional(),
  })
  .strict();

// ---------------------------------------------------------------- the organisation's own intake questions

/** How a custom question is answered, and so how rules test its answer (`answers.<id>`). */
const QUESTION_TYPES = ['yesno', 'choice', 'multi', 'number', 'text'] as const;

/** Where rules find the answers to the policy's own questions: `answers.<id>`. */
export const ANSWERS_PREFIX = 'answers.';

const words = z.array(z.string().trim().min(1).max(120)).default([]);

const QuestionOptionSchema = z
  .object({
    /** What is stored and what rules test; `;` separates values in CSV cells, so it cannot be in one. */
    value: z
      .string()
      .trim()
      .min(1)
      .max(80)
      .regex(/^[^;|]+$/u, 'an option value cannot contain ; or |'),
    label: z.string().trim().min(1).max(150),
    /** Other words that mean this option ("emea", "berlin"), besides its label and value. */
    words,
    /** Words that probably mean it: the maker is asked "Did you mean ...?" first. */
    likely: words,
  })
  .strict();

const QuestionSchema = z
  .object({
    id: z.string().regex(/^[a-z][A-Za-z0-9]*$/u, 'question ids are camelCase, like writesToSap'),
    /** The question as the maker reads it. */
    ask: z.string().trim().min(1).max(500),
    /** Why it is asked: shown on "help" (and when a required question is skipped). */
    help: z.string().trim().min(1).max(1000),
    type: z.enum(QUESTION_TYPES),
    /** For choice and multi questions: the options, in the order shown. */
    options: z.array(QuestionOptionSchema).min(2).optional(),
    /** Short label for the summary, "change <label>" and exports; default: the id in words. */
    label: z.string().trim().min(1).max(60).optional(),
    /** Asked only when this holds on the answers so far (built-in fields and earlier questions). */
    when: ConditionSchema.optional(),
    /** false: the maker may say "skip". */
    required: z.boolean().default(true),
    /** choice: the option an answer naming several options means ("us and emea" -> global). */
    several: z.string().trim().min(1).optional(),
    /** yesno: words that answer it without a yes or a no ("it only reads" -> no). */
    cues: z.object({ yes: words, no: words }).strict().optional(),
  })
  .strict();

/** One of the policy's own intake questions (policy `intake.questions`). */
export type CustomQuestion = z.output<typeof QuestionSchema>;

/** How conditions see the answer to a custom question. */
function answerFieldType(question: CustomQuestion): FieldType {
  const values = (question.options ?? []).map((option) => option.value);
  switch (question.type) {
    case 'yesno':
      return boolean;
    case 'choice':
      return oneOf(values);
    case 'multi':
      return listOf(values);
    case 'number':
      return { kind: 'number' };
    case 'text':
      return text;
  }
}

/** The fields conditions of this policy may name: the profile's, and `answers.<id>` per custom question. */
export function conditionFields(policy: Pick<Policy, 'intake'>): Readonly<Record<string, FieldType>> {
  const answers = policy.intake.questions.map((question) => [
    `${ANSWERS_PREFIX}${question.id}`,
    answerFieldType(question),
  ]);
  return answers.length === 0 ? PROFILE_FIELDS : { ...PROFILE_FIELDS, ...Object.fromEntries(answers) };
}

const RiskHintSchema = z
  .object({
    id: kebabId,
    keywords: z.array(z.string().trim().min(1)).min(1),
    /** Question put to the maker when a keyword appears in what they wrote. */
    confirm: z.string().trim().min(1),
    implies: ImpliedFactsSchema,
  })
  .strict();

export const PolicySchema = z
  .object({
    version: z.string().trim().min(1),
    tiers: z
      .object({
        low: TierSettingsSchema,
        medium: TierSettingsSchema,
        high: TierSettingsSchema,
        critical: TierSettingsSchema,
      })
      .strict(),
    teams: z.record(kebabId, TeamSchema),
    leads: LeadsSchema,
    thresholds: z.record(name, z.number().nonnegative()).default({}),
    systemsOfRecord: z.array(z.string().trim().min(1)).default([]),
    facts: z.record(name, ConditionSchema).default({}),
    rules: z.array(RuleSchema),
    intake: z
      .object({
        riskHints: z.array(RiskHintSchema).default([]),
        /** Words Steward reads makers' answers by, relative to the policy file's folder (default: the shipped policy/vocabulary.yaml). */
        vocabulary: z.string().trim().min(1).optional(),
        /** The team a maker stuck on an intake question can ask ("ask a human"); none: the offer is not made. */
        helpTeam: z.string().trim().min(1).optional(),
        /** The organisation's own questions, asked after the built-in ones; rules read them as answers.<id>. */
        questions: z.array(QuestionSchema).default([]),
      })
      .strict()
      .default({ riskHints: [], questions: [] }),
    /** After registration: backup owners, recertification. */
    lifecycle: LifecycleSchema,
    /** Apps the platforms' inventories list: nudging their owners, and the report's patience. */
    discovery: DiscoverySchema,
    /**
     * Who may open the governance dashboard besides every team's reviewers (matched by the ids the
     * identity provider gives: Entra object id and groups, Slack user id): admins, by e-mail address.
     */
    dashboard: z
      .object({ admins: z.array(z.string().trim().toLowerCase().email('expected an e-mail address')).default([]) })
      .strict()
      .default({ admins: [] }),
    /** The guardrails handbook: a folder of Markdown sections, relative to the policy file's folder. */
    handbook: z
      .object({ dir: z.string().trim().min(1).default('handbook') })
      .strict()
      .default({ dir: 'handbook' }),
  })
  .strict();

/** A loaded policy. Always complete, validated and deeply frozen (see loadPolicy). */
export type Policy = z.output<typeof PolicySchema>;
export type Rule = z.output<typeof RuleSchema>;
export type Reviewers = z.output<typeof ReviewersSchema>;
export type ImpliedFacts = z.output<typeof ImpliedFactsSchema>;

/** A team's name as people read it; `leads` is the governance leads; an unknown id stays as it is. */
export function teamName(policy: Policy, team: string): string {
  return team === LEADS ? policy.leads.name : (policy.teams[team]?.name ?? team);
}

/** Teams by name, comma-separated ("" for none). */
export function teamNames(policy: Policy, teams: readonly string[]): string {
  return teams.map((team) => teamName(policy, team)).join(', ');
}

/** Team ids in policy order: the order teams are listed and sorted in everywhere. */
export function teamIds(policy: Policy): TeamId[] {
  return Object.keys(policy.teams);
}

const teamRanks = new WeakMap<Policy, Map<TeamId, number>>();

/** The policy's teams among `teams`, once each, in policy order; unknown ids are dropped. */
export function sortTeams(teams: Iterable<string>, policy: Policy): TeamId[] {
  let rank = teamRanks.get(policy);
  if (!rank) {
    rank = new Map(teamIds(policy).map((team, index) => [team, index]));
    teamRanks.set(policy, rank);
  }
  const known = rank;
  return [...new Set(teams)].filter((team) => known.has(team)).sort((a, b) => known.get(a)! - known.get(b)!);
}
