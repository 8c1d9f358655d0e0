// A real OpenID Connect provider (oidc-provider) on 127.0.0.1, with its development sign-in pages: any
// login name and password, then "Continue". The tests hold its signing key, so they can also hand
// Steward ID tokens a provider should never give: for another audience, expired, or signed by a forger.
import { createServer } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, decodeJwt } from 'jose';
import type { JWK } from 'jose';
import Provider from 'oidc-provider';

export interface TestAccount {
  email: string;
  name: string;
  /** Entra object id, as Entra ID puts it in `oid`. */
  oid?: string;
}

/** What the next token responses do to the ID token: nothing, or one of the attacks. */
type Tamper = 'none' | 'wrong-audience' | 'expired' | 'forged';

export interface TestProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  tamper: Tamper;
  close(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export async function startTestProvider(options: {
  port: number;
  redirectUri: string;
  accounts: Record<string, TestAccount>;
}): Promise<TestProvider> {
  const issuer = `http://127.0.0.1:${options.port}`;
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk: JWK = { ...(await exportJWK(privateKey)), kid: 'test-key', alg: 'RS256', use: 'sig' };
  const forger = (await generateKeyPair('RS256', { extractable: true })).privateKey;
  const clientId = 'steward-dashboard';
  const clientSecret = 'test-client-secret-that-is-long-enough-0123456789';
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [options.redirectUri],
      },
    ],
    jwks: { keys: [jwk] },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'oid'] },
    // The claims go into the ID token itself, as Entra ID and Okta put them there.
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: true } },
    cookies: { keys: ['test-cookie-key-0123456789abcdef'] },
    ttl: { IdToken: 3600, AccessToken: 3600, AuthorizationCode: 60, Grant: 3600, Interaction: 600, Session: 3600 },
    async findAccount(_ctx, id) {
      const account = options.accounts[id];
      if (!account) return undefined;
      return {
        accountId: id,
        claims: async () => ({
          sub: id,
          email: account.email,
          email_verified: true,
          name: account.name,
          ...(account.oid ? { oid: account.oid } : {}),
        }),
      };
    },
  });
  const state: TestProvider = {
    issuer,
    clientId,
    clientSecret,
    tamper: 'none',
    close: async () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  // After the token endpoint answers: swap its ID token for the attack the test asked for.
  provider.use(async (ctx, next) => {
    await next();
    const body = ctx.body as { id_token?: string } | undefined;
    if (ctx.path !== '/token' || !body?.id_token || state.tamper === 'none') return;
    const claims = decodeJwt(body.id_token);
    const now = Math.floor(Date.now() / 1000);
    const altered =
      state.tamper === 'wrong-audience'
        ? { ...claims, aud: 'some-other-app' }
        : state.tamper === 'expired'
          ? { ...claims, iat: now - 7200, exp: now - 3600 }
          : claims;
    const key = state.tamper === 'forged' ? forger : privateKey;
    body.id_token = await new SignJWT(altered).setProtectedHeader({ alg: 'RS256', kid: 'test-key' }).sign(key);
  });
  const server = provider.listen(options.port, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  return state;
}
