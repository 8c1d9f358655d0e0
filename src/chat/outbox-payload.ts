import { z } from 'zod';
import { ReplySchema } from './reply.ts';

// What the core sends through the outbox: one kind per message, each a reply to show plus what the
// delivery needs to know. Written by enqueueOutbox (src/store/outbox.ts), parsed again by the outbox
// worker when it reads the row, and handed to the platform's transport to switch on.

const EscalationSchema = z.object({
  kind: z.literal('escalation'),
  reply: ReplySchema,
  /** The policy team asked to review (metrics count escalations by it). */
  team: z.string(),
  appVersion: z.number().int(),
});

const ReminderSchema = z.object({
  kind: z.literal('reminder'),
  reply: ReplySchema,
  appVersion: z.number().int(),
  /** The team of the escalation reminded of, 'leads' for the governance leads; null on old rows without one. */
  team: z.string().nullable(),
});

/** A message to a person, e.g. a reviewer's decision or a re-assessment, sent to the maker's chat. */
const NotificationSchema = z.object({
  kind: z.literal('notification'),
  reply: ReplySchema,
});

/** Edits a message sent before (an escalation, to show the decision), using that delivery's receipt. */
const UpdateSchema = z.object({
  kind: z.literal('update'),
  reply: ReplySchema,
  /** The id of the outbox row whose message is edited. */
  updateOf: z.string(),
});

/** A maker's question posted in the team's channel: its thread is where the team answers. */
const HandoffQuestionSchema = z.object({
  kind: z.literal('handoff-question'),
  reply: ReplySchema,
  handoffId: z.string(),
});

/** A reviewer's answer relayed to the maker, in the channel and thread where they asked. */
const HandoffAnswerSchema = z.object({
  kind: z.literal('handoff-answer'),
  reply: ReplySchema,
  handoffId: z.string(),
  channelId: z.string(),
  threadId: z.string().nullable(),
});

/**
 * One message to a reviewers' channel listing several apps to review (a policy change), each with its
 * buttons; edited as each is decided, from the items kept here.
 */
const ReviewDigestSchema = z.object({
  kind: z.literal('review-digest'),
  reply: ReplySchema,
  /** A reminder of late apps from an earlier digest. */
  reminder: z.boolean().optional(),
  items: z.array(
    z.object({
      appId: z.string(),
      appVersion: z.number().int(),
      team: z.string(),
      /** How the app is listed, and what its buttons say after the action ("APP-0003", "APP-0003 (Privacy)"). */
      line: z.string(),
      label: z.string(),
    }),
  ),
});
export type ReviewDigestPayload = z.infer<typeof ReviewDigestSchema>;

export const OutboxPayloadSchema = z.discriminatedUnion('kind', [
  EscalationSchema,
  ReminderSchema,
  NotificationSchema,
  UpdateSchema,
  HandoffQuestionSchema,
  HandoffAnswerSchema,
  ReviewDigestSchema,
]);
export type OutboxPayload = z.infer<typeof OutboxPayloadSchema>;

/**
 * The OutboxMessage row's `kind` column, which queries select on (`kind: 'escalation'`): derived from the
 * payload's kind here and only here. Everything sent to a person's or a thread's chat is a notification.
 */
const ROW_KIND = {
  escalation: 'escalation',
  reminder: 'reminder',
  update: 'update',
  notification: 'notification',
  'handoff-question': 'notification',
  'handoff-answer': 'notification',
  'review-digest': 'digest',
} as const satisfies Record<OutboxPayload['kind'], string>;

type OutboxRowKind = (typeof ROW_KIND)[keyof typeof ROW_KIND];

export function outboxRowKind(payload: OutboxPayload): OutboxRowKind {
  return ROW_KIND[payload.kind];
}

/**
 * Rows written before payloads carried their kind hold the same fields without it: their kind follows
 * from the row's column, and for notifications from the fields the handoffs added.
 */
function withKind(rowKind: string, payload: unknown): unknown {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload) || 'kind' in payload) return payload;
  const kind =
    rowKind !== 'notification'
      ? rowKind
      : 'channelId' in payload
        ? 'handoff-answer'
        : 'handoffId' in payload
          ? 'handoff-question'
          : 'notification';
  return { ...payload, kind };
}

type ParsedOutboxPayload = { ok: true; payload: OutboxPayload } | { ok: false; error: string };

/** Reads an outbox row's payload, given its `kind` column; says precisely what is wrong when it cannot. */
export function parseOutboxPayload(rowKind: string, payload: unknown): ParsedOutboxPayload {
  const unreadable = (problem: string) => ({
    ok: false as const,
    error: `Outbox payload does not parse as kind "${rowKind}": ${problem}`,
  });
  const parsed = OutboxPayloadSchema.safeParse(withKind(rowKind, payload));
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) =>
      issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message,
    );
    return unreadable(problems.join('; '));
  }
  const belongsIn = outboxRowKind(parsed.data);
  if (belongsIn !== rowKind)
    return unreadable(`a "${parsed.data.kind}" payload belongs in a row of kind "${belongsIn}"`);
  return { ok: true, payload: parsed.data };
}
