import type { Policy, Tier } from '../policy/schema.ts';
import { TIER_ORDER } from '../policy/schema.ts';
import type { AppProfile } from '../profile/schema.ts';
import { evaluateRules } from './rules.ts';

// From which tier an app needs a backup owner (policy lifecycle.backupOwnerFrom). The tier is the
// rules' verdict: it is known while the maker is still answering (the AI assessor runs only on submit),
// so the chat and the form ask on the same grounds.

/** The rules' tier when it is at or above the policy's threshold, so a backup owner is required; else undefined. */
export function tierNeedingBackupOwner(profile: AppProfile, policy: Policy): Tier | undefined {
  const { tier } = evaluateRules(profile, policy);
  return TIER_ORDER[tier] >= TIER_ORDER[policy.lifecycle.backupOwnerFrom] ? tier : undefined;
}

/** Why the app needs one, in the maker's words. */
export function backupOwnerReason(tier: Tier, policy: Policy): string {
  const from = policy.lifecycle.backupOwnerFrom;
  const range = from === 'critical' ? 'critical-risk apps' : `apps at ${from} risk and above`;
  return `This app comes out at ${tier} risk, and ${range} need a backup owner, so someone can look after it when you're away or leave.`;
}
