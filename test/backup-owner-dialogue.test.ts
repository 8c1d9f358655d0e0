// The backup owner at intake, table-driven: what the maker says when asked who looks after the app
// -> what Steward answers, then the app as stored. Asked from the policy's tier up (default medium),
// required there; a person on the maker's platform (a mention), an e-mail address, or in the terminal a name.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assessProfile } from '../src/assessment/assess.ts';
import { registerProfile } from '../src/apps/register.ts';
import { loadPolicy } from '../src/policy/load.ts';
import type { InboundMessage } from '../src/conversation/engine.ts';
import { openTestDatabase, testLabels } from './support/databases.ts';
import type { TestDatabase } from './support/databases.ts';
import { testPolicy } from './support/policy.ts';
import { LOW_RISK_ANSWERS, createTestSteward } from './support/steward.ts';
import type { TestSteward } from './support/steward.ts';

type Expect = string | { not: string };
type Turn = [says: string, expect: Expect | Expect[], extra?: Partial<InboundMessage>];

const ASKED = "Who looks after the app when you're away?";

/** A medium-risk registration (personal data across a department of 45) up to the backup owner question. */
const MEDIUM_RISK_UP_TO_BACKUP: Turn[] = [
  ['register', "What's the app called?"],
  ['Complaint tracker', 'what does it do'],
  ['Tracks customer complaints', 'build it with'],
  ['power apps', 'department'],
  ['Customer Service', 'Who will use it'],
  ['department', 'how many'],
  ['45', 'kinds of data'],
  ['personal', 'connect to other systems'],
  ['none', 'use AI'],
  ['no', 'stopped working'],
  ['medium', 'outside the company'],
  ['no', [ASKED, { not: 'Summary' }]],
];

const mentionOf = (userId: string, displayName: string) => ({
  mentions: [{ userId, displayName, text: `@${displayName}` }],
});

function check(reply: string, expected: Expect | Expect[], turn: string) {
  for (const expectation of Array.isArray(expected) ? expected : [expected]) {
    if (typeof expectation === 'string') expect(reply, `after "${turn}"`).toContain(expectation);
    else expect(reply, `after "${turn}"`).not.toContain(expectation.not);
  }
}

/** Plays the turns as `user` on `platform` (Slack unless said otherwise). */
async function play(steward: TestSteward, user: string, turns: Turn[], platform = 'slack') {
  for (const [says, expected, extra] of turns)
    check(await steward.say(says, user, { platform, ...extra }), expected, says);
}

interface Case {
  name: string;
  user: string;
  platform?: string;
  /** After the question is asked, up to the summary. */
  turns: Turn[];
  /** The summary's line for the backup owner. */
  summary: string;
  stored: { backupOwnerPlatform: string; backupOwnerUserId: string; backupOwnerName?: string | null };
}

