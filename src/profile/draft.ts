import type { AiDomain, AiPractice, AppPlatform, AppProfile, Audience, DataCategory, Owner } from './schema.ts';
import { AppProfileSchema } from './schema.ts';
import type { AnswerValue } from './answers.ts';

/** A connected system and what the app does with it. */
export interface SystemAnswer {
  name: string;
  access: 'read' | 'write';
}

/** The profile being collected, one key per question. Stored as JSON in the conversation. */
export interface Draft {
  name?: string;
  description?: string;
  platform?: AppPlatform;
  department?: string;
  audience?: Audience;
  userCount?: number;
  dataCategories?: DataCategory[];
  systems?: SystemAnswer[];
  aiUsed?: boolean;
  aiGeneratesContent?: boolean;
  aiDecisionImpact?: 'none' | 'assistive' | 'significant';
  aiProfiling?: boolean;
  aiDomains?: AiDomain[];
  aiPractices?: AiPractice[];
  criticality?: 'low' | 'medium' | 'high';
  externalSharing?: boolean;
  /** Who looks after the app when the maker is away: asked only from the policy's tier up (src/intake/backup-owner.ts). */
  backupOwner?: Owner;
  /** Answers to the policy's own questions by id; null: skipped (an optional question). */
  answers?: Record<string, AnswerValue | null>;
}

/** A built-in question's key; the policy's own questions keep their answers under `answers`. */
export type DraftKey = Exclude<keyof Draft, 'answers'>;

/** What a confirmed risk hint (or AI-suggested fact) adds to the profile. */
export interface Implication {
  dataCategories?: DataCategory[];
  aiDomains?: AiDomain[];
  aiPractices?: AiPractice[];
  aiUsed?: boolean;
  profiling?: boolean;
  decisionImpact?: 'none' | 'assistive' | 'significant';
}

const IMPACT_ORDER = ['none', 'assistive', 'significant'] as const;

function union<T>(a: readonly T[] | undefined, b: readonly T[] | undefined): T[] {
  return [...new Set([...(a ?? []), ...(b ?? [])])];
}

/** Confirmed facts only ever add risk: they widen lists and raise flags, never narrow them. */
export function applyImplications(draft: Draft, implications: Implication[]): Draft {
  const result: Draft = { ...draft };
  for (const implied of implications) {
    if (implied.dataCategories) result.dataCategories = union(result.dataCategories, implied.dataCategories);
    if (implied.aiDomains) result.aiDomains = union(result.aiDomains, implied.aiDomains);
    if (implied.aiPractices) result.aiPractices = union(result.aiPractices, implied.aiPractices);
    // Domains and practices only matter if the app uses AI, which the maker is asked separately.
    if (implied.aiUsed) result.aiUsed = true;
    if (implied.profiling) result.aiProfiling = true;
    if (implied.decisionImpact) {
      const current = IMPACT_ORDER.indexOf(result.aiDecisionImpact ?? 'none');
      if (IMPACT_ORDER.indexOf(implied.decisionImpact) > current) result.aiDecisionImpact = implied.decisionImpact;
    }
  }
  return result;
}

/** Builds the validated profile; throws if the draft is incomplete (callers check completeness first). */
export function draftToProfile(draft: Draft, owner?: Owner): AppProfile {
  const aiUsed = draft.aiUsed ?? false;
  return AppProfileSchema.parse({
    name: draft.name,
    description: draft.description,
    platform: draft.platform,
    department: draft.department,
    audience: draft.audience,
    userCount: draft.userCount,
    dataCategories: draft.dataCategories ?? [],
    systems: draft.systems ?? [],
    ai: {
      used: aiUsed,
      generatesContent: aiUsed ? (draft.aiGeneratesContent ?? false) : false,
      decisionImpact: aiUsed ? (draft.aiDecisionImpact ?? 'none') : 'none',
      profiling: aiUsed ? (draft.aiProfiling ?? false) : false,
      domains: aiUsed ? (draft.aiDomains ?? []) : [],
      practices: aiUsed ? (draft.aiPractices ?? []) : [],
    },
    criticality: draft.criticality,
    externalSharing: draft.audience === 'external' ? true : (draft.externalSharing ?? false),
    ...(owner ? { owner } : {}),
    ...(draft.backupOwner ? { backupOwner: draft.backupOwner } : {}),
    ...answersOf(draft),
  });
}

/** The given answers (skipped ones left out), or nothing when there are none. */
function answersOf(draft: Draft): { answers?: Record<string, AnswerValue> } {
  const given = Object.entries(draft.answers ?? {}).filter(
    (entry): entry is [string, AnswerValue] => entry[1] !== null && entry[1] !== undefined,
  );
  return given.length > 0 ? { answers: Object.fromEntries(given) } : {};
}

/**
 * The draft in the profile's shape, for testing a policy condition while questions are still being
 * answered: what is not answered yet is missing (undefined), what follows from an answer is filled in
 * as draftToProfile would (no AI: no AI details; an external audience: shared externally).
 */
export function partialProfile(draft: Draft): Record<string, unknown> {
  const aiUsed = draft.aiUsed;
  const ai =
    aiUsed === false
      ? { used: false, generatesContent: false, decisionImpact: 'none', profiling: false, domains: [], practices: [] }
      : {
          used: aiUsed,
          generatesContent: draft.aiGeneratesContent,
          decisionImpact: draft.aiDecisionImpact,
          profiling: draft.aiProfiling,
          domains: draft.aiDomains,
          practices: draft.aiPractices,
        };
  return {
    name: draft.name,
    description: draft.description,
    platform: draft.platform,
    department: draft.department,
    audience: draft.audience,
    userCount: draft.userCount,
    dataCategories: draft.dataCategories,
    systems: draft.systems,
    ai,
    criticality: draft.criticality,
    externalSharing: draft.audience === 'external' ? true : draft.externalSharing,
    answers: answersOf(draft).answers ?? {},
  };
}

/** The profile the draft makes once every question is answered; undefined while it is incomplete. */
export function completeProfile(draft: Draft): AppProfile | undefined {
  // The questions every app answers; without them parsing would only fail, at a cost.
  const required = [draft.name, draft.description, draft.platform, draft.department, draft.audience, draft.userCount];
  if (required.includes(undefined) || draft.criticality === undefined) return undefined;
  try {
    return draftToProfile(draft);
  } catch {
    return undefined;
  }
}

export function profileToDraft(profile: AppProfile): Draft {
  return {
    name: profile.name,
    description: profile.description,
    platform: profile.platform,
    department: profile.department,
    audience: profile.audience,
    userCount: profile.userCount,
    dataCategories: [...profile.dataCategories],
    systems: profile.systems.map((system) => ({ ...system })),
    aiUsed: profile.ai.used,
    aiGeneratesContent: profile.ai.generatesContent,
    aiDecisionImpact: profile.ai.decisionImpact,
    aiProfiling: profile.ai.profiling,
    aiDomains: [...profile.ai.domains],
    aiPractices: [...profile.ai.practices],
    criticality: profile.criticality,
    externalSharing: profile.externalSharing,
    ...(profile.backupOwner ? { backupOwner: { ...profile.backupOwner } } : {}),
    ...(profile.answers
      ? {
          answers: Object.fromEntries(
            Object.entries(profile.answers).map(([id, answer]) => [id, Array.isArray(answer) ? [...answer] : answer]),
          ),
        }
      : {}),
  };
}
