import { createHash } from 'node:crypto';
import type { OutboxTransport } from '../outbox/transport.ts';
import type { Reply } from '../chat/reply.ts';
import { isReviewer } from '../policy/routing.ts';
import type { Policy } from '../policy/schema.ts';
import { LEADS } from '../policy/schema.ts';
import type { Actor } from '../store/audit.ts';
import type { Store } from '../store/store.ts';
import type { Citation } from './answer.ts';
import { sourcesLine } from './reply.ts';

// "Ask a human": a maker's question goes to the owning team's channel, and a reviewer's reply in that
// thread comes back to the maker's chat. Each step is one transaction: the Handoff row, the audit
// entry and the outbox messages are written together or not at all; the outbox worker delivers.
//
// One question goes to one channel (the team's first destination, on the maker's own platform when it
// runs here): one thread, one conversation, one person answering, and one threadKey to match replies by.

const MAX_TEXT = 2000;

export interface HandoffMaker {
  platform: string;
  userId: string;
  /** Where the maker asked, so the answer comes back to the same place. */
  channelId: string;
  threadId?: string;
  displayName?: string;
}

export interface HandoffRequest {
  question: string;
  /** A policy team id: usually GuardrailAnswer.team. */
  team: string;
  maker: HandoffMaker;
  /** Platforms whose transports run here. */
  deliveryPlatforms: readonly string[];
  /** What Steward already pointed the maker to, so the reviewer need not repeat it. */
  citations?: readonly Citation[];
}

export type HandoffOutcome =
  | { kind: 'requested'; handoffId: string; team: string; platform: string; destination: string; reply: Reply }
  /** The same maker already has this question open: nothing new is posted. */
  | { kind: 'already-requested'; handoffId: string; reply: Reply }
  | { kind: 'unavailable'; reason: 'unknown-team' | 'no-destination'; reply: Reply };

/** Where a team's handoffs go: the maker's platform first, then the others that deliver here. */
export function handoffDestination(
  policy: Policy,
  team: string,
  makerPlatform: string,
  deliveryPlatforms: readonly string[],
): { platform: string; destination: string } | undefined {
  const destinations = policy.teams[team]?.destinations;
  if (!destinations) return undefined;
  const platforms = [...new Set([makerPlatform, ...deliveryPlatforms])].filter((platform) =>
    deliveryPlatforms.includes(platform),
  );
  for (const platform of platforms) {
    const teamsChannel = destinations.teams[0];
    if (platform === 'slack' && destinations.slack[0]) return { platform, destination: destinations.slack[0] };
    if (platform === 'teams' && teamsChannel)
      return { platform, destination: `${teamsChannel.team}/${teamsChannel.channel}` };
    // The terminal shows Slack's channel names, as escalations do (see deliveriesFor in apps/submit.ts).
    if (platform === 'console' && destinations.slack[0]) return { platform, destination: destinations.slack[0] };
  }
  return undefined;
}

/**
 * Call it with a transaction's store (a maker's turn asks a human in the turn's own transaction), or
 * with the store itself: it then runs in a transaction of its own.
 */
export async function requestHandoff(store: Store, policy: Policy, request: HandoffRequest): Promise<HandoffOutcome> {
  return store.transaction((tx) => requestHandoffIn(tx, policy, request));
}

