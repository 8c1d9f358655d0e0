import type { types } from '@slack/bolt';
import type { Logger } from '../../src/logger.ts';
import { isReviewer } from '../../src/runtime/port.ts';
import { LEADS } from '../../src/runtime/port.ts';
import type { DecisionKind, DecisionOutcome } from '../../src/runtime/port.ts';
import { parseReviewAction } from '../../src/runtime/port.ts';
import type { StewardPort } from '../../src/runtime/port.ts';
import { LIMITS, escapeText, plain } from './blocks.ts';
import type { SlackDirectory } from './directory.ts';
import type { WebClient } from './web.ts';

// Reviewers' buttons on escalations: Approve decides at once; Reject and Request changes first ask
// for the reason in a modal. The core decides who may decide (and audits refusals); on a decision it
// queues the updates of every copy of the escalation and the maker's DM, which are delivered at once.

export const REVIEW_REASON_CALLBACK_ID = 'steward_review_reason';
const REASON_BLOCK = 'reason';
const ANSWER = 'answer';

export interface ReviewClick {
  value: string;
  user: { id: string; username?: string };
  channel: string;
  triggerId: string;
  /** The escalation's title, shown in the reason modal. */
  subject?: string;
}

export interface ReasonMetadata {
  value: string;
  channel: string;
}

export class ReviewDesk {
  constructor(
    private readonly services: StewardPort,
    private readonly web: WebClient,
    private readonly directory: SlackDirectory,
    private readonly logger: Logger,
  ) {}

  async onClick(click: ReviewClick): Promise<void> {
    const action = parseReviewAction(click.value);
    if (!action) return;
    const reviewer = await this.reviewer(click.user, action.team);
    const allowed = isReviewer(this.services.policy, action.team, 'slack', reviewer.userId, reviewer.groupIds);
    if (allowed && action.decision !== 'approve') {
      await this.web.views.open({
        trigger_id: click.triggerId,
        view: reasonModal(action.decision, click.value, click.channel, click.subject),
      });
      return;
    }
    // Approvals decide now; anyone else's click is refused by the core, which records the attempt.
    const outcome = await this.services.decide({ ...action, reviewer });
    await this.report(outcome, click.channel, click.user.id);
  }

  /** The reason modal was submitted (its reason already checked as non-empty). */
  async onReason(metadata: ReasonMetadata, reason: string, user: { id: string; username?: string }): Promise<void> {
    const action = parseReviewAction(metadata.value);
    if (!action) return;
    const reviewer = await this.reviewer(user, action.team);
    const outcome = await this.services.decide({ ...action, reason, reviewer });
    await this.report(outcome, metadata.channel, user.id);
  }

  private async reviewer(user: { id: string; username?: string }, team: string) {
    const displayName = (await this.directory.displayName(user.id)) ?? user.username;
    // Group memberships cost a Web API call: only asked for when the team's reviewers include groups.
    const listed =
      team === LEADS
        ? this.services.policy.leads.reviewers.slack
        : (this.services.policy.teams[team]?.reviewers.slack ?? []);
    const groupIds = listed.some((id) => id.startsWith('S')) ? await this.directory.groupsOf(user.id) : [];
    return { platform: 'slack', userId: user.id, ...(displayName ? { displayName } : {}), groupIds };
  }

  private async report(outcome: DecisionOutcome, channel: string, userId: string): Promise<void> {
    if (outcome.kind === 'decided') {
      // The core queued the edits of every posted copy (this one included) and the maker's DM: deliver
      // them now. If that fails, the decision stands and the outbox poller delivers them later.
      await this.services.deliverNow();
      return;
    }
    // The text names the app and reviewers, which may hold &, < and >: escaped once, as mrkdwn wants.
    await this.web.chat.postEphemeral({ channel, user: userId, text: escapeText(outcome.text) });
  }

  logFailure(error: unknown): void {
    this.logger.error({ err: error instanceof Error ? error.message : String(error) }, 'review action failed');
  }
}

/** Escalation buttons carry "review <decision> <appId> <version> <team>". */
export function isReviewAction(value: string): boolean {
  return parseReviewAction(value) !== undefined;
}

/** The reason typed in the modal, and which escalation it is about. */
export function readReasonSubmission(view: {
  private_metadata: string;
  state: { values: Record<string, Record<string, { value?: string | null }>> };
}): {
  metadata?: ReasonMetadata;
  reason: string;
} {
  const reason = view.state.values[REASON_BLOCK]?.[ANSWER]?.value?.trim() ?? '';
  try {
    const metadata = JSON.parse(view.private_metadata) as ReasonMetadata;
    return typeof metadata.value === 'string' && typeof metadata.channel === 'string'
      ? { metadata, reason }
      : { reason };
  } catch {
    return { reason };
  }
}

export const REASON_REQUIRED = { [REASON_BLOCK]: 'Please give a reason: the maker sees it.' };

export function reasonModal(
  decision: DecisionKind,
  value: string,
  channel: string,
  subject: string | undefined,
): types.ModalView {
  const rejecting = decision === 'reject';
  return {
    type: 'modal',
    callback_id: REVIEW_REASON_CALLBACK_ID,
    private_metadata: JSON.stringify({ value, channel } satisfies ReasonMetadata),
    title: plain(rejecting ? 'Reject' : 'Request changes', 24),
    submit: plain(rejecting ? 'Reject' : 'Send', 24),
    close: plain('Cancel', 24),
    blocks: [
      // The escalation's title as plain text: an app named "R&D <EU>" reads as typed, and links nothing.
      ...(subject ? [{ type: 'header' as const, text: plain(subject, LIMITS.header) }] : []),
      {
        type: 'input',
        block_id: REASON_BLOCK,
        label: plain(rejecting ? 'Why are you rejecting it?' : 'What needs to change?', 2000),
        hint: plain('The maker receives this in a direct message.', 2000),
        element: { type: 'plain_text_input', action_id: ANSWER, multiline: true, max_length: 2000 },
      },
    ],
  };
}
