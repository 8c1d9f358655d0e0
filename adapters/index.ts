import { slackAdapterFactory } from './slack/factory.ts';
import { teamsAdapterFactory } from './teams/factory.ts';
import type { AdapterFactory } from './shared/types.ts';

export type { AdapterContext, AdapterFactory, PlatformAdapter } from './shared/types.ts';

/** Every chat platform Steward speaks; each is on when its settings are present. */
export const ADAPTER_FACTORIES: AdapterFactory[] = [slackAdapterFactory, teamsAdapterFactory];

export function enabledAdapterFactories(env: Record<string, string | undefined>): AdapterFactory[] {
  return ADAPTER_FACTORIES.filter((factory) => factory.isEnabled(env));
}
