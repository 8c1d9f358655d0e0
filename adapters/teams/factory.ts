import type { AdapterFactory } from '../shared/types.ts';
import { loadTeamsConfig } from './config.ts';

// botbuilder is loaded only when Teams is configured: an instance that does not speak Teams does not pay for it.
export const teamsAdapterFactory: AdapterFactory = {
  platform: 'teams',
  // On with MICROSOFT_APP_ID or TEAMS_EMULATOR=true; a ConfigError names the variable when half-configured.
  isEnabled: (env) => loadTeamsConfig(env) !== undefined,
  create: async (context) => (await import('./index.ts')).createTeamsAdapter(context),
  unresolvedDestinations: async (context, destinations) =>
    (await import('./destinations.ts')).unresolvedTeamsDestinations(context, destinations),
};
