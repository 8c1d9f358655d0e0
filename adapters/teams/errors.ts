import { DeliveryError } from '../../src/outbox/transport.ts';

// Bot Connector failures as outbox outcomes. botbuilder's HTTP client has already retried 429 (after
// Retry-After) and 5xx three times when an error reaches here; the outbox retries again, later.

interface ConnectorFailure {
  statusCode?: number;
  code?: string;
  message?: string;
  response?: { headers?: { get?(name: string): string | undefined } };
}

/** The Bot Connector's status and error code, e.g. 403 BotNotInConversationRoster. */
export function connectorFailure(error: unknown): { status?: number; code?: string } {
  const failure = (typeof error === 'object' && error !== null ? error : {}) as ConnectorFailure;
  return {
    ...(typeof failure.statusCode === 'number' ? { status: failure.statusCode } : {}),
    ...(typeof failure.code === 'string' ? { code: failure.code } : {}),
  };
}

/** Retry-After (seconds or an HTTP date) in milliseconds. */
export function retryAfterMs(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/u.test(value.trim())) return Math.round(Number(value) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export function deliveryErrorFrom(error: unknown, destination: string): DeliveryError {
  if (error instanceof DeliveryError) return error;
  const { status, code } = connectorFailure(error);
  const detail = `${status ?? ''} ${code ?? ''}`.trim();
  if (status === 429) {
    const header = (error as ConnectorFailure).response?.headers?.get?.('retry-after');
    return new DeliveryError(`Teams throttled the bot (429) posting to ${destination}`, true, retryAfterMs(header));
  }
  if (status === 403 && code === 'BotNotInConversationRoster') {
    return new DeliveryError(
      `Steward is not installed where "${destination}" is (403 BotNotInConversationRoster): add the app to that team, or to the user's chat`,
      false,
    );
  }
  if (status === 403 && code === 'ConversationBlockedByUser')
    return new DeliveryError(`The user behind ${destination} blocked Steward (403 ConversationBlockedByUser)`, false);
  if (status === 401)
    return new DeliveryError(
      `The Bot Connector refused the bot's credentials (401) posting to ${destination}: check MICROSOFT_APP_ID and its secret`,
      false,
    );
  if (status !== undefined && status >= 500)
    return new DeliveryError(`The Bot Connector failed (${detail}) posting to ${destination}`, true);
  if (status === 408) return new DeliveryError(`The Bot Connector timed out (408) posting to ${destination}`, true);
  if (status !== undefined)
    return new DeliveryError(`The Bot Connector refused the post to ${destination} (${detail})`, false);
  // No HTTP status: the connection failed or timed out, which is worth another try.
  const reason = error instanceof Error ? (code ?? error.name) : 'unknown error';
  return new DeliveryError(`Could not reach the Bot Connector for ${destination} (${reason})`, true);
}
