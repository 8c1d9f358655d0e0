// How Steward learns where it can post in Teams (installs, channel changes, removals) and how it posts
// there later: botbuilder's CloudAdapter in this process, a real (PGlite) database, the fake Bot Connector.
import { CloudAdapter, ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import type { Activity, TurnContext } from 'botbuilder';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handleMembership } from '../../../adapters/teams/handlers/membership.ts';
import { TeamsProactive } from '../../../adapters/teams/proactive.ts';
import { TeamsReachability } from '../../../adapters/teams/reachability.ts';
import { TeamsReferences } from '../../../adapters/teams/references.ts';
import { teamsAdapterFactory } from '../../../adapters/teams/factory.ts';
import type { StewardPort } from '../../../src/runtime/port.ts';
import { DeliveryError } from '../../../src/outbox/transport.ts';
import { pgliteOnly } from '../../support/databases.ts';
import type { TestDatabase } from '../../support/databases.ts';
import { startFakeBotConnector } from '../../support/fake-bot-connector.ts';
import type { FakeBotConnector } from '../../support/fake-bot-connector.ts';
import { testPolicy } from '../../support/policy.ts';
import { fixture } from './steward-server.ts';

const GOVERNANCE = '19:governance5e1b2c3d4e5f6a7b@thread.tacv2';
const PRIVACY = '19:privacy7a8b9c0d1e2f3a4b@thread.tacv2';
const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';

let database: TestDatabase;
let connector: FakeBotConnector;
let references: TeamsReferences;
let adapter: CloudAdapter;
let reachability: TeamsReachability;
let proactive: TeamsProactive;

beforeAll(async () => {
  database = await pgliteOnly();
  connector = await startFakeBotConnector();
  connector.addTeam({
    id: GOVERNANCE,
    name: 'Governance',
    channels: [{ id: GOVERNANCE }, { id: PRIVACY, name: 'Privacy' }],
  });
  references = new TeamsReferences(database.db.store.adapterState);
  // No app id: botbuilder skips authentication, as in emulator mode.
  adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({ MicrosoftAppId: '' }));
  proactive = new TeamsProactive(adapter, '', references, true);
  reachability = new TeamsReachability({
    inForce: { policy: testPolicy() },
    references,
    proactive,
    logger: pino({ level: 'silent' }),
  });
});

afterAll(async () => {
  await connector?.close();
  await database?.cleanup();
});

/** Runs one incoming activity through the membership handler, as the adapter would. */
async function deliver(activity: Record<string, unknown>): Promise<void> {
  await adapter.processActivityDirect(
    '',
    { ...activity, serviceUrl: connector.serviceUrl } as unknown as Activity,
    (context: TurnContext) =>
      handleMembership(context, { references, reachability, logger: pino({ level: 'silent' }) }),
  );
}

describe('conversation references', () => {
  it('stores every channel of a team the app is added to, found case-insensitively by policy name', async () => {
    await deliver(fixture('installation-update-add'));
    expect((await references.channelDestinations()).sort()).toEqual(['Governance/General', 'Governance/Privacy']);
    const privacy = await references.find('governance/privacy');
    expect(privacy).toMatchObject({
      kind: 'channel',
      teamId: GOVERNANCE,
      teamName: 'Governance',
      channelName: 'Privacy',
    });
    expect(privacy?.kind === 'channel' && privacy.reference.conversation).toMatchObject({
      id: PRIVACY,
      tenantId: TENANT,
    });
    expect((await reachability.report()).map((entry) => entry.destination)).not.toContain('Governance/Privacy');
  });

  it('tells a policy publish which of its Teams channels Steward was never added to', async () => {
    const services = { state: database.db.store.adapterState } as unknown as StewardPort;
    const unresolved = await teamsAdapterFactory.unresolvedDestinations!(
      { services, env: {}, logger: pino({ level: 'silent' }) },
      ['Governance/Privacy', 'Governance/Compliance'],
    );
    expect(unresolved).toEqual([
      { destination: 'Governance/Compliance', reason: expect.stringContaining('add the Steward app to this team') },
    ]);
  });

  it('follows a renamed channel and forgets a team the app was removed from', async () => {
    connector.addTeam({
      id: GOVERNANCE,
      name: 'Governance',
      channels: [{ id: GOVERNANCE }, { id: PRIVACY, name: 'Data protection' }],
    });
    await deliver(
      fixture('team-member-added', {
        id: 'f:rename',
        membersAdded: undefined,
        channelData: {
          channel: { id: PRIVACY, name: 'Data protection' },
          team: { id: GOVERNANCE },
          eventType: 'channelRenamed',
          tenant: { id: TENANT },
        },
      }),
    );
    expect((await references.channelDestinations()).sort()).toEqual([
      'Governance/Data protection',
      'Governance/General',
    ]);

    await deliver(
      fixture('team-member-added', {
        id: 'f:removed',
        membersAdded: undefined,
        membersRemoved: [{ id: '28:steward-bot-id' }],
        channelData: {
          team: { id: GOVERNANCE, name: 'Governance' },
          eventType: 'teamMemberRemoved',
          tenant: { id: TENANT },
        },
      }),
    );
    expect(await references.channelDestinations()).toEqual([]);
    expect(await references.find('Governance/General')).toBeUndefined();
  });

  it('keeps at least the General channel when the channel list cannot be read', async () => {
    connector.refuse(GOVERNANCE, { status: 403, code: 'Forbidden', times: 1 });
    await deliver(fixture('team-member-added', { id: 'f:readd' }));
    expect(await references.channelDestinations()).toEqual(['Governance/General']);
  });

  it('stores a personal chat when a user installs the app for themselves', async () => {
    await deliver(fixture('personal-install'));
    expect(await references.find('user:0f5c2d8e-9a3b-4e61-b7c4-2d1e0f9a8b7c')).toMatchObject({
      kind: 'personal',
      reference: { conversation: { id: 'a:1reviewerPersonalChat' }, user: { id: '29:1Rv4qLmN8pW2sT5uX7yZ-reviewer' } },
    });
  });
});

