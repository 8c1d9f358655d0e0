// The registration dialogue, table-driven: what the maker says -> what Steward answers, then the end
// state in the database. Runs on PGlite, and on PostgreSQL when TEST_DATABASE_URL is set.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, testLabels } from './support/databases.ts';
import type { TestDatabase } from './support/databases.ts';
import { LOW_RISK_ANSWERS, createTestSteward } from './support/steward.ts';
import type { TestSteward } from './support/steward.ts';

type Expect = string | RegExp | { not: string | RegExp };
type Turn = [says: string, expect: Expect | Expect[]];

function check(reply: string, expected: Expect | Expect[], turn: string) {
  for (const expectation of Array.isArray(expected) ? expected : [expected]) {
    if (typeof expectation === 'string') expect(reply, `after "${turn.slice(0, 60)}"`).toContain(expectation);
    else if (expectation instanceof RegExp) expect(reply, `after "${turn.slice(0, 60)}"`).toMatch(expectation);
    else if (typeof expectation.not === 'string')
      expect(reply, `after "${turn.slice(0, 60)}"`).not.toContain(expectation.not);
    else expect(reply, `after "${turn.slice(0, 60)}"`).not.toMatch(expectation.not);
  }
}

async function play(steward: TestSteward, turns: Turn[], user = 'maker') {
  for (const [says, expected] of turns) check(await steward.say(says, user), expected, says);
}

const lowRiskTurns = (): Turn[] => {
  const [name, description, ...rest] = LOW_RISK_ANSWERS;
  return [
    ['register', "What's the app called?"],
    [name!, 'what does it do'],
    [description!, 'What did you build it with?'],
    ...rest.slice(0, -1).map((answer): Turn => [answer, { not: 'Summary' }]),
    [rest.at(-1)!, ['Summary:', `Name: ${name}`, 'Built with: Excel or macros', 'Number of users: 8']],
    [
      'yes',
      [/Registered APP-\d{4,} "Team lunch rota"/u, 'Risk tier: LOW', 'policy rules only', 'No policy rule applies.'],
    ],
    ['status team lunch rota', ['Approved', 'Risk tier: low']],
  ];
};

