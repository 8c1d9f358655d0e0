// "Ask a human" on Teams end to end (TEAMS_EMULATOR=true): a maker's question goes from their personal
// chat to the owning team's channel as a new thread; a reviewer's @mention reply in that thread comes back
// to the maker's chat. The real `steward serve`, and a fake Bot Connector that records what the bot posts.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeBotConnector } from '../../support/fake-bot-connector.ts';
import type { ConnectorCall, FakeBotConnector } from '../../support/fake-bot-connector.ts';
import { writeTestPolicy } from '../../support/policy.ts';
import { runSteward, stewardEnv } from '../../support/processes.ts';
import { actions, card, fixture, shown, startStewardServer } from './steward-server.ts';
import { migratedPgliteDir } from '../../support/databases.ts';
import type { StewardServer } from './steward-server.ts';

/* eslint-disable @typescript-eslint/no-explicit-any -- cards and activities are read field by field */

const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
// The default policy sends Privacy's questions to Governance/Privacy; the handbook's personal-data
// page (owner: privacy) answers the Mailchimp question.
const GOVERNANCE = '19:governance5e1b2c3d4e5f6a7b@thread.tacv2';
const PRIVACY = '19:privacy7a8b9c0d1e2f3a4b@thread.tacv2';
const SECURITY = '19:security1a2b3c4d5e6f7a8b@thread.tacv2';
const BOT = { id: '28:steward-bot-id', name: 'Steward' };
const QUESTION = 'Can my Zap send customer emails to Mailchimp?';
const ANSWER =
  'Only once Mailchimp is on the approved vendor list: we are signing its data processing agreement this month.';

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
  const database = await migratedPgliteDir();
  cleanupDir = database.cleanup;
  databaseDir = database.dir;
  const policy = await writeTestPolicy(path.dirname(database.dir));
  server = await startStewardServer({ TEAMS_EMULATOR: 'true', PGLITE_DIR: database.dir, STEWARD_POLICY: policy });
  // Steward is added to the Governance team (the fixture's team): it stores every channel's reference.
  const installed = await server.postActivity(
    fixture('installation-update-add', { id: nextId(), serviceUrl: connector.serviceUrl }),
  );
  expect(installed.status).toBe(200);
  const reachable = (await server.healthz()).platforms.teams.unreachableDestinations.map(
    (entry: any) => entry.destination,
  );
  expect(reachable).not.toContain('Governance/Privacy');
});

afterAll(async () => {
  await server?.stop();
  await connector?.close();
  await cleanupDir?.();
});

function nextId(): string {
  activityCounter += 1;
  return `17637${String(Date.now()).slice(-6)}${String(activityCounter).padStart(3, '0')}`;
}

/** Posts an activity and returns what the bot posted in that conversation during the turn. */
async function send(activity: object, conversationId: string): Promise<ConnectorCall[]> {
  const before = connector.calls.length;
  const result = await server.postActivity(activity);
  expect(result.status, JSON.stringify(result.body)).toBe(200);
  return connector.calls.slice(before).filter((call) => call.conversationId === conversationId);
}

/** A user's personal chat with the bot. */
function personalChat(name: string) {
  const user = { id: `29:${randomUUID()}`, name, aadObjectId: randomUUID() };
  const conversationId = `a:${randomUUID()}`;
  const base = {
    serviceUrl: connector.serviceUrl,
    from: user,
    conversation: { conversationType: 'personal', tenantId: TENANT, id: conversationId },
  };
  return {
    user,
    conversationId,
    say: (text: string, id = nextId()) => send(fixture('personal-message', { ...base, id, text }), conversationId),
    /** Clicks an Action.Submit of a card the bot posted. */
    click: (posted: ConnectorCall, title: string, id = nextId()) => {
      const submit = actions(card(posted)).find(
        (candidate) => candidate.type === 'Action.Submit' && candidate.title === title,
      );
      if (!submit)
        throw new Error(
          `No Action.Submit "${title}" on the card: ${actions(card(posted))
            .map((a) => `${a.type} ${a.title}`)
            .join(', ')}`,
        );
      return send(
        fixture('card-submit', { ...base, id, replyToId: posted.postedId, value: submit.data }),
        conversationId,
      );
    },
  };
}

