import { LogLevel } from '@slack/bolt';
import type { Logger as BoltLogger } from '@slack/bolt';
import { redactLibraryLine } from '../../src/logger.ts';
import type { Logger } from '../../src/logger.ts';

// Bolt and its Web API client log through Steward's logger, so their lines are JSON like the rest.
// The level is Steward's (LOG_LEVEL); Bolt's own setLevel and setName calls are remembered, not applied.
// At debug level they log whole requests and answers (users.info profiles, message bodies), objects
// and JSON inside their messages alike: every line is redacted before it is written.

type Level = 'debug' | 'info' | 'warn' | 'error';

export function createBoltLogger(logger: Logger): BoltLogger {
  let level: LogLevel = LogLevel.INFO;
  const write =
    (at: Level) =>
    (...parts: unknown[]) => {
      // Redacting parses JSON: not for lines that would not be written anyway.
      if (!logger.isLevelEnabled(at)) return;
      const { message, fields } = redactLibraryLine(parts);
      if (fields) logger[at](fields, message);
      else logger[at](message);
    };
  return {
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    setLevel: (next: LogLevel) => {
      level = next;
    },
    getLevel: () => level,
    setName: () => undefined,
  };
}
