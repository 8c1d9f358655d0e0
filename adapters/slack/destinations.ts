import type { AdapterContext } from '../shared/types.ts';
import type { UnresolvedDestination } from '../../src/runtime/port.ts';
import { ChannelResolver, isChannelName } from './channels.ts';
import { parseSlackConfig } from './config.ts';
import { classifySlackError, createWebClients } from './web.ts';

// Before a policy is published: which of its Slack channels Steward cannot post to. Ids are taken as
// given; names are looked up as deliveries look them up. Slack not answering is an error, not a pass.

export async function unresolvedSlackDestinations(
  { services, env, logger }: AdapterContext,
  destinations: string[],
): Promise<UnresolvedDestination[]> {
  const config = parseSlackConfig(env);
  if (!config) return [];
  const channels = new ChannelResolver(createWebClients(config, logger).interactive, services.state);
  const unresolved: UnresolvedDestination[] = [];
  for (const destination of destinations.filter(isChannelName)) {
    let found;
    try {
      found = await channels.resolve(destination);
    } catch (error) {
      throw new Error(classifySlackError(error, 'conversations.list').message, { cause: error });
    }
    if (!found)
      unresolved.push({
        destination,
        reason: 'no such Slack channel: create it, or invite @Steward if it is private',
      });
  }
  return unresolved;
}
