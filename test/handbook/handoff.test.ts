import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handoffDestination, relayHumanAnswer, requestHandoff, type HandoffMaker } from '../../src/handbook/handoff.ts';
import type { OutgoingMessage } from '../../src/outbox/transport.ts';
import { OutboxWorker } from '../../src/outbox/worker.ts';
import { loadPolicy } from '../../src/policy/load.ts';
import type { PrismaClient } from '../../src/generated/prisma/client.ts';
import type { Store } from '../../src/store/store.ts';
import { openTestDatabase, testLabels, type TestDatabase } from '../support/databases.ts';
import { testPolicy } from '../support/policy.ts';
import { recordingTransport } from '../support/steward.ts';

const policy = loadPolicy();
const BOTH = ['slack', 'teams'];

const slackMaker: HandoffMaker = {
  platform: 'slack',
  userId: 'U0MAKER',
  channelId: 'D0DM',
  threadId: '1700000000.000100',
  displayName: 'Maya',
};
const teamsMaker: HandoffMaker = { platform: 'teams', userId: 'aad-maker', channelId: 'a:1dm', displayName: 'Tom' };
const reviewer = { platform: 'slack', userId: 'U0SECURITY', displayName: 'Sam' };

describe('where a question for a team goes', () => {
  it("is the team's first channel on the maker's own platform, then on another that delivers here", () => {
    expect(handoffDestination(policy, 'security', 'slack', BOTH)).toEqual({
      platform: 'slack',
      destination: '#gov-security',
    });
    expect(handoffDestination(policy, 'privacy', 'teams', BOTH)).toEqual({
      platform: 'teams',
      destination: 'Governance/Privacy',
    });
    expect(handoffDestination(policy, 'privacy', 'teams', ['slack'])).toEqual({
      platform: 'slack',
      destination: '#gov-privacy',
    });
    // The terminal shows Slack channel names, as escalations do.
    expect(handoffDestination(policy, 'ai-governance', 'console', ['console'])).toEqual({
      platform: 'console',
      destination: '#gov-ai',
    });
    expect(handoffDestination(policy, 'security', 'slack', [])).toBeUndefined();
    expect(handoffDestination(policy, 'nobody', 'slack', BOTH)).toBeUndefined();
  });
});

