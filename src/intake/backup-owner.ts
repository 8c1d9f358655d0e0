import { tierNeedingBackupOwner } from '../assessment/backup-owner.ts';
import type { Policy, Tier } from '../policy/schema.ts';
import type { Draft } from '../profile/draft.ts';
import { completeProfile } from '../profile/draft.ts';

// When the intake asks for a backup owner: once every other question is answered, so the rules can
// place the app, and only from the policy's tier up (lifecycle.backupOwnerFrom). There it must be
// answered; below it the question is not asked.

/**
 * The tier that makes a backup owner required for this draft (with the facts the maker confirmed);
 * undefined below the policy's threshold, or while the draft is too incomplete to assess.
 */
export function backupOwnerRequiredAt(effective: Draft, policy: Policy): Tier | undefined {
  const profile = completeProfile(effective);
  return profile ? tierNeedingBackupOwner(profile, policy) : undefined;
}
