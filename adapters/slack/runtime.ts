import type { Logger } from '../../src/logger.ts';
import type { StewardPort } from '../../src/runtime/port.ts';
import type { SlackDirectory } from './directory.ts';
import type { ReviewDesk } from './review.ts';
import type { TurnRunner } from './turns.ts';
import type { WebClient } from './web.ts';

/** What every listener works with: the core, the Web API, and the adapter's helpers. */
export interface SlackRuntime {
  services: StewardPort;
  web: WebClient;
  logger: Logger;
  directory: SlackDirectory;
  turns: TurnRunner;
  reviews: ReviewDesk;
}
