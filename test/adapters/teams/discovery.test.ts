// Discovery on Teams, end to end: the real `steward serve` with authentication on (every activity carries
// a Bot Connector token signed by a local OpenID server; the bot's own calls carry tokens from a local
// client-credentials endpoint), and a fake Bot Connector. An admin imports a Power Apps export (as
// Get-AdminPowerApp | ConvertTo-Json writes it) and nudges the owners: the owner who chatted with Steward
// gets one message in their personal chat listing both their apps, registers one with a click (the name
// and platform already filled in) and says the other is not theirs; the owner Steward never saw in Teams
// is reported as unreachable, with why, not dropped.
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migratedPgliteDir } from '../../support/databases.ts';
import { startFakeBotConnector } from '../../support/fake-bot-connector.ts';
import type { ConnectorCall, FakeBotConnector } from '../../support/fake-bot-connector.ts';
import { startFakeOpenId } from '../../support/fake-openid.ts';
import type { FakeOpenId } from '../../support/fake-openid.ts';
import { writeTestPolicy } from '../../support/policy.ts';
import { runSteward, stewardEnv } from '../../support/processes.ts';
import { lowRiskAnswerTo } from '../../support/steward.ts';
import { actions, card, fixture, shown, startStewardServer } from './steward-server.ts';
import type { StewardServer } from './steward-server.ts';

/* eslint-disable @typescript-eslint/no-explicit-any -- cards, activities and reports are read field by field */

const INVENTORY = path.join(import.meta.dirname, '..', '..', 'fixtures', 'discover', 'power-apps-inventory.json');
const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const APP_ID = randomUUID();
const APP_PASSWORD = `test-secret-${randomUUID()}`;

/** The owner who says hi to the bot first: the export's Owner.id is their Entra object id, Teams' aadObjectId. */
const ADA = { id: `29:${randomUUID()}`, name: 'Ada Owner', aadObjectId: randomUUID() };
/** An owner Steward has never seen in Teams. */
const YURI_ID = randomUUID();
const APPS = {
  budget: { AppName: randomUUID(), DisplayName: 'Budget planner' },
  orders: { AppName: randomUUID(), DisplayName: 'Purchase orders' },
  shifts: { AppName: randomUUID(), DisplayName: 'Shift swaps' },
};
const NUDGE_TITLE = 'Apps of yours that are not registered yet';

let connector: FakeBotConnector;
let openid: FakeOpenId;
let server: StewardServer;
let cleanupDatabase: () => Promise<void>;
let env: NodeJS.ProcessEnv;
let dir: string;
let activityCounter = 0;

beforeAll(async () => {
  connector = await startFakeBotConnector();
  openid = await startFakeOpenId({ appId: APP_ID, appPassword: APP_PASSWORD });
  const database = await migratedPgliteDir();
  cleanupDatabase = database.cleanup;
  const policy = await writeTestPolicy(path.dirname(database.dir));
  env = stewardEnv({ PGLITE_DIR: database.dir, STEWARD_POLICY: policy });
  // Teams only: no Slack, no console delivery.
  server = await startStewardServer({
    PGLITE_DIR: database.dir,
    STEWARD_POLICY: policy,
    MICROSOFT_APP_ID: APP_ID,
    MICROSOFT_APP_PASSWORD: APP_PASSWORD,
    MICROSOFT_APP_TYPE: 'MultiTenant',
    TEAMS_OPENID_METADATA_URL: openid.metadataUrl,
    TEAMS_OAUTH_TOKEN_URL: openid.tokenUrl,
  });
  dir = await mkdtemp(path.join(os.tmpdir(), 'steward-teams-discover-'));
}, 60_000);

afterAll(async () => {
  if (process.env.SHOW_SERVER_OUTPUT) console.log(server?.output());
  await server?.stop();
  await connector?.close();
  await openid?.close();
  await cleanupDatabase?.();
  if (dir) await rm(dir, { recursive: true, force: true });
});

function nextId(): string {
  activityCounter += 1;
  return `17638${String(Date.now()).slice(-6)}${String(activityCounter).padStart(3, '0')}`;
}

