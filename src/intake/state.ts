import { z } from 'zod';
import { ImpliedFactsSchema } from '../policy/schema.ts';

// A conversation's state, stored as JSON after every turn and parsed back on the next one,
// so any instance can take any turn and a restart loses nothing.

const DraftSchema = z.record(z.string(), z.unknown());
const SystemAnswerSchema = z.object({ name: z.string(), access: z.enum(['read', 'write']) });

const IntakeStateSchema = z.object({
  draft: DraftSchema,
  /** Fields the AI filled in from the description; shown as inferred in the summary. */
  inferred: z.array(z.string()).default([]),
  /** What we are waiting for: `q:<question>`, `hint:<id>`, `duplicate`, or `summary`. */
  step: z.string(),
  /** Steps answered so far, for "back". */
  history: z.array(z.string()).default([]),
  /** Risk hints matched in what the maker wrote, still to be confirmed. */
  pendingHints: z.array(z.string()).default([]),
  /** Hint id -> the maker's yes/no. */
  hintAnswers: z.record(z.string(), z.boolean()).default({}),
  /** The summary was reached once: after an edit, go back to it. */
  reachedSummary: z.boolean().default(false),
  extractionDone: z.boolean().default(false),
  updating: z.object({ appId: z.string(), reference: z.string() }).optional(),
  /** The inventory's item this registration started from: the app is linked to it when submitted. */
  discovered: z.object({ itemId: z.string() }).optional(),
  /** The registered app with the same name, while we offer to update it. */
  duplicateOf: z.object({ appId: z.string(), reference: z.string() }).optional(),
  /** A reading of the last answer waiting for the maker's word: "Did you mean ...?", which one, or read or write. */
  clarify: z
    .discriminatedUnion('kind', [
      z.object({ kind: z.literal('confirm'), value: z.unknown(), byLlm: z.boolean().default(false) }),
      z.object({ kind: z.literal('choose'), candidates: z.array(z.string()).min(1) }),
      z.object({ kind: z.literal('access'), known: z.array(SystemAnswerSchema), missing: z.array(z.string()).min(1) }),
    ])
    .optional(),
  /** Answers in a row to the current question that could not be read: the next refusal says something new. */
  misses: z.number().int().min(0).default(0),
  /** The maker's last unread answer, for "ask a human". */
  lastMiss: z.string().max(500).optional(),
  /** Answers interpreted by the LLM in this registration (capped per registration). */
  llmReadings: z.number().int().min(0).default(0),
});
export type IntakeState = z.infer<typeof IntakeStateSchema>;

const FactsStateSchema = z.object({
  appId: z.string(),
  reference: z.string(),
  facts: z.array(z.object({ fact: z.string(), implies: ImpliedFactsSchema.optional() })),
  index: z.number().int().min(0),
  confirmed: z.array(ImpliedFactsSchema).default([]),
});
export type FactsState = z.infer<typeof FactsStateSchema>;

/** The last guardrail question answered, so "ask a human" knows what to hand over and to whom. */
const LastQuestionSchema = z.object({
  question: z.string(),
  team: z.string(),
  citations: z.array(z.object({ id: z.string(), title: z.string() })).default([]),
});
export type LastQuestion = z.infer<typeof LastQuestionSchema>;

const remembered = { lastQuestion: LastQuestionSchema.optional() };

const ConversationStateSchema = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('idle'), ...remembered }),
  z.object({ mode: z.literal('intake'), intake: IntakeStateSchema, ...remembered }),
  z.object({ mode: z.literal('facts'), facts: FactsStateSchema, ...remembered }),
]);
export type ConversationState = z.infer<typeof ConversationStateSchema>;

export const IDLE: ConversationState = { mode: 'idle' };

/** A stored state that no longer parses (say, after an upgrade) restarts the conversation rather than failing every turn. */
export function parseConversationState(value: unknown): { state: ConversationState; recovered: boolean } {
  const parsed = ConversationStateSchema.safeParse(value);
  return parsed.success ? { state: parsed.data, recovered: false } : { state: IDLE, recovered: true };
}
