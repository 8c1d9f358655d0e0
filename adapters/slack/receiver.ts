import { ExpressReceiver, HTTPModuleFunctions, SocketModeReceiver } from '@slack/bolt';
import type { Receiver } from '@slack/bolt';
import express from 'express';
import type { Router } from 'express';
import type { Logger } from '../../src/logger.ts';
import { createBoltLogger } from './bolt-logger.ts';
import type { SlackAdapterConfig } from './config.ts';
import { SLACK_EVENTS_PATH } from './config.ts';
import { unexpectedFields } from './event-shape.ts';

// How Slack's requests arrive. Over HTTP: Bolt's ExpressReceiver on its own router, mounted on the
// server of `npm start`; it reads the raw body, checks the signature and the timestamp (401 when the
// signature is wrong, a header is missing or the request is over 5 minutes old), answers Slack's
// url_verification, and lets listeners ack at once and keep working (processBeforeResponse: false).
// With Socket Mode, Bolt's SocketModeReceiver holds a WebSocket to Slack instead.

export interface SlackReceiver {
  receiver: Receiver;
  /** POST /slack/events, to mount on the express app; absent in Socket Mode. */
  router?: Router;
}

export function createReceiver(config: SlackAdapterConfig, logger: Logger): SlackReceiver {
  return config.mode.kind === 'http'
    ? createHttpReceiver(config.mode.signingSecret, logger)
    : { receiver: createSocketReceiver(config.mode.appToken, config.apiUrl, logger) };
}

function createHttpReceiver(signingSecret: string, logger: Logger): { receiver: ExpressReceiver; router: Router } {
  const router = express.Router();
  const receiver = new ExpressReceiver({
    signingSecret,
    endpoints: SLACK_EVENTS_PATH,
    router,
    logger: createBoltLogger(logger.child({ component: 'slack-receiver' })),
    processBeforeResponse: false,
    signatureVerification: true,
    // Bolt itself fails on some malformed events (a null user) before any listener runs: those are
    // acknowledged and ignored; every other error keeps Bolt's answer.
    processEventErrorHandler: async (args) => {
      const fields = unexpectedFields((args.request as { body?: unknown }).body);
      if (fields.length === 0 || args.response.headersSent)
        return HTTPModuleFunctions.defaultProcessEventErrorHandler(args);
      logger.warn({ fields }, 'ignored a Slack event of an unexpected shape');
      args.response.writeHead(200);
      args.response.end();
      return true;
    },
  });
  return { receiver, router };
}

function createSocketReceiver(appToken: string, apiUrl: string, logger: Logger): SocketModeReceiver {
  return new SocketModeReceiver({
    appToken,
    logger: createBoltLogger(logger.child({ component: 'slack-socket-mode' })),
    // apps.connections.open goes to the same Web API as everything else.
    installerOptions: { clientOptions: { slackApiUrl: apiUrl } },
  });
}