/** `steward <args>` from another shell: it runs inside the server, through its control socket. */
const steward = (...args: string[]) => runSteward(args, env);

async function report(): Promise<any> {
  const result = await steward('discover', 'report', '--json');
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout);
}

/** Ada's personal chat with the bot, each activity as Teams sends it, with a valid Bot Connector token. */
const chat = (() => {
  const conversationId = `a:${randomUUID()}`;
  // The serviceUrl is the fake connector's, known once it has started.
  const base = {
    from: ADA,
    recipient: { id: `28:${APP_ID}`, name: 'Steward' },
    conversation: { conversationType: 'personal', tenantId: TENANT, id: conversationId },
  };
  /** Posts an activity and returns what the bot posted in this chat during the turn. */
  const send = async (activity: object): Promise<ConnectorCall[]> => {
    const token = openid.sign({ aud: APP_ID, serviceUrl: connector.serviceUrl });
    const before = connector.calls.length;
    const result = await server.postActivity(activity, { authorization: `Bearer ${token}` });
    expect(result.status, JSON.stringify(result.body)).toBe(200);
    return connector.calls.slice(before).filter((call) => call.conversationId === conversationId);
  };
  return {
    conversationId,
    say: (text: string) =>
      send(fixture('personal-message', { ...base, serviceUrl: connector.serviceUrl, id: nextId(), text })),
    /** Clicks an Action.Submit of a card the bot posted: Teams posts a message whose value is the action's data. */
    click: (posted: ConnectorCall, title: string) => {
      const submit = actions(card(posted)).find(
        (candidate: any) => candidate.type === 'Action.Submit' && candidate.title === title,
      );
      if (!submit)
        throw new Error(
          `No Action.Submit "${title}" on the card: ${actions(card(posted))
            .map((a: any) => `${a.type} ${a.title}`)
            .join(', ')}`,
        );
      return send(
        fixture('card-submit', {
          ...base,
          serviceUrl: connector.serviceUrl,
          id: nextId(),
          replyToId: posted.postedId,
          value: submit.data,
        }),
      );
    },
  };
})();

/** What the user sees of a turn's new messages (not the earlier cards redrawn as answered). */
const seen = (calls: ConnectorCall[]) =>
  calls
    .filter((call) => call.kind !== 'update')
    .map(shown)
    .join('\n');

/** Every call that posted the nudge, anywhere. */
const nudges = () => connector.find((call) => call.kind === 'send' && shown(call).includes(NUDGE_TITLE));

