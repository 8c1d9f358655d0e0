import type { Logger } from '../../src/logger.ts';
import type { StewardPort } from '../../src/runtime/port.ts';
import type { TeamsReachability } from './reachability.ts';
import type { TeamsReferences } from './references.ts';

// What the Teams bot's handlers share: the core's services and the adapter's own helpers.

export interface TeamsBotDeps {
  services: StewardPort;
  references: TeamsReferences;
  reachability: TeamsReachability;
  logger: Logger;
  /** Users whose reference this process already stored, to skip the write on every message. */
  rememberedUsers: Set<string>;
}
