import { teamNames } from '../policy/schema.ts';
import type { Reply } from '../chat/reply.ts';
import type { AppProfile, Owner } from '../profile/schema.ts';
import { decidersLine } from '../policy/reviewers.ts';
import type { Policy } from '../policy/schema.ts';
import { escalationTargets } from '../policy/routing.ts';
import { formatReference } from '../store/apps.ts';
import type { Actor } from '../store/audit.ts';
import { reviewActionValue } from '../review/decide.ts';
import type { Store } from '../store/store.ts';
import type { Assessment, AssessmentResult } from '../assessment/assess.ts';
import { assessedByLabel, profileFields, reasonLines } from './present.ts';

// Files a registration (or a new version of an app) with its assessment and escalations, in one transaction.

export interface SubmitRequest {
  owner: Owner;
  profile: AppProfile;
  assessment: Assessment & Pick<AssessmentResult, 'llm'>;
  /** Set when the maker is updating an app they registered before: a new version is added. */
  updatingAppId?: string;
  policy: Policy;
  /** Platforms whose transports are running here; escalations for others fall back as routing says. */
  deliveryPlatforms: string[];
  /** Who made the change, when not the owner (a re-assessment after a policy change). */
  actor?: Actor;
  /**
   * 'digest': the reviewers are asked in one message listing every app of a policy change, sent by the
   * caller; the deliveries are returned, not queued one by one. Default: an escalation per destination.
   */
  reviewRequests?: 'each' | 'digest';
}

interface Delivery {
  team: string;
  platform: string;
  destination: string;
}

export interface SubmitResult {
  appId: string;
  reference: string;
  version: number;
  status: string;
  created: boolean;
  escalatedTo: Delivery[];
}

export class DuplicateAppNameError extends Error {
  constructor(readonly reference: string) {
    super(`An app with that name is already registered as ${reference}`);
    this.name = 'DuplicateAppNameError';
  }
}

/** Where each escalation goes on the platforms running here. Without Slack or Teams, the console shows Slack's channel names. */
export function deliveriesFor(assessment: Assessment, policy: Policy, deliveryPlatforms: string[]): Delivery[] {
  const deliveries: Delivery[] = [];
  for (const target of escalationTargets(assessment, policy)) {
    if (deliveryPlatforms.includes(target.platform)) deliveries.push(target);
    else if (deliveryPlatforms.includes('console') && target.platform === 'slack')
      deliveries.push({ ...target, platform: 'console' });
  }
  return deliveries;
}

