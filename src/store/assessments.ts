import { z } from 'zod';
import type { Assessment, AssessmentResult } from '../assessment/assess.ts';
import { TIERS } from '../policy/schema.ts';
import type { Client } from './types.ts';
import { toJson } from './types.ts';

// Assessments of app versions, as assessed (reasons, source, the LLM's outcome), read back parsed.

interface StoredAssessment extends Assessment {
  createdAt: Date;
}

export interface AssessmentRepository {
  record(appId: string, version: number, assessment: Assessment & Pick<AssessmentResult, 'llm'>): Promise<void>;
  /** The app's most recent assessment, of any version. */
  latest(appId: string): Promise<StoredAssessment | null>;
  /** The first assessment of that version: when it was submitted. */
  firstOf(appId: string, version: number): Promise<StoredAssessment | null>;
}

const StoredAssessmentSchema = z.object({
  tier: z.enum(TIERS),
  teams: z.array(z.string()),
  reasons: z.array(
    z.object({
      rule: z.string(),
      tier: z.enum(TIERS),
      teams: z.array(z.string()),
      explanation: z.string(),
      source: z.string().default(''),
    }),
  ),
  assessedBy: z
    .string()
    .transform((value): Assessment['assessedBy'] => (value === 'rules+llm' ? 'rules+llm' : 'rules')),
  policyVersion: z.string(),
});

interface AssessmentColumns {
  tier: string;
  teams: string[];
  reasons: unknown;
  assessedBy: string;
  policyVersion: string;
  createdAt: Date;
}

/** An assessment as stored, read back; one that no longer parses shows its tier without reasons. */
function parseStoredAssessment(stored: AssessmentColumns): StoredAssessment {
  const parsed = StoredAssessmentSchema.safeParse(stored);
  if (parsed.success) return { ...parsed.data, createdAt: stored.createdAt };
  return {
    // An unknown tier is shown as the highest, never read as harmless.
    tier: z.enum(TIERS).catch('critical').parse(stored.tier),
    teams: stored.teams,
    reasons: [],
    assessedBy: stored.assessedBy === 'rules+llm' ? 'rules+llm' : 'rules',
    policyVersion: stored.policyVersion,
    createdAt: stored.createdAt,
  };
}

export function assessmentRepository(db: Client): AssessmentRepository {
  return {
    async record(appId, version, assessment) {
      await db.assessment.create({
        data: {
          appId,
          appVersion: version,
          tier: assessment.tier,
          teams: assessment.teams,
          reasons: toJson(assessment.reasons),
          assessedBy: assessment.assessedBy,
          policyVersion: assessment.policyVersion,
          ...(assessment.llm === undefined ? {} : { llm: toJson(assessment.llm) }),
        },
      });
    },
    async latest(appId) {
      const row = await db.assessment.findFirst({ where: { appId }, orderBy: { createdAt: 'desc' } });
      return row ? parseStoredAssessment(row) : null;
    },
    async firstOf(appId, version) {
      const row = await db.assessment.findFirst({
        where: { appId, appVersion: version },
        orderBy: { createdAt: 'asc' },
      });
      return row ? parseStoredAssessment(row) : null;
    },
  };
}
