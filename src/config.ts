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
  // The governance dashboard at /admin, behind the organisation's OpenID Connect provider. Unset: not served.
  OIDC_ISSUER_URL: optionalText.refine((value) => value === undefined || URL.canParse(value), {
    message: 'must be the issuer URL, e.g. https://login.microsoftonline.com/<tenant>/v2.0',
  }),
  OIDC_CLIENT_ID: optionalText,
  OIDC_CLIENT_SECRET: optionalText,
  /** Where people reach Steward: the sign-in redirect is PUBLIC_URL/admin/callback. */
  PUBLIC_URL: optionalText.refine((value) => value === undefined || /^https?:\/\/[^/]+/u.test(value), {
    message: 'must be the https:// address people reach Steward at, e.g. https://steward.example.com',
  }),
  /** Signs the dashboard's session cookies; at least 32 characters. */
  SESSION_SECRET: optionalText.refine((value) => value === undefined || value.length >= 32, {
    message: 'must be at least 32 characters (for example: openssl rand -hex 32)',
  }),
  /** Development only: a sign-in form without an identity provider, refused unless HOST is loopback. */
  DASHBOARD_DEV_LOGIN: z
    .enum(['true', 'false', ''])
    .default('false')
    .transform((value) => value === 'true'),
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
  const problems = dashboardProblems(result.data);
  if (problems.length > 0) throw new ConfigError(problems);
  return result.data;
}

const OIDC_SETTINGS = [
  'OIDC_ISSUER_URL',
  'OIDC_CLIENT_ID',
  'OIDC_CLIENT_SECRET',
  'PUBLIC_URL',
  'SESSION_SECRET',
] as const;

/** Loopback addresses: the development sign-in is served on these only. */
export function isLoopback(host: string): boolean {
  return ['127.0.0.1', '::1', 'localhost', '[::1]'].includes(host) || host.startsWith('127.');
}

function dashboardProblems(config: Config): string[] {
  const problems: string[] = [];
  const oidcStarted = (['OIDC_ISSUER_URL', 'OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET'] as const).some((key) => config[key]);
  if (oidcStarted)
    for (const key of OIDC_SETTINGS)
      if (!config[key])
        problems.push(`${key}: required for the dashboard's sign-in (set with ${OIDC_SETTINGS.join(', ')})`);
  // The session cookie is Secure: a browser keeps it only over https, or on this machine.
  if (config.PUBLIC_URL && URL.canParse(config.PUBLIC_URL)) {
    const url = new URL(config.PUBLIC_URL);
    if (url.protocol !== 'https:' && !isLoopback(url.hostname))
      problems.push('PUBLIC_URL: must be https:// (the sign-in cookie is Secure); plain http only on this machine');
  }
  if (config.DASHBOARD_DEV_LOGIN && !isLoopback(config.HOST))
    problems.push(`DASHBOARD_DEV_LOGIN: only for development, on a loopback HOST (127.0.0.1), not ${config.HOST}`);
  return problems;
}

export type DashboardSetting =
  | { kind: 'off' }
  | {
      kind: 'oidc';
      issuer: URL;
      clientId: string;
      clientSecret: string;
      publicUrl: URL;
      sessionSecret: string;
    }
  | { kind: 'dev-login'; sessionSecret: string | undefined };

/** How the dashboard signs people in: the organisation's OpenID Connect provider, a development form, or not at all. */
export function dashboardSetting(config: Config): DashboardSetting {
  if (
    config.OIDC_ISSUER_URL &&
    config.OIDC_CLIENT_ID &&
    config.OIDC_CLIENT_SECRET &&
    config.PUBLIC_URL &&
    config.SESSION_SECRET
  )
    return {
      kind: 'oidc',
      issuer: new URL(config.OIDC_ISSUER_URL),
      clientId: config.OIDC_CLIENT_ID,
      clientSecret: config.OIDC_CLIENT_SECRET,
      publicUrl: new URL(config.PUBLIC_URL),
      sessionSecret: config.SESSION_SECRET,
    };
  if (config.DASHBOARD_DEV_LOGIN) return { kind: 'dev-login', sessionSecret: config.SESSION_SECRET };
  return { kind: 'off' };
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