describe('proactive messages', () => {
  const bot = { id: '28:steward-bot-id', name: 'Steward' };

  it('opens a personal chat for someone seen only in a channel, and remembers it', async () => {
    const user = { id: '29:channel-only', name: 'Cleo Channel', aadObjectId: 'c1e0c1e0-0000-4000-8000-000000000001' };
    const posted = await proactive.post(
      { kind: 'member', serviceUrl: connector.serviceUrl, channelId: 'msteams', tenantId: TENANT, bot, user },
      { type: 'message', text: 'Your app was approved.' },
      user.aadObjectId,
    );
    const create = connector.find((call) => call.kind === 'create').at(-1);
    expect(create?.activity).toMatchObject({
      isGroup: false,
      bot,
      members: [user],
      tenantId: TENANT,
      channelData: { tenant: { id: TENANT } },
    });
    expect(posted.conversationId).toMatch(/^a:fake-/u);
    expect(
      connector.find((call) => call.kind === 'send' && call.conversationId === posted.conversationId),
    ).toMatchObject([{ activity: { text: 'Your app was approved.' } }]);
    expect(await references.find(`user:${user.aadObjectId}`)).toMatchObject({
      kind: 'personal',
      reference: { conversation: { id: posted.conversationId } },
    });
  });

  it('starts a new thread in a channel and later edits that message', async () => {
    const stored = {
      kind: 'channel' as const,
      teamId: GOVERNANCE,
      teamName: 'Governance',
      channelName: 'Privacy',
      reference: {
        channelId: 'msteams',
        serviceUrl: connector.serviceUrl,
        bot,
        conversation: { id: PRIVACY, isGroup: true, conversationType: 'channel', name: 'Privacy' },
      },
    };
    const posted = await proactive.post(stored, { type: 'message', text: 'Review needed' });
    const send = connector.find((call) => call.conversationId === PRIVACY).at(-1);
    // POST /v3/conversations/{channel}/activities, not a reply to some activity.
    expect(send).toMatchObject({
      kind: 'send',
      path: `/v3/conversations/${encodeURIComponent(PRIVACY)}/activities`,
      postedId: posted.activityId,
    });
    await proactive.update(stored, posted, { type: 'message', text: 'Approved' });
    expect(connector.find((call) => call.kind === 'update').at(-1)).toMatchObject({
      conversationId: PRIVACY,
      activityId: posted.activityId,
      activity: { text: 'Approved' },
    });
  });

  it('in emulator mode never sends off this machine, whatever a stored reference says', async () => {
    const before = connector.calls.length;
    const stored = {
      kind: 'personal' as const,
      reference: {
        channelId: 'msteams',
        serviceUrl: 'https://smba.trafficmanager.net/emea/',
        bot,
        conversation: { id: 'a:elsewhere', isGroup: false, conversationType: 'personal', name: '' },
      },
    };
    const attempt = proactive.post(stored, { type: 'message', text: 'hello' });
    await expect(attempt).rejects.toBeInstanceOf(DeliveryError);
    await expect(attempt).rejects.toMatchObject({ retryable: false });
    expect(connector.calls.length).toBe(before);
  });
});
