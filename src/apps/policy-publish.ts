import { createHash } from 'node:crypto';
import type { ReviewDigestPayload } from '../chat/outbox-payload.ts';
import type { Reply } from '../chat/reply.ts';
import type { Assessment } from '../assessment/assess.ts';
import { readinessProblems, policyDestinations } from '../policy/readiness.ts';
import type { DestinationCheck } from '../policy/readiness.ts';
import { TIER_ORDER, teamName, teamNames } from '../policy/schema.ts';
import type { Policy } from '../policy/schema.ts';
import { reviewDigestReply } from '../review/digest.ts';
import type { Actor } from '../store/audit.ts';
import type { Store } from '../store/store.ts';
import type { AppStatus } from '../store/types.ts';
import { assessInventory } from './policy-diff.ts';
import type { AppUnderDraft, PolicyDiff } from './policy-diff.ts';
import { submitApp } from './submit.ts';

// `steward policy publish` and `rollback`: the draft becomes the policy in force (kept in the database,
// numbered, with who published it), and the inventory is assessed under it exactly as `policy diff`
// shows. Apps whose tier rose or that gained a team go to review again; lowered tiers are recorded and
// the app's tier and status follow. Each owner gets one message listing their changed apps, and each
// reviewer channel one message listing the apps it is asked to review, with their buttons.

export class PolicyNotReadyError extends Error {
  constructor(
    readonly version: string,
    readonly problems: string[],
  ) {
    super(
      `Policy ${version} was not published: it switches on processes whose settings are missing. Nothing was changed or sent.\n` +
        problems.map((problem) => `  - ${problem}`).join('\n'),
    );
    this.name = 'PolicyNotReadyError';
  }
}

/** The draft cannot be published as it is (same version as another text, or someone published meanwhile). */
export class PublishRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PublishRefusedError';
  }
}

export interface PublishRequest {
  /** The YAML as written: stored, so every instance builds the same policy. */
  source: string;
  draft: Policy;
  /** The policy in force, and its published number (none while the file rules). */
  current: { policy: Policy; number: number | undefined; source: string };
  publisher: Actor;
  deliveryPlatforms: string[];
  /** Asks each chat platform whether the policy's channels exist; absent: nothing to ask (terminal only). */
  checkDestinations?: DestinationCheck;
  /** A rollback: the earlier number whose text this is. */
  restores?: number;
  now: Date;
}

