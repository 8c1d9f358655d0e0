// Teams end to end in emulator mode (TEAMS_EMULATOR=true): the real `steward serve`, activities shaped
// like Teams' own (test/fixtures/teams), and a fake Bot Connector that records what the bot posts.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeBotConnector } from '../../support/fake-bot-connector.ts';
import type { ConnectorCall, FakeBotConnector } from '../../support/fake-bot-connector.ts';
import { writeTestPolicy } from '../../support/policy.ts';
import { runSteward, stewardEnv } from '../../support/processes.ts';
import { action, actions, card, fixture, shown, startStewardServer } from './steward-server.ts';
import { migratedPgliteDir } from '../../support/databases.ts';
import type { StewardServer } from './steward-server.ts';

/* eslint-disable @typescript-eslint/no-explicit-any -- cards and activities are read field by field */

const GOVERNANCE = '19:governance5e1b2c3d4e5f6a7b@thread.tacv2';
const PRIVACY = '19:privacy7a8b9c0d1e2f3a4b@thread.tacv2';
const SECURITY = '19:security1a2b3c4d5e6f7a8b@thread.tacv2';
const AUDIT = '19:audit9f8e7d6c5b4a3f2e@thread.tacv2';
const AUDIT_ESCALATIONS = '19:auditescalations0a1b2c3d@thread.tacv2';
const REVIEWER = {
  id: '29:1Rv4qLmN8pW2sT5uX7yZ-reviewer',
  name: 'Rita Reviewer',
  aadObjectId: '0f5c2d8e-9a3b-4e61-b7c4-2d1e0f9a8b7c',
};

let connector: FakeBotConnector;
let server: StewardServer;
let cleanupDir: () => Promise<void>;
let databaseDir: string;
let activityCounter = 0;

beforeAll(async () => {
  connector = await startFakeBotConnector();
  connector.addTeam({
    id: GOVERNANCE,
    name: 'Governance',
    channels: [{ id: GOVERNANCE }, { id: PRIVACY, name: 'Privacy' }, { id: SECURITY, name: 'Security' }],
  });
  connector.addTeam({
    id: AUDIT,
    name: 'Audit',
    channels: [{ id: AUDIT }, { id: AUDIT_ESCALATIONS, name: 'Escalations' }],
  });
  const database = await migratedPgliteDir();
  cleanupDir = database.cleanup;
  databaseDir = database.dir;
  // Privacy escalations go to two channels: Governance/Privacy, and Audit/Escalations, which will refuse.
  const policy = await writeTestPolicy(path.dirname(database.dir), (doc) => {
    doc.setIn(['teams', 'privacy', 'reviewers', 'teams'], doc.createNode([REVIEWER.aadObjectId]));
    doc.setIn(
      ['teams', 'privacy', 'destinations', 'teams'],
      doc.createNode([
        { team: 'Governance', channel: 'Privacy' },
        { team: 'Audit', channel: 'Escalations' },
      ]),
    );
  });
  server = await startStewardServer({ TEAMS_EMULATOR: 'true', PGLITE_DIR: database.dir, STEWARD_POLICY: policy });
});

afterAll(async () => {
  await server?.stop();
  await connector?.close();
  await cleanupDir?.();
});

function nextId(): string {
  activityCounter += 1;
  return `17636${String(Date.now()).slice(-6)}${String(activityCounter).padStart(3, '0')}`;
}

/** A user's personal chat with the bot. */
function personalChat(name: string) {
  const user = { id: `29:${randomUUID()}`, name, aadObjectId: randomUUID() };
  const conversationId = `a:${randomUUID()}`;
  const base = {
    serviceUrl: connector.serviceUrl,
    from: user,
    conversation: {
      conversationType: 'personal',
      tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47',
      id: conversationId,
    },
  };
  /** Posts an activity and returns what the bot posted in this chat during the turn. */
  const send = async (activity: object) => {
    const before = connector.calls.length;
    const result = await server.postActivity(activity);
    expect(result.status, JSON.stringify(result.body)).toBe(200);
    return connector.calls.slice(before).filter((call) => call.conversationId === conversationId);
  };
  return {
    user,
    conversationId,
    say: (text: string, id = nextId(), entities?: object[]) =>
      send(fixture('personal-message', { ...base, id, text, ...(entities ? { entities } : {}) })),
    /** Clicks an Action.Submit of a card the bot posted, with the inputs a user would fill in. */
    click: (posted: ConnectorCall, title: string, inputs: Record<string, string> = {}, id = nextId()) =>
      send(
        fixture('card-submit', {
          ...base,
          id,
          replyToId: posted.postedId,
          value: { ...action(card(posted), title, 'Action.Submit').data, ...inputs },
        }),
      ),
  };
}

