import type { Reply } from '../chat/reply.ts';
import type { Policy } from '../policy/schema.ts';
import { isReviewer } from '../policy/routing.ts';
import { formatReference } from '../store/apps.ts';
import type { Actor } from '../store/audit.ts';
import type { Store } from '../store/store.ts';

// Reviewer decisions: who may decide, first decision wins, the app's status follows, the maker is
// told in their own chat, and every posted copy of the escalation is updated to show the decision.

export type DecisionKind = 'approve' | 'reject' | 'changes';

interface Reviewer {
  platform: string;
  userId: string;
  displayName?: string;
  /** Groups the reviewer belongs to (Slack user groups, Entra groups), for policies that list groups. */
  groupIds?: string[];
}

export interface DecisionRequest {
  appId: string;
  appVersion: number;
  /** The team the escalation was sent to: the reviewer must be one of its reviewers. */
  team: string;
  decision: DecisionKind;
  /** Required to reject ("why") and to request changes ("what to change"). */
  reason?: string;
  reviewer: Reviewer;
}

export type DecisionOutcome =
  | { kind: 'decided'; reference: string; status: string; text: string }
  | { kind: 'already-decided'; reference: string; text: string }
  | {
      kind: 'refused';
      reason: 'not-reviewer' | 'own-app' | 'reason-required' | 'unknown-app' | 'stale-version';
      text: string;
    };

const STATUS_AFTER: Record<DecisionKind, 'approved' | 'rejected' | 'changes_requested'> = {
  approve: 'approved',
  reject: 'rejected',
  changes: 'changes_requested',
};

const PAST: Record<DecisionKind, string> = {
  approve: 'approved',
  reject: 'rejected',
  changes: 'sent back for changes',
};

/** Button values on escalations: "review approve <appId> <version> <team>". */
export function reviewActionValue(decision: DecisionKind, appId: string, version: number, team: string): string {
  return `review ${decision} ${appId} ${version} ${team}`;
}

export function parseReviewAction(
  value: string,
): { decision: DecisionKind; appId: string; appVersion: number; team: string } | undefined {
  const match = /^review (approve|reject|changes) (\S+) (\d+) (\S+)$/u.exec(value.trim());
  if (!match) return undefined;
  return { decision: match[1] as DecisionKind, appId: match[2]!, appVersion: Number(match[3]), team: match[4]! };
}

function who(reviewer: { displayName?: string | null; userId: string; platform: string }): string {
  return reviewer.displayName ? `${reviewer.displayName}` : `${reviewer.platform}:${reviewer.userId}`;
}