/** A reply in a channel thread mentioning Steward, as Teams delivers it: the conversation id names the thread's root. */
function threadReply(channelId: string, rootId: string, from: object, text: string, id = nextId()) {
  return fixture('channel-mention', {
    id,
    serviceUrl: connector.serviceUrl,
    from,
    text: `<at>Steward</at> ${text}`,
    attachments: [],
    replyToId: rootId,
    conversation: {
      isGroup: true,
      conversationType: 'channel',
      tenantId: TENANT,
      id: `${channelId};messageid=${rootId}`,
    },
    entities: [{ mentioned: BOT, text: '<at>Steward</at>', type: 'mention' }],
    channelData: {
      teamsChannelId: channelId,
      teamsTeamId: GOVERNANCE,
      channel: { id: channelId },
      team: { id: GOVERNANCE },
      tenant: { id: TENANT },
    },
  });
}

describe('Teams: ask a human', () => {
  // The tests run in order: each goes on from where the previous one left the conversation.
  const maker = { chat: undefined as unknown as ReturnType<typeof personalChat> };
  // A Privacy reviewer as the test policy names them (by Entra object id).
  const reviewer = { id: '29:1Rv4qLmN8pW2sT5uX7yZ-privacy', name: 'Pia Privacy', aadObjectId: 'aad-privacy-1' };
  let question: ConnectorCall;

  it("posts the maker's question to the owning team's channel as a new thread", async () => {
    maker.chat = personalChat('Mia Maker');
    const asked = await maker.chat.say(QUESTION);
    const answerCard = asked.find((call) => card(call));
    expect(answerCard, asked.map(shown).join(' | ')).toBeDefined();
    expect(shown(answerCard!)).toContain('Mailchimp');
    expect(shown(answerCard!)).toContain('Sources: Personal data and GDPR (personal-data)');
    expect(actions(card(answerCard)).map((a: any) => [a.type, a.title])).toEqual([['Action.Submit', 'Ask a human']]);

    const handedOver = await maker.chat.click(answerCard!, 'Ask a human');
    expect(handedOver.map(shown).join('\n')).toContain(
      "I've asked the Privacy team (Governance/Privacy). When someone replies, I'll pass their answer on here.",
    );

    question = await connector.waitFor(
      (call) => call.kind === 'send' && call.conversationId === PRIVACY,
      10_000,
      'the question in Governance/Privacy',
    );
    expect(question.status).toBe(200);
    expect(question.postedId).toBeDefined();
    expect(shown(question)).toContain('Question for Privacy');
    expect(shown(question)).toContain(`“${QUESTION}”`);
    expect(shown(question)).toContain(`Mia Maker (teams:${maker.chat.user.aadObjectId})`);
    expect(shown(question)).toContain('Sources: Personal data and GDPR (personal-data)');

    // Clicking again does not post the question twice.
    const again = await maker.chat.click(answerCard!, 'Ask a human');
    expect(again.map(shown).join('\n')).toContain("I've already asked the Privacy team about that.");
    await server.outboxSettled();
    expect(connector.find((call) => call.conversationId === PRIVACY && call.kind === 'send')).toHaveLength(1);
  });

  it("relays a reviewer's reply in that thread to the maker's personal chat, once", async () => {
    const thread = `${PRIVACY};messageid=${question.postedId}`;
    // Someone in the channel who is not one of Privacy's reviewers: told so in the thread, nothing relayed.
    const bystander = { id: '29:bystander', name: 'Bea Bystander', aadObjectId: 'aad-bystander' };
    const refused = await send(threadReply(PRIVACY, question.postedId!, bystander, 'Sure, go ahead.'), thread);
    expect(refused.map(shown)).toEqual([
      "Only Privacy's reviewers' replies are passed on to the person who asked, so yours was not. Your reply was recorded.",
    ]);
    await server.outboxSettled();
    expect(connector.find((call) => call.conversationId === maker.chat.conversationId && call.kind === 'send')).toEqual(
      [],
    );

    const answerId = nextId();
    const answerActivity = threadReply(PRIVACY, question.postedId!, reviewer, ANSWER, answerId);
    const inThread = await send(answerActivity, thread);
    expect(inThread).toHaveLength(1);
    expect(inThread[0]).toMatchObject({ kind: 'reply', activityId: answerId });
    expect(shown(inThread[0]!)).toBe('Thanks, I passed your answer on to the person who asked.');

    const relayed = await connector.waitFor(
      (call) => call.kind === 'send' && call.conversationId === maker.chat.conversationId,
      10_000,
      "the answer in the maker's chat",
    );
    expect(relayed.status).toBe(200);
    expect(shown(relayed)).toContain('Answer from a reviewer');
    expect(shown(relayed)).toContain(`Pia Privacy answered your question “${QUESTION}”`);
    expect(shown(relayed)).toContain(ANSWER);
    // The mention is not part of the answer.
    expect(shown(relayed)).not.toContain('Steward');

    // Teams redelivers the reply: the maker is not told twice, and the thread gets nothing new.
    const redelivered = await send(answerActivity, thread);
    expect(redelivered).toEqual([]);
    await server.outboxSettled();
    expect(
      connector.find((call) => call.conversationId === maker.chat.conversationId && call.kind === 'send'),
    ).toHaveLength(1);
  });

  it("does not claim to pass on a bare mention, or the maker's own reply, in the thread", async () => {
    const thread = `${PRIVACY};messageid=${question.postedId}`;
    const bare = await send(threadReply(PRIVACY, question.postedId!, reviewer, ''), thread);
    expect(bare.map(shown)).toEqual([
      "Write your answer after mentioning me, and I'll pass it on to the person who asked.",
    ]);
    const own = await send(threadReply(PRIVACY, question.postedId!, maker.chat.user, 'Any news?'), thread);
    expect(own.map(shown).join('\n')).toContain("This is your own question, so I didn't pass that on.");
    await server.outboxSettled();
    expect(
      connector.find((call) => call.conversationId === maker.chat.conversationId && call.kind === 'send'),
    ).toHaveLength(1);
  });

  it('leaves replies in other threads to the conversation engine', async () => {
    // A thread someone else started in the same channel, mentioning Steward.
    const root = nextId();
    const thread = `${PRIVACY};messageid=${root}`;
    const turn = await send(
      threadReply(PRIVACY, root, { id: '29:someone-else', name: 'Sam Someone', aadObjectId: randomUUID() }, 'help'),
      thread,
    );
    expect(turn.map(shown).join('\n')).toContain("I'm Steward. I register the apps you build");
    expect(turn.map(shown).join('\n')).not.toContain('passed your answer on');
    await server.outboxSettled();
    expect(
      connector.find((call) => call.conversationId === maker.chat.conversationId && call.kind === 'send'),
    ).toHaveLength(1);
  });

  it('audits the request and the answer', async () => {
    const audit = await runSteward(['audit', 'export', '--format', 'json'], stewardEnv({ PGLITE_DIR: databaseDir }));
    expect(audit.code, audit.stderr).toBe(0);
    const entries = JSON.parse(audit.stdout) as any[];
    const requested = entries.filter((entry) => entry.action === 'handoff.requested');
    const answered = entries.filter((entry) => entry.action === 'handoff.answered');
    expect(requested).toEqual([
      expect.objectContaining({
        actorPlatform: 'teams',
        actorId: maker.chat.user.aadObjectId,
        details: expect.objectContaining({
          team: 'privacy',
          question: QUESTION,
          destination: 'teams:Governance/Privacy',
        }),
      }),
    ]);
    expect(answered).toEqual([
      expect.objectContaining({
        actorPlatform: 'teams',
        actorId: reviewer.aadObjectId,
        details: expect.objectContaining({
          handoffId: requested[0].details.handoffId,
          answer: ANSWER,
          firstAnswer: true,
        }),
      }),
    ]);
  });
});
