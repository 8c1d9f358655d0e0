// Teams end to end with authentication on (MICROSOFT_APP_ID): every activity must carry a Bot Connector
// token. The tokens are signed here (RS256) with a key published by a local OpenID metadata + JWKS
// server; the bot's own outgoing calls get their token from a local client-credentials endpoint.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeBotConnector } from '../../support/fake-bot-connector.ts';
import type { FakeBotConnector } from '../../support/fake-bot-connector.ts';
import { startFakeOpenId } from '../../support/fake-openid.ts';
import type { FakeOpenId } from '../../support/fake-openid.ts';
import { runSteward, stewardEnv } from '../../support/processes.ts';
import { fixture, startStewardServer } from './steward-server.ts';
import { migratedPgliteDir } from '../../support/databases.ts';
import type { StewardServer } from './steward-server.ts';

const APP_ID = randomUUID();
const APP_PASSWORD = `test-secret-${randomUUID()}`;

let connector: FakeBotConnector;
let openid: FakeOpenId;
let server: StewardServer;
let cleanupDir: () => Promise<void>;

beforeAll(async () => {
  connector = await startFakeBotConnector();
  openid = await startFakeOpenId({ appId: APP_ID, appPassword: APP_PASSWORD });
  const database = await migratedPgliteDir();
  cleanupDir = database.cleanup;
  server = await startStewardServer({
    PGLITE_DIR: database.dir,
    MICROSOFT_APP_ID: APP_ID,
    MICROSOFT_APP_PASSWORD: APP_PASSWORD,
    MICROSOFT_APP_TYPE: 'MultiTenant',
    TEAMS_OPENID_METADATA_URL: openid.metadataUrl,
    TEAMS_OAUTH_TOKEN_URL: openid.tokenUrl,
  });
});

afterAll(async () => {
  await server?.stop();
  await connector?.close();
  await openid?.close();
  await cleanupDir?.();
});

/** A personal message from a new user, as Teams sends it, to the fake connector's serviceUrl. */
function message(text: string) {
  const conversationId = `a:${randomUUID()}`;
  const activity = fixture('personal-message', {
    id: `${Date.now()}${Math.floor(Math.random() * 1000)}`,
    text,
    serviceUrl: connector.serviceUrl,
    from: { id: `29:${randomUUID()}`, name: 'Ada Auth', aadObjectId: randomUUID() },
    recipient: { id: `28:${APP_ID}`, name: 'Steward' },
    conversation: {
      conversationType: 'personal',
      tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47',
      id: conversationId,
    },
  });
  return { activity, conversationId };
}

describe('Teams with authentication', () => {
  it("accepts an activity with a valid Bot Connector token and replies with the bot's own token", async () => {
    const { activity, conversationId } = message('help');
    const token = openid.sign({ aud: APP_ID, serviceUrl: connector.serviceUrl });
    const result = await server.postActivity(activity, { authorization: `Bearer ${token}` });
    expect(result.status).toBe(200);
    const reply = await connector.waitFor((call) => call.conversationId === conversationId, 5000, 'the reply');
    expect(reply.kind).toBe('reply');
    expect(String(reply.activity.text)).toContain("I'm Steward");
    // Outgoing calls are authenticated with a token from the (fake) Entra client-credentials endpoint.
    expect(openid.issuedAccessTokens).toContain(reply.authorization?.replace(/^Bearer /u, ''));
    expect(openid.refusedTokenRequests).toBe(0);
    expect((await server.healthz()).platforms.teams.mode).toBe('authenticated');
  });

  it.each([
    ['no token', () => undefined],
    ['a token for another bot', () => openid.sign({ aud: randomUUID(), serviceUrl: connector.serviceUrl })],
    [
      'a token issued for another serviceUrl',
      () => openid.sign({ aud: APP_ID, serviceUrl: 'https://smba.trafficmanager.net/emea/' }),
    ],
    [
      'a token signed with an unpublished key',
      () => openid.sign({ aud: APP_ID, serviceUrl: connector.serviceUrl, signer: 'stranger' }),
    ],
    ['an expired token', () => openid.sign({ aud: APP_ID, serviceUrl: connector.serviceUrl, expiresIn: -3600 })],
    [
      'a token from another issuer',
      () => openid.sign({ aud: APP_ID, serviceUrl: connector.serviceUrl, iss: 'https://login.example.com/' }),
    ],
  ])('refuses %s with 401 and posts nothing', async (_case, token) => {
    const { activity, conversationId } = message('register');
    const bearer = token();
    const result = await server.postActivity(activity, bearer ? { authorization: `Bearer ${bearer}` } : {});
    expect(result.status).toBe(401);
    expect(connector.find((call) => call.conversationId === conversationId)).toEqual([]);
  });

  it('keeps the app password out of everything it prints', () => {
    expect(server.output()).toContain('Steward listening');
    expect(server.output()).not.toContain(APP_PASSWORD);
  });

  it('refuses to start half-configured, naming the variable', async () => {
    const result = await runSteward(
      ['serve'],
      stewardEnv({
        MICROSOFT_APP_ID: APP_ID,
        MICROSOFT_APP_TYPE: 'SingleTenant',
        MICROSOFT_APP_PASSWORD: APP_PASSWORD,
      }),
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('MICROSOFT_APP_TENANT_ID: required for SingleTenant');
    expect(result.stderr + result.stdout).not.toContain(APP_PASSWORD);
  });
});
