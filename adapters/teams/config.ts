import { z } from 'zod';
import { ConfigError } from '../../src/config.ts';

// The Teams settings, read from the environment once. Half-configurations are refused by naming the
// variable at fault; values are never echoed (MICROSOFT_APP_PASSWORD is a secret).

const APP_TYPES = ['MultiTenant', 'SingleTenant', 'UserAssignedMSI'] as const;
type AppType = (typeof APP_TYPES)[number];

export type TeamsAdapterConfig =
  | {
      mode: 'authenticated';
      appId: string;
      appType: AppType;
      /** Absent for UserAssignedMSI, which has no secret. */
      appPassword?: string;
      tenantId?: string;
      /** Where the Bot Connector's signing keys are published (default: Microsoft's). For local tests. */
      openIdMetadataUrl?: string;
      /** An OAuth client-credentials token endpoint for the bot's outgoing calls (default: Microsoft Entra). For local tests. */
      oauthTokenUrl?: string;
    }
  | {
      /** TEAMS_EMULATOR=true: unauthenticated activities, accepted only from a loopback serviceUrl. */
      mode: 'emulator';
      appId: '';
    };

const text = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

const url = text.refine((value) => value === undefined || URL.canParse(value), { message: 'must be a URL' });

const EnvSchema = z.object({
  MICROSOFT_APP_ID: text,
  MICROSOFT_APP_PASSWORD: text,
  MICROSOFT_APP_TYPE: text,
  MICROSOFT_APP_TENANT_ID: text,
  TEAMS_EMULATOR: text.refine((value) => value === undefined || value === 'true' || value === 'false', {
    message: 'must be true or false',
  }),
  TEAMS_OPENID_METADATA_URL: url,
  TEAMS_OAUTH_TOKEN_URL: url,
});

/** The Teams settings, or undefined when Teams is off. Throws a ConfigError naming each variable at fault. */
export function loadTeamsConfig(env: Record<string, string | undefined>): TeamsAdapterConfig | undefined {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success)
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  const vars = parsed.data;
  const problems: string[] = [];
  const emulator = vars.TEAMS_EMULATOR === 'true';
  const appType =
    vars.MICROSOFT_APP_TYPE === undefined
      ? 'MultiTenant'
      : APP_TYPES.find((type) => type.toLowerCase() === vars.MICROSOFT_APP_TYPE?.toLowerCase());

  if (!vars.MICROSOFT_APP_ID) {
    // Settings that only make sense with an app id mean someone forgot it.
    for (const name of [
      'MICROSOFT_APP_PASSWORD',
      'MICROSOFT_APP_TENANT_ID',
      'MICROSOFT_APP_TYPE',
      'TEAMS_OPENID_METADATA_URL',
      'TEAMS_OAUTH_TOKEN_URL',
    ] as const) {
      if (vars[name] !== undefined) problems.push(`MICROSOFT_APP_ID: required when ${name} is set`);
    }
    if (problems.length > 0) throw new ConfigError(problems);
    return emulator ? { mode: 'emulator', appId: '' } : undefined;
  }

  if (emulator)
    problems.push(
      'TEAMS_EMULATOR: must not be true when MICROSOFT_APP_ID is set (the emulator mode skips authentication)',
    );
  if (!appType) problems.push(`MICROSOFT_APP_TYPE: must be one of ${APP_TYPES.join(', ')}`);
  if (appType === 'UserAssignedMSI') {
    if (vars.MICROSOFT_APP_PASSWORD)
      problems.push('MICROSOFT_APP_PASSWORD: must not be set for UserAssignedMSI (a managed identity has no secret)');
    if (!vars.MICROSOFT_APP_TENANT_ID) problems.push('MICROSOFT_APP_TENANT_ID: required for UserAssignedMSI');
    if (vars.TEAMS_OAUTH_TOKEN_URL)
      problems.push('TEAMS_OAUTH_TOKEN_URL: needs MICROSOFT_APP_PASSWORD, which UserAssignedMSI has none of');
  } else if (appType) {
    if (!vars.MICROSOFT_APP_PASSWORD)
      problems.push(`MICROSOFT_APP_PASSWORD: required for ${appType} (the bot's client secret)`);
    if (appType === 'SingleTenant' && !vars.MICROSOFT_APP_TENANT_ID)
      problems.push('MICROSOFT_APP_TENANT_ID: required for SingleTenant');
  }
  if (problems.length > 0) throw new ConfigError(problems);

  return {
    mode: 'authenticated',
    appId: vars.MICROSOFT_APP_ID,
    appType: appType as AppType,
    ...(vars.MICROSOFT_APP_PASSWORD ? { appPassword: vars.MICROSOFT_APP_PASSWORD } : {}),
    ...(vars.MICROSOFT_APP_TENANT_ID ? { tenantId: vars.MICROSOFT_APP_TENANT_ID } : {}),
    ...(vars.TEAMS_OPENID_METADATA_URL ? { openIdMetadataUrl: vars.TEAMS_OPENID_METADATA_URL } : {}),
    ...(vars.TEAMS_OAUTH_TOKEN_URL ? { oauthTokenUrl: vars.TEAMS_OAUTH_TOKEN_URL } : {}),
  };
}
