import type { AssessmentResult } from '../assessment/assess.ts';
import type { AppProfile, Owner } from '../profile/schema.ts';
import { TIER_ORDER } from '../policy/schema.ts';
import type { Policy, Tier } from '../policy/schema.ts';
import { formatReference } from '../store/apps.ts';
import { SYSTEM_ACTOR } from '../store/audit.ts';
import type { Store } from '../store/store.ts';
import { reasonLines } from './present.ts';
import { submitApp } from './submit.ts';

// `steward reassess`: after the policy changes, every app is assessed again under the new version.
// A tier that rises opens a new review round (a new version with the same profile, escalated as
// usual) and tells the owner; otherwise the new assessment is recorded and nothing else changes.

export interface ReassessChange {
  reference: string;
  name: string;
  from: string | null;
  to: Tier;
  rose: boolean;
}

export async function reassessAll(deps: {
  store: Store;
  policy: Policy;
  assess(profile: AppProfile): Promise<AssessmentResult>;
  deliveryPlatforms: string[];
}): Promise<{ assessed: ReassessChange[]; unchanged: number }> {
  const { store, policy } = deps;
  const apps = await store.apps.list({ active: true });
  const assessed: ReassessChange[] = [];
  let unchanged = 0;
  for (const app of apps) {
    const latest = await store.assessments.latest(app.id);
    if (latest?.policyVersion === policy.version) {
      unchanged += 1;
      continue;
    }
    const profile = await store.apps.currentProfile(app);
    const assessment = await deps.assess(profile);
    const before = (app.tier ?? 'low') as Tier;
    const rose = TIER_ORDER[assessment.tier] > TIER_ORDER[before];
    const reference = formatReference(app.refNumber);
    await store.transaction(async (tx) => {
      if (rose) {
        const owner: Owner = profile.owner ?? {
          platform: app.ownerPlatform,
          userId: app.ownerUserId,
          ...(app.ownerName ? { displayName: app.ownerName } : {}),
        };
        const result = await submitApp(tx, {
          owner,
          profile,
          assessment,
          updatingAppId: app.id,
          policy,
          deliveryPlatforms: deps.deliveryPlatforms,
          actor: SYSTEM_ACTOR,
        });
        await tx.outbox.enqueue([
          {
            dedupeKey: `reassess:${app.id}:${policy.version}:owner`,
            platform: app.ownerPlatform,
            destination: `user:${app.ownerUserId}`,
            appId: app.id,
            payload: {
              kind: 'notification',
              reply: {
                title: `${reference}: risk tier rose to ${assessment.tier}`,
                text: [
                  `The governance policy changed (now ${policy.version}), and ${reference} "${app.name}" was re-assessed: its risk tier rose from ${before} to ${assessment.tier.toUpperCase()}.`,
                  policy.tiers[assessment.tier].meaning,
                  'Why:',
                  ...reasonLines(assessment),
                  `What happens next: ${policy.tiers[assessment.tier].nextSteps}`,
                  result.escalatedTo.length > 0
                    ? `Reviewers informed: ${result.escalatedTo.map((d) => d.destination).join(', ')}.`
                    : '',
                ]
                  .filter(Boolean)
                  .join('\n'),
                tone: 'warning',
              },
            },
          },
        ]);
      } else {
        await tx.assessments.record(app.id, app.currentVersion, assessment);
        await tx.audit.record({
          actor: SYSTEM_ACTOR,
          action: 'app.reassessed',
          appId: app.id,
          details: { reference, from: before, to: assessment.tier, policyVersion: policy.version },
        });
      }
    });
    assessed.push({ reference, name: app.name, from: app.tier, to: assessment.tier, rose });
  }
  return { assessed, unchanged };
}