async function requestHandoffIn(tx: Store, policy: Policy, request: HandoffRequest): Promise<HandoffOutcome> {
  const question = clip(request.question.trim());
  const { maker, team } = request;
  const teamSettings = policy.teams[team];
  if (!teamSettings) {
    return {
      kind: 'unavailable',
      reason: 'unknown-team',
      reply: {
        text: "I couldn't tell which team should answer that. Please ask your governance team directly.",
        tone: 'warning',
      },
    };
  }
  const target = handoffDestination(policy, team, maker.platform, request.deliveryPlatforms);
  if (!target) {
    return {
      kind: 'unavailable',
      reason: 'no-destination',
      reply: {
        text: `The ${teamSettings.name} team has no channel I can post to from here. Please contact them directly.`,
        tone: 'warning',
      },
    };
  }

  // A second click on "Ask a human" must not post the question twice.
  const open = await tx.handoffs.findOpen(maker, team, question);
  if (open) {
    return {
      kind: 'already-requested' as const,
      handoffId: open.id,
      reply: {
        text: `I've already asked the ${teamSettings.name} team about that. I'll pass their answer on here as soon as someone replies.`,
        tone: 'info' as const,
      },
    };
  }
  const handoff = await tx.handoffs.create({
    team,
    question,
    maker,
    destinationPlatform: target.platform,
    destination: target.destination,
  });
  await tx.audit.record({
    actor: actorOf(maker),
    action: 'handoff.requested',
    details: { handoffId: handoff.id, team, question, destination: `${target.platform}:${target.destination}` },
  });
  await tx.outbox.enqueue([
    {
      dedupeKey: `handoff:${handoff.id}:question`,
      platform: target.platform,
      destination: target.destination,
      payload: {
        kind: 'handoff-question',
        reply: questionForTeam(question, maker, teamSettings.name, request.citations ?? []),
        handoffId: handoff.id,
      },
    },
  ]);
  return {
    kind: 'requested' as const,
    handoffId: handoff.id,
    team,
    platform: target.platform,
    destination: target.destination,
    reply: {
      text: `I've asked the ${teamSettings.name} team (${target.destination}). When someone replies, I'll pass their answer on here.`,
      tone: 'success' as const,
    },
  };
}

/**
 * Wraps a platform's outbox transport: once a handed-over question is posted in a team's channel, its
 * thread (named by `threadKeyOf` from the post's receipt) is remembered, so replies there find it.
 */
export function recordingHandoffThreads(
  transport: OutboxTransport,
  store: Store,
  threadKeyOf: (receipt: Record<string, string>) => string | undefined,
): OutboxTransport {
  return {
    ...transport,
    async deliver(message) {
      const delivered = await transport.deliver(message);
      const { payload } = message;
      // Only the question posted in the team's channel opens a thread (the answer relayed to the maker does not).
      const key = payload.kind === 'handoff-question' && delivered.receipt ? threadKeyOf(delivered.receipt) : undefined;
      // Suggested shape of the key: `{platform}:{channel}:{thread}`.
      if (payload.kind === 'handoff-question' && key) await store.handoffs.recordThread(payload.handoffId, key);
      return delivered;
    },
  };
}

export interface HumanAnswer {
  /** One of the two: the handoff's id, or the thread the reply was posted in. */
  handoffId?: string;
  threadKey?: string;
  answer: string;
  reviewer: {
    platform: string;
    userId: string;
    displayName?: string;
    /** Groups the person belongs to (Slack user groups, Entra groups), when the policy lists groups. */
    groupIds?: string[];
  };
  /** The platform's id of the reply (Slack ts, Teams activity id): a redelivered reply is relayed once. */
  messageId?: string;
}

export type RelayOutcome =
  | {
      kind: 'relayed';
      handoffId: string;
      /** False for follow-up replies after the first answer. */ firstAnswer: boolean;
    }
  | { kind: 'duplicate'; handoffId: string }
  | { kind: 'ignored'; reason: 'unknown-handoff' | 'empty-answer' | 'maker-reply' }
  /** The team names reviewers on this platform and the person is not one: nothing is passed on. */
  | { kind: 'ignored'; reason: 'not-reviewer'; team: string; text: string };

/**
 * Relays a reply from the team's thread to the maker. The first reply marks the handoff answered;
 * later replies in the thread are relayed too, since a conversation may follow. Who may answer: the
 * team's reviewers on that platform when the policy names any (the maker is told the answer is from
 * a reviewer); when it names none there, anyone in the team's channel, which is then the team.
 */