/** The last card the bot posted among these calls. */
function lastCard(calls: ConnectorCall[]): ConnectorCall {
  const posted = calls.filter((call) => call.kind !== 'update' && card(call));
  if (posted.length === 0) throw new Error(`No card among: ${calls.map((call) => shown(call)).join(' | ')}`);
  return posted.at(-1)!;
}

describe('Teams in emulator mode', () => {
  it('says at start and in /healthz which policy destinations are unreachable, and stores channels when added to a team', async () => {
    expect(server.output()).toContain('TEAMS_EMULATOR=true: Teams authentication is OFF');
    expect(server.output()).toMatch(
      /policy destinations are not reachable; escalations to them will fail: .*Governance\/Privacy/u,
    );
    const before = await server.healthz();
    expect(before.adapters).toEqual(['teams']);
    const unreachableBefore = before.platforms.teams.unreachableDestinations.map((entry: any) => entry.destination);
    expect(unreachableBefore).toEqual(
      expect.arrayContaining(['Governance/Privacy', 'Audit/Escalations', 'Governance/Compliance']),
    );

    // Teams tells the bot it was added: installationUpdate, then conversationUpdate with the bot in membersAdded.
    const installed = await server.postActivity(
      fixture('installation-update-add', { id: nextId(), serviceUrl: connector.serviceUrl }),
    );
    expect(installed.status).toBe(200);
    const added = await server.postActivity(
      fixture('team-member-added', {
        id: nextId(),
        serviceUrl: connector.serviceUrl,
        conversation: { isGroup: true, conversationType: 'channel', id: AUDIT },
        channelData: {
          team: { id: AUDIT, name: 'Audit' },
          eventType: 'teamMemberAdded',
          tenant: { id: '72f988bf-86f1-41af-91ab-2d7cd011db47' },
        },
      }),
    );
    expect(added.status).toBe(200);
    // The bot asked Teams for each team's channels.
    expect(connector.find((call) => call.kind === 'channels').map((call) => call.conversationId)).toEqual(
      expect.arrayContaining([GOVERNANCE, AUDIT]),
    );

    const after = (await server.healthz()).platforms.teams;
    const unreachableAfter = after.unreachableDestinations.map((entry: any) => entry.destination);
    expect(unreachableAfter).not.toContain('Governance/Privacy');
    expect(unreachableAfter).not.toContain('Audit/Escalations');
    // Channels the teams do not have stay listed, with why.
    expect(after.unreachableDestinations).toContainEqual({
      destination: 'Governance/Compliance',
      reason: expect.stringContaining('no stored conversation reference'),
    });
  });

  it('registers an app through cards in a personal chat, escalates it proactively, and ignores a redelivered click', async () => {
    const maker = personalChat('Mia Maker');
    // Audit removed the app since: the Bot Connector answers 403 for its channel.
    connector.refuse(AUDIT_ESCALATIONS, { status: 403, code: 'BotNotInConversationRoster' });

    let turn = await maker.say('register');
    expect(turn.map((call) => call.kind)).toEqual(['reply', 'reply']);
    expect(turn[0]!.activityId).toBeDefined();
    expect(turn.map(shown).join('\n')).toContain("What's the app called?");

    turn = await maker.say('Complaint tracker');
    expect(turn.map(shown).join('\n')).toContain('what does it do');

    turn = await maker.say('Logs complaints from our shop customers and who handles them');
    // Ten platforms: a compact dropdown with a Send button.
    const platformCard = lastCard(turn);
    const dropdown = card(platformCard).body.find((element: any) => element.type === 'Input.ChoiceSet');
    expect(dropdown).toMatchObject({ style: 'compact', isMultiSelect: false, isRequired: true });
    expect(dropdown.choices).toHaveLength(10);

    turn = await maker.click(platformCard, 'Send', { choice: 'power-apps' });
    const platformUpdate = turn.find((call) => call.kind === 'update')!;
    expect(platformUpdate.activityId).toBe(platformCard.postedId);
    expect(shown(platformUpdate)).toContain('✔ Power Apps');
    expect(actions(card(platformUpdate))).toEqual([]);
    expect(turn.map(shown).join('\n')).toContain('Which department or team owns it?');

    turn = await maker.say('Customer Service');
    // Five audiences: one button each.
    const audienceCard = lastCard(turn);
    expect(actions(card(audienceCard)).map((a: any) => a.title)).toEqual([
      'Just me',
      'My team',
      'My department',
      'The whole organisation',
      'People outside the company',
    ]);
    turn = await maker.click(audienceCard, 'My department');
    expect(shown(turn.find((call) => call.kind === 'update')!)).toContain('✔ My department');

    turn = await maker.say('45');
    const dataCard = lastCard(turn);
    expect(card(dataCard).body.find((element: any) => element.type === 'Input.ChoiceSet')).toMatchObject({
      isMultiSelect: true,
    });
    turn = await maker.click(dataCard, 'Send', { choice: 'personal,internal' });
    expect(shown(turn.find((call) => call.kind === 'update')!)).toContain(
      '✔ Personal data (names, emails, phone numbers of people), Internal business information',
    );

    turn = await maker.say('none');
    const aiCard = lastCard(turn);
    expect(actions(card(aiCard)).map((a: any) => a.title)).toEqual(['Yes', 'No']);
    // Typing instead of clicking: the waiting card is redrawn with what was typed.
    turn = await maker.say('no');
    const typed = turn.find((call) => call.kind === 'update')!;
    expect(typed.activityId).toBe(aiCard.postedId);
    expect(shown(typed)).toContain('✔ no');
    turn = await maker.click(lastCard(turn), 'Minor: an inconvenience');
    turn = await maker.click(lastCard(turn), 'No');
    // A medium-risk app needs a backup owner: named with an @mention, as Teams sends one.
    expect(turn.map(shown).join('\n')).toContain("Who looks after the app when you're away?");
    const pat = { id: '29:1pat-lee', name: 'Pat Lee', aadObjectId: '8d2f1c3e-4a5b-4c1d-9e2f-3a4b5c6d7e8f' };
    turn = await maker.say('my colleague <at>Pat Lee</at>', nextId(), [
      { type: 'mention', mentioned: pat, text: '<at>Pat Lee</at>' },
    ]);

    // The summary: facts, Submit / Cancel, and a dropdown to change an answer.
    const summary = lastCard(turn);
    expect(shown(summary)).toContain('Backup owner: Pat Lee');
    expect(shown(summary)).toContain('Who uses it: My department');
    expect(shown(summary)).toContain('Number of users: 45');
    expect(actions(card(summary)).map((a: any) => a.title)).toEqual(
      expect.arrayContaining(['Submit', 'Cancel', 'Change']),
    );

    const submitId = nextId();
    turn = await maker.click(summary, 'Submit', {}, submitId);
    expect(shown(turn.find((call) => call.kind === 'update')!)).toContain('✔ Submit');
    const registered = lastCard(turn);
    expect(shown(registered)).toMatch(/Registered APP-\d{4}/u);
    expect(shown(registered)).toContain('Risk tier: MEDIUM');
    const reference = /APP-\d{4}/u.exec(shown(registered))![0];

    // The escalation reaches the privacy reviewers' channel as a new thread, with the decision buttons.
    const escalation = await connector.waitFor(
      (call) => call.kind === 'send' && call.conversationId === PRIVACY && shown(call).includes(reference),
      15_000,
      'escalation',
    );
    expect(escalation.status).toBe(200);
    expect(card(escalation).body[0]).toMatchObject({ text: `Review needed: ${reference} Complaint tracker` });
    expect(action(card(escalation), 'Approve', 'Action.Execute')).toMatchObject({ verb: 'review' });
    const reject = action(card(escalation), 'Reject', 'Action.ShowCard');
    expect(reject.card.body[0]).toMatchObject({ type: 'Input.Text', id: 'reason', isRequired: true });
    expect(action(reject.card, 'Reject', 'Action.Execute')).toBeDefined();
    expect(action(card(escalation), 'Request changes', 'Action.ShowCard')).toBeDefined();

    // The channel Steward was removed from: refused once (403 is final), and /healthz says so.
    await connector.waitFor(
      (call) => call.conversationId === AUDIT_ESCALATIONS && call.status === 403,
      15_000,
      'the refused escalation',
    );
    const health = await server.outboxSettled();
    expect(health.outbox.dead).toBe(1);
    expect(connector.find((call) => call.conversationId === AUDIT_ESCALATIONS)).toHaveLength(1);
    expect(health.platforms.teams.unreachableDestinations).toContainEqual({
      destination: 'Audit/Escalations',
      reason: expect.stringContaining('403 BotNotInConversationRoster'),
    });

    // Teams redelivers the Submit click: nothing is posted, registered or escalated again.
    const redelivered = await maker.click(summary, 'Submit', {}, submitId);
    expect(redelivered).toEqual([]);
    turn = await maker.say('my apps');
    expect(shown(turn[0]!).match(/APP-\d{4}/gu)).toEqual([reference]);
    await server.outboxSettled();
    expect(
      connector.find(
        (call) => call.kind === 'send' && call.conversationId === PRIVACY && shown(call).includes(reference),
      ),
    ).toHaveLength(1);

    // A click on a card that is no longer current is turned away rather than taken as an answer.
    const stale = await maker.click(audienceCard, 'Just me');
    expect(stale.map(shown).join('\n')).toContain('so I ignored the click');
  });

  it("lets only the team's reviewers decide, updates the escalation card and tells the maker in their chat", async () => {
    const maker = personalChat('Max Maker');
    for (const text of [
      'register',
      'Visitor log',
      'Records visitors to the office and whom they meet',
      'power apps',
      'Facilities',
      'the whole organisation',
      '300',
      'personal',
      'none',
      'no',
      'minor',
      'no',
      'max.backup@example.com', // backup owner: asked from medium risk up
    ]) {
      await maker.say(text);
    }
    const registered = await maker.say('yes');
    const reference = /APP-\d{4}/u.exec(registered.map(shown).join('\n'))![0];
    const escalation = await connector.waitFor(
      (call) => call.kind === 'send' && call.conversationId === PRIVACY && shown(call).includes(reference),
      15_000,
      'escalation',
    );
    const approve = action(card(escalation), 'Approve', 'Action.Execute');
    const rejectCard = action(card(escalation), 'Reject', 'Action.ShowCard').card;
    const reject = action(rejectCard, 'Reject', 'Action.Execute');

    const invoke = (from: object, data: object) =>
      server.postActivity(
        fixture('card-action-invoke', {
          id: nextId(),
          serviceUrl: connector.serviceUrl,
          from,
          conversation: {
            isGroup: true,
            conversationType: 'channel',
            id: `${PRIVACY};messageid=${escalation.postedId}`,
          },
          replyToId: escalation.postedId,
          value: { action: { type: 'Action.Execute', verb: 'review', data }, trigger: 'manual' },
        }),
      );

    // Someone who is not a Privacy reviewer: refused, told privately (the invoke response), card untouched.
    const outsiderId = randomUUID();
    const outsider = await invoke({ id: '29:outsider', name: 'Otto Outsider', aadObjectId: outsiderId }, approve.data);
    expect(outsider.status).toBe(200);
    expect(outsider.body).toEqual({
      statusCode: 200,
      type: 'application/vnd.microsoft.activity.message',
      value: `Only reviewers of Privacy can decide on ${reference}. Your attempt was recorded.`,
    });
    // ...and the attempt is in the audit trail (read through the running server).
    const audit = await runSteward(['audit', 'export', '--format', 'json'], stewardEnv({ PGLITE_DIR: databaseDir }));
    expect(audit.code, audit.stderr).toBe(0);
    expect(JSON.parse(audit.stdout)).toContainEqual(
      expect.objectContaining({
        action: 'review.refused',
        actorPlatform: 'teams',
        actorId: outsiderId,
        details: expect.objectContaining({ why: 'not-reviewer', reference }),
      }),
    );
    // A reason is required to reject.
    const noReason = await invoke(REVIEWER, { ...reject.data, reason: '  ' });
    expect(noReason.body.value).toBe('Please give a reason for rejecting.');
    expect(connector.find((call) => call.kind === 'update' && call.activityId === escalation.postedId)).toEqual([]);

    // The maker's chat is throttled at first: the notice is retried, not lost.
    connector.refuse(maker.conversationId, { status: 429, retryAfterSeconds: 0, times: 4 });
    const decided = await invoke(REVIEWER, {
      ...reject.data,
      reason: 'Visitor data must stay in the reception system.',
    });
    expect(decided.body).toMatchObject({
      statusCode: 200,
      value: '❌ Rejected by Rita Reviewer (Privacy): Visitor data must stay in the reception system.',
    });

    const updated = await connector.waitFor(
      (call) => call.kind === 'update' && call.conversationId === PRIVACY && call.activityId === escalation.postedId,
      15_000,
      'the escalation card update',
    );
    expect(shown(updated)).toContain(
      '❌ Rejected by Rita Reviewer (Privacy): Visitor data must stay in the reception system.',
    );
    expect(actions(card(updated))).toEqual([]);

    const notice = await connector.waitFor(
      (call) => call.kind === 'send' && call.conversationId === maker.conversationId && call.status === 200,
      15_000,
      "the maker's notice",
    );
    expect(shown(notice)).toContain(
      `${reference} "Visitor log" was rejected by Rita Reviewer (Privacy): Visitor data must stay in the reception system.`,
    );
    expect(
      connector.find((call) => call.conversationId === maker.conversationId && call.status === 429).length,
    ).toBeGreaterThan(0);

    // The first decision stands; a second click is told so.
    const again = await invoke(REVIEWER, approve.data);
    expect(again.body.value).toMatch(new RegExp(`^${reference} was already rejected by Rita Reviewer`, 'u'));
  });

  it('answers an @mention in a channel in the thread of that message', async () => {
    const id = nextId();
    const conversationId = `19:makers0c6e6d1a4b8e9f2d3c@thread.tacv2;messageid=${id}`;
    const result = await server.postActivity(
      fixture('channel-mention', {
        id,
        serviceUrl: connector.serviceUrl,
        from: { id: '29:channel-user', name: 'Cleo Channel', aadObjectId: randomUUID() },
        conversation: {
          isGroup: true,
          conversationType: 'channel',
          tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47',
          id: conversationId,
        },
      }),
    );
    expect(result.status).toBe(200);
    const reply = await connector.waitFor((call) => call.conversationId === conversationId, 5000, 'the threaded reply');
    expect(reply).toMatchObject({ kind: 'reply', activityId: id });
    // "<at>Steward</at> help" was read as "help".
    expect(shown(reply)).toContain("I'm Steward. I register the apps you build");
  });

  it('refuses unauthenticated activities whose serviceUrl is not on this machine', async () => {
    const before = connector.calls.length;
    const result = await server.postActivity(
      fixture('personal-message', {
        id: nextId(),
        text: 'register',
        from: { id: '29:intruder', aadObjectId: REVIEWER.aadObjectId },
      }),
    );
    expect(result.status).toBe(403);
    expect(result.body.error).toMatchObject({ code: 'forbidden', message: expect.stringContaining('loopback') });
    expect(result.body.requestId).toBe(result.requestId);
    const forged = await server.postActivity(
      fixture('card-action-invoke', { id: nextId(), serviceUrl: 'http://203.0.113.7:3978/', from: REVIEWER }),
    );
    expect(forged.status).toBe(403);
    expect(connector.calls.slice(before)).toEqual([]);
    expect(server.output()).toContain('refused an unauthenticated activity whose serviceUrl is not on this machine');
  });
});
