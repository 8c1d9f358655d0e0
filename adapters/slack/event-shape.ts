import { z } from 'zod';

// The fields Steward reads of a message or app_mention event, checked before use. An event of another
// shape (a number for text, a null user) is acknowledged and ignored: answering it with a 500 would
// only make Slack send it again.

export const IncomingMessageSchema = z.object({
  subtype: z.string().optional(),
  bot_id: z.string().optional(),
  user: z.string().optional(),
  text: z.string().optional(),
  /** rich_text blocks: what was typed, unescaped; preferred over `text` (see message-text.ts). */
  blocks: z.unknown().optional(),
  channel: z.string(),
  channel_type: z.string().optional(),
  ts: z.string(),
  thread_ts: z.string().optional(),
});
export type IncomingMessage = z.infer<typeof IncomingMessageSchema>;

const CONVERSATION_EVENTS = new Set(['message', 'app_mention']);

/** The fields of a message event that are not as Slack documents them; none for any other request. */
export function unexpectedFields(body: unknown): string[] {
  const event = (body as { event?: { type?: unknown } } | undefined)?.event;
  if (!event || typeof event.type !== 'string' || !CONVERSATION_EVENTS.has(event.type)) return [];
  const parsed = IncomingMessageSchema.safeParse(event);
  return parsed.success ? [] : parsed.error.issues.map((issue) => issue.path.join('.') || '(event)');
}
