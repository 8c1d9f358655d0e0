import { CloudAdapter } from 'botbuilder';
import type { TurnContext } from 'botbuilder';
import express from 'express';
import type { Request, RequestHandler, Response } from 'express';
import type { AdapterContext, PlatformAdapter } from '../shared/types.ts';
import { ConfigError } from '../../src/config.ts';
import { createBotFrameworkAuthentication } from './auth.ts';
import { createTeamsBot } from './bot.ts';
import { loadTeamsConfig } from './config.ts';
import { loopbackOnly } from './emulator.ts';
import { PLATFORM } from './inbound.ts';
import { TeamsProactive } from './proactive.ts';
import { TeamsReachability } from './reachability.ts';
import { TeamsReferences } from './references.ts';
import { createTeamsTransport } from './transport.ts';
import { recordingTeamsHandoffThreads } from './handoffs.ts';

// The Microsoft Teams adapter: POST /api/messages on the `npm start` server, authenticated by
// botbuilder's CloudAdapter, handled by the core, answered with Adaptive Cards; escalations and
// notices go out proactively through the outbox.

export { loadTeamsConfig } from './config.ts';
export type { TeamsAdapterConfig } from './config.ts';

export const MESSAGES_PATH = '/api/messages';

const EMULATOR_WARNING =
  'TEAMS_EMULATOR=true: Teams authentication is OFF. POST /api/messages accepts unauthenticated activities whose serviceUrl ' +
  'is on this machine (127.0.0.0/8, ::1, localhost), for the Bot Framework Emulator and local tests. Never use it in production.';

export async function createTeamsAdapter({ services, env, logger }: AdapterContext): Promise<PlatformAdapter> {
  const config = loadTeamsConfig(env);
  if (!config)
    throw new ConfigError(['MICROSOFT_APP_ID: required for Teams (or TEAMS_EMULATOR=true for local testing)']);
  const emulator = config.mode === 'emulator';

  const adapter = new CloudAdapter(createBotFrameworkAuthentication(config));
  const references = new TeamsReferences(services.state);
  const proactive = new TeamsProactive(adapter, config.appId, references, emulator);
  const reachability = new TeamsReachability({ inForce: services, references, proactive, logger });
  const bot = createTeamsBot({ services, references, reachability, logger, rememberedUsers: new Set() });
  let stopping = false;

  return {
    platform: PLATFORM,
    transport: recordingTeamsHandoffThreads(
      createTeamsTransport({ references, proactive, observer: reachability }),
      services,
    ),
    mount(app) {
      const guard = emulator
        ? [
            loopbackOnly((serviceUrl) =>
              logger.warn(
                { serviceUrl },
                'Teams: refused an unauthenticated activity whose serviceUrl is not on this machine',
              ),
            ),
          ]
        : [];
      app.post(MESSAGES_PATH, jsonOnly, express.json({ limit: '1mb' }), activityOnly, ...guard, async (req, res) => {
        // While shutting down, Teams is told to come back: it redelivers, and the next instance answers.
        if (stopping) {
          res.set('retry-after', '5');
          throw refusal(503, 'shutting down');
        }
        await processActivity(adapter, bot, req, res);
      });
      app.all(MESSAGES_PATH, (_req, res) => {
        res.set('allow', 'POST');
        throw refusal(405, 'Teams posts activities');
      });
    },
    async start() {
      if (emulator) logger.warn(EMULATOR_WARNING);
      await reachability.check();
    },
    async stop() {
      stopping = true;
    },
    async health() {
      const unreachable = await reachability.report();
      return {
        status: unreachable.length > 0 ? 'degraded' : 'ok',
        mode: emulator ? 'emulator (unauthenticated, loopback only)' : 'authenticated',
        endpoint: MESSAGES_PATH,
        unreachableDestinations: unreachable,
      };
    },
  };
}

// Refusals are answered by the server's error handler (src/server/errors.ts) as JSON with the request
// id; the detail goes to the log only.

/** An error shaped like http-errors' (a `status` and `expose`), which that handler answers with its status. */
function refusal(status: number, detail: string): Error {
  return Object.assign(new Error(detail), { status, expose: status < 500 });
}

/** Deeper than any activity Teams sends. Refused before anything walks the body recursively. */
const MAX_ACTIVITY_DEPTH = 64;

/** Teams posts JSON; anything else is refused before its body is read. */
const jsonOnly: RequestHandler = (req, _res, next) => {
  if (req.is('application/json')) return next();
  next(refusal(415, `not JSON: ${(req.get('content-type') ?? 'no content type').slice(0, 100)}`));
};

/** An activity is a JSON object with a type: botbuilder fails with a 500 on anything else. */
const activityOnly: RequestHandler = (req, _res, next) => {
  const body: unknown = req.body;
  const isObject = typeof body === 'object' && body !== null && !Array.isArray(body);
  if (!isObject || typeof (body as { type?: unknown }).type !== 'string')
    return next(refusal(400, 'the body is not an activity (a JSON object with a type)'));
  if (nestedDeeperThan(body, MAX_ACTIVITY_DEPTH))
    return next(refusal(400, `the activity is nested more than ${MAX_ACTIVITY_DEPTH} levels deep`));
  next();
};

/** Walks with a list rather than recursion, so that the depth it is checking cannot overflow the stack. */
function nestedDeeperThan(value: unknown, limit: number): boolean {
  const pending: Array<{ value: unknown; depth: number }> = [{ value, depth: 1 }];
  for (let item = pending.pop(); item; item = pending.pop()) {
    if (typeof item.value !== 'object' || item.value === null) continue;
    if (item.depth > limit) return true;
    for (const child of Object.values(item.value)) pending.push({ value: child, depth: item.depth + 1 });
  }
  return false;
}

/**
 * botbuilder answers its own failures (a bad token, an invoke nothing answered, a turn that threw) with
 * the error's message as an HTML page. Steward's bot answers every invoke it handles with a 200 (the
 * outcome is in the body, as Teams expects), so any status from 400 up is one of those, and goes to the
 * server's error handler instead; everything else goes out as botbuilder wrote it.
 */
async function processActivity(
  adapter: CloudAdapter,
  bot: (context: TurnContext) => Promise<void>,
  req: Request,
  res: Response,
): Promise<void> {
  const answer: { status: number; body?: unknown } = { status: 200 };
  const recorder = {
    socket: res.socket,
    status: (status: number) => void (answer.status = status),
    header: (name: string, value: unknown) => void res.set(name, String(value)),
    send: (body: unknown) => void (answer.body = body),
    end: () => undefined,
  };
  await adapter.process(req, recorder, bot);
  if (answer.status >= 400)
    throw refusal(
      answer.status,
      `botbuilder answered ${answer.status}: ${String(answer.body ?? '(no body)').slice(0, 300)}`,
    );
  res.status(answer.status);
  if (answer.body === undefined) res.end();
  else res.send(answer.body);
}
