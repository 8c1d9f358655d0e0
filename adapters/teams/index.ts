import { CloudAdapter } from 'botbuilder';
import express from 'express';
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
  const reachability = new TeamsReachability({ policy: services.policy, references, proactive, logger });
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
      app.post(MESSAGES_PATH, express.json({ limit: '1mb' }), ...guard, async (req, res) => {
        // While shutting down, Teams is told to come back: it redelivers, and the next instance answers.
        if (stopping) return void res.status(503).set('retry-after', '5').end();
        await adapter.process(req, res, bot);
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