describe.each(testLabels())('"Ask a human" on %s', (label) => {
  let database: TestDatabase;
  let db: PrismaClient;
  let store: Store;
  beforeAll(async () => {
    database = await openTestDatabase(label);
    db = database.db.prisma;
    store = database.db.store;
  });
  afterAll(async () => {
    await database?.cleanup();
  });

  it('posts the question to the owning team in one transaction: handoff row, audit entry, outbox message', async () => {
    const outcome = await requestHandoff(store, policy, {
      question: 'Can I keep the last four digits of a card in Airtable?',
      team: 'security',
      maker: slackMaker,
      deliveryPlatforms: BOTH,
      citations: [{ id: 'payment-card-data', title: 'Payment card data and PCI DSS' }],
    });
    expect(outcome).toMatchObject({
      kind: 'requested',
      team: 'security',
      platform: 'slack',
      destination: '#gov-security',
    });
    if (outcome.kind !== 'requested') return;
    expect(outcome.reply.text).toBe(
      "I've asked the Security team (#gov-security). When someone replies, I'll pass their answer on here.",
    );

    const handoff = await db.handoff.findUniqueOrThrow({ where: { id: outcome.handoffId } });
    expect(handoff).toMatchObject({
      team: 'security',
      question: 'Can I keep the last four digits of a card in Airtable?',
      makerPlatform: 'slack',
      makerUserId: 'U0MAKER',
      makerChannelId: 'D0DM',
      makerThreadId: '1700000000.000100',
      destinationPlatform: 'slack',
      destination: '#gov-security',
      status: 'open',
      threadKey: null,
    });
    const audit = await db.auditEvent.findMany({ where: { action: 'handoff.requested' } });
    expect(
      audit.map((entry) => ({ actor: `${entry.actorPlatform}:${entry.actorId}`, details: entry.details })),
    ).toEqual([
      {
        actor: 'slack:U0MAKER',
        details: {
          handoffId: outcome.handoffId,
          team: 'security',
          question: handoff.question,
          destination: 'slack:#gov-security',
        },
      },
    ]);
    const outbox = await db.outboxMessage.findMany({
      where: { dedupeKey: { startsWith: `handoff:${outcome.handoffId}` } },
    });
    expect(outbox).toHaveLength(1);
    expect(outbox[0]).toMatchObject({
      kind: 'notification',
      platform: 'slack',
      destination: '#gov-security',
      status: 'pending',
    });
    const payload = outbox[0]!.payload as { handoffId: string; reply: { title: string; text: string } };
    expect(payload.handoffId).toBe(outcome.handoffId);
    expect(payload.reply.title).toBe('Question for Security');
    expect(payload.reply.text).toContain(
      'Maya (slack:U0MAKER) asked Steward:\n“Can I keep the last four digits of a card in Airtable?”',
    );
    expect(payload.reply.text).toContain('Sources: Payment card data and PCI DSS (payment-card-data)');
    expect(payload.reply.text).toContain('Reply in this thread');
  });

  it('a Teams maker’s question goes to the team’s Teams channel', async () => {
    const outcome = await requestHandoff(store, policy, {
      question: 'Can my Copilot Studio agent answer customers?',
      team: 'ai-governance',
      maker: teamsMaker,
      deliveryPlatforms: BOTH,
    });
    expect(outcome).toMatchObject({ kind: 'requested', platform: 'teams', destination: 'Governance/AI Governance' });
  });

  it('asking twice does not post twice', async () => {
    const request = {
      question: 'Can I share my base with a supplier?',
      team: 'security',
      maker: slackMaker,
      deliveryPlatforms: BOTH,
    };
    const first = await requestHandoff(store, policy, request);
    const second = await requestHandoff(store, policy, request);
    expect(second).toMatchObject({
      kind: 'already-requested',
      handoffId: first.kind === 'requested' ? first.handoffId : 'none',
    });
    expect(await db.handoff.count({ where: { question: request.question } })).toBe(1);
  });

  it('says so, and writes nothing, when the team has no channel here or does not exist', async () => {
    const before = await db.handoff.count();
    const noChannel = await requestHandoff(store, policy, {
      question: 'Anyone?',
      team: 'security',
      maker: slackMaker,
      deliveryPlatforms: [],
    });
    expect(noChannel).toMatchObject({
      kind: 'unavailable',
      reason: 'no-destination',
      reply: { text: expect.stringContaining('The Security team has no channel') },
    });
    const unknown = await requestHandoff(store, policy, {
      question: 'Anyone?',
      team: 'facilities',
      maker: slackMaker,
      deliveryPlatforms: BOTH,
    });
    expect(unknown).toMatchObject({ kind: 'unavailable', reason: 'unknown-team' });
    expect(await db.handoff.count()).toBe(before);
  });

  it('when the team names reviewers, only they (or members of a listed group) are passed on; others are recorded', async () => {
    const withReviewers = testPolicy();
    const requested = await requestHandoff(store, withReviewers, {
      question: 'May we keep visitor photos for a year?',
      team: 'security',
      maker: slackMaker,
      deliveryPlatforms: BOTH,
    });
    if (requested.kind !== 'requested') throw new Error(requested.kind);
    const threadKey = 'slack:C0GOVSEC:1700000009.000100';
    await store.handoffs.recordThread(requested.handoffId, threadKey);
    const reply = (userId: string, answer: string, groupIds: string[] = []) =>
      relayHumanAnswer(store, withReviewers, {
        threadKey,
        answer,
        reviewer: { platform: 'slack', userId, groupIds },
        messageId: `${userId}:${answer}`,
      });

    const bystander = await reply('UBYSTANDER', 'Sure, keep them forever.');
    expect(bystander).toEqual({
      kind: 'ignored',
      reason: 'not-reviewer',
      team: 'security',
      text: "Only Security's reviewers' replies are passed on to the person who asked, so yours was not. Your reply was recorded.",
    });
    expect(
      await db.outboxMessage.count({ where: { dedupeKey: { startsWith: `handoff:${requested.handoffId}:answer` } } }),
    ).toBe(0);
    expect(await db.auditEvent.count({ where: { action: 'handoff.refused', actorId: 'UBYSTANDER' } })).toBe(1);
    expect((await db.handoff.findUniqueOrThrow({ where: { id: requested.handoffId } })).status).toBe('open');

    expect(await reply('UGROUPMEMBER', 'Thirty days at most.', ['SSECGROUP'])).toMatchObject({ kind: 'relayed' });
    expect(await reply('USECURITY1', 'Agreed: thirty days.')).toMatchObject({ kind: 'relayed', firstAnswer: false });
  });

  it("relays a reviewer's reply in the thread to the maker's chat, marks the handoff answered and audits it", async () => {
    const requested = await requestHandoff(store, policy, {
      question: 'Is Stripe Checkout fine for our event tickets?',
      team: 'security',
      maker: slackMaker,
      deliveryPlatforms: BOTH,
    });
    if (requested.kind !== 'requested') throw new Error(requested.kind);
    const threadKey = 'slack:C0GOVSEC:1700000001.000200';
    expect(await store.handoffs.recordThread(requested.handoffId, threadKey)).toBe(true);
    expect(await store.handoffs.recordThread(requested.handoffId, 'slack:C0OTHER:1')).toBe(false);

    const relayed = await relayHumanAnswer(store, policy, {
      threadKey,
      answer: 'Yes: Stripe Checkout keeps card data off our systems.',
      reviewer,
      messageId: '1700000002.000300',
    });
    expect(relayed).toEqual({ kind: 'relayed', handoffId: requested.handoffId, firstAnswer: true });

    const handoff = await db.handoff.findUniqueOrThrow({ where: { id: requested.handoffId } });
    expect(handoff).toMatchObject({ status: 'answered', answeredBy: 'slack:U0SECURITY', threadKey });
    expect(handoff.answeredAt).toBeInstanceOf(Date);
    const audit = await db.auditEvent.findFirstOrThrow({
      where: { action: 'handoff.answered', actorId: 'U0SECURITY' },
    });
    expect(audit).toMatchObject({ actorPlatform: 'slack', actorId: 'U0SECURITY', actorName: 'Sam' });
    expect(audit.details).toEqual({
      handoffId: requested.handoffId,
      team: 'security',
      answer: 'Yes: Stripe Checkout keeps card data off our systems.',
      firstAnswer: true,
    });

    const toMaker = await db.outboxMessage.findFirstOrThrow({
      where: { dedupeKey: `handoff:${requested.handoffId}:answer:1700000002.000300` },
    });
    expect(toMaker).toMatchObject({ kind: 'notification', platform: 'slack', destination: 'user:U0MAKER' });
    expect(toMaker.payload).toEqual({
      kind: 'handoff-answer',
      handoffId: requested.handoffId,
      threadId: '1700000000.000100',
      channelId: 'D0DM',
      reply: {
        title: 'Answer from a reviewer',
        text: 'Sam answered your question “Is Stripe Checkout fine for our event tickets?”:\nYes: Stripe Checkout keeps card data off our systems.',
        tone: 'info',
      },
    });

    // The same reply delivered again is relayed once; a follow-up is relayed too; the maker's own reply is not.
    expect(
      await relayHumanAnswer(store, policy, {
        threadKey,
        answer: 'Yes: Stripe Checkout keeps card data off our systems.',
        reviewer,
        messageId: '1700000002.000300',
      }),
    ).toEqual({
      kind: 'duplicate',
      handoffId: requested.handoffId,
    });
    expect(
      await relayHumanAnswer(store, policy, {
        handoffId: requested.handoffId,
        answer: 'Register the app too, please.',
        reviewer,
        messageId: 'follow-up',
      }),
    ).toEqual({
      kind: 'relayed',
      handoffId: requested.handoffId,
      firstAnswer: false,
    });
    expect(
      await relayHumanAnswer(store, policy, {
        threadKey,
        answer: 'Thanks!',
        reviewer: { platform: 'slack', userId: 'U0MAKER' },
      }),
    ).toEqual({ kind: 'ignored', reason: 'maker-reply' });
    expect(
      await relayHumanAnswer(store, policy, { threadKey: 'slack:C0GOVSEC:unknown', answer: 'Hello', reviewer }),
    ).toEqual({
      kind: 'ignored',
      reason: 'unknown-handoff',
    });
    expect(await relayHumanAnswer(store, policy, { threadKey, answer: '   ', reviewer })).toEqual({
      kind: 'ignored',
      reason: 'empty-answer',
    });
    expect(
      await db.auditEvent.count({
        where: { action: 'handoff.answered', details: { path: ['handoffId'], equals: requested.handoffId } },
      }),
    ).toBe(2);
  });

  it('end to end through the outbox: the team sees the question, the maker sees the answer', async () => {
    const delivered: OutgoingMessage[] = [];
    const worker = new OutboxWorker({
      store,
      transports: ['slack', 'teams'].map((platform) => recordingTransport(platform, delivered)),
    });
    await worker.drain();
    delivered.length = 0;

    const requested = await requestHandoff(store, policy, {
      question: 'May a custom GPT read our HR policies?',
      team: 'ai-governance',
      maker: teamsMaker,
      deliveryPlatforms: BOTH,
    });
    if (requested.kind !== 'requested') throw new Error(requested.kind);
    await worker.drain();
    expect(delivered.map((message) => [message.platform, message.destination, message.reply.title])).toEqual([
      ['teams', 'Governance/AI Governance', 'Question for AI governance'],
    ]);

    await store.handoffs.recordThread(requested.handoffId, 'teams:19:gov-ai@thread.tacv2;messageid=42');
    await relayHumanAnswer(store, policy, {
      threadKey: 'teams:19:gov-ai@thread.tacv2;messageid=42',
      answer: 'Yes, if the GPT stays in the Enterprise workspace.',
      reviewer: { platform: 'teams', userId: 'aad-reviewer', displayName: 'Ada' },
    });
    await worker.drain();
    expect(delivered.map((message) => [message.platform, message.destination, message.reply.text])).toEqual([
      ['teams', 'Governance/AI Governance', expect.any(String)],
      [
        'teams',
        'user:aad-maker',
        'Ada answered your question “May a custom GPT read our HR policies?”:\nYes, if the GPT stays in the Enterprise workspace.',
      ],
    ]);
    expect(delivered[1]?.payload).toMatchObject({ handoffId: requested.handoffId, channelId: 'a:1dm', threadId: null });
  });
});
