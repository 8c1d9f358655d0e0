import { LlmError, type LlmClient, type LlmErrorKind } from '../llm/client.ts';
import { AI_ASSESSMENT_RULE_ID } from '../policy/load.ts';
import { maxTier, TIER_ORDER, type ImpliedFacts, type Policy, type TeamId, type Tier } from '../policy/schema.ts';
import { DECISION_IMPACTS, type AppProfile } from '../profile/schema.ts';
import { askLlmAssessor, type LlmOpinion, type SuggestedFact } from './llm-assessor.ts';
import { sortTeams } from '../policy/schema.ts';
import { evaluateRules, type Reason, type RulesVerdict } from './rules.ts';

/** How the AI part went: usage when it answered, the failure when the rules' verdict stood alone. */
type LlmOutcome =
  | { model: string; promptTokens: number; completionTokens: number; cachedPromptTokens?: number; latencyMs: number }
  | { error: { kind: LlmErrorKind; message: string } };

/** A risk verdict: the tier, the teams that review it, and why. One shape wherever an assessment goes. */
export interface Assessment {
  tier: Tier;
  teams: TeamId[];
  /** Highest tier first; the AI assessment, when it changed anything, as rule AI-ASSESSMENT. */
  reasons: Reason[];
  /** 'rules+llm' only when the AI assessor answered. */
  assessedBy: 'rules' | 'rules+llm';
  policyVersion: string;
}

/** What the assessor returns: the verdict, and what it could add. */
export interface AssessmentResult extends Assessment {
  /** Facts the AI believes the profile misses, to put to the maker. */
  suggestedFacts: SuggestedFact[];
  /** Absent when no LLM is configured. */
  llm?: LlmOutcome;
}

/** The CLI's JSON shape, a contract: `steward classify --json`. */
export interface ClassifyOutput {
  tier: Tier;
  teams: TeamId[];
  reasons: Reason[];
  assessedBy: 'rules' | 'rules+llm';
  policyVersion: string;
}

/**
 * Rules first; then, when an LLM is given, its opinion may raise the tier or add teams, never lower.
 * Never throws because of the LLM: any failure leaves the rules' verdict, marked as rules only.
 */
export async function assessProfile(
  profile: AppProfile,
  options: { policy: Policy; llm?: LlmClient },
): Promise<AssessmentResult> {
  const { policy, llm } = options;
  const verdict = evaluateRules(profile, policy);
  const rulesOnly = { ...verdict, assessedBy: 'rules' as const, policyVersion: policy.version, suggestedFacts: [] };
  if (!llm) return rulesOnly;

  let opinion: LlmOpinion;
  try {
    opinion = await askLlmAssessor(profile, verdict, policy, llm);
  } catch (error) {
    const failure =
      error instanceof LlmError
        ? { kind: error.kind, message: error.message }
        : { kind: 'other' as const, message: error instanceof Error ? error.message : String(error) };
    return { ...rulesOnly, llm: { error: failure } };
  }
  const { model, usage, latencyMs } = opinion;
  return {
    ...combineWithOpinion(verdict, opinion, policy),
    assessedBy: 'rules+llm',
    policyVersion: policy.version,
    suggestedFacts: opinion.suggestedFacts,
    llm: {
      model,
      promptTokens: usage.promptTokens,
      completionTokens: usage.completionTokens,
      ...cached(usage.cachedPromptTokens),
      latencyMs,
    },
  };
}

/**
 * Final tier = max(rules, AI); teams = rules' teams plus the AI's. The AI reason is added only when it
 * raised the tier or added a team: an opinion at or below the rules changes nothing, whatever it says.
 */
