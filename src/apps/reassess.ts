import { evaluateRules } from '../assessment/rules.ts';
import { sortTeams } from '../policy/schema.ts';
import type { AssessmentResult } from '../assessment/assess.ts';
import type { AppProfile } from '../profile/schema.ts';
import { maxTier } from '../policy/schema.ts';
import type { Policy } from '../policy/schema.ts';
import type { Assessment } from '../assessment/assess.ts';

const AI_REASON = 'AI-ASSESSMENT';

/**
 * Re-runs the rules on a profile the maker corrected (confirmed facts). The earlier AI assessment
 * still stands as a floor: correcting the profile can only add risk, never remove the AI's reasons.
 */
export function reassessWithFloor(profile: AppProfile, previous: Assessment, policy: Policy): AssessmentResult {
  const verdict = evaluateRules(profile, policy);
  const aiReasons = previous.reasons.filter((reason) => reason.rule === AI_REASON);
  let tier = verdict.tier;
  for (const reason of aiReasons) tier = maxTier(tier, reason.tier as typeof tier);
  return {
    tier,
    teams: sortTeams([...verdict.teams, ...aiReasons.flatMap((reason) => reason.teams)], policy),
    reasons: [...verdict.reasons, ...aiReasons],
    assessedBy: aiReasons.length > 0 ? 'rules+llm' : 'rules',
    policyVersion: policy.version,
    suggestedFacts: [],
  };
}
