import { z } from 'zod';
import { hasChatHazards } from '../llm/chat-hazards.ts';
import type { LlmClient } from '../llm/client.ts';
import { loadPrompt } from '../llm/prompts.ts';
import {
  AI_DOMAINS,
  AI_PRACTICES,
  APP_PLATFORMS,
  AUDIENCES,
  CRITICALITIES,
  DATA_CATEGORIES,
  DECISION_IMPACTS,
  SYSTEM_ACCESS,
} from '../profile/schema.ts';
import type { Draft } from '../profile/draft.ts';
import { plainText } from '../profile/plain-text.ts';

// One LLM call turns the maker's first description into profile fields; null means "not stated".
// The maker still confirms everything in the summary, where these show as inferred.

const ExtractionSchema = z.object({
  name: z.string().min(1).max(120).nullable(),
  platform: z.enum(APP_PLATFORMS).nullable(),
  department: z.string().min(1).max(200).nullable(),
  audience: z.enum(AUDIENCES).nullable(),
  userCount: z.number().int().min(0).max(10_000_000).nullable(),
  dataCategories: z.array(z.enum(DATA_CATEGORIES)).nullable(),
  systems: z.array(z.object({ name: z.string().min(1).max(200), access: z.enum(SYSTEM_ACCESS) })).nullable(),
  aiUsed: z.boolean().nullable(),
  aiGeneratesContent: z.boolean().nullable(),
  aiDecisionImpact: z.enum(DECISION_IMPACTS).nullable(),
  aiProfiling: z.boolean().nullable(),
  aiDomains: z.array(z.enum(AI_DOMAINS)).nullable(),
  aiPractices: z.array(z.enum(AI_PRACTICES)).nullable(),
  criticality: z.enum(CRITICALITIES).nullable(),
  externalSharing: z.boolean().nullable(),
});

export interface ExtractionOutcome {
  fields: Partial<Draft>;
  usage?: { promptTokens: number; completionTokens: number };
  error?: { kind: string; message: string };
}

export async function extractProfileFields(llm: LlmClient, description: string): Promise<ExtractionOutcome> {
  try {
    const response = await llm.parse({
      purpose: 'intake-extract',
      system: loadPrompt('extract-profile'),
      user: `<app_description>\n${description}\n</app_description>`,
      schema: ExtractionSchema,
      schemaName: 'app_profile_fields',
    });
    const fields: Partial<Draft> = {};
    for (const [key, value] of Object.entries(response.value)) {
      if (
        value !== null &&
        !(Array.isArray(value) && value.length === 0 && key !== 'dataCategories' && key !== 'systems')
      ) {
        (fields as Record<string, unknown>)[key] = value;
      }
    }
    // Text the model wrote obeys the rules for typed text, and brings no mention or link the maker did not
    // write; else the maker is asked for it. One bad system drops them all, so none is silently missing.
    const unfit = (text: string, max: number) =>
      !plainText(text, { min: 1, max, what: 'text' }).ok || hasChatHazards(text, description);
    if (fields.name !== undefined && unfit(fields.name, 120)) delete fields.name;
    if (fields.department !== undefined && unfit(fields.department, 200)) delete fields.department;
    if (fields.systems?.some((system) => unfit(system.name, 200))) delete fields.systems;
    // AI details mean nothing unless the app uses AI.
    if (fields.aiUsed !== true) {
      for (const key of ['aiGeneratesContent', 'aiDecisionImpact', 'aiProfiling', 'aiDomains', 'aiPractices'] as const)
        delete fields[key];
    }
    return { fields, usage: response.usage };
  } catch (error) {
    const kind =
      typeof error === 'object' && error !== null && 'kind' in error
        ? String((error as { kind: unknown }).kind)
        : 'other';
    return { fields: {}, error: { kind, message: error instanceof Error ? error.message : String(error) } };
  }
}