export async function decide(store: Store, policy: Policy, request: DecisionRequest): Promise<DecisionOutcome> {
  const actor: Actor = {
    platform: request.reviewer.platform,
    userId: request.reviewer.userId,
    ...(request.reviewer.displayName ? { displayName: request.reviewer.displayName } : {}),
  };
  const reason = request.reason?.trim() ?? '';
  const app = await store.apps.byId(request.appId);
  if (!app) return { kind: 'refused', reason: 'unknown-app', text: 'That app no longer exists.' };
  const reference = formatReference(app.refNumber);
  const teamName = request.team === 'leads' ? policy.leads.name : (policy.teams[request.team]?.name ?? request.team);

  const refuse = async (
    why: Exclude<DecisionOutcome, { kind: 'decided' | 'already-decided' }>['reason'],
    text: string,
  ): Promise<DecisionOutcome> => {
    await store.audit.record({
      actor,
      action: 'review.refused',
      appId: app.id,
      details: { reference, why, decision: request.decision, team: request.team },
    });
    return { kind: 'refused', reason: why, text };
  };
  if (
    !isReviewer(
      policy,
      request.team,
      request.reviewer.platform as 'slack' | 'teams',
      request.reviewer.userId,
      request.reviewer.groupIds,
    )
  ) {
    return refuse(
      'not-reviewer',
      `Only reviewers of ${teamName} can decide on ${reference}. Your attempt was recorded.`,
    );
  }
  if (app.ownerPlatform === request.reviewer.platform && app.ownerUserId === request.reviewer.userId) {
    return refuse('own-app', `You registered ${reference} yourself, so another reviewer has to decide on it.`);
  }
  if (request.decision !== 'approve' && reason === '') {
    return refuse(
      'reason-required',
      request.decision === 'reject' ? 'Please give a reason for rejecting.' : 'Please say what needs to change.',
    );
  }
  if (app.currentVersion !== request.appVersion) {
    return refuse(
      'stale-version',
      `This escalation is about version ${request.appVersion} of ${reference}, which has since been updated to version ${app.currentVersion}; decide on the newer escalation.`,
    );
  }

  return store.transaction(async (tx) => {
    const recorded = await tx.reviews.record({
      appId: app.id,
      appVersion: request.appVersion,
      decision: request.decision,
      reason: reason || null,
      team: request.team,
      reviewer: request.reviewer,
    });
    if (!recorded) {
      const first = await tx.reviews.decisionOf(app.id, request.appVersion);
      if (!first) throw new Error(`The decision on ${reference} version ${request.appVersion} could not be read`);
      const name = who({ displayName: first.reviewerName, userId: first.reviewerId, platform: first.reviewerPlatform });
      return {
        kind: 'already-decided' as const,
        reference,
        text: `${reference} was already ${PAST[first.decision as DecisionKind] ?? first.decision} by ${name} at ${first.createdAt.toISOString().slice(0, 16).replace('T', ' ')} UTC.`,
      };
    }
    const status = STATUS_AFTER[request.decision];
    await tx.apps.setStatus(app.id, status);
    await tx.audit.record({
      actor,
      action: `review.${request.decision === 'changes' ? 'changes_requested' : `${request.decision}d`}`,
      appId: app.id,
      details: { reference, version: request.appVersion, team: request.team, reason: reason || null, status },
    });
    const decisionLine = decisionSummary(request.decision, who(request.reviewer), teamName, reason);
    // Tell the maker in their own chat.
    await tx.outbox.enqueue([
      {
        dedupeKey: `decision:${app.id}:v${request.appVersion}:maker`,
        platform: app.ownerPlatform,
        destination: `user:${app.ownerUserId}`,
        appId: app.id,
        payload: {
          kind: 'notification',
          reply: makerNotice(request.decision, reference, app.name, who(request.reviewer), teamName, reason),
        },
      },
    ]);
    // Update every posted copy of the escalation, on every platform, to show the decision.
    const escalations = await tx.outbox.escalationsOf(app.id, request.appVersion);
    await tx.outbox.enqueue(
      escalations.map((row) => {
        const original = row.payload.reply;
        const reply: Reply = {
          ...original,
          text: `${original.text}\n${decisionLine}`,
          tone: request.decision === 'approve' ? 'success' : 'warning',
        };
        delete reply.buttons;
        return {
          dedupeKey: `decision:${app.id}:v${request.appVersion}:update:${row.id}`,
          platform: row.platform,
          destination: row.destination,
          appId: app.id,
          payload: { kind: 'update', updateOf: row.id, reply },
        };
      }),
    );
    return { kind: 'decided' as const, reference, status, text: decisionLine };
  });
}

function decisionSummary(decision: DecisionKind, reviewer: string, team: string, reason: string): string {
  const icon = decision === 'approve' ? '✅' : decision === 'reject' ? '❌' : '✏️';
  const verb = decision === 'approve' ? 'Approved' : decision === 'reject' ? 'Rejected' : 'Changes requested';
  return `${icon} ${verb} by ${reviewer} (${team})${reason ? `: ${reason}` : '.'}`;
}

function makerNotice(
  decision: DecisionKind,
  reference: string,
  name: string,
  reviewer: string,
  team: string,
  reason: string,
): Reply {
  const texts: Record<DecisionKind, string> = {
    approve: `✅ ${reference} "${name}" was approved by ${reviewer} (${team}).${reason ? ` Note: ${reason}` : ''} You can use and share it as registered; update the registration when the app changes.`,
    reject: `❌ ${reference} "${name}" was rejected by ${reviewer} (${team}): ${reason}. Please stop using and sharing it. If you can address the reason, say *update ${reference}* to submit a new version, or talk to ${reviewer}.`,
    changes: `✏️ ${reviewer} (${team}) asked for changes to ${reference} "${name}": ${reason}. When you've made them, say *update ${reference}* to submit a new version; it will be re-assessed.`,
  };
  return {
    title: `${reference}: review decision`,
    text: texts[decision],
    tone: decision === 'approve' ? 'success' : 'warning',
  };
}
