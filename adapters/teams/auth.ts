import { CallerIdConstants, ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import type { Activity, ConfigurationBotFrameworkAuthenticationOptions } from 'botbuilder';
import {
  AuthenticationConstants,
  AuthenticationError,
  ServiceClientCredentialsFactory,
  TokenCredentials,
} from 'botframework-connector';
import type { AuthenticateRequestResult, ServiceClientCredentials } from 'botframework-connector';
import type { TeamsAdapterConfig } from './config.ts';

// How the bot proves who it is and checks who calls it: botbuilder's own JWT validation (signing keys
// from the Bot Connector's OpenID metadata, audience = app id, serviceurl claim = activity.serviceUrl)
// and its credentials for outgoing calls.

/** jsonwebtoken's errors for a bad signature, a malformed or not-yet-valid token. */
const TOKEN_ERRORS = new Set(['JsonWebTokenError', 'NotBeforeError', 'TokenExpiredError']);

/**
 * botbuilder answers 500 when jsonwebtoken rejects a token (a forged signature, say) instead of 401:
 * such failures are turned into the AuthenticationError CloudAdapter answers 401 to.
 */
class TeamsBotFrameworkAuthentication extends ConfigurationBotFrameworkAuthentication {
  override async authenticateRequest(activity: Activity, authHeader: string): Promise<AuthenticateRequestResult> {
    try {
      return await super.authenticateRequest(activity, authHeader);
    } catch (error) {
      if (error instanceof Error && TOKEN_ERRORS.has(error.name))
        throw new AuthenticationError(`Unauthorized. ${error.message}`, 401);
      throw error;
    }
  }
}

export function createBotFrameworkAuthentication(config: TeamsAdapterConfig): ConfigurationBotFrameworkAuthentication {
  // No app id turns botbuilder's authentication off; emulator.ts guards that mode.
  if (config.mode === 'emulator') return new ConfigurationBotFrameworkAuthentication({ MicrosoftAppId: '' });
  const options: ConfigurationBotFrameworkAuthenticationOptions = {
    MicrosoftAppId: config.appId,
    MicrosoftAppType: config.appType === 'UserAssignedMSI' ? 'UserAssignedMsi' : config.appType,
    ...(config.appPassword ? { MicrosoftAppPassword: config.appPassword } : {}),
    ...(config.tenantId ? { MicrosoftAppTenantId: config.tenantId } : {}),
    ...(config.openIdMetadataUrl ? publicCloudEndpoints(config.openIdMetadataUrl) : {}),
  };
  const credentials =
    config.oauthTokenUrl && config.appPassword
      ? new ClientCredentialsFactory(config.appId, config.appPassword, config.oauthTokenUrl)
      : undefined;
  return new TeamsBotFrameworkAuthentication(options, credentials);
}

/**
 * Setting any one endpoint switches botbuilder to "parameterized" mode, where every endpoint must be
 * given: the public cloud's values, with only the OpenID metadata replaced.
 */
function publicCloudEndpoints(openIdMetadataUrl: string): ConfigurationBotFrameworkAuthenticationOptions {
  return {
    ToBotFromChannelOpenIdMetadataUrl: openIdMetadataUrl,
    ToBotFromChannelTokenIssuer: AuthenticationConstants.ToBotFromChannelTokenIssuer,
    ToBotFromEmulatorOpenIdMetadataUrl: AuthenticationConstants.ToBotFromEmulatorOpenIdMetadataUrl,
    ToChannelFromBotLoginUrl: AuthenticationConstants.ToChannelFromBotLoginUrl,
    ToChannelFromBotOAuthScope: AuthenticationConstants.ToChannelFromBotOAuthScope,
    OAuthUrl: AuthenticationConstants.OAuthUrl,
    CallerId: CallerIdConstants.PublicAzureChannel,
    ValidateAuthority: true,
  };
}

/**
 * Outgoing credentials from a plain OAuth 2.0 client-credentials endpoint (TEAMS_OAUTH_TOKEN_URL).
 * botbuilder's own credentials go through MSAL, which only talks to https Microsoft Entra authorities;
 * this lets a local token server stand in for Entra in tests.
 */
class ClientCredentialsFactory extends ServiceClientCredentialsFactory {
  private readonly tokens = new Map<string, { token: string; expiresAt: number }>();

  constructor(
    private readonly appId: string,
    private readonly appPassword: string,
    private readonly tokenUrl: string,
  ) {
    super();
  }

  // Keeps the secret out of JSON.stringify, as botbuilder's own factories do.
  toJSON() {
    return { name: 'ClientCredentialsFactory', appId: this.appId };
  }

  async isValidAppId(appId: string): Promise<boolean> {
    return appId === this.appId;
  }

  async isAuthenticationDisabled(): Promise<boolean> {
    return false;
  }

  async createCredentials(appId: string, audience: string | undefined): Promise<ServiceClientCredentials> {
    if (appId !== this.appId) throw new Error('Invalid appId.');
    const scope = `${audience ?? AuthenticationConstants.ToChannelFromBotOAuthScope}/.default`;
    return { signRequest: async (request) => new TokenCredentials(await this.token(scope)).signRequest(request) };
  }

  private async token(scope: string): Promise<string> {
    const cached = this.tokens.get(scope);
    if (cached && cached.expiresAt > Date.now()) return cached.token;
    const response = await fetch(this.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: this.appId,
        client_secret: this.appPassword,
        scope,
      }),
      signal: AbortSignal.timeout(10_000),
    });
    if (!response.ok) throw new Error(`The token endpoint (TEAMS_OAUTH_TOKEN_URL) answered ${response.status}`);
    const body = (await response.json()) as { access_token?: unknown; expires_in?: unknown };
    if (typeof body.access_token !== 'string')
      throw new Error('The token endpoint (TEAMS_OAUTH_TOKEN_URL) returned no access_token');
    const lifetimeMs = (typeof body.expires_in === 'number' ? body.expires_in : 3600) * 1000;
    // Renew a minute early so a token never expires in flight.
    this.tokens.set(scope, { token: body.access_token, expiresAt: Date.now() + lifetimeMs - 60_000 });
    return body.access_token;
  }
}