export async function relayHumanAnswer(store: Store, policy: Policy, request: HumanAnswer): Promise<RelayOutcome> {
  const answer = clip(request.answer.trim());
  if (answer === '') return { kind: 'ignored', reason: 'empty-answer' };
  const handoff = await store.handoffs.find({
    ...(request.handoffId ? { id: request.handoffId } : {}),
    ...(request.threadKey ? { threadKey: request.threadKey } : {}),
  });
  if (!handoff) return { kind: 'ignored', reason: 'unknown-handoff' };
  const { reviewer } = request;
  if (reviewer.platform === handoff.makerPlatform && reviewer.userId === handoff.makerUserId)
    return { kind: 'ignored', reason: 'maker-reply' };
  if (!mayAnswer(policy, handoff.team, reviewer)) {
    const teamName = handoff.team === LEADS ? policy.leads.name : (policy.teams[handoff.team]?.name ?? handoff.team);
    await store.audit.record({
      actor: actorOf(reviewer),
      action: 'handoff.refused',
      details: { handoffId: handoff.id, team: handoff.team, why: 'not-reviewer' },
    });
    return {
      kind: 'ignored',
      reason: 'not-reviewer',
      team: handoff.team,
      text: `Only ${teamName}'s reviewers' replies are passed on to the person who asked, so yours was not. Your reply was recorded.`,
    };
  }

  const messageKey =
    request.messageId ??
    createHash('sha256').update(`${reviewer.platform}:${reviewer.userId}\n${answer}`).digest('hex').slice(0, 24);
  return store.transaction(async (tx) => {
    const queued = await tx.outbox.enqueue([
      {
        dedupeKey: `handoff:${handoff.id}:answer:${messageKey}`,
        platform: handoff.makerPlatform,
        destination: `user:${handoff.makerUserId}`,
        payload: {
          kind: 'handoff-answer',
          reply: answerForMaker(handoff.question, answer, reviewer.displayName ?? 'A reviewer'),
          handoffId: handoff.id,
          threadId: handoff.makerThreadId,
          channelId: handoff.makerChannelId,
        },
      },
    ]);
    if (queued === 0) return { kind: 'duplicate' as const, handoffId: handoff.id };
    const firstAnswer = await tx.handoffs.markAnswered(handoff.id, `${reviewer.platform}:${reviewer.userId}`);
    await tx.audit.record({
      actor: actorOf(reviewer),
      action: 'handoff.answered',
      details: { handoffId: handoff.id, team: handoff.team, answer, firstAnswer },
    });
    return { kind: 'relayed' as const, handoffId: handoff.id, firstAnswer };
  });
}

function mayAnswer(policy: Policy, team: string, person: HumanAnswer['reviewer']): boolean {
  if (person.platform !== 'slack' && person.platform !== 'teams') return true;
  const reviewers = team === LEADS ? policy.leads.reviewers : policy.teams[team]?.reviewers;
  if (!reviewers || reviewers[person.platform].length === 0) return true;
  return isReviewer(policy, team, person.platform, person.userId, person.groupIds);
}

function questionForTeam(
  question: string,
  maker: HandoffMaker,
  teamName: string,
  citations: readonly Citation[],
): Reply {
  const who = maker.displayName
    ? `${maker.displayName} (${maker.platform}:${maker.userId})`
    : `${maker.platform}:${maker.userId}`;
  const lines = [`${who} asked Steward:`, `“${question}”`];
  if (citations.length > 0) lines.push(`Steward pointed them to the handbook. ${sourcesLine(citations)}`);
  lines.push("Reply in this thread: I'll pass your reply on to them.");
  return { title: `Question for ${teamName}`, text: lines.join('\n'), tone: 'question', literal: true };
}

function answerForMaker(question: string, answer: string, reviewerName: string): Reply {
  return {
    title: 'Answer from a reviewer',
    text: `${reviewerName} answered your question “${clip(question, 200)}”:\n${answer}`,
    tone: 'info',
  };
}

function actorOf(person: { platform: string; userId: string; displayName?: string }): Actor {
  return {
    platform: person.platform,
    userId: person.userId,
    ...(person.displayName ? { displayName: person.displayName } : {}),
  };
}

function clip(text: string, length = MAX_TEXT): string {
  return text.length > length ? `${text.slice(0, length - 1).trimEnd()}…` : text;
}
