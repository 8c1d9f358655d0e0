import { webApi } from '@slack/bolt';
import type { Logger } from '../../src/logger.ts';
import { createBoltLogger } from './bolt-logger.ts';
import type { SlackAdapterConfig } from './config.ts';

// Web API clients and what their failures mean. Two clients: one for answering people (it waits out
// a 429's Retry-After and retries briefly), one for the outbox (it fails at once, so the outbox worker
// schedules the retry and nothing blocks the delivery loop).

export type WebClient = webApi.WebClient;

export function createWebClients(
  config: SlackAdapterConfig,
  logger: Logger,
): { interactive: WebClient; delivery: WebClient } {
  const shared = {
    slackApiUrl: config.apiUrl,
    logger: createBoltLogger(logger.child({ component: 'slack-web-api' })),
    timeout: config.requestTimeoutMs,
  };
  return {
    interactive: new webApi.WebClient(config.botToken, {
      ...shared,
      retryConfig: { retries: 2, factor: 2, minTimeout: 250, maxTimeout: 2000, randomize: true },
    }),
    delivery: new webApi.WebClient(config.botToken, {
      ...shared,
      rejectRateLimitedCalls: true,
      retryConfig: { retries: 0 },
    }),
  };
}

export interface SlackFailure {
  /** rate-limited and unavailable are worth retrying; refused is not (until someone fixes something). */
  kind: 'rate-limited' | 'unavailable' | 'refused';
  /** Slack's error code, e.g. channel_not_found. */
  code?: string;
  retryAfterMs?: number;
  /** Slack may have acted on the request even though it failed (timeout, dropped connection, 5xx). */
  uncertain?: boolean;
  /** What went wrong and what to do, without tokens or request bodies. */
  message: string;
}

const TRANSIENT_CODES = new Set([
  'ratelimited',
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
]);

const HINTS: Record<string, string> = {
  channel_not_found: 'the channel does not exist, or it is private and Steward is not a member (invite @Steward)',
  not_in_channel: 'Steward is not a member of the channel: invite it with /invite @Steward',
  is_archived: 'the channel is archived',
  invalid_auth: 'Slack refused the bot token: check SLACK_BOT_TOKEN',
  not_authed: 'no bot token was sent: check SLACK_BOT_TOKEN',
  token_revoked: 'the bot token was revoked: reinstall the app and update SLACK_BOT_TOKEN',
  token_expired: 'the bot token expired: update SLACK_BOT_TOKEN',
  account_inactive: 'the bot token belongs to a deactivated app or user: check SLACK_BOT_TOKEN',
  missing_scope: 'the app lacks a scope: reinstall it with the scopes in manifest.json',
  user_not_found: 'no such Slack user',
  message_not_found: 'the message no longer exists',
  cant_update_message: 'the message cannot be edited by Steward',
  expired_trigger_id: 'the click is too old to open a form (Slack allows 3 seconds)',
};

interface MaybeSlackError {
  code?: unknown;
  retryAfter?: unknown;
  statusCode?: unknown;
  data?: { error?: unknown; needed?: unknown };
  original?: { name?: unknown; code?: unknown; cause?: { code?: unknown; message?: unknown } };
}

/** Sorts a Web API failure into retry-or-not, with a message fit for logs and dead letters. */
export function classifySlackError(error: unknown, method: string): SlackFailure {
  const failure = (error ?? {}) as MaybeSlackError;
  switch (failure.code) {
    case 'slack_webapi_rate_limited_error': {
      const seconds = typeof failure.retryAfter === 'number' ? failure.retryAfter : 1;
      return {
        kind: 'rate-limited',
        retryAfterMs: seconds * 1000,
        message: `Slack ${method}: rate limited, retry after ${seconds} s`,
      };
    }
    case 'slack_webapi_http_error': {
      const status = Number(failure.statusCode);
      const retry = status >= 500 || status === 408;
      return { kind: retry ? 'unavailable' : 'refused', uncertain: retry, message: `Slack ${method}: HTTP ${status}` };
    }
    case 'slack_webapi_request_error': {
      // Connection refused, DNS, timeouts: the error name or code is enough; its text may carry the URL.
      const original = failure.original ?? {};
      const why = String(
        original.cause?.code ?? original.code ?? original.cause?.message ?? original.name ?? 'request failed',
      ).slice(0, 80);
      // Only a refused connection proves the request never arrived; a timeout or a dropped connection may have posted.
      return {
        kind: 'unavailable',
        uncertain: !/ECONNREFUSED|ENOTFOUND|EAI_AGAIN/u.test(why),
        message: `Slack ${method}: could not reach the Web API (${why})`,
      };
    }
    case 'slack_webapi_platform_error': {
      const code = String(failure.data?.error ?? 'unknown_error');
      const needed = typeof failure.data?.needed === 'string' ? ` (needed: ${failure.data.needed})` : '';
      const hint = HINTS[code] ? `: ${HINTS[code]}${needed}` : needed;
      return {
        kind: TRANSIENT_CODES.has(code) ? 'unavailable' : 'refused',
        code,
        message: `Slack ${method} failed with ${code}${hint}`,
      };
    }
    default:
      return {
        kind: 'unavailable',
        message: `Slack ${method}: ${error instanceof Error ? error.message : String(error)}`,
      };
  }
}

export function slackErrorCode(error: unknown): string | undefined {
  const failure = (error ?? {}) as MaybeSlackError;
  return failure.code === 'slack_webapi_platform_error' && typeof failure.data?.error === 'string'
    ? failure.data.error
    : undefined;
}
