import { z } from 'zod';

// The core's platform-neutral reply: adapters render it as Block Kit, Adaptive Cards or terminal text.
// The types are read off the schemas, so a reply stored in the outbox is parsed back exactly as it was.

const ChoiceOptionSchema = z.object({
  /** What the core receives back when the option is picked (typed or clicked). */
  value: z.string(),
  label: z.string(),
});
export type ChoiceOption = z.infer<typeof ChoiceOptionSchema>;

const ReplyButtonSchema = z.object({
  label: z.string(),
  /** Sent back to the core as the user's message when clicked. */
  value: z.string(),
  style: z.enum(['primary', 'danger']).optional(),
});
export type ReplyButton = z.infer<typeof ReplyButtonSchema>;

const ReplyFieldSchema = z.object({
  label: z.string(),
  value: z.string(),
  /** The value was inferred rather than given by the user. */
  inferred: z.boolean().optional(),
});
export type ReplyField = z.infer<typeof ReplyFieldSchema>;

export const ReplySchema = z.object({
  /** Plain text, always present: the fallback every platform can show. */
  text: z.string(),
  title: z.string().optional(),
  fields: z.array(ReplyFieldSchema).optional(),
  choices: z.object({ multiple: z.boolean(), options: z.array(ChoiceOptionSchema) }).optional(),
  buttons: z.array(ReplyButtonSchema).optional(),
  tone: z.enum(['question', 'info', 'success', 'warning', 'error']).optional(),
  /**
   * The text and fields quote what people wrote (an app's profile, a maker's question): a platform shows
   * them exactly as written and reads no formatting into them, so "*URGENT*" in an app's name is not bold.
   */
  literal: z.boolean().optional(),
  /** Set on questions: once answered, adapters may update this message in place to show the answer. */
  questionId: z.string().optional(),
  /**
   * Set by the conversation engine on a question: which asking of it this is. A click sends it back
   * (InboundMessage.ask), and the engine refuses a click on a question that is no longer the live one.
   */
  ask: z.string().optional(),
});
export type Reply = z.infer<typeof ReplySchema>;
