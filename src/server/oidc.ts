import * as client from 'openid-client';
import { z } from 'zod';
import { isLoopback } from '../config.ts';
import type { DashboardIdentity } from '../policy/dashboard-access.ts';

// Sign-in with the organisation's identity provider over OpenID Connect (Microsoft Entra ID, Okta,
// Google, Sign in with Slack): the authorization code flow with PKCE, state and nonce, through
// openid-client, which checks the ID token's signature, issuer, audience, expiry and nonce.

/** Kept (signed) in the browser between sending it to the provider and its return. */
export const LoginTransactionSchema = z.object({
  state: z.string(),
  nonce: z.string(),
  verifier: z.string(),
  /** Where in the dashboard to go once signed in. */
  returnTo: z.string(),
});
export type LoginTransaction = z.infer<typeof LoginTransactionSchema>;

/** The person, as the session keeps them. */
export const SignedInSchema = z.object({
  sub: z.string(),
  name: z.string(),
  email: z.string().optional(),
  entraObjectId: z.string().optional(),
  groups: z.array(z.string()).optional(),
  slackUserId: z.string().optional(),
});
export type SignedIn = z.infer<typeof SignedInSchema>;

export class SignInError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SignInError';
  }
}

const text = (value: unknown) => (typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined);

/** The claims the access rules and the page header need, and nothing else. */
function signedInFrom(claims: Record<string, unknown>): SignedIn {
  // An address the provider says is unverified is not one to grant access by.
  const email = claims.email_verified === false ? undefined : text(claims.email)?.toLowerCase();
  const groups = Array.isArray(claims.groups) ? claims.groups.filter((group) => typeof group === 'string') : [];
  const entraObjectId = text(claims.oid);
  const slackUserId = text(claims['https://slack.com/user_id']);
  return {
    sub: String(claims.sub),
    name: text(claims.name) ?? email ?? text(claims.preferred_username) ?? String(claims.sub),
    ...(email ? { email } : {}),
    ...(entraObjectId ? { entraObjectId } : {}),
    ...(groups.length > 0 ? { groups } : {}),
    ...(slackUserId ? { slackUserId } : {}),
  };
}

export function identityOf(person: SignedIn): DashboardIdentity {
  return {
    ...(person.email ? { email: person.email } : {}),
    ...(person.entraObjectId ? { entraObjectId: person.entraObjectId } : {}),
    ...(person.groups ? { groups: person.groups } : {}),
    ...(person.slackUserId ? { slackUserId: person.slackUserId } : {}),
  };
}

export class OidcSignIn {
  private configuration: Promise<client.Configuration> | undefined;

  constructor(private readonly settings: { issuer: URL; clientId: string; clientSecret: string; redirectUri: URL }) {}

  /** The provider's metadata, fetched once; a failure is tried again at the next sign-in. */
  private config(): Promise<client.Configuration> {
    const { issuer, clientId, clientSecret } = this.settings;
    // Plain http only for a provider on this machine (a development or test provider).
    const insecure = issuer.protocol === 'http:' && isLoopback(issuer.hostname);
    this.configuration ??= client
      .discovery(issuer, clientId, clientSecret, undefined, insecure ? { execute: [client.allowInsecureRequests] } : {})
      .then((discovered) => {
        // The client authenticates as the provider prefers: HTTP Basic (OAuth's default, and what
        // Okta and oidc-provider register clients with) unless it offers only the form post.
        const metadata = discovered.serverMetadata();
        const methods = metadata.token_endpoint_auth_methods_supported;
        const basic = !methods || methods.includes('client_secret_basic');
        const config = new client.Configuration(
          metadata,
          clientId,
          clientSecret,
          basic ? client.ClientSecretBasic(clientSecret) : client.ClientSecretPost(clientSecret),
        );
        if (insecure) client.allowInsecureRequests(config);
        // The ID token's signature is checked against the provider's keys even though it comes straight
        // from the token endpoint (where the spec lets TLS stand in): a forged token is refused.
        client.enableNonRepudiationChecks(config);
        return config;
      })
      .catch((error: unknown) => {
        this.configuration = undefined;
        throw new SignInError(`the identity provider at ${issuer.origin} could not be reached`, { cause: error });
      });
    return this.configuration;
  }

  async start(returnTo: string): Promise<{ url: URL; transaction: LoginTransaction }> {
    const config = await this.config();
    const verifier = client.randomPKCECodeVerifier();
    const transaction = { state: client.randomState(), nonce: client.randomNonce(), verifier, returnTo };
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: this.settings.redirectUri.href,
      scope: 'openid email profile',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state: transaction.state,
      nonce: transaction.nonce,
    });
    return { url, transaction };
  }

  /** The provider sent the browser back: the code is exchanged and the ID token checked. */
  async finish(callback: URL, transaction: LoginTransaction): Promise<SignedIn> {
    const config = await this.config();
    try {
      const tokens = await client.authorizationCodeGrant(config, callback, {
        pkceCodeVerifier: transaction.verifier,
        expectedState: transaction.state,
        expectedNonce: transaction.nonce,
        idTokenExpected: true,
      });
      const claims = tokens.claims();
      if (!claims) throw new SignInError('the identity provider returned no ID token');
      return signedInFrom(claims as Record<string, unknown>);
    } catch (error) {
      if (error instanceof SignInError) throw error;
      // The library's message says what failed (signature, audience, expiry); never the token itself.
      const reason = error instanceof Error ? error.message : String(error);
      throw new SignInError(`the identity provider's answer was refused: ${reason}`, { cause: error });
    }
  }
}