export interface PublishOutcome {
  number: number;
  version: string;
  diff: PolicyDiff;
  raised: number;
  lowered: number;
  /** Messages queued: one per owner of a changed app, one per reviewer channel asked to review. */
  messages: { owners: number; channels: number };
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Why a policy would not be ready to govern here, platforms asked: empty when it is. */
async function publishProblems(
  draft: Policy,
  deliveryPlatforms: string[],
  checkDestinations: DestinationCheck | undefined,
): Promise<string[]> {
  const problems = readinessProblems(draft, deliveryPlatforms);
  if (!checkDestinations) return problems;
  for (const platform of deliveryPlatforms.filter((name) => name === 'slack' || name === 'teams')) {
    const destinations = policyDestinations(draft, platform);
    if (destinations.length === 0) continue;
    try {
      for (const unresolved of await checkDestinations(platform, destinations))
        problems.push(`${platform} destination ${unresolved.destination}: ${unresolved.reason}`);
    } catch (error) {
      problems.push(
        `could not check the ${platform} destinations (${error instanceof Error ? error.message : String(error)}); try again when ${platform} answers`,
      );
    }
  }
  return problems;
}

export async function publishPolicy(store: Store, request: PublishRequest): Promise<PublishOutcome> {
  const { draft, current, now } = request;
  const digest = sha256(request.source);
  const problems = await publishProblems(draft, request.deliveryPlatforms, request.checkDestinations);
  if (problems.length > 0) throw new PolicyNotReadyError(draft.version, problems);

  return store.transaction(async (tx) => {
    // One publish at a time, across instances; and only on top of the policy the caller assessed against.
    await tx.policies.lockForPublish();
    const active = await tx.policies.active();
    if ((active?.number ?? undefined) !== current.number)
      throw new PublishRefusedError(
        `Policy #${active?.number} (version ${active?.version}) was published meanwhile; run policy diff again and publish on top of it.`,
      );
    if (active && active.sha256 === digest)
      throw new PublishRefusedError(
        `That text is already the policy in force (#${active.number}, version ${active.version}).`,
      );
    const earlier = (await tx.policies.history()).find((row) => row.version === draft.version && row.sha256 !== digest);
    if (earlier || (!active && current.policy.version === draft.version && sha256(current.source) !== digest))
      throw new PublishRefusedError(
        `Version ${draft.version} was already used for a different text${earlier ? ` (#${earlier.number})` : ''}: raise \`version\` in the draft, since every assessment records it.`,
      );
    // The first publish keeps the file's policy as #1, so a rollback has something to return to.
    if (!active)
      await tx.policies.publish(
        {
          version: current.policy.version,
          source: current.source,
          sha256: sha256(current.source),
          publisher: request.publisher,
          summary: { baseline: true },
        },
        now,
      );

    const { apps, diff } = await assessInventory(tx, current.policy, draft, request.deliveryPlatforms);
    const reviews = new Map<string, ChannelDigest>();
    const owners = new Map<string, OwnerDigest>();
    for (const entry of apps) {
      if (!entry.change) {
        await tx.assessments.record(entry.app.id, entry.app.currentVersion, entry.assessment);
        continue;
      }
      const { change } = entry;
      let line: string;
      if (change.reviewAgain) {
        const result = await submitApp(tx, {
          owner: {
            platform: entry.app.ownerPlatform,
            userId: entry.app.ownerUserId,
            ...(entry.app.ownerName ? { displayName: entry.app.ownerName } : {}),
          },
          profile: entry.profile,
          assessment: entry.assessment,
          updatingAppId: entry.app.id,
          policy: draft,
          deliveryPlatforms: request.deliveryPlatforms,
          actor: request.publisher,
          reviewRequests: 'digest',
        });
        // The tier's next steps speak of "the reviewers named below": name them.
        const asked = teamNames(draft, [...new Set(result.escalatedTo.map((delivery) => delivery.team))]);
        line = ownerLine(
          entry,
          draft,
          `${draft.tiers[change.to].nextSteps}${result.escalatedTo.length > 0 ? ` Reviewers asked: ${asked}.` : ''}`,
        );
        for (const delivery of result.escalatedTo) {
          const key = `${delivery.platform} ${delivery.destination}`;
          const channel = reviews.get(key) ?? {
            platform: delivery.platform,
            destination: delivery.destination,
            items: [],
          };
          channel.items.push({ entry, version: result.version, team: delivery.team });
          reviews.set(key, channel);
        }
      } else {
        const status = statusAfterLowering(entry.app.status as AppStatus, draft.tiers[change.to].initialStatus);
        await tx.assessments.record(entry.app.id, entry.app.currentVersion, entry.assessment);
        await tx.apps.reclassify(entry.app.id, { tier: change.to, status });
        await tx.audit.record({
          actor: request.publisher,
          action: 'app.reassessed',
          appId: entry.app.id,
          details: {
            reference: entry.ref,
            from: change.from,
            to: change.to,
            teams: change.teams.to,
            status: { from: entry.app.status, to: status },
            rules: change.rules,
            policyVersion: draft.version,
          },
        });
        line = ownerLine(entry, draft, statusNote(entry.app.status as AppStatus, status));
      }
      const key = `${entry.app.ownerPlatform} ${entry.app.ownerUserId}`;
      const owner = owners.get(key) ?? {
        platform: entry.app.ownerPlatform,
        userId: entry.app.ownerUserId,
        lines: [],
        rose: false,
      };
      owner.lines.push(line);
      owner.rose ||= change.reviewAgain;
      owners.set(key, owner);
    }

    const raised = diff.changes.filter((change) => TIER_ORDER[change.to] > TIER_ORDER[change.from]).length;
    const lowered = diff.changes.filter((change) => TIER_ORDER[change.to] < TIER_ORDER[change.from]).length;
    const published = await tx.policies.publish(
      {
        version: draft.version,
        source: request.source,
        sha256: digest,
        publisher: request.publisher,
        ...(request.restores === undefined ? {} : { restores: request.restores }),
        summary: { assessed: diff.assessed, changed: diff.changes.length, raised, lowered },
      },
      now,
    );
    // A command-line user is named by their login; a chat user by name, else platform and id.
    const { publisher } = request;
    const by =
      publisher.displayName ??
      (publisher.platform === 'cli' ? publisher.userId : `${publisher.platform}:${publisher.userId}`);
    const why = request.restores === undefined ? `published by ${by}` : `rolled back to #${request.restores} by ${by}`;
    await tx.outbox.enqueue([
      ...[...owners.values()].map((owner) => ({
        dedupeKey: `policy:${published.number}:owner:${owner.platform}:${owner.userId}`,
        platform: owner.platform,
        destination: `user:${owner.userId}`,
        payload: { kind: 'notification' as const, reply: ownerDigest(owner, draft.version, why) },
      })),
      ...[...reviews.values()].map((channel) => ({
        dedupeKey: `policy:${published.number}:review:${channel.platform}:${channel.destination}`,
        platform: channel.platform,
        destination: channel.destination,
        payload: reviewDigest(channel, draft, why),
      })),
    ]);
    await tx.audit.record({
      actor: request.publisher,
      action: request.restores === undefined ? 'policy.published' : 'policy.rolled_back',
      details: {
        number: published.number,
        from: current.policy.version,
        to: draft.version,
        ...(request.restores === undefined ? {} : { restores: request.restores }),
        sha256: digest,
        assessed: diff.assessed,
        changed: diff.changes.map((change) => `${change.ref}:${change.from}->${change.to}`),
        messages: { owners: owners.size, channels: reviews.size },
      },
    });
    return {
      number: published.number,
      version: draft.version,
      diff,
      raised,
      lowered,
      messages: { owners: owners.size, channels: reviews.size },
    };
  });
}

/**
 * A lower tier needs less: an app still waiting for a review it no longer needs takes the tier's first
 * status. Decisions already taken (approved, rejected, changes requested) stand.
 */
function statusAfterLowering(status: AppStatus, initial: 'approved' | 'submitted' | 'in_review'): AppStatus {
  const waiting: AppStatus[] = ['submitted', 'in_review'];
  if (!waiting.includes(status)) return status;
  const rank: Record<string, number> = { approved: 0, submitted: 1, in_review: 2 };
  return rank[initial]! < rank[status]! ? initial : status;
}

function statusNote(before: AppStatus, after: AppStatus): string {
  if (before === after) return 'Nothing else changes for you.';
  if (after === 'approved') return 'It no longer needs a review: it is approved.';
  return 'It needs a lighter review now: the reviewers are informed and may object.';
}

interface OwnerDigest {
  platform: string;
  userId: string;
  lines: string[];
  rose: boolean;
}

interface ChannelDigest {
  platform: string;
  destination: string;
  items: Array<{ entry: AppUnderDraft; version: number; team: string }>;
}

function ruleTitles(assessment: Assessment, policy: Policy): string {
  const titles = assessment.reasons.map(
    (reason) => policy.rules.find((rule) => rule.id === reason.rule)?.title ?? reason.rule,
  );
  return titles.length > 0 ? titles.join('; ') : 'no rule applies any more';
}

function ownerLine(entry: AppUnderDraft, policy: Policy, next: string): string {
  const change = entry.change!;
  const tiers = change.from === change.to ? `still ${change.to}` : `${change.from} → ${change.to.toUpperCase()}`;
  const added = change.teams.to.filter((team) => !change.teams.from.includes(team));
  const teams = added.length > 0 ? `; now also reviewed by ${teamNames(policy, added)}` : '';
  return `• ${entry.ref} "${entry.app.name}": ${tiers}${teams}. Why: ${ruleTitles(entry.assessment, policy)}. ${next}`;
}

function ownerDigest(owner: OwnerDigest, version: string, why: string): Reply {
  const count = owner.lines.length;
  return {
    literal: true,
    title:
      count === 1
        ? `Policy ${version}: one of your apps changed tier`
        : `Policy ${version}: ${count} of your apps changed tier`,
    text: [
      `The governance policy changed (now ${version}, ${why}), and your apps were re-assessed:`,
      ...owner.lines,
    ].join('\n'),
    tone: owner.rose ? 'warning' : 'info',
  };
}

function reviewDigest(channel: ChannelDigest, policy: Policy, why: string): ReviewDigestPayload {
  const teams = new Set(channel.items.map((item) => item.team));
  const items = channel.items.map(({ entry, version, team }) => {
    const change = entry.change!;
    const forTeam = teams.size > 1 ? ` (${teamName(policy, team)})` : '';
    const maker = entry.app.ownerName ?? `${entry.app.ownerPlatform}:${entry.app.ownerUserId}`;
    const reasons = entry.assessment.reasons.map((reason) => `${reason.rule}: ${reason.explanation}`).join(' ');
    return {
      appId: entry.app.id,
      appVersion: version,
      team,
      label: `${entry.ref}${forTeam}`,
      line: `• ${entry.ref} "${entry.app.name}"${forTeam}: ${change.from} → ${change.to.toUpperCase()}, maker ${maker}. ${reasons}`,
    };
  });
  const count = items.length;
  const heading = {
    title: `Policy ${policy.version}: ${count === 1 ? 'one app' : `${count} apps`} to review`,
    intro: `The governance policy changed (now ${policy.version}, ${why}). These apps need your review under it:`,
  };
  return { kind: 'review-digest', reply: reviewDigestReply(heading, items), items };
}
