import type { Reply } from '../chat/reply.ts';
import type { Policy, Tier } from '../policy/schema.ts';
import { teamName } from '../policy/schema.ts';
import { isReviewer } from '../policy/routing.ts';
import { formatReference } from '../store/apps.ts';
import type { Actor } from '../store/audit.ts';
import type { Store } from '../store/store.ts';
import type { AppStatus, DecisionRow } from '../store/types.ts';
import { escalatedTeamsOf, reviewStanding } from './standing.ts';
import type { DecisionKind } from './actions.ts';
import { digestUpdates } from './digest.ts';

export type { DecisionKind } from './actions.ts';
export { parseReviewAction, reviewActionValue } from './actions.ts';

// Reviewer decisions: who may decide (a reviewer of a team the version was sent to), each team's
// first decision counts, the app's status follows once the review is settled (standing.ts), the maker
// is told in their own chat, and every posted copy of the escalation is updated to show the decisions.

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
  /** The team's decision is recorded; `settled` when it decided the version (else others must still approve). */
  | { kind: 'decided'; reference: string; status: string; settled: boolean; text: string }
  | { kind: 'already-decided'; reference: string; text: string }
  | {
      kind: 'refused';
      reason: 'not-escalated' | 'not-reviewer' | 'own-app' | 'reason-required' | 'unknown-app' | 'stale-version';
      text: string;
    };

/** The audit trail's name for each decision. */
const AUDIT_ACTION: Record<DecisionKind, string> = {
  approve: 'review.approved',
  reject: 'review.rejected',
  changes: 'review.changes_requested',
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
  const nameOf = (team: string) => teamName(policy, team);

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
  // A button names its team, and anyone can send any button's value: the team must be one this
  // version was actually sent to, and the clicker one of that team's reviewers.
  const escalatedTeams = await escalatedTeamsOf(store, policy, app, request.appVersion);
  if (!escalatedTeams.includes(request.team)) {
    return refuse(
      'not-escalated',
      escalatedTeams.length > 0
        ? `${reference} was not sent to ${nameOf(request.team)} for review; only ${listOf(escalatedTeams.map(nameOf))} can decide on it. Your attempt was recorded.`
        : `${reference} is not waiting for a review. Your attempt was recorded.`,
    );
  }
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
      `Only reviewers of ${nameOf(request.team)} can decide on ${reference}. Your attempt was recorded.`,
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
  const approval = app.tier ? (policy.tiers[app.tier as Tier]?.approval ?? 'every-team') : 'every-team';

  return store.transaction(async (tx) => {
    // Decisions on one app queue here, so each sees the ones before it.
    await tx.apps.lockForDecision(app.id);
    const earlier = await tx.reviews.decisionsOf(app.id, request.appVersion);
    const standing =
      reviewStanding(escalatedTeams, earlier, approval).settledBy ?? earlier.find((row) => row.team === request.team);
    if (standing) {
      const name = who({
        displayName: standing.reviewerName,
        userId: standing.reviewerId,
        platform: standing.reviewerPlatform,
      });
      const by = standing.team ? ` (${nameOf(standing.team)})` : '';
      return {
        kind: 'already-decided' as const,
        reference,
        text: `${reference} was already ${PAST[standing.decision as DecisionKind] ?? standing.decision} by ${name}${by} at ${standing.createdAt.toISOString().slice(0, 16).replace('T', ' ')} UTC.`,
      };
    }
    await tx.reviews.record({
      appId: app.id,
      appVersion: request.appVersion,
      decision: request.decision,
      reason: reason || null,
      team: request.team,
      reviewer: request.reviewer,
    });
    const decisions = await tx.reviews.decisionsOf(app.id, request.appVersion);
    const after = reviewStanding(escalatedTeams, decisions, approval);
    const settled = after.settledBy !== undefined;
    const status = settled ? STATUS_AFTER[request.decision] : app.status;
    if (settled) await tx.apps.setStatus(app.id, status as AppStatus);
    await tx.audit.record({
      actor,
      action: AUDIT_ACTION[request.decision],
      appId: app.id,
      details: {
        reference,
        version: request.appVersion,
        team: request.team,
        reason: reason || null,
        status,
        ...(settled ? {} : { waitingFor: after.waitingFor }),
      },
    });
    const reviewerName = who(request.reviewer);
    const decisionLine = decisionSummary(request.decision, reviewerName, nameOf(request.team), reason);
    const waitingLine = settled ? '' : `Still waiting for: ${listOf(after.waitingFor.map(nameOf))}.`;
    // Tell the maker in their own chat: the outcome, or which teams have yet to approve.
    await tx.outbox.enqueue([
      {
        dedupeKey: `decision:${app.id}:v${request.appVersion}:maker${settled ? '' : `:${request.team}`}`,
        platform: app.ownerPlatform,
        destination: `user:${app.ownerUserId}`,
        appId: app.id,
        payload: {
          kind: 'notification',
          reply: settled
            ? makerNotice(request.decision, reference, app.name, reviewerName, nameOf(request.team), reason)
            : partialApprovalNotice(reference, app.name, reviewerName, nameOf(request.team), waitingLine),
        },
      },
    ]);
    // Every posted copy of the escalation shows the decision. Settled: all lose their buttons. An
    // approval still waiting for others: the deciding team's copies lose theirs, the rest keep them.
    const escalations = await tx.outbox.escalationsOf(app.id, request.appVersion);
    await tx.outbox.enqueue(
      escalations.map((row) => {
        const original = row.payload.reply;
        const closed = settled || row.payload.team === request.team;
        const reply: Reply = {
          ...original,
          text: [original.text, ...decisions.map((row) => decisionLineOf(row, nameOf)), waitingLine]
            .filter(Boolean)
            .join('\n'),
          tone: !settled ? original.tone : request.decision === 'approve' ? 'success' : 'warning',
        };
        if (closed) delete reply.buttons;
        return {
          dedupeKey: `decision:${app.id}:v${request.appVersion}:${request.team}:update:${row.id}`,
          platform: row.platform,
          destination: row.destination,
          appId: app.id,
          payload: { kind: 'update', updateOf: row.id, reply },
        };
      }),
    );
    // A version reviewed through a digest (a policy change's) has no escalation of its own: the digest
    // shows the decision on the app's line, and loses its buttons.
    if (escalations.length === 0)
      await tx.outbox.enqueue(
        await digestUpdates(
          tx,
          app.id,
          request.appVersion,
          `decision:${app.id}:v${request.appVersion}:${request.team}`,
        ),
      );
    return {
      kind: 'decided' as const,
      reference,
      status,
      settled,
      text: settled ? decisionLine : `${decisionLine}\n${waitingLine}`,
    };
  });
}

/** A recorded decision as a line: every copy shows the whole review so far, not only the last click. */
function decisionLineOf(row: DecisionRow, nameOf: (team: string) => string): string {
  return decisionSummary(
    row.decision as DecisionKind,
    who({ displayName: row.reviewerName, userId: row.reviewerId, platform: row.reviewerPlatform }),
    row.team ? nameOf(row.team) : 'reviewers',
    row.reason ?? '',
  );
}

function listOf(names: string[]): string {
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}

function partialApprovalNotice(
  reference: string,
  name: string,
  reviewer: string,
  team: string,
  waitingLine: string,
): Reply {
  return {
    title: `${reference}: approved by ${team}`,
    text: `✅ ${reviewer} (${team}) approved ${reference} "${name}". ${waitingLine} You'll hear from me when the review is complete.`,
    tone: 'info',
  };
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
