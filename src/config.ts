import path from 'node:path';
import { z } from 'zod';

// Every setting comes from the environment and is validated once, at start, with messages naming the variable.

const optionalText = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

const ConfigSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().trim().min(1).default('0.0.0.0'),
  DATABASE_URL: optionalText.refine((value) => value === undefined || /^postgres(ql)?:\/\//.test(value), {
    message: 'must be a postgresql:// connection string',
  }),
  PGLITE_DIR: z.string().trim().min(1).default('./data/pglite'),
  STEWARD_POLICY: optionalText,
  OPENAI_API_KEY: optionalText,
  OPENAI_BASE_URL: optionalText.refine((value) => value === undefined || URL.canParse(value), {
    message: 'must be a URL such as https://api.openai.com/v1',
  }),
  OPENAI_MODEL: z.string().trim().min(1).default('gpt-4o-mini'),
  LLM_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(8000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  STEWARD_USER: optionalText,
  OUTBOX_POLL_MS: z.coerce.number().int().min(10).max(60_000).default(1000),
  /** How long a delivery may take before another instance may assume it crashed and take the message over. */
  OUTBOX_LEASE_MS: z.coerce.number().int().min(500).max(3_600_000).default(60_000),
  /**
   * Bearer token for the admin HTTP API (POST /api/leavers, for HR or identity workflows). Unset: that
   * API refuses every request. At least 32 characters, so it cannot be guessed.
   */
  STEWARD_ADMIN_TOKEN: optionalText.refine((value) => value === undefined || value.length >= 32, {
    message: 'must be at least 32 characters (for example: openssl rand -hex 32)',
  }),
  /** How often the server looks for reviews past their SLA. */
  SLA_CHECK_MS: z.coerce.number().int().min(100).max(86_400_000).default(60_000),
  /** How often the server runs recertification and, when the policy enables it, the discovery nudge. */
  LIFECYCLE_CHECK_MS: z.coerce.number().int().min(100).max(86_400_000).default(3_600_000),
});

export type Config = z.infer<typeof ConfigSchema>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const result = ConfigSchema.safeParse(env);
  if (!result.success) {
    // Name the variable, never echo its value: it may be a secret.
    throw new ConfigError(result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  return result.data;
}

export type DatabaseSetting = { kind: 'pglite'; dir: string } | { kind: 'postgres'; url: string };

export function databaseSetting(config: Config, cwd = process.cwd()): DatabaseSetting {
  if (config.DATABASE_URL) return { kind: 'postgres', url: config.DATABASE_URL };
  return { kind: 'pglite', dir: path.resolve(cwd, config.PGLITE_DIR) };
}

export function llmSettings(config: Config) {
  return {
    apiKey: config.OPENAI_API_KEY,
    baseUrl: config.OPENAI_BASE_URL,
    model: config.OPENAI_MODEL,
    timeoutMs: config.LLM_TIMEOUT_MS,
  };
}
