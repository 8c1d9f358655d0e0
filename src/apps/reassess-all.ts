import type { AssessmentResult } from '../assessment/assess.ts';
import type { AppProfile, Owner } from '../profile/schema.ts';
import { TIER_ORDER } from '../policy/schema.ts';
import type { Policy, Tier } from '../policy/schema.ts';
import { currentProfile, formatReference } from '../store/apps.ts';
import { recordAudit, SYSTEM_ACTOR } from '../store/audit.ts';
import { enqueueOutbox } from '../store/outbox.ts';
import type { Db } from '../store/types.ts';
import { reasonLines } from './present.ts';
import { recordAssessment, submitApp } from './submit.ts';

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
  db: Db;
  policy: Policy;
  assess(profile: AppProfile): Promise<AssessmentResult>;
  deliveryPlatforms: string[];
}): Promise<{ assessed: ReassessChange[]; unchanged: number }> {
  const { db, policy } = deps;
  const apps = await db.app.findMany({ where: { status: { not: 'retired' } }, orderBy: { refNumber: 'asc' } });
  const assessed: ReassessChange[] = [];
  let unchanged = 0;
  for (const app of apps) {
    const latest = await db.assessment.findFirst({ where: { appId: app.id }, orderBy: { createdAt: 'desc' } });
    if (latest?.policyVersion === policy.version) {
      unchanged += 1;
      continue;
    }
    const profile = await currentProfile(db, app);
    const assessment = await deps.assess(profile);
    const before = (app.tier ?? 'low') as Tier;
    const rose = TIER_ORDER[assessment.tier] > TIER_ORDER[before];
    const reference = formatReference(app.refNumber);
    await db.$transaction(async (tx) => {
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
        await enqueueOutbox(tx, [
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
        await recordAssessment(tx, app.id, app.currentVersion, assessment);
        await recordAudit(tx, {
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
