import type { AdapterContext } from '../shared/types.ts';
import type { UnresolvedDestination } from '../../src/runtime/port.ts';
import { NO_REFERENCE } from './reachability.ts';
import { TeamsReferences } from './references.ts';

// Before a policy is published: which of its Teams channels ("Team/Channel") Steward has no
// conversation reference for, so a message could not be posted there.

export async function unresolvedTeamsDestinations(
  { services }: AdapterContext,
  destinations: string[],
): Promise<UnresolvedDestination[]> {
  const references = new TeamsReferences(services.state);
  const unresolved: UnresolvedDestination[] = [];
  for (const destination of destinations) {
    const stored = await references.find(destination);
    if (stored?.kind !== 'channel') unresolved.push({ destination, reason: NO_REFERENCE });
  }
  return unresolved;
}