/** Call it with a transaction's store: the app, its version, assessment, audit and escalations are one change. */
export async function submitApp(tx: Store, request: SubmitRequest): Promise<SubmitResult> {
  const { owner, profile, assessment, policy } = request;
  const status = policy.tiers[assessment.tier].initialStatus;
  const actor = request.actor ?? {
    platform: owner.platform,
    userId: owner.userId,
    ...(owner.displayName ? { displayName: owner.displayName } : {}),
  };
  const sameName = await tx.apps.byOwnerAndName(owner, profile.name);
  if (sameName && sameName.id !== request.updatingAppId)
    throw new DuplicateAppNameError(formatReference(sameName.refNumber));

  let appId: string;
  let refNumber: number;
  let version: number;
  if (request.updatingAppId) {
    const existing = await tx.apps.byId(request.updatingAppId);
    if (!existing) throw new Error(`App ${request.updatingAppId} no longer exists`);
    version = existing.currentVersion + 1;
    await tx.apps.moveToVersion(existing.id, { name: profile.name, version, status, tier: assessment.tier });
    appId = existing.id;
    refNumber = existing.refNumber;
  } else {
    version = 1;
    const created = await tx.apps.create({ name: profile.name, owner, status, tier: assessment.tier });
    appId = created.id;
    refNumber = created.refNumber;
  }
  const reference = formatReference(refNumber);
  await tx.apps.addVersion({ appId, version, profile, createdBy: `${actor.platform}:${actor.userId}` });
  await tx.apps.setBackupOwner(appId, profile.backupOwner ?? null);
  // The owner registering or updating an app confirms it: recertification counts from now. A change
  // made for them (a new policy) confirms nothing.
  const byOwner = request.actor === undefined;
  if (byOwner) await tx.apps.markCertified(appId, new Date());
  if (request.updatingAppId && byOwner) {
    // An update answers the app's open recertification: the owner has just looked at it.
    const open = await tx.recertifications.openOf(appId);
    if (open)
      await tx.recertifications.answer(open.id, {
        answer: 'updated',
        by: `${actor.platform}:${actor.userId}`,
        at: new Date(),
      });
  }
  await tx.assessments.record(appId, version, assessment);
  await tx.audit.record({
    actor,
    action: request.updatingAppId ? 'app.updated' : 'app.registered',
    appId,
    details: { reference, version, status },
  });
  await tx.audit.record({
    actor,
    action: 'app.assessed',
    appId,
    details: {
      reference,
      version,
      tier: assessment.tier,
      teams: assessment.teams,
      rules: assessment.reasons.map((reason) => reason.rule),
      assessedBy: assessment.assessedBy,
      policyVersion: assessment.policyVersion,
    },
  });

  const escalatedTo = deliveriesFor(assessment, policy, request.deliveryPlatforms);
  const queued = request.reviewRequests === 'digest' ? [] : escalatedTo;
  await tx.outbox.enqueue(
    queued.map((delivery) => ({
      dedupeKey: `escalation:${appId}:v${version}:${delivery.team}:${delivery.platform}:${delivery.destination}`,
      platform: delivery.platform,
      destination: delivery.destination,
      appId,
      payload: {
        kind: 'escalation',
        team: delivery.team,
        appVersion: version,
        reply: escalationMessage({
          reference,
          version,
          appId,
          profile,
          owner,
          assessment,
          policy,
          team: delivery.team,
          platform: delivery.platform,
        }),
      },
    })),
  );
  if (escalatedTo.length > 0) {
    await tx.audit.record({
      actor,
      action: 'app.escalated',
      appId,
      details: {
        reference,
        version,
        destinations: escalatedTo.map((d) => `${d.platform}:${d.destination}`),
        ...(request.reviewRequests === 'digest' ? { via: 'digest' } : {}),
      },
    });
  }
  return { appId, reference, version, status, created: !request.updatingAppId, escalatedTo };
}

/** What reviewers see in their channel: the whole profile, the tier, every reason, the maker, and the decision buttons. */
function escalationMessage(input: {
  reference: string;
  version: number;
  appId: string;
  profile: AppProfile;
  owner: Owner;
  assessment: Assessment;
  policy: Policy;
  /** The team this copy goes to: its reviewers decide with these buttons. */
  team: string;
  /** Where this copy is posted: it says who can decide from there. */
  platform: string;
}): Reply {
  const { reference, version, appId, profile, owner, assessment, policy, team, platform } = input;
  const maker = owner.displayName
    ? `${owner.displayName} (${owner.platform}:${owner.userId})`
    : `${owner.platform}:${owner.userId}`;
  const tierSettings = policy.tiers[assessment.tier];
  const lines = [
    `Review needed: ${reference} "${profile.name}"${version > 1 ? ` (version ${version})` : ''} — ${assessment.tier.toUpperCase()} risk.`,
    `${tierSettings.meaning}`,
    `Maker: ${maker}. Teams: ${teamNames(policy, assessment.teams)}. Assessed by ${assessedByLabel(assessment)}, policy ${assessment.policyVersion}.`,
    'Why:',
    ...reasonLines(assessment),
    'Profile:',
    ...profileFields(profile, policy).map((field) => `  ${field.label}: ${field.value}`),
    decidersLine(policy, team, platform),
  ];
  return {
    literal: true,
    title: `Review needed: ${reference} ${profile.name}`,
    text: lines.join('\n'),
    fields: [{ label: 'Maker', value: maker }, ...profileFields(profile, policy)],
    buttons: [
      { label: 'Approve', value: reviewActionValue('approve', appId, version, team), style: 'primary' },
      { label: 'Reject', value: reviewActionValue('reject', appId, version, team), style: 'danger' },
      { label: 'Request changes', value: reviewActionValue('changes', appId, version, team) },
    ],
    tone: assessment.tier === 'critical' || assessment.tier === 'high' ? 'warning' : 'info',
  };
}
