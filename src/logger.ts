import { pino } from 'pino';
import type { Logger } from 'pino';

export type { Logger };

// Structured JSON logs. Secrets are redacted by key wherever they appear; message text never carries them.
const REDACT = [
  'token',
  'apiKey',
  'password',
  'secret',
  'authorization',
  '*.token',
  '*.apiKey',
  '*.password',
  '*.secret',
  '*.authorization',
  'headers.authorization',
  'headers.cookie',
  'req.headers.authorization',
  'email',
  '*.email',
];

export function createLogger(level: string, destination: 'stdout' | 'stderr' = 'stdout'): Logger {
  return pino(
    { level, base: { service: 'steward' }, redact: { paths: REDACT, censor: '[redacted]' } },
    pino.destination({ fd: destination === 'stdout' ? 1 : 2, sync: true }),
  );
}