describe.each(testLabels())('registration dialogue on %s', (label) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await openTestDatabase(label);
  });
  afterAll(async () => {
    await database?.cleanup();
  });
  const prisma = () => database.db.prisma;

  it('registers a low-risk app in one pass, approved with guidance and nobody pinged', async () => {
    const steward = createTestSteward(database.db.store);
    await play(steward, lowRiskTurns(), 'ana');
    const app = await prisma().app.findFirstOrThrow({ where: { ownerUserId: 'ana' } });
    expect(app).toMatchObject({ name: 'Team lunch rota', status: 'approved', tier: 'low', currentVersion: 1 });
    expect(await prisma().outboxMessage.count({ where: { appId: app.id } })).toBe(0);
    const audit = await prisma().auditEvent.findMany({ where: { appId: app.id }, orderBy: { id: 'asc' } });
    expect(audit.map((entry) => entry.action)).toEqual(['app.registered', 'app.assessed']);
  });

  it('starts from a free-text description, asks only what it still needs, and escalates to each team', async () => {
    const steward = createTestSteward(database.db.store);
    await play(
      steward,
      [
        [
          'I built a Power App for complaint tracking',
          ["I'll use what you wrote as the description", "What's the app called?"],
        ],
        ['Complaint tracker', 'Which department'],
        ['Customer Service', 'Who will use it?'],
        ['3', 'how many people'],
        ['about 45 people', 'What kinds of data'],
        ['internal, personal', 'connect to other systems'],
        ['Dynamics 365 Customer Service (write), SharePoint (read)', 'use AI'],
        ['no', 'stopped working'],
        ['2', 'outside the company'],
        ['no', 'looks after the app'],
        [
          'ben.backup@example.com',
          [
            'Backup owner: ben.backup@example.com',
            'What it does: I built a Power App for complaint tracking',
            'Built with: Power Apps (inferred)',
            'Connected systems: Dynamics 365 Customer Service (write), SharePoint (read)',
          ],
        ],
        [
          'submit',
          [
            'Risk tier: MEDIUM',
            'PERSONAL-DATA-BROAD',
            'SYSTEM-OF-RECORD-WRITE',
            'Reviewers informed: #gov-privacy, #gov-architecture',
          ],
        ],
      ],
      'ben',
    );
    const app = await prisma().app.findFirstOrThrow({ where: { ownerUserId: 'ben' } });
    expect(app.status).toBe('submitted');
    const outbox = await prisma().outboxMessage.findMany({ where: { appId: app.id }, orderBy: { destination: 'asc' } });
    expect(outbox.map((message) => message.destination)).toEqual(['#gov-architecture', '#gov-privacy']);
    await steward.worker.drain();
    const delivered = steward.delivered.filter((message) => message.payload.kind === 'escalation');
    expect(delivered.map((message) => message.destination).sort()).toEqual(['#gov-architecture', '#gov-privacy']);
    expect(delivered[0]!.reply.text).toContain('Maker: ben');
    expect(delivered[0]!.reply.buttons?.map((button) => button.label)).toEqual([
      'Approve',
      'Reject',
      'Request changes',
    ]);
  });

  it('understands back, skip, help, status and my apps without losing answers', async () => {
    const steward = createTestSteward(database.db.store);
    await play(
      steward,
      [
        ['register', "What's the app called?"],
        ['skip', ['I need this one', "What's the app called?"]],
        ['Visitor log', 'what does it do'],
        ['Logs visitors at reception', 'build it with'],
        ['back', ['what does it do', '(Currently: Logs visitors at reception.)']],
        ['Logs visitors at the front desk', 'build it with'],
        ['help', ['Each platform has its own guardrails', 'back', 'cancel']],
        ['status', ['registering "Visitor log"', 'questions answered', 'Nothing is registered until you confirm']],
        ['my apps', ["haven't registered any apps", 'build it with']],
        ['airtable', 'department'],
        ['Facilities', 'Who will use it'],
        ['department', 'how many'],
        ['15', 'kinds of data'],
        ['personal', 'connect to other systems'],
        ['skip', 'use AI'],
        ['no', 'stopped working'],
        ['1', 'outside the company'],
        ['no', 'looks after the app'],
        ['cleo.backup@example.com', ['What it does: Logs visitors at the front desk', 'Connected systems: None']],
      ],
      'cleo',
    );
  });

  it('re-asks with a specific hint on bad answers and changes nothing else', async () => {
    const steward = createTestSteward(database.db.store);
    await play(
      steward,
      [
        ['register', "What's the app called?"],
        ['', ["I didn't get any text", "What's the app called?"]],
        ['🚀🚀🚀', ['needs at least one letter or digit', "What's the app called?"]],
        ['<script>alert(1)</script>', ['plain text, without HTML', "What's the app called?"]],
        ['x'.repeat(20_000), ['20,000 characters', 'Nothing was changed', "What's the app called?"]],
        ['Robert\'); DROP TABLE "App";--', 'what does it do'],
        ['Schedules the cleaning rota 🧹', 'build it with'],
        ['banana', ['couldn\'t match "banana"', 'number from 1 to 10']],
        ['11', ['no option 11', 'still couldn\'t read "11"', 'say *ask a human*']],
        ['zapier', 'department'],
        ['Ops', 'Who will use it'],
        ['team', 'how many'],
        ['-5', ['cannot be negative', 'how many']],
        ['lots', ['Please give a number', 'how many']],
        ['20000000', ['realistic estimate']],
        ['1,200', 'kinds of data'],
        ['2, 99', ['no option 99']],
        ['internal', 'connect to other systems'],
        ['Salesforce', ['Does it only read from Salesforce, or also write to it']],
        ['Salesforce read only', 'use AI'],
        ['maybe', ['Did you mean *Yes*?']],
        ['no', ['OK, not that', 'use AI']],
        ['no', 'stopped working'],
        ['low', 'outside the company'],
        ['no', 'looks after the app'],
        [
          'dana.backup@example.com',
          ['Name: Robert\'); DROP TABLE "App";--', 'Number of users: 1,200', 'Connected systems: Salesforce (read)'],
        ],
        ['yes', ['Registered', 'BROAD-USE']],
      ],
      'dana',
    );
    const app = await prisma().app.findFirstOrThrow({ where: { ownerUserId: 'dana' } });
    expect(app.name).toBe('Robert\'); DROP TABLE "App";--');
    expect(await prisma().app.count()).toBeGreaterThan(0);
  });

  it('edits answers from the summary and returns to it', async () => {
    const steward = createTestSteward(database.db.store);
    const [name, description, ...rest] = LOW_RISK_ANSWERS;
    await play(
      steward,
      [['register', 'called'], [name!, 'does'], [description!, 'build'], ...rest.map((answer): Turn => [answer, /./u])],
      'eve',
    );
    await play(
      steward,
      [
        ['change audience', ['Who will use it?', '(Currently: My team.)']],
        // Used across the organisation, the app needs a backup owner: asked before the summary comes back.
        ['the whole organisation', 'looks after the app'],
        ['eve.backup@example.com', ['Summary:', 'Who uses it: The whole organisation']],
        ['change nonsense', ['I can change:', 'Summary:']],
        ['change users', 'how many'],
        ['250', ['Summary:', 'Number of users: 250']],
        ['no', 'What would you like to change?'],
        ['yes', ['Risk tier: MEDIUM', 'BROAD-USE']],
      ],
      'eve',
    );
    const app = await prisma().app.findFirstOrThrow({ where: { ownerUserId: 'eve' } });
    expect(app.tier).toBe('medium');
  });

  it('cancel discards the draft and registers nothing', async () => {
    const steward = createTestSteward(database.db.store);
    await play(
      steward,
      [
        ['register', 'called'],
        ['Scratch app', 'does'],
        ['cancel', 'Cancelled. Nothing was registered.'],
        ['back', "There's nothing in progress"],
      ],
      'finn',
    );
    expect(await prisma().app.count({ where: { ownerUserId: 'finn' } })).toBe(0);
  });

  it('offers to update an app registered under the same name, and keeps every version', async () => {
    const steward = createTestSteward(database.db.store);
    await play(steward, lowRiskTurns(), 'gus');
    await play(
      steward,
      [
        ['register', 'called'],
        ['team lunch  ROTA', ['You already registered APP-', 'update that app instead']],
        ['update', ["we'll update APP-", 'Summary of APP-', 'Number of users: 8']],
        ['change number of users', 'how many'],
        ['30', 'Summary of APP-'],
        ['yes', ['Updated APP-', '(version 2)']],
      ],
      'gus',
    );
    const app = await prisma().app.findFirstOrThrow({
      where: { ownerUserId: 'gus' },
      include: { versions: { orderBy: { version: 'asc' } } },
    });
    expect(app.currentVersion).toBe(2);
    expect(app.versions.map((version) => (version.profile as { userCount: number }).userCount)).toEqual([8, 30]);
    expect(await prisma().assessment.count({ where: { appId: app.id } })).toBe(2);
  });

  it('"update <app>" changes a registered app and re-assesses it', async () => {
    const steward = createTestSteward(database.db.store);
    await play(steward, lowRiskTurns(), 'hana');
    await play(
      steward,
      [
        ['update team lunch', ['as registered', 'Summary of APP-']],
        ['change data', 'kinds of data'],
        ['internal, payment card numbers', 'looks after the app'],
        ['hana.backup@example.com', 'Summary of APP-'],
        ['yes', ['(version 2)', 'Risk tier: HIGH', 'PAYMENT-CARD-DATA', '#gov-security', '#gov-compliance']],
        ['update nothing-like-this', "couldn't find an app of yours"],
      ],
      'hana',
    );
    const app = await prisma().app.findFirstOrThrow({ where: { ownerUserId: 'hana' } });
    expect(app).toMatchObject({ tier: 'high', status: 'in_review', currentVersion: 2 });
  });

  it('turns risky words into confirm questions, never silent answers', async () => {
    const steward = createTestSteward(database.db.store);
    await play(
      steward,
      [
        ['register', 'called'],
        ['CV screener', 'does'],
        ['Ranks the CVs of job applicants for our recruiters', /applicant|hiring|candidate/iu],
        ['hmm', ['Please answer yes or no', /applicant|hiring|candidate/iu]],
        ['dunno', ['I need a yes or a no', 'dunno', /applicant|hiring|candidate/iu]],
        ['it sorts the applicants for the recruiters', ['Noted', 'build it with']],
        ['custom gpt', 'department'],
        ['HR', 'Who'],
        ['department', 'how many'],
        ['12', 'kinds of data'],
        ['personal', 'systems'],
        ['none', 'use AI'],
        ['yes', 'write text'],
        ['no', 'affect decisions'],
        ['2', 'profiling'],
        ['yes', 'any of these areas'],
        ['none', 'Does the AI do any of these'],
        ['none', 'stopped working'],
        ['2', 'outside'],
        ['no', 'looks after the app'],
        ['ines.backup@example.com', ['AI used in: Hiring', 'Profiles people: Yes']],
        ['yes', ['Risk tier: HIGH', 'AI-HIGH-RISK', '#gov-ai']],
      ],
      'ines',
    );
  });

  it('ignores a redelivered event: one registration, one set of escalations', async () => {
    const steward = createTestSteward(database.db.store);
    const [name, description, ...rest] = LOW_RISK_ANSWERS;
    for (const answer of ['register', name!, description!, ...rest]) await steward.say(answer, 'jo');
    await steward.say('change data', 'jo');
    await steward.say('health', 'jo');
    await steward.say('jo.backup@example.com', 'jo');
    const first = await steward.engine.handle({
      platform: 'console',
      channelId: 'dm',
      user: { userId: 'jo' },
      text: 'yes',
      eventId: 'evt-1',
    });
    const again = await steward.engine.handle({
      platform: 'console',
      channelId: 'dm',
      user: { userId: 'jo' },
      text: 'yes',
      eventId: 'evt-1',
    });
    expect(first.replies.map((reply) => reply.text).join()).toContain('Risk tier: HIGH');
    expect(again).toEqual({ replies: [], duplicate: true, stale: false });
    expect(await prisma().app.count({ where: { ownerUserId: 'jo' } })).toBe(1);
    const app = await prisma().app.findFirstOrThrow({ where: { ownerUserId: 'jo' } });
    expect(await prisma().outboxMessage.count({ where: { appId: app.id } })).toBe(1);
  });

  it('escalates prohibited AI practices as critical, to the teams and the leads', async () => {
    const steward = createTestSteward(database.db.store);
    await play(
      steward,
      [
        ['register', 'called'],
        ['Mood monitor', 'what does it do'],
        ['Watches webcam feeds to score how engaged staff look', 'infer how employees feel'],
        ['yes', ['Noted', 'build it with']],
        ['other', 'department'],
        ['Operations', 'Who'],
        ['department', 'how many'],
        ['60', 'kinds of data'],
        ['personal', 'systems'],
        ['none', 'use AI'],
        ['yes', 'write text'],
        ['no', 'affect decisions'],
        ['3', 'profiling'],
        ['yes', 'any of these areas'],
        ['employment', 'Does the AI do any of these'],
        ['none', 'stopped working'],
        ['medium', 'outside'],
        ['no', 'looks after the app'],
        ['kai.backup@example.com', ["AI practices: Reading employees' emotions", 'AI used in: Hiring']],
        ['yes', ['Risk tier: CRITICAL', 'AI-PROHIBITED', '#gov-leads']],
      ],
      'kai',
    );
    const app = await prisma().app.findFirstOrThrow({ where: { ownerUserId: 'kai' } });
    expect(app.status).toBe('in_review');
    const destinations = (await prisma().outboxMessage.findMany({ where: { appId: app.id } })).map(
      (message) => message.destination,
    );
    expect(destinations).toEqual(expect.arrayContaining(['#gov-ai', '#gov-privacy', '#gov-leads']));
    expect(new Set(destinations).size).toBe(destinations.length);
  });
});
