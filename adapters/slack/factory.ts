import type { AdapterFactory } from '../shared/types.ts';
import { parseSlackConfig } from './config.ts';

// Bolt is loaded only when Slack is configured: an instance that does not speak Slack does not pay for it.
export const slackAdapterFactory: AdapterFactory = {
  platform: 'slack',
  isEnabled: (env) => parseSlackConfig(env) !== undefined,
  create: async (context) => (await import('./index.ts')).createSlackAdapter(context),
  unresolvedDestinations: async (context, destinations) =>
    (await import('./destinations.ts')).unresolvedSlackDestinations(context, destinations),
};
