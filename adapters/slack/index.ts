import type { AdapterFactory } from '../types.ts';

// Placeholder until the Slack adapter lands: Slack stays off.
export const slackAdapterFactory: AdapterFactory = {
  platform: 'slack',
  isEnabled: () => false,
  create: async () => {
    throw new Error('The Slack adapter is not built yet.');
  },
};
