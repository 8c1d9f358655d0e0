import { pino } from 'pino';
import type { DestinationStream, Logger } from 'pino';

export type { Logger };

// Structured JSON logs. Secrets and personal data are redacted by key wherever they appear in a log
// object; messages themselves are written never to carry them.
const REDACTED_KEYS = [
  'token',
  'apiKey',
  'password',
  'secret',
  'signingSecret',
  'authorization',
  'cookie',
  'email',
  'displayName',
  'text',
  'question',
  'description',
];

const REDACT = [
  ...REDACTED_KEYS,
  ...REDACTED_KEYS.map((key) => `*.${key}`),
  'req.headers.authorization',
  'headers.authorization',
  'headers.cookie',
];

export function createLogger(level: string, destination: 'stdout' | 'stderr' | DestinationStream = 'stdout'): Logger {
  const stream =
    typeof destination === 'string'
      ? pino.destination({ fd: destination === 'stdout' ? 1 : 2, sync: true })
      : destination;
  return pino({ level, base: { service: 'steward' }, redact: { paths: REDACT, censor: '[redacted]' } }, stream);
}
