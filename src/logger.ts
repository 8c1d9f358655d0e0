import { pino } from 'pino';
import type { Bindings, ChildLoggerOptions, DestinationStream, LogFn, Logger } from 'pino';
import { redactFields, scrubSecrets } from './log-redaction.ts';

export type { Logger };
export { redactLibraryLine } from './log-redaction.ts';

// Structured JSON logs. Secrets and personal data are redacted by key at any depth of a log object
// and of a child logger's bindings, and scrubbed out of every string, the message included (see
// log-redaction.ts). Libraries' lines come in through redactLibraryLine.

export function createLogger(level: string, destination: 'stdout' | 'stderr' | DestinationStream = 'stdout'): Logger {
  const stream =
    typeof destination === 'string'
      ? pino.destination({ fd: destination === 'stdout' ? 1 : 2, sync: true })
      : destination;
  const logger = pino(
    {
      level,
      base: { service: 'steward' },
      formatters: { log: redactFields },
      // Errors are already in pino's shape: the redaction above turns them so, and runs first.
      serializers: { err: (value: unknown) => value },
      hooks: {
        logMethod(args, method) {
          method.apply(this, withScrubbedMessage(args) as Parameters<LogFn>);
        },
      },
    },
    stream,
  );
  // pino formats only the root's bindings; a child's go through here (children inherit this method).
  const child = logger.child;
  logger.child = function <Levels extends string = never>(
    this: Logger,
    bindings: Bindings,
    options?: ChildLoggerOptions<Levels>,
  ): Logger<Levels> {
    return Reflect.apply(child, this, [redactFields(bindings), options]) as Logger<Levels>;
  };
  return logger;
}

/** The arguments of a log call with every string scrubbed, also the message pino would take from an error. */
function withScrubbedMessage(args: unknown[]): unknown[] {
  const [first] = args;
  const errorMessage =
    first instanceof Error ? first.message : (first as { err?: { message?: unknown } } | null)?.err?.message;
  const implicit =
    args.length === 1 && typeof errorMessage === 'string' && (first as { msg?: unknown }).msg === undefined;
  return (implicit ? [first, errorMessage] : args).map((arg) => (typeof arg === 'string' ? scrubSecrets(arg) : arg));
}