describe('discovery on Teams', () => {
  let nudge: ConnectorCall;

  it("sends the owner Teams knows one message in their personal chat listing both apps, and nothing to one it doesn't", async () => {
    const hello = await chat.say('hi');
    expect(seen(hello)).toContain("I'm Steward");

    // The export: two apps of Ada's (her Entra object id, her address), one of Yuri's.
    const template = (JSON.parse(await readFile(INVENTORY, 'utf8')) as Array<Record<string, any>>)[0]!;
    const owner = (id: string, name: string, email: string) => ({
      ...template.Owner,
      id,
      displayName: name,
      email,
      userPrincipalName: email,
    });
    const app = (entry: { AppName: string; DisplayName: string }, who: Record<string, unknown>) => ({
      ...template,
      ...entry,
      Owner: who,
      Internal: { ...template.Internal, name: entry.AppName },
    });
    const ada = owner(ADA.aadObjectId, ADA.name, 'a@example.com');
    const yuri = owner(YURI_ID, 'Yuri Yilmaz', 'y@example.com');
    const file = path.join(dir, 'power-apps.json');
    await writeFile(
      file,
      JSON.stringify([app(APPS.budget, ada), app(APPS.shifts, yuri), app(APPS.orders, ada)], null, 4),
    );

    const imported = await steward('discover', 'import', file, '--source', 'power-apps');
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toBe('power-apps: 3 new, 0 updated, 0 unchanged, 0 disappeared, 0 rejected.\n');
    const nudged = await steward('discover', 'nudge');
    expect(nudged.code, nudged.stderr).toBe(0);
    expect(nudged.stdout).toContain('Sent 2 message(s) to 2 owner(s) about 3 unregistered app(s).');
    expect(nudged.stdout).toContain(`a@example.com -> teams user:${ADA.aadObjectId}: Budget planner, Purchase orders`);
    expect(nudged.stdout).toContain(`y@example.com -> teams user:${YURI_ID}: Shift swaps`);

    nudge = await connector.waitFor(
      (call) =>
        call.kind === 'send' && call.conversationId === chat.conversationId && shown(call).includes(NUDGE_TITLE),
      15_000,
      "the nudge in Ada's personal chat",
    );
    expect(nudge.status).toBe(200);
    // Sent with the bot's own token from the (fake) Entra client-credentials endpoint.
    expect(openid.issuedAccessTokens).toContain(nudge.authorization?.replace(/^Bearer /u, ''));
    const text = shown(nudge);
    expect(text).toContain(
      'Hi! The platform inventory lists 2 apps of yours that are not registered with Steward yet:',
    );
    expect(text).toMatch(
      /^1\. Budget planner \(Power Apps, environment Default-[^,]+, last modified \d{4}-\d\d-\d\d\)$/mu,
    );
    expect(text).toMatch(
      /^2\. Purchase orders \(Power Apps, environment Default-[^,]+, last modified \d{4}-\d\d-\d\d\)$/mu,
    );
    expect(text).not.toContain('Shift swaps');
    const buttons = actions(card(nudge));
    expect(buttons.map((a: any) => [a.type, a.title])).toEqual(
      ['Budget planner', 'Purchase orders'].flatMap((name) =>
        ['Register', 'Not mine', 'Retired'].map((label) => ['Action.Submit', `${label}: ${name}`]),
      ),
    );
    // Each button's value names the discovered item and the answer: three per app, one item each.
    const values = buttons.map((a: any) => String(a.data.answer));
    for (const value of values) expect(value).toMatch(/^discovered [0-9a-f-]{36} (?:register|not-mine|retired)$/u);
    const items = values.map((value: string) => value.split(' ')[1]);
    expect(new Set(items.slice(0, 3)).size).toBe(1);
    expect(new Set(items.slice(3)).size).toBe(1);
    expect(items[0]).not.toBe(items[3]);
    expect(values.map((value: string) => value.split(' ')[2])).toEqual([
      'register',
      'not-mine',
      'retired',
      'register',
      'not-mine',
      'retired',
    ]);

    // Yuri: Steward has no conversation with them, so nothing reaches the Bot Connector for them.
    await server.outboxSettled();
    expect(nudges()).toHaveLength(1);
    expect(connector.find((call) => call.kind === 'create')).toEqual([]);
    expect(connector.find((call) => call.conversationId !== chat.conversationId)).toEqual([]);

    // A second run sends nothing: every owner was told once.
    const again = await steward('discover', 'nudge');
    expect(again.stdout).toContain('Every unregistered app found so far has been nudged about already.');
    await server.outboxSettled();
    expect(nudges()).toHaveLength(1);
  });

  it('lists the owner Steward has no Teams conversation with as unreachable, with the refused delivery', async () => {
    const deadline = Date.now() + 15_000;
    let now = await report();
    while (now.unreachable.length === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      now = await report();
    }
    expect(now.unreachable).toEqual([
      {
        owner: 'y@example.com',
        reason: expect.stringMatching(/^the delivery was refused: /u),
        items: [{ source: 'power-apps', externalId: APPS.shifts.AppName, name: 'Shift swaps', owner: 'y@example.com' }],
      },
    ]);
    expect(now.unreachable[0].reason).toBe(
      `the delivery was refused: No Teams conversation is known for "user:${YURI_ID}": the user has not chatted with Steward in Teams yet`,
    );
    // Ada's message went out, so she is not listed.
    expect(JSON.stringify(now.unreachable)).not.toContain('a@example.com');
    expect((await server.healthz()).outbox).toMatchObject({ pending: 0, dead: 1 });
  });

  it('registers the first app from its button: the name and platform come from the export', async () => {
    const started = await chat.click(nudge, 'Register: Budget planner');
    const opening = seen(started);
    expect(opening).toContain(
      'Let\'s register "Budget planner". From the platform inventory I have its name and that it is on Power Apps.',
    );
    expect(opening).toMatch(/what does it do/iu);
    // Each turn ends with the next question, as a message or a card of its own: answered by its words.
    const questionOf = (calls: ConnectorCall[]) => shown(calls.filter((call) => call.kind !== 'update').at(-1)!);
    let turn = await chat.say('Plans the yearly budget per cost centre');
    const asked = [opening, seen(turn)];
    while (!/Summary/u.test(asked.at(-1)!) && asked.length < 15) {
      turn = await chat.say(lowRiskAnswerTo(questionOf(turn)));
      asked.push(seen(turn));
    }
    const transcript = asked.join('\n=====\n');
    expect(transcript).not.toMatch(/What's the app called|What did you build it with/u);
    const summary = asked.at(-1)!;
    expect(summary, transcript).toContain('Summary');
    // The export's answers (marked inferred, to check) and the owner's, each where it belongs.
    for (const line of [
      'Name: Budget planner (inferred)',
      'What it does: Plans the yearly budget per cost centre',
      'Built with: Power Apps (inferred)',
      'Department: Finance',
      'Who uses it: My team',
      'Number of users: 8',
      'Data it handles: Internal business information',
      'Connected systems: None',
      'Uses AI: No',
      'If it stopped working: Minor: an inconvenience',
      'Shared outside the company: No',
    ])
      expect(summary.split('\n'), transcript).toContain(line);
    const done = seen(await chat.say('yes'));
    expect(done).toMatch(/Registered APP-\d{4}/u);

    const now = await report();
    expect(now).toMatchObject({ discovered: 3, registered: 1, coverage: 0.333 });
    expect(now.unregistered.map((entry: any) => entry.name)).toEqual(['Purchase orders', 'Shift swaps']);
  });

  it('takes "not mine" in the owner\'s own words for the app left', async () => {
    const answered = seen(await chat.say('the other one is not mine'));
    expect(answered).toContain('Thanks, noted: "Purchase orders" is not yours.');
    expect(answered).toContain('is not yours');
  });

  it('reports one of the three registered, the one Ada disowned, and the owner out of reach', async () => {
    const now = await report();
    expect(now).toMatchObject({
      discovered: 3,
      registered: 1,
      coverage: 0.333,
      byPlatform: { 'power-apps': { discovered: 3, registered: 1, coverage: 0.333 } },
      byDepartment: { Finance: { discovered: 1, registered: 1, coverage: 1 } },
      retiredByOwner: [],
      missing: [],
    });
    expect(now.notMine).toEqual([
      { source: 'power-apps', externalId: APPS.orders.AppName, name: 'Purchase orders', owner: 'a@example.com' },
    ]);
    expect(now.unregistered.map((entry: any) => entry.name)).toEqual(['Purchase orders', 'Shift swaps']);
    expect(now.unreachable.map((entry: any) => entry.owner)).toEqual(['y@example.com']);

    const audit = await steward('audit', 'export', '--format', 'json');
    expect(audit.code, audit.stderr).toBe(0);
    const events = JSON.parse(audit.stdout) as any[];
    expect(events.filter((event) => event.action === 'discovery.answered')).toEqual([
      expect.objectContaining({
        actorPlatform: 'teams',
        actorId: ADA.aadObjectId,
        details: expect.objectContaining({ answer: 'not-mine', name: 'Purchase orders' }),
      }),
    ]);
    expect(events.filter((event) => event.action === 'discovery.linked')).toEqual([
      expect.objectContaining({
        details: expect.objectContaining({
          how: 'registered',
          source: 'power-apps',
          externalId: APPS.budget.AppName,
          name: 'Budget planner',
        }),
      }),
    ]);
  });
});
