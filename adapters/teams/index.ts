import type { AdapterFactory } from '../types.ts';

// Placeholder until the Teams adapter lands: Teams stays off.
export const teamsAdapterFactory: AdapterFactory = {
  platform: 'teams',
  isEnabled: () => false,
  create: async () => {
    throw new Error('The Teams adapter is not built yet.');
  },
};
