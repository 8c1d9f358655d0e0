import { z } from 'zod';
import { ConfigError } from '../../src/config.ts';

// The Slack settings, read from the environment once. Slack is on when its secrets are present:
// a bot token with a signing secret (HTTP) or with an app-level token (Socket Mode).

export const SLACK_DEFAULT_API_URL = 'https://slack.com/api/';

/** Where Slack sends events, interactivity and slash commands over HTTP. */
export const SLACK_EVENTS_PATH = '/slack/events';

const blankToUndefined = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value);
const secret = (prefix: string | undefined, what: string) =>
  z.preprocess(
    blankToUndefined,
    z
      .string()
      .trim()
      .refine((value) => prefix === undefined || value.startsWith(prefix), {
        message: `must be ${what} (${prefix}...)`,
      })
      .optional(),
  );

const SlackEnvSchema = z.object({
  SLACK_SIGNING_SECRET: secret(undefined, 'the signing secret'),
  SLACK_BOT_TOKEN: secret('xoxb-', 'a bot token'),
  SLACK_APP_TOKEN: secret('xapp-', 'an app-level token'),
  SLACK_API_URL: z.preprocess(
    blankToUndefined,
    z
      .string()
      .trim()
      .refine((value) => URL.canParse(value) && /^https?:$/u.test(new URL(value).protocol), {
        message: 'must be an http(s) URL such as https://slack.com/api/',
      })
      .default(SLACK_DEFAULT_API_URL),
  ),
  /** How long a Web API call may take before it counts as failed (and, for the outbox, is retried). */
  SLACK_REQUEST_TIMEOUT_MS: z.preprocess(
    blankToUndefined,
    z.coerce.number().int().min(100).max(120_000).default(10_000),
  ),
});

export interface SlackAdapterConfig {
  botToken: string;
  /** Socket Mode (an app-level token) or HTTP requests to POST /slack/events (the signing secret). */
  mode: { kind: 'socket'; appToken: string } | { kind: 'http'; signingSecret: string };
  /** Base URL of the Web API, ending in a slash. */
  apiUrl: string;
  requestTimeoutMs: number;
}

/**
 * The Slack settings, or undefined when none of the secrets is set. Throws a ConfigError naming the
 * missing variable when Slack is half-configured, and never echoes a value.
 */
export function parseSlackConfig(env: Record<string, string | undefined>): SlackAdapterConfig | undefined {
  const parsed = SlackEnvSchema.safeParse(env);
  if (!parsed.success)
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  const {
    SLACK_SIGNING_SECRET: signingSecret,
    SLACK_BOT_TOKEN: botToken,
    SLACK_APP_TOKEN: appToken,
    SLACK_API_URL,
    SLACK_REQUEST_TIMEOUT_MS,
  } = parsed.data;
  if (!signingSecret && !botToken && !appToken) return undefined;
  if (!botToken) {
    const present = signingSecret ? 'SLACK_SIGNING_SECRET' : 'SLACK_APP_TOKEN';
    throw new ConfigError([
      `SLACK_BOT_TOKEN: is required when ${present} is set (the bot token, xoxb-..., from OAuth & Permissions)`,
    ]);
  }
  if (!signingSecret && !appToken) {
    throw new ConfigError([
      'SLACK_SIGNING_SECRET: is required with SLACK_BOT_TOKEN (Basic Information > Signing Secret), or set SLACK_APP_TOKEN to use Socket Mode',
    ]);
  }
  const apiUrl = SLACK_API_URL.endsWith('/') ? SLACK_API_URL : `${SLACK_API_URL}/`;
  // An app-level token means Socket Mode, even when a signing secret is also set.
  const mode: SlackAdapterConfig['mode'] = appToken
    ? { kind: 'socket', appToken }
    : { kind: 'http', signingSecret: signingSecret as string };
  return { botToken, mode, apiUrl, requestTimeoutMs: SLACK_REQUEST_TIMEOUT_MS };
}
