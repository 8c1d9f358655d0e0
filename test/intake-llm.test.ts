// With an LLM configured: the first description becomes profile fields in one call, Steward asks only
// what is missing, shows what it inferred, and an AI-suggested fact is put to the maker to confirm.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLlmClient } from '../src/llm/client.ts';
import { pgliteOnly } from './support/databases.ts';
import type { TestDatabase } from './support/databases.ts';
import { NOTHING_INFERRED, startFakeOpenAI } from './support/fake-openai.ts';
import { createTestSteward } from './support/steward.ts';

describe('intake with an LLM', () => {
  let database: TestDatabase;
  let fake: Awaited<ReturnType<typeof startFakeOpenAI>>;
  beforeAll(async () => {
    database = await pgliteOnly();
    fake = await startFakeOpenAI();
  });
  afterAll(async () => {
    await fake?.close();
    await database?.cleanup();
  });
  const llm = () =>
    createLlmClient({ baseUrl: fake.baseUrl, apiKey: 'sk-test-secret', model: 'fake-model', timeoutMs: 2000 })!;

  it('asks only for what the description leaves open and marks inferred fields in the summary', async () => {
    const steward = createTestSteward(database.db.store, { llm: llm() });
    fake.respondWith({
      json: {
        ...NOTHING_INFERRED,
        platform: 'power-apps',
        department: 'Customer Service',
        userCount: 45,
        dataCategories: ['personal'],
        aiUsed: false,
      },
    });
    const start = fake.requests.length;
    const opening = await steward.say(
      'I built a Power App for complaint tracking; 45 people in Customer Service log customer names and emails in it',
      'uma',
    );
    expect(fake.requests.length - start).toBe(1);
    const request = fake.requests.at(-1)!.body;
    expect(request.messages[0].role).toBe('system');
    expect(request.messages.at(-1).content).toContain('complaint tracking');
    expect(opening).toContain("What's the app called?");

    const asked: string[] = [];
    // The last answer names the backup owner, asked from medium risk up.
    for (const answer of ['Complaint tracker', 'department', 'none', 'medium', 'no', 'uma.backup@example.com'])
      asked.push(await steward.say(answer, 'uma'));
    expect(asked.join('\n')).not.toContain('What did you build it with?');
    expect(asked.join('\n')).not.toContain('how many people');
    expect(asked.join('\n')).not.toContain('kinds of data');
    const summary = asked.at(-1)!;
    expect(summary).toContain('Built with: Power Apps (inferred)');
    expect(summary).toContain('Number of users: 45 (inferred)');
    expect(summary).toContain('Items marked (inferred) come from your description');

    fake.respondWith({
      json: {
        tier: 'medium',
        teams: ['privacy'],
        rationale: 'Customer contact data shared across a department.',
        missingFacts: [],
      },
    });
    const registered = await steward.say('yes', 'uma');
    expect(registered).toContain('Risk tier: MEDIUM');
    expect(registered).toContain('policy rules and AI assessment');
  });

  it('keeps asking every question when the LLM fails, and registers with rules only', async () => {
    const steward = createTestSteward(database.db.store, { llm: llm() });
    fake.respondWith({ status: 500 });
    const opening = await steward.say('We made a Zap that copies new leads from Typeform into HubSpot', 'vic');
    expect(opening).toContain("What's the app called?");
    const replies = [];
    for (const answer of [
      'Lead copier',
      'zapier',
      'Marketing',
      'team',
      '5',
      'personal',
      'HubSpot (write)',
      'no',
      'low',
      'no',
    ])
      replies.push(await steward.say(answer, 'vic'));
    expect(replies.join('\n')).toContain('What did you build it with?');
    expect(replies.at(-1)).not.toContain('(inferred)');
    fake.respondWith({ content: 'this is not json' });
    const registered = await steward.say('yes', 'vic');
    expect(registered).toContain('policy rules only (the AI assessment was unavailable this time)');
  });

  it('puts facts the AI assessor suggests to the maker; a confirmed fact re-runs the rules', async () => {
    const steward = createTestSteward(database.db.store, { llm: llm() });
    fake.respondWith({ json: { ...NOTHING_INFERRED } });
    await steward.say('register', 'wen');
    for (const answer of [
      'Clinic rota',
      'Plans which nurse covers which ward each week',
      'excel',
      'Nursing',
      'team',
      '12',
      'internal',
      'none',
      'no',
      'medium',
    ]) {
      await steward.say(answer, 'wen');
    }
    await steward.say('no', 'wen');
    fake.respondWith({
      json: {
        tier: 'low',
        teams: [],
        rationale: 'A staff rota.',
        missingFacts: [
          {
            fact: 'The rota probably records staff sickness absence, which is health data.',
            implies: {
              dataCategories: ['health'],
              aiDomains: null,
              aiPractices: null,
              aiUsed: null,
              profiling: null,
              decisionImpact: null,
            },
          },
        ],
      },
    });
    const registered = await steward.say('yes', 'wen');
    expect(registered).toContain('Risk tier: LOW');
    expect(registered).toContain('sickness absence');
    expect(registered).toContain('Is that right?');
    const confirmed = await steward.say('yes', 'wen');
    expect(confirmed).toContain('(version 2)');
    expect(confirmed).toContain('Risk tier: HIGH');
    expect(confirmed).toContain('SPECIAL-CATEGORY-DATA');
    const app = await database.db.prisma.app.findFirstOrThrow({ where: { ownerUserId: 'wen' } });
    expect(app).toMatchObject({ tier: 'high', status: 'in_review', currentVersion: 2 });
  });

  it('are put in plain words by one call each, confirmed with the maker, at most three per registration', async () => {
    const steward = createTestSteward(database.db.store, { llm: llm() });
    fake.respondWith({ json: { ...NOTHING_INFERRED } });
    await steward.say('register', 'lin');
    for (const answer of ['Rota', 'Plans shifts', 'excel', 'Ops', 'team', '12']) await steward.say(answer, 'lin');

    const start = fake.requests.length;
    fake.respondWith({ json: { reading: 'financial' } });
    const readBack = await steward.say('we keep what people get paid in it', 'lin');
    expect(fake.requests.length - start).toBe(1);
    const request = fake.requests.at(-1)!.body;
    expect(request.messages.at(-1).content).toContain(
      '<maker_answer>\nwe keep what people get paid in it\n</maker_answer>',
    );
    expect(readBack).toContain('I read that as *Financial data*. Is that right?');
    expect(await steward.say('yes', 'lin')).toContain('connect to other systems');

    // Two more unreadable answers are interpreted (one the LLM cannot read either); the fourth is not sent.
    expect(await steward.say('none', 'lin')).toContain('use AI');
    fake.respondWith({ json: { reading: null } });
    expect(await steward.say('hard to tell with these tools', 'lin')).toContain('Please answer yes or no');
    fake.respondWith({ json: { reading: 'no' } });
    expect(await steward.say('the boss likes shiny things but we kept it simple', 'lin')).toContain(
      'I read that as *No*',
    );
    expect(await steward.say('yes', 'lin')).toContain('stopped working');
    const beforeFourth = fake.requests.length;
    const fourth = await steward.say('hmm hard to say honestly', 'lin');
    expect(fake.requests.length).toBe(beforeFourth);
    expect(fourth).toContain('number from 1 to 3');
  });
});
