// Teams' documented activities (test/fixtures/teams) read as the core's messages; the settings;
// the emulator's loopback check; Bot Connector failures as outbox outcomes.
import { describe, expect, it } from 'vitest';
import { loadTeamsConfig } from '../../../adapters/teams/config.ts';
import { teamsAdapterFactory } from '../../../adapters/teams/factory.ts';
import { isLoopbackUrl } from '../../../adapters/teams/emulator.ts';
import { deliveryErrorFrom, retryAfterMs } from '../../../adapters/teams/errors.ts';
import { inboundMessage, messageText } from '../../../adapters/teams/inbound.ts';
import { ConfigError } from '../../../src/config.ts';
import { DeliveryError } from '../../../src/outbox/transport.ts';
import { fixture } from './steward-server.ts';

describe('Teams activities as core messages', () => {
  it('reads a personal message as the user, by Entra object id, in their chat', () => {
    const activity = fixture('personal-message');
    expect(inboundMessage(activity, messageText(activity))).toEqual({
      platform: 'teams',
      channelId: 'a:1pQ8XyZmakerPersonalChat',
      user: { userId: '6a1e3c70-2f1b-4c7e-9d0a-8b5f4e2d1c10', displayName: 'Mia Maker' },
      text: 'register',
      eventId: '1763629942311',
    });
  });

  it('reads a channel @mention without the mention, in the thread of the root post', () => {
    const activity = fixture('channel-mention');
    expect(inboundMessage(activity, messageText(activity))).toMatchObject({
      channelId: '19:makers0c6e6d1a4b8e9f2d3c@thread.tacv2',
      threadId: '1763630441905',
      text: 'help',
    });
  });

  it("keeps other people's mentions as their names", () => {
    const activity = fixture('channel-mention', {
      text: '<at>Steward</at> ask can <at>Bob Builder</at> use Airtable?',
    });
    expect(messageText(activity)).toBe('ask can Bob Builder use Airtable?');
  });
});

describe('Teams settings', () => {
  const APP_ID = '3f2a1b0c-aaaa-bbbb-cccc-1234567890ab';

  it.each([
    [{}, undefined],
    [{ TEAMS_EMULATOR: 'true' }, { mode: 'emulator', appId: '' }],
    [
      { MICROSOFT_APP_ID: APP_ID, MICROSOFT_APP_PASSWORD: 's3cret' },
      { mode: 'authenticated', appId: APP_ID, appType: 'MultiTenant', appPassword: 's3cret' },
    ],
    [
      { MICROSOFT_APP_ID: APP_ID, MICROSOFT_APP_TYPE: 'userassignedmsi', MICROSOFT_APP_TENANT_ID: 't' },
      { mode: 'authenticated', appId: APP_ID, appType: 'UserAssignedMSI', tenantId: 't' },
    ],
  ])('%j is %j', (env, expected) => {
    expect(loadTeamsConfig(env)).toEqual(expected);
    expect(teamsAdapterFactory.isEnabled(env)).toBe(expected !== undefined);
  });

  it.each([
    [{ MICROSOFT_APP_ID: APP_ID }, 'MICROSOFT_APP_PASSWORD: required for MultiTenant'],
    [
      { MICROSOFT_APP_ID: APP_ID, MICROSOFT_APP_PASSWORD: 'hunter2', MICROSOFT_APP_TYPE: 'SingleTenant' },
      'MICROSOFT_APP_TENANT_ID: required for SingleTenant',
    ],
    [
      { MICROSOFT_APP_ID: APP_ID, MICROSOFT_APP_TYPE: 'UserAssignedMSI' },
      'MICROSOFT_APP_TENANT_ID: required for UserAssignedMSI',
    ],
    [
      {
        MICROSOFT_APP_ID: APP_ID,
        MICROSOFT_APP_PASSWORD: 'hunter2',
        MICROSOFT_APP_TYPE: 'UserAssignedMSI',
        MICROSOFT_APP_TENANT_ID: 't',
      },
      'MICROSOFT_APP_PASSWORD: must not be set for UserAssignedMSI',
    ],
    [
      { MICROSOFT_APP_ID: APP_ID, MICROSOFT_APP_PASSWORD: 'hunter2', MICROSOFT_APP_TYPE: 'Personal' },
      'MICROSOFT_APP_TYPE: must be one of MultiTenant, SingleTenant, UserAssignedMSI',
    ],
    [{ MICROSOFT_APP_PASSWORD: 'hunter2' }, 'MICROSOFT_APP_ID: required when MICROSOFT_APP_PASSWORD is set'],
    [
      { MICROSOFT_APP_ID: APP_ID, MICROSOFT_APP_PASSWORD: 'hunter2', TEAMS_EMULATOR: 'true' },
      'TEAMS_EMULATOR: must not be true when MICROSOFT_APP_ID is set',
    ],
    [{ TEAMS_EMULATOR: 'yes' }, 'TEAMS_EMULATOR: must be true or false'],
    [
      { MICROSOFT_APP_ID: APP_ID, MICROSOFT_APP_PASSWORD: 'hunter2', TEAMS_OPENID_METADATA_URL: 'not a url' },
      'TEAMS_OPENID_METADATA_URL: must be a URL',
    ],
  ])('refuses %j, naming the variable and never the secret', (env, problem) => {
    const attempt = () => teamsAdapterFactory.isEnabled(env);
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(problem);
    expect(() => attempt()).not.toThrow(/hunter2/u);
  });
});

describe('emulator mode accepts loopback serviceUrls only', () => {
  it.each([
    ['http://127.0.0.1:3978/', true],
    ['http://127.12.0.9/', true],
    ['http://localhost:56789/', true],
    ['http://[::1]:3978/', true],
    ['https://smba.trafficmanager.net/emea/', false],
    ['http://127.0.0.1.attacker.example/', false],
    ['http://localhost.attacker.example/', false],
    ['http://10.0.0.5/', false],
    ['http://[::ffff:10.0.0.5]/', false],
    ['file:///etc/passwd', false],
    [undefined, false],
  ])('%s -> %s', (url, loopback) => {
    expect(isLoopbackUrl(url)).toBe(loopback);
  });
});

describe('Bot Connector failures as outbox outcomes', () => {
  const restError = (statusCode: number | undefined, code?: string, retryAfter?: string) =>
    Object.assign(new Error('failed'), {
      name: 'RestError',
      statusCode,
      code,
      response: { headers: { get: (name: string) => (name === 'retry-after' ? retryAfter : undefined) } },
    });

  it.each([
    [restError(429, 'Throttled', '7'), true, 7000, '429'],
    [restError(503, 'ServiceUnavailable'), true, undefined, '503'],
    [restError(undefined, 'ECONNRESET'), true, undefined, 'ECONNRESET'],
    [restError(403, 'BotNotInConversationRoster'), false, undefined, '403 BotNotInConversationRoster'],
    [restError(404, 'ConversationNotFound'), false, undefined, '404 ConversationNotFound'],
  ])('%s', (error, retryable, after, mentions) => {
    const failure = deliveryErrorFrom(error, 'Governance/Privacy');
    expect(failure).toBeInstanceOf(DeliveryError);
    expect(failure).toMatchObject({ retryable, retryAfterMs: after });
    expect(failure.message).toContain(mentions);
    expect(failure.message).toContain('Governance/Privacy');
  });

  it('reads Retry-After as seconds or as a date', () => {
    expect(retryAfterMs('2')).toBe(2000);
    expect(retryAfterMs('Wed, 21 Oct 2015 07:28:10 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))).toBe(10_000);
    expect(retryAfterMs('soon')).toBeUndefined();
  });
});
