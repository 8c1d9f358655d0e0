import { LogLevel } from '@slack/bolt';
import type { Logger as BoltLogger } from '@slack/bolt';
import type { Logger } from '../../src/logger.ts';

// Bolt and its Web API client log through Steward's logger, so their lines are JSON like the rest.
// The level is Steward's (LOG_LEVEL); Bolt's own setLevel and setName calls are remembered, not applied.

function describe(part: unknown): string {
  if (part instanceof Error) return part.message;
  if (typeof part === 'string') return part;
  try {
    return JSON.stringify(part);
  } catch {
    return String(part);
  }
}

export function createBoltLogger(logger: Logger): BoltLogger {
  let level: LogLevel = LogLevel.INFO;
  const line = (parts: unknown[]) => parts.map(describe).join(' ');
  return {
    debug: (...parts: unknown[]) => logger.debug(line(parts)),
    info: (...parts: unknown[]) => logger.info(line(parts)),
    warn: (...parts: unknown[]) => logger.warn(line(parts)),
    error: (...parts: unknown[]) => logger.error(line(parts)),
    setLevel: (next: LogLevel) => {
      level = next;
    },
    getLevel: () => level,
    setName: () => undefined,
  };
}
