import { z } from 'zod';
import { hasChatHazards } from '../llm/chat-hazards.ts';
import type { LlmClient } from '../llm/client.ts';
import { loadPrompt } from '../llm/prompts.ts';
import type { Question } from './questions.ts';

// One LLM call for an answer the rules could not read: the answer rewritten in words the rules read
// ("we pay people with it" -> "financial"), which the dialogue then confirms with the maker.

const InterpretationSchema = z.object({ reading: z.string().trim().min(1).max(500).nullable() });

export interface InterpretationOutcome {
  reading?: string;
  error?: { kind: string; message: string };
}

export async function interpretAnswer(
  llm: LlmClient,
  question: Question,
  answer: string,
): Promise<InterpretationOutcome> {
  const accepted = question.options
    ? question.options.map((option) => `${option.value}: ${option.label}`).join('\n')
    : question.accepts
      ? question.accepts
      : question.id === 'userCount'
        ? 'a whole number of people'
        : question.id === 'systems'
          ? 'systems with (read) or (write), or none'
          : 'yes or no, or free text';
  try {
    const response = await llm.parse({
      purpose: 'intake-interpret',
      system: loadPrompt('interpret-answer'),
      user: `<question id="${question.id}">${question.prompt}</question>\n<accepted${question.multiple ? ' several="true"' : ''}>\n${accepted}\n</accepted>\n<maker_answer>\n${answer}\n</maker_answer>`,
      schema: InterpretationSchema,
      schemaName: 'answer_reading',
    });
    const reading = response.value.reading;
    // The reading is shown to the maker to confirm: a mention or a link they did not write is no reading.
    return reading && !hasChatHazards(reading, answer) ? { reading } : {};
  } catch (error) {
    const kind =
      typeof error === 'object' && error !== null && 'kind' in error
        ? String((error as { kind: unknown }).kind)
        : 'other';
    return { error: { kind, message: error instanceof Error ? error.message : String(error) } };
  }
}
