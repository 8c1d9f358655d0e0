/**
 * A stand-in for the Bot Framework's token services, for authenticated Teams tests without network:
 *
 * - OpenID metadata + JWKS, as the Bot Connector publishes them for its signing keys
 *   (GET /.well-known/openid-configuration, GET /keys): one RSA key with kid, n, e and
 *   endorsements ['msteams']; point TEAMS_OPENID_METADATA_URL at `metadataUrl`.
 * - A signer for the tokens the Bot Connector sends with each activity: RS256 (node:crypto), issuer
 *   https://api.botframework.com, audience = the bot's app id, `serviceurl` = the activity's serviceUrl.
 * - An OAuth 2.0 client-credentials endpoint (POST /token) standing in for Microsoft Entra, so the bot's
 *   own outgoing calls carry a token too; point TEAMS_OAUTH_TOKEN_URL at `tokenUrl`.
 *
 *   const openid = await startFakeOpenId({ appId, appPassword });
 *   headers.authorization = `Bearer ${openid.sign({ aud: appId, serviceUrl })}`;
 *   openid.sign({ aud: 'someone-else', serviceUrl });           // refused: wrong audience
 *   openid.sign({ aud: appId, serviceUrl, signer: 'stranger' }); // refused: a key the JWKS does not have
 */
import { createSign, generateKeyPairSync, randomUUID } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

const BOT_FRAMEWORK_ISSUER = 'https://api.botframework.com';

interface TokenClaims {
  aud: string;
  serviceUrl?: string;
  iss?: string;
  /** Seconds from now; negative for an expired token. */
  expiresIn?: number;
  /** 'stranger' signs with a key that is not published, under the published kid. */
  signer?: 'published' | 'stranger';
}

export interface FakeOpenId {
  metadataUrl: string;
  tokenUrl: string;
  kid: string;
  sign(claims: TokenClaims): string;
  /** Access tokens handed to the bot by POST /token: its outgoing calls must carry one of these. */
  issuedAccessTokens: string[];
  /** Client-credentials requests refused for a wrong client id or secret. */
  refusedTokenRequests: number;
  close(): Promise<void>;
}

export async function startFakeOpenId(bot: { appId: string; appPassword: string }): Promise<FakeOpenId> {
  const published = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = `fake-key-${randomUUID().slice(0, 8)}`;
  const jwk = published.publicKey.export({ format: 'jwk' }) as { n: string; e: string };
  const issuedAccessTokens: string[] = [];
  let refusedTokenRequests = 0;
  let base = '';

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const path = (req.url ?? '/').split('?')[0];
      if (req.method === 'GET' && path === '/.well-known/openid-configuration') {
        return json(res, 200, {
          issuer: BOT_FRAMEWORK_ISSUER,
          authorization_endpoint: `${base}/authorize`,
          jwks_uri: `${base}/keys`,
          id_token_signing_alg_values_supported: ['RS256'],
          token_endpoint_auth_methods_supported: ['private_key_jwt'],
        });
      }
      if (req.method === 'GET' && path === '/keys') {
        return json(res, 200, {
          keys: [{ kty: 'RSA', use: 'sig', kid, n: jwk.n, e: jwk.e, endorsements: ['msteams'] }],
        });
      }
      if (req.method === 'POST' && path === '/token') {
        const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
        if (
          form.get('grant_type') !== 'client_credentials' ||
          form.get('client_id') !== bot.appId ||
          form.get('client_secret') !== bot.appPassword
        ) {
          refusedTokenRequests += 1;
          return json(res, 401, { error: 'invalid_client' });
        }
        const token = `fake-access-${randomUUID()}`;
        issuedAccessTokens.push(token);
        return json(res, 200, { token_type: 'Bearer', expires_in: 3600, access_token: token });
      }
      json(res, 404, { error: `fake-openid: no route ${req.method} ${path}` });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    metadataUrl: `${base}/.well-known/openid-configuration`,
    tokenUrl: `${base}/token`,
    kid,
    issuedAccessTokens,
    get refusedTokenRequests() {
      return refusedTokenRequests;
    },
    sign(claims) {
      const now = Math.floor(Date.now() / 1000);
      const payload = {
        iss: claims.iss ?? BOT_FRAMEWORK_ISSUER,
        aud: claims.aud,
        ...(claims.serviceUrl ? { serviceurl: claims.serviceUrl } : {}),
        nbf: now - 60,
        iat: now - 60,
        exp: now + (claims.expiresIn ?? 3600),
      };
      return signJwt(
        { alg: 'RS256', typ: 'JWT', kid },
        payload,
        claims.signer === 'stranger' ? stranger.privateKey : published.privateKey,
      );
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function signJwt(header: object, payload: object, key: KeyObject): string {
  const encode = (part: object) => Buffer.from(JSON.stringify(part)).toString('base64url');
  const input = `${encode(header)}.${encode(payload)}`;
  const signature = createSign('RSA-SHA256').update(input).sign(key).toString('base64url');
  return `${input}.${signature}`;
}

function json(res: http.ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(value));
}
