import { teamNames } from '../policy/schema.ts';
import type { Reply } from '../chat/reply.ts';
import type { Policy } from '../policy/schema.ts';
import type { AppProfile } from '../profile/schema.ts';
import { assessedByLabel, reasonLines, statusLabel } from './present.ts';
import type { AssessmentResult } from '../assessment/assess.ts';
import type { SubmitResult } from './submit.ts';

/** What the maker is told once an app is registered or updated: its tier, why, and what happens next. */
export function submittedReply(
  result: SubmitResult,
  profile: AppProfile,
  assessment: AssessmentResult,
  policy: Policy,
): Reply {
  const tier = policy.tiers[assessment.tier];
  const llmFailed = typeof assessment.llm === 'object' && assessment.llm !== null && 'error' in assessment.llm;
  const lines = [
    result.created
      ? `Registered ${result.reference} "${profile.name}".`
      : `Updated ${result.reference} "${profile.name}" (version ${result.version}).`,
    `Risk tier: ${assessment.tier.toUpperCase()}. ${tier.meaning}`,
    `Assessed by ${assessedByLabel(assessment)}${llmFailed ? ' (the AI assessment was unavailable this time)' : ''}, policy ${assessment.policyVersion}.`,
    'Why:',
    ...reasonLines(assessment),
    `What happens next: ${tier.nextSteps}`,
  ];
  if (result.escalatedTo.length > 0) {
    lines.push(`Reviewers informed: ${result.escalatedTo.map((delivery) => delivery.destination).join(', ')}.`);
  }
  return {
    title: result.created ? `Registered ${result.reference}` : `Updated ${result.reference}`,
    text: lines.join('\n'),
    fields: [
      { label: 'Reference', value: result.reference },
      { label: 'Status', value: statusLabel(result.status) },
      { label: 'Risk tier', value: assessment.tier },
      ...(assessment.teams.length > 0 ? [{ label: 'Reviewers', value: teamNames(policy, assessment.teams) }] : []),
    ],
    tone: assessment.tier === 'low' ? 'success' : 'info',
  };
}
