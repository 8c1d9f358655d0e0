import { z } from 'zod';

// The app profile is a public contract: field names and enum values are relied on outside the project.

export const APP_PLATFORMS = [
  'power-apps',
  'power-automate',
  'copilot-studio',
  'airtable',
  'zapier',
  'retool',
  'excel',
  'google-apps-script',
  'custom-gpt',
  'other',
] as const;
export const AUDIENCES = ['personal', 'team', 'department', 'organization', 'external'] as const;
export const DATA_CATEGORIES = [
  'public',
  'internal',
  'confidential',
  'personal',
  'special-category',
  'health',
  'children',
  'payment-card',
  'financial',
  'credentials',
] as const;
export const SYSTEM_ACCESS = ['read', 'write'] as const;
export const DECISION_IMPACTS = ['none', 'assistive', 'significant'] as const;
export const AI_DOMAINS = [
  'biometrics',
  'critical-infrastructure',
  'education',
  'employment',
  'essential-services',
  'law-enforcement',
  'migration',
  'justice',
] as const;
export const AI_PRACTICES = [
  'social-scoring',
  'manipulation',
  'exploiting-vulnerabilities',
  'emotion-recognition-workplace',
  'biometric-categorisation',
  'facial-scraping',
  'predictive-policing',
] as const;
export const CRITICALITIES = ['low', 'medium', 'high'] as const;

export type AppPlatform = (typeof APP_PLATFORMS)[number];
export type Audience = (typeof AUDIENCES)[number];
export type DataCategory = (typeof DATA_CATEGORIES)[number];
export type AiDomain = (typeof AI_DOMAINS)[number];
export type AiPractice = (typeof AI_PRACTICES)[number];

const OwnerSchema = z
  .object({
    platform: z.string().min(1).max(40),
    userId: z.string().min(1).max(200),
    displayName: z.string().max(200).optional(),
    email: z.string().email().max(320).optional(),
  })
  .strict();
export type Owner = z.infer<typeof OwnerSchema>;

const SystemSchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    access: z.enum(SYSTEM_ACCESS),
  })
  .strict();

const AiSchema = z
  .object({
    used: z.boolean(),
    generatesContent: z.boolean().default(false),
    decisionImpact: z.enum(DECISION_IMPACTS).default('none'),
    profiling: z.boolean().default(false),
    domains: z.array(z.enum(AI_DOMAINS)).default([]),
    practices: z.array(z.enum(AI_PRACTICES)).default([]),
  })
  .strict();
export type AiUse = z.infer<typeof AiSchema>;

const AnswerSchema = z.union([
  z.boolean(),
  z.number().finite(),
  z.string().trim().min(1).max(2000),
  z.array(z.string().trim().min(1).max(200)).max(100),
]);

export const AppProfileSchema = z
  .object({
    name: z.string().trim().min(1).max(120),
    description: z.string().trim().min(1).max(4000),
    platform: z.enum(APP_PLATFORMS),
    department: z.string().trim().min(1).max(200),
    audience: z.enum(AUDIENCES),
    userCount: z.number().int().min(0),
    dataCategories: z.array(z.enum(DATA_CATEGORIES)),
    systems: z.array(SystemSchema),
    ai: AiSchema,
    criticality: z.enum(CRITICALITIES),
    externalSharing: z.boolean(),
    owner: OwnerSchema.optional(),
    /** Who looks after the app when the owner is away or leaves: a person on the owner's platform, or an e-mail. */
    backupOwner: OwnerSchema.optional(),
    /**
     * Answers to the organisation's own intake questions (policy `intake.questions`), by question id:
     * yes/no, a choice's value, several values, a number or text. Rules read them as `answers.<id>`.
     */
    answers: z.record(z.string().regex(/^[a-z][A-Za-z0-9]*$/u, 'question ids are camelCase'), AnswerSchema).optional(),
  })
  .strict();

/** A complete, validated app profile. */
export type AppProfile = z.infer<typeof AppProfileSchema>;
/** What a caller may send before defaults are applied. */
export type AppProfileInput = z.input<typeof AppProfileSchema>;

/** JSON Schema of the profile, as printed by `steward schema`. */
export function appProfileJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(AppProfileSchema, { io: 'input', target: 'draft-2020-12' }) as Record<string, unknown>;
}

/** "a.b[2].c: message" lines, one per issue, for CLI and chat errors. */
export function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const path = issue.path
      .map((part, index) => (typeof part === 'number' ? `[${part}]` : index === 0 ? String(part) : `.${String(part)}`))
      .join('');
    return `${path || '(root)'}: ${issue.message}`;
  });
}
