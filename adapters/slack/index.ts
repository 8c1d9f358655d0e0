import { App } from '@slack/bolt';
import type { AdapterContext, PlatformAdapter } from '../shared/types.ts';
import { BotAuthorization } from './bot.ts';
import { createBoltLogger } from './bolt-logger.ts';
import { ChannelResolver, isChannelName } from './channels.ts';
import { SLACK_EVENTS_PATH, parseSlackConfig } from './config.ts';
import { SlackDirectory } from './directory.ts';
import { registerActionListeners } from './listeners/actions.ts';
import { registerCommandListeners } from './listeners/commands.ts';
import { registerHomeListeners } from './listeners/home.ts';
import { registerMessageListeners } from './listeners/messages.ts';
import { registerPeopleListeners } from './listeners/people.ts';
import { registerShortcutListeners } from './listeners/shortcuts.ts';
import { registerViewListeners } from './listeners/views.ts';
import { createReceiver } from './receiver.ts';
import { ReviewDesk } from './review.ts';
import type { SlackRuntime } from './runtime.ts';
import { createSlackTransport } from './transport.ts';
import { TurnRunner } from './turns.ts';
import { recordingSlackHandoffThreads } from './handoffs.ts';
import { classifySlackError, createWebClients } from './web.ts';

// The Slack adapter: Bolt verifies and parses Slack's requests, the listeners call the core, and
// replies are rendered as Block Kit. It keeps no state of its own beyond short-lived caches.

export async function createSlackAdapter({ services, env, logger }: AdapterContext): Promise<PlatformAdapter> {
  const config = parseSlackConfig(env);
  if (!config)
    throw new Error(
      'Slack is not configured: set SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN (or SLACK_APP_TOKEN and SLACK_BOT_TOKEN).',
    );
  const { interactive, delivery } = createWebClients(config, logger);
  const bot = new BotAuthorization(interactive, config.botToken);
  const { receiver, router } = createReceiver(config, logger);
  const app = new App({
    receiver,
    authorize: bot.authorize,
    logger: createBoltLogger(logger.child({ component: 'bolt' })),
    clientOptions: { slackApiUrl: config.apiUrl },
    // Steward's conversation state lives in the database, not in Bolt's memory store.
    convoStore: false,
  });
  app.error(async (error) => {
    logger.error({ err: error.message, code: error.code }, 'Slack listener failed');
  });
  // Listeners run on after the ack; the core's shutdown waits for them.
  let stopping = false;
  app.use(async ({ next }) => {
    await services.track(next());
  });

  const directory = new SlackDirectory(interactive, logger);
  const slack: SlackRuntime = {
    services,
    web: interactive,
    logger,
    directory,
    turns: new TurnRunner(services, interactive, directory, logger),
    reviews: new ReviewDesk(services, interactive, directory, logger),
  };
  registerMessageListeners(app, slack);
  registerCommandListeners(app, slack);
  registerActionListeners(app, slack);
  registerViewListeners(app, slack);
  registerPeopleListeners(app, slack);
  registerShortcutListeners(app, slack);
  registerHomeListeners(app, slack);

  const channels = new ChannelResolver(delivery, services.state);
  let connection: Record<string, unknown> = { status: 'starting' };
  let unreachable: string[] = [];
  let checkedAt = 0;
  // Channels found missing are looked for again, at most this often, until they exist: an admin who
  // creates one (or invites Steward) sees /readyz recover without a restart.
  const checkChannels = async () => {
    checkedAt = Date.now();
    unreachable = await unreachableDestinations(channels, slackDestinations(services.policy), logger);
  };
  const mode = config.mode.kind === 'http' ? `HTTP (POST ${SLACK_EVENTS_PATH})` : 'Socket Mode';
  // Only the host: a proxy URL may carry credentials.
  logger.info({ mode, webApi: new URL(config.apiUrl).host }, `Slack enabled: ${mode}`);

  return {
    platform: 'slack',
    transport: recordingSlackHandoffThreads(createSlackTransport(delivery, channels), services),
    ...(router
      ? {
          mount: (server) => {
            // While stopping, Slack is told to come back later (it retries on 5xx) rather than acked and dropped.
            server.use(SLACK_EVENTS_PATH, (_req, res, next) => (stopping ? void res.status(503).end() : next()));
            server.use(router);
          },
        }
      : {}),
    async start() {
      try {
        const identity = await bot.check();
        connection = { status: 'ok', bot: identity.userName, team: identity.team };
        logger.info(
          { bot: identity.userName, team: identity.team },
          `Slack connected as @${identity.userName} in ${identity.team}`,
        );
      } catch (error) {
        // Keep serving: requests retry auth.test, and /healthz says what is wrong.
        const failure = classifySlackError(error, 'auth.test');
        connection = { status: 'error', error: failure.message };
        logger.error({ error: failure.message }, 'Slack: could not check the bot token');
      }
      await checkChannels();
      if (config.mode.kind === 'socket') await app.start();
    },
    async stop() {
      stopping = true;
      if (config.mode.kind === 'socket') await app.stop();
    },
    async health() {
      if (unreachable.length > 0 && Date.now() - checkedAt > CHANNEL_RECHECK_MS) await checkChannels();
      // Escalations to a missing channel cannot be delivered: not ready until it exists.
      const degraded = connection.status === 'ok' && unreachable.length > 0;
      return {
        ...connection,
        ...(degraded ? { status: 'degraded' } : {}),
        mode: config.mode.kind,
        ...(unreachable.length > 0 ? { unreachableChannels: unreachable } : {}),
      };
    },
  };
}

const CHANNEL_RECHECK_MS = 5_000;

function slackDestinations(policy: SlackRuntime['services']['policy']): string[] {
  const all = [
    ...Object.values(policy.teams).flatMap((team) => team.destinations.slack),
    ...policy.leads.destinations.slack,
  ];
  // Ids need no lookup; names ('#gov-privacy') are checked.
  return [...new Set(all)].filter(isChannelName);
}

/** Escalation channels Steward cannot find (not created yet, or private without Steward in them). */
async function unreachableDestinations(
  channels: ChannelResolver,
  destinations: string[],
  logger: SlackRuntime['logger'],
): Promise<string[]> {
  const missing: string[] = [];
  try {
    for (const destination of destinations) if (!(await channels.resolve(destination))) missing.push(destination);
  } catch (error) {
    logger.warn(
      { error: classifySlackError(error, 'conversations.list').message },
      'Slack: could not check the escalation channels',
    );
    return [];
  }
  if (missing.length > 0)
    logger.warn(
      { channels: missing },
      'Slack: escalation channels not found; create them, or invite @Steward to private ones',
    );
  return missing;
}