const CASES: Case[] = [
  {
    name: 'a mention names the person on the maker’s platform',
    user: 'UMENTION',
    turns: [['my colleague @Pat Lee', 'Summary:', mentionOf('UPAT1', 'Pat Lee')]],
    summary: 'Backup owner: Pat Lee',
    stored: { backupOwnerPlatform: 'slack', backupOwnerUserId: 'UPAT1', backupOwnerName: 'Pat Lee' },
  },
  {
    name: 'an e-mail address, with the name written beside it',
    user: 'UEMAIL',
    turns: [['Pat Lee <Pat.Lee@Example.com>', 'Summary:']],
    summary: 'Backup owner: Pat Lee (pat.lee@example.com)',
    stored: { backupOwnerPlatform: 'email', backupOwnerUserId: 'pat.lee@example.com', backupOwnerName: 'Pat Lee' },
  },
  {
    name: '"me", or a mention of themself, is refused: it must be someone else',
    user: 'USELF',
    turns: [
      ['me', ['someone other than you', ASKED]],
      ["I'll cover it myself", ['someone other than you', ASKED]],
      ['@Sam Self', ['someone other than you', ASKED], mentionOf('USELF', 'Sam Self')],
      ['sam.cover@example.com', 'Summary:'],
    ],
    summary: 'Backup owner: sam.cover@example.com',
    stored: { backupOwnerPlatform: 'email', backupOwnerUserId: 'sam.cover@example.com' },
  },
  {
    name: 'a typed name without a mention is asked again, saying how to mention someone',
    user: 'UPLAIN',
    turns: [
      ['Pat Lee', ['I can\'t tell who "Pat Lee" is from a typed name', 'type @ and pick them', ASKED]],
      ['@Pat Lee', 'Summary:', mentionOf('UPAT2', 'Pat Lee')],
    ],
    summary: 'Backup owner: Pat Lee',
    stored: { backupOwnerPlatform: 'slack', backupOwnerUserId: 'UPAT2', backupOwnerName: 'Pat Lee' },
  },
  {
    name: '"skip" and "nobody" are refused, with the reason, while it is required',
    user: 'USKIP',
    turns: [
      [
        'skip',
        ['I need this one', 'comes out at medium risk', 'apps at medium risk and above need a backup owner', ASKED],
      ],
      ['nobody', ['Please name someone who can look after the app', ASKED]],
      [
        '@Pat Lee or @Sam Roe',
        ['Please name one person', ASKED],
        { mentions: [...mentionOf('UPAT3', 'Pat Lee').mentions, ...mentionOf('USAM3', 'Sam Roe').mentions] },
      ],
      ['@Sam Roe', 'Summary:', mentionOf('USAM3', 'Sam Roe')],
    ],
    summary: 'Backup owner: Sam Roe',
    stored: { backupOwnerPlatform: 'slack', backupOwnerUserId: 'USAM3', backupOwnerName: 'Sam Roe' },
  },
  {
    name: 'in the terminal, where nobody can be mentioned, a name is taken',
    user: 'cleo',
    platform: 'console',
    turns: [
      ['cleo', ['someone other than you', ASKED]],
      ['Pat Lee', 'Summary:'],
    ],
    summary: 'Backup owner: Pat Lee',
    stored: { backupOwnerPlatform: 'console', backupOwnerUserId: 'Pat Lee', backupOwnerName: 'Pat Lee' },
  },
];