function combineWithOpinion(
  verdict: RulesVerdict,
  opinion: Pick<LlmOpinion, 'tier' | 'teams' | 'rationale' | 'model'>,
  policy: Policy,
): RulesVerdict {
  const opinionTeams = sortTeams(opinion.teams, policy);
  const tier = maxTier(verdict.tier, opinion.tier);
  const addsTeam = opinionTeams.some((team) => !verdict.teams.includes(team));
  if (tier === verdict.tier && !addsTeam) return verdict;

  const aiReason: Reason = {
    rule: AI_ASSESSMENT_RULE_ID,
    tier: opinion.tier,
    teams: opinionTeams,
    explanation: opinion.rationale || 'The AI assessment found risk the rules did not, without giving its reasons.',
    source: `AI assessment (${opinion.model})`,
  };
  return {
    tier,
    teams: sortTeams([...verdict.teams, ...opinionTeams], policy),
    // Stable sort: at equal tiers the rules come first.
    reasons: [...verdict.reasons, aiReason].sort((a, b) => TIER_ORDER[b.tier] - TIER_ORDER[a.tier]),
  };
}

/**
 * The profile with facts the maker confirmed added; assess it again to apply them. Facts only ever add
 * risk (a category, a domain, AI use, a weightier decision), so a confirmation cannot lower a tier.
 */
export function applyConfirmedFacts(profile: AppProfile, facts: ImpliedFacts | readonly ImpliedFacts[]): AppProfile {
  const next: AppProfile = { ...profile, dataCategories: [...profile.dataCategories], ai: { ...profile.ai } };
  for (const fact of Array.isArray(facts) ? facts : [facts]) {
    next.dataCategories = union(next.dataCategories, fact.dataCategories);
    next.ai.domains = union(next.ai.domains, fact.aiDomains);
    next.ai.practices = union(next.ai.practices, fact.aiPractices);
    if (fact.aiUsed) next.ai.used = true;
    if (fact.profiling) next.ai.profiling = true;
    if (
      fact.decisionImpact &&
      DECISION_IMPACTS.indexOf(fact.decisionImpact) > DECISION_IMPACTS.indexOf(next.ai.decisionImpact)
    ) {
      next.ai.decisionImpact = fact.decisionImpact;
    }
  }
  return next;
}

export function toClassifyOutput(result: AssessmentResult): ClassifyOutput {
  return {
    tier: result.tier,
    teams: [...result.teams],
    reasons: result.reasons.map(({ rule, tier, teams, explanation, source }) => ({
      rule,
      tier,
      teams: [...teams],
      explanation,
      source,
    })),
    assessedBy: result.assessedBy,
    policyVersion: result.policyVersion,
  };
}

/** Plain text for a terminal or a chat message. With the policy, the tier's meaning is spelled out. */
export function formatAssessment(result: AssessmentResult, policy?: Policy): string {
  const meaning = policy ? ` — ${policy.tiers[result.tier].meaning}` : '';
  const lines = [
    `Tier: ${result.tier}${meaning}`,
    `Teams: ${result.teams.length > 0 ? result.teams.join(', ') : 'none'}`,
  ];
  if (result.reasons.length === 0) lines.push('Reasons: no rule applies.');
  else {
    lines.push('Reasons:');
    for (const reason of result.reasons) {
      const teams = reason.teams.length > 0 ? ` Teams: ${reason.teams.join(', ')}.` : '';
      const source = reason.source ? ` Source: ${reason.source}.` : '';
      lines.push(`  - [${reason.tier}] ${reason.rule}: ${reason.explanation}${teams}${source}`);
    }
  }
  if (result.suggestedFacts.length > 0) {
    lines.push('Please confirm:');
    for (const suggestion of result.suggestedFacts) lines.push(`  - ${suggestion.fact}`);
  }
  lines.push(assessedByLine(result), `Policy version: ${result.policyVersion}`);
  return lines.join('\n');
}

function assessedByLine(result: AssessmentResult): string {
  const llm = result.llm;
  if (!llm) return 'Assessed by: rules only (no AI assessor configured).';
  if ('error' in llm)
    return `Assessed by: rules only — the AI assessment failed (${llm.error.kind}: ${llm.error.message}).`;
  return `Assessed by: rules and AI assessment (${llm.model}, ${llm.promptTokens} prompt + ${llm.completionTokens} completion tokens, ${llm.latencyMs} ms).`;
}

function union<T>(current: readonly T[], added: readonly T[] | undefined): T[] {
  return added ? [...new Set([...current, ...added])] : [...current];
}

function cached(tokens: number | undefined): { cachedPromptTokens?: number } {
  return tokens === undefined ? {} : { cachedPromptTokens: tokens };
}
