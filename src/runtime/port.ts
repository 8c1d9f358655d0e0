import type { Reply } from '../chat/reply.ts';
import type { InboundMessage, TurnResult } from '../conversation/engine.ts';
import type { HumanAnswer, RelayOutcome } from '../handbook/handoff.ts';
import type { OutboxTransport } from '../outbox/transport.ts';
import type { Policy } from '../policy/schema.ts';
import type { Owner } from '../profile/schema.ts';
import type { DecisionOutcome, DecisionRequest } from '../review/decide.ts';
import type { RegisterOptions, RegisterOutcome } from '../apps/register.ts';
import type { AdapterState } from '../store/adapter-state.ts';
import type { LeaverOutcome } from '../lifecycle/ownership.ts';
import type { Person } from '../lifecycle/people.ts';

// The one interface between the core and the chat platforms' adapters (Slack, Teams, the terminal).
// An adapter verifies and parses a platform's request, calls one of these, and renders what comes
// back; it keeps its own small state (message ids, thread keys) in `state`, and nothing else.

// What adapters read off the core besides the port itself: the shapes they pass and get back, and
// the few rules they apply before calling (who reviews what, how a form field reads an answer).
export type { InboundMessage } from '../conversation/engine.ts';
export { STALE_CLICK_NOTICE, conversationKey } from '../conversation/engine.ts';
export { ShuttingDownError } from './in-flight.ts';
export type { DecisionKind, DecisionOutcome } from '../review/decide.ts';
export { parseReviewAction } from '../review/decide.ts';
export type { RegisterOutcome } from '../apps/register.ts';
export { fieldErrors } from '../apps/register.ts';
export { parseAnswer, questionById } from '../intake/questions.ts';
export type { Policy } from '../policy/schema.ts';
export { LEADS, TIERS, teamIds } from '../policy/schema.ts';
export { escalationTargets, isReviewer } from '../policy/routing.ts';
export type { UnresolvedDestination } from '../policy/readiness.ts';

export interface StewardPort {
  /** The policy in force, read-only: routing, teams and reviewers, for what the adapter shows and checks. */
  readonly policy: Policy;
  /** A maker's message or click: one turn of their conversation. ShuttingDownError while shutting down. */
  handleTurn(message: InboundMessage): Promise<TurnResult>;
  /** A reviewer's decision on an escalation (buttons in Slack or Teams). */
  decide(request: DecisionRequest): Promise<DecisionOutcome>;
  /** A reviewer's reply in a handed-over question's thread, relayed to the maker. */
  relayHumanAnswer(request: HumanAnswer): Promise<RelayOutcome>;
  /**
   * Someone left (a platform said their account was deactivated): their apps go to their backups or
   * are orphaned. Marking the same person twice changes nothing.
   */
  personLeft(person: Person, source: string): Promise<LeaverOutcome>;
  /** Registers a whole profile at once (a form or an import). */
  registerProfile(owner: Owner, input: unknown, options?: RegisterOptions): Promise<RegisterOutcome>;
  /** The owner's apps with status and risk, as the core presents them. */
  appsOf(owner: Pick<Owner, 'platform' | 'userId'>): Promise<Reply>;
  /** The owner's registered app of that name, if any (to offer an update instead of a duplicate). */
  findAppByName(owner: Pick<Owner, 'platform' | 'userId'>, name: string): Promise<{ reference: string } | undefined>;
  /** What adapters keep for themselves (pending question messages, channel ids), shared by every instance. */
  state: AdapterState;
  /** Wraps a transport so a delivered handoff question remembers its thread (its key from the receipt). */
  recordingHandoffThreads(
    transport: OutboxTransport,
    threadKeyOf: (receipt: Record<string, string>) => string | undefined,
  ): OutboxTransport;
  /** Delivers what is queued now rather than at the next poll (after a decision, say). Never rejects. */
  deliverNow(): Promise<void>;
  /** Work an adapter goes on with after acknowledging the platform: a shutdown waits for it. */
  track<T>(work: Promise<T>): Promise<T>;
}