describe.each(testLabels())('the backup owner at intake on %s', (label) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await openTestDatabase(label);
  });
  afterAll(async () => {
    await database?.cleanup();
  });
  const appOf = (user: string) => database.db.prisma.app.findFirstOrThrow({ where: { ownerUserId: user } });

  it.each(CASES)('$name', async ({ user, platform, turns, summary, stored }) => {
    const steward = createTestSteward(database.db.store);
    await play(steward, user, [...MEDIUM_RISK_UP_TO_BACKUP, ...turns], platform);
    const shown = await steward.say('status', user, { platform: platform ?? 'slack' });
    expect(shown).toContain('12 of 12 questions answered');
    await play(
      steward,
      user,
      [
        ['change backup owner', [ASKED, '(Currently:']],
        ['back', ['Summary:', summary]],
        ['yes', ['Registered APP-', 'Risk tier: MEDIUM']],
      ],
      platform,
    );
    expect(await appOf(user)).toMatchObject(stored);
    // The profile's version keeps it too, and the reviewers see it.
    const app = await database.db.prisma.app.findFirstOrThrow({
      where: { ownerUserId: user },
      include: { versions: true },
    });
    expect(app.versions[0]!.profile).toMatchObject({ backupOwner: { userId: stored.backupOwnerUserId } });
    await steward.worker.drain();
    const escalation = steward.delivered.find((message) => message.payload.kind === 'escalation');
    expect(escalation?.reply.text).toContain(summary);
  });

  it('shows the backup owner in the summary', async () => {
    const steward = createTestSteward(database.db.store);
    await play(steward, 'USUMMARY', MEDIUM_RISK_UP_TO_BACKUP);
    const reply = await steward.say('pat@example.com', 'USUMMARY', { platform: 'slack' });
    expect(reply).toMatch(/Summary:[\s\S]*Shared outside the company: No\nBackup owner: pat@example.com/u);
  });

  it('does not ask for a low-risk app, nor offer to change it', async () => {
    const steward = createTestSteward(database.db.store);
    const turns: Turn[] = [
      ['register', "What's the app called?"],
      ...LOW_RISK_ANSWERS.slice(0, -1).map((answer): Turn => [answer, { not: ASKED }]),
      [LOW_RISK_ANSWERS.at(-1)!, ['Summary:', { not: 'Backup owner' }, { not: ASKED }]],
      ['change backup owner', ['I can change:', { not: 'backup owner' }]],
      ['yes', ['Registered APP-', 'Risk tier: LOW']],
    ];
    await play(steward, 'ULOW', turns);
    expect(await appOf('ULOW')).toMatchObject({ tier: 'low', backupOwnerPlatform: null, backupOwnerUserId: null });
  });

  it('asks once a change at the summary raises the tier, then goes back to the summary', async () => {
    const steward = createTestSteward(database.db.store);
    const turns: Turn[] = [
      ['register', "What's the app called?"],
      ...LOW_RISK_ANSWERS.map((answer): Turn => [answer, { not: ASKED }]),
      ['change data', 'kinds of data'],
      ['internal, health', ASKED],
      ['ann.cover@example.com', ['Summary:', 'Backup owner: ann.cover@example.com']],
      ['yes', 'Risk tier: HIGH'],
    ];
    await play(steward, 'URAISED', turns);
    expect(await appOf('URAISED')).toMatchObject({ tier: 'high', backupOwnerUserId: 'ann.cover@example.com' });
  });

  it('follows the policy: with backupOwnerFrom high, a medium-risk app is not asked', async () => {
    const policy = testPolicy((doc) => doc.setIn(['lifecycle', 'backupOwnerFrom'], 'high'));
    const steward = createTestSteward(database.db.store, { policy });
    await play(steward, 'UHIGHONLY', [
      ...MEDIUM_RISK_UP_TO_BACKUP.slice(0, -1),
      ['no', ['Summary:', { not: ASKED }]],
      ['yes', 'Risk tier: MEDIUM'],
    ]);
    expect(await appOf('UHIGHONLY')).toMatchObject({ tier: 'medium', backupOwnerUserId: null });
  });

  it('asks before submitting an update of an app registered without one', async () => {
    const policy = loadPolicy();
    // Imported (as from an inventory), where a backup owner is not required.
    const owner = { platform: 'slack', userId: 'UIMPORTED' };
    const imported = await registerProfile(
      {
        store: database.db.store,
        policy,
        deliveryPlatforms: ['console'],
        assess: (profile) => assessProfile(profile, { policy }),
      },
      owner,
      {
        name: 'Imported tracker',
        description: 'Tracks customer complaints',
        platform: 'power-apps',
        department: 'Customer Service',
        audience: 'department',
        userCount: 45,
        dataCategories: ['personal'],
        systems: [],
        ai: { used: false },
        criticality: 'medium',
        externalSharing: false,
      },
    );
    expect(imported.ok).toBe(true);
    const steward = createTestSteward(database.db.store, { policy });
    await play(steward, 'UIMPORTED', [
      ['update imported tracker', ['Summary of APP-', 'Backup owner: —']],
      ['yes', ['One more question first', ASKED]],
      ['skip', 'I need this one'],
      ['lee@example.com', ['Summary of APP-', 'Backup owner: lee@example.com']],
      ['yes', 'Updated APP-'],
    ]);
    expect(await appOf('UIMPORTED')).toMatchObject({ currentVersion: 2, backupOwnerUserId: 'lee@example.com' });
  });
});
