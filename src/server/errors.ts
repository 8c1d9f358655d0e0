import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import type { Logger } from '../logger.ts';

// How the HTTP server answers what goes wrong: a short JSON document with the request id, on every
// route. The error itself (its message, its stack) goes to the request's log lines only: Express's own
// error page would show the stack and the install path to whoever sent the request.

export interface ErrorAnswer {
  status: number;
  /** Short, kebab-case, stable: for clients to tell failures apart. */
  code: string;
  /** One plain sentence for a person. */
  message: string;
}

export interface ErrorBody {
  error: { code: string; message: string };
  requestId: string;
}

const INTERNAL: ErrorAnswer = {
  status: 500,
  code: 'internal',
  message: 'Something went wrong on our side; quote the request id if you report it.',
};

const NOT_FOUND: ErrorAnswer = { status: 404, code: 'not-found', message: 'There is nothing at this path.' };

const METHOD_NOT_ALLOWED: ErrorAnswer = {
  status: 405,
  code: 'method-not-allowed',
  message: 'This path does not accept that method.',
};

/** body-parser's and raw-body's failures, by their `type`: more precise than their status. */
const BODY_FAILURES = new Map<string, ErrorAnswer>([
  ['entity.parse.failed', { status: 400, code: 'malformed-json', message: 'The request body is not valid JSON.' }],
  [
    'entity.too.large',
    { status: 413, code: 'body-too-large', message: 'The request body is larger than this endpoint accepts.' },
  ],
  [
    'request.size.invalid',
    { status: 400, code: 'body-size-mismatch', message: 'The request body is not as long as its Content-Length says.' },
  ],
  [
    'request.aborted',
    { status: 400, code: 'request-aborted', message: 'The request body ended before it was complete.' },
  ],
  [
    'charset.unsupported',
    {
      status: 415,
      code: 'unsupported-charset',
      message: 'The request body is in a character set this endpoint does not read.',
    },
  ],
  [
    'encoding.unsupported',
    {
      status: 415,
      code: 'unsupported-encoding',
      message: 'The request body has a content encoding this endpoint does not read.',
    },
  ],
]);

const BY_STATUS: Record<number, Omit<ErrorAnswer, 'status'>> = {
  400: { code: 'bad-request', message: 'The request is not one this endpoint accepts.' },
  401: { code: 'unauthorized', message: 'The request is not authenticated.' },
  403: { code: 'forbidden', message: 'The request is not allowed.' },
  404: NOT_FOUND,
  405: METHOD_NOT_ALLOWED,
  413: { code: 'body-too-large', message: 'The request body is larger than this endpoint accepts.' },
  415: {
    code: 'unsupported-media-type',
    message: 'The request body is of a content type this endpoint does not accept.',
  },
  501: { code: 'not-implemented', message: 'This endpoint does not handle that kind of request.' },
  503: { code: 'unavailable', message: 'Steward is not taking requests right now; try again shortly.' },
};

interface ClientFacingError {
  status?: unknown;
  statusCode?: unknown;
  expose?: unknown;
  type?: unknown;
}

/**
 * What to answer for an error. Only errors made for the client keep their status: those shaped like
 * http-errors' (a `status` and an `expose` flag), as body-parser's and Express's are and the adapters'
 * own refusals copy. An SDK's error carries the status of *its* upstream call (a 403 from the Bot
 * Connector, a 429 from the LLM): that is Steward's failure, not the caller's. No error's message is sent.
 */
function answerFor(error: unknown): ErrorAnswer {
  const fields: ClientFacingError = typeof error === 'object' && error !== null ? error : {};
  if (typeof fields.expose !== 'boolean') return INTERNAL;
  const bodyFailure = typeof fields.type === 'string' ? BODY_FAILURES.get(fields.type) : undefined;
  if (bodyFailure) return bodyFailure;
  const status = typeof fields.status === 'number' ? fields.status : fields.statusCode;
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 400 || status > 599) return INTERNAL;
  const known = BY_STATUS[status];
  if (known) return { ...known, status };
  return status < 500 ? { status, code: 'request-refused', message: 'The request was refused.' } : INTERNAL;
}

/** An answer of this server's own making, with its specific code and message (a validation error, say). */
export function sendError(res: Response, answer: ErrorAnswer): void {
  const body: ErrorBody = {
    error: { code: answer.code, message: answer.message },
    requestId: String(res.locals.requestId ?? ''),
  };
  res.status(answer.status).json(body);
}

/**
 * The first middleware: an error answer a library writes without a body (Bolt refuses an unsigned or
 * malformed Slack request with a bare 401 or 400) gets the same JSON body as every other error, with
 * the request id. Answers with a body of their own are left as they are.
 */
export const jsonBodyForBareErrors: RequestHandler = (_req, res, next) => {
  const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => Response;
  const end = res.end.bind(res) as (...args: unknown[]) => Response;
  let bare: ErrorAnswer | undefined;
  res.writeHead = ((status: number, ...rest: unknown[]) => {
    if (status >= 400 && !res.getHeader('content-type')) {
      bare = answerFor({ status, expose: true });
      res.setHeader('content-type', 'application/json; charset=utf-8');
    }
    return writeHead(status, ...rest);
  }) as typeof res.writeHead;
  res.end = ((...args: unknown[]) => {
    const [chunk] = args;
    const empty = chunk === undefined || typeof chunk === 'function' || (chunk as { length?: number }).length === 0;
    // Express's send() sets Content-Length: 0 before ending; writeHead() may already have marked it.
    const unmarked = !res.headersSent && res.statusCode >= 400 && !res.getHeader('content-type');
    if (empty && (bare || unmarked)) {
      const answer = bare ?? answerFor({ status: res.statusCode, expose: true });
      if (!res.headersSent) {
        res.removeHeader('content-length');
        res.setHeader('content-type', 'application/json; charset=utf-8');
      }
      const body: ErrorBody = {
        error: { code: answer.code, message: answer.message },
        requestId: String(res.locals.requestId ?? ''),
      };
      return end(JSON.stringify(body));
    }
    return end(...args);
  }) as typeof res.end;
  next();
};

/** The last route: whatever no route answered. */
export const notFound: RequestHandler = (_req, res) => sendError(res, NOT_FOUND);

/** For a path that exists, asked with another method. */
export function methodNotAllowed(allowed: string[]): RequestHandler {
  return (_req, res) => {
    res.set('allow', allowed.join(', '));
    sendError(res, METHOD_NOT_ALLOWED);
  };
}

/**
 * The last middleware: errors thrown by routes, rejected by async ones (Express 5 passes those on), or
 * passed to next(). `fallback` logs when the request-scoped logger is missing.
 */
export function errorHandler(fallback: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    const log = (res.locals.log as Logger | undefined) ?? fallback;
    const answer = answerFor(error);
    const about = { method: req.method, path: req.path, status: answer.status, code: answer.code };
    // A refusal (a 4xx, or a deliberate 501 or 503) is the caller's business; anything else is a fault here.
    if (answer.code === INTERNAL.code) log.error({ ...about, err: error }, 'request failed');
    else log.warn({ ...about, reason: error instanceof Error ? error.message : String(error) }, 'request refused');
    if (res.headersSent) {
      // Part of the answer is out: a second one would corrupt it. An unfinished answer is cut off, so
      // the client sees a failure rather than waiting for the rest or taking a truncated body as whole.
      if (!res.writableEnded) req.socket.destroy();
      return;
    }
    sendError(res, answer);
  };
}
