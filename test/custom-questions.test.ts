// The organisation's own intake questions (policy intake.questions): a policy that adds them is checked
// with lines like the rest of the policy; the chat asks them after the built-in ones, only when their
// condition holds, reads sloppy answers without guessing, and rules use the answers like built-in facts;
// the CSV export and import carry them.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { readRegistration, registrationModal } from '../adapters/slack/modal.ts';
import { InventoryCsvError, inventoryToCsv, parseInventoryCsv } from '../src/apps/inventory-csv.ts';
import { conditionHolds, evaluateRules } from '../src/assessment/rules.ts';
import { questionById } from '../src/intake/questions.ts';
import { defaultVocabulary } from '../src/intake/understand/vocabulary.ts';
import { DEFAULT_POLICY_PATH, loadPolicyFromText, PolicyError } from '../src/policy/load.ts';
import type { Policy } from '../src/policy/schema.ts';
import { partialProfile } from '../src/profile/draft.ts';
import { openTestDatabase, testLabels } from './support/databases.ts';
import type { TestDatabase } from './support/databases.ts';
import { testPolicy } from './support/policy.ts';
import { createTestSteward } from './support/steward.ts';
import { registerProfile } from '../src/apps/register.ts';
import { assessProfile } from '../src/assessment/assess.ts';
import type { AppProfile } from '../src/profile/schema.ts';
import { riskProfile } from './support/risk-profile.ts';

import type { TestSteward } from './support/steward.ts';

const FIXTURES = path.join(import.meta.dirname, 'fixtures', 'custom-questions');
// Measured on the held-out set when it was added (91.3% understood; 3 of the 7 misses stored a wrong value:
// long region stories and a vendor the app no longer calls); raise them as the readers improve.
const HELDOUT_FLOOR = 0.9;
const HELDOUT_WRONG_CEILING = 7;
const QUESTIONS = parse(readFileSync(path.join(FIXTURES, 'questions.yaml'), 'utf8')) as unknown[];

/** Two rules on the answers: writing to SAP is high risk, many records a month medium. */
const RULES = [
  {
    id: 'SAP-WRITE-BACK',
    title: 'Changes SAP',
    tier: 'high',
    teams: ['architecture'],
    explanation: 'The app changes SAP ({answers.writesToSap}), so the SAP change board reviews it.',
    when: { field: 'answers.writesToSap', is: true },
  },
  {
    id: 'HIGH-VOLUME',
    title: 'Many records',
    tier: 'medium',
    teams: ['architecture'],
    explanation: 'The app processes {answers.monthlyRecords} records a month.',
    when: { field: 'answers.monthlyRecords', gt: 10000 },
  },
];

/** The test policy with the five questions of the fixture and the two rules on their answers. */
function questionsPolicy(): Policy {
  return testPolicy((doc) => {
    doc.setIn(['intake', 'questions'], doc.createNode(QUESTIONS));
    for (const rule of RULES) doc.addIn(['rules'], doc.createNode(rule));
  });
}

// ---------------------------------------------------------------- the policy file

const DEFAULT_TEXT = readFileSync(DEFAULT_POLICY_PATH, 'utf8');

/** The default policy with `questions` (YAML lines under intake) appended, and `rule` (YAML) before BROAD-USE. */
function policyText(questions: string, rule = ''): string {
  const withRule = rule ? DEFAULT_TEXT.replace('  - id: BROAD-USE\n', `${rule}  - id: BROAD-USE\n`) : DEFAULT_TEXT;
  return `${withRule.trimEnd()}\n  questions:\n${questions}`;
}

const REGION = `    - id: region
      ask: Where are the people who use it?
      help: Where users are decides which data-protection rules apply.
      type: choice
      options:
        - { value: eu, label: Europe }
        - { value: us, label: United States }
        - { value: global, label: Worldwide }
`;

function refusal(text: string): PolicyError {
  try {
    loadPolicyFromText(text, 'edited.yaml');
  } catch (error) {
    if (error instanceof PolicyError) return error;
    throw error;
  }
  throw new Error('the policy was accepted');
}

function lineOf(text: string, needle: string, after = 0): number {
  const index = text.indexOf(needle, after);
  expect(index, needle).toBeGreaterThanOrEqual(0);
  return text.slice(0, index).split('\n').length;
}

describe('a policy with its own questions', () => {
  it('accepts questions and rules on their answers, and the rules fire on the answers like on built-in facts', () => {
    const policy = questionsPolicy();
    expect(policy.intake.questions.map((question) => question.id)).toEqual([
      'writesToSap',
      'region',
      'aiVendors',
      'monthlyRecords',
      'retention',
    ]);
    const profile = { ...riskProfile(), answers: { writesToSap: true, monthlyRecords: 40_000, region: 'eu' } };
    const verdict = evaluateRules(profile, policy);
    expect(verdict.tier).toBe('high');
    expect(verdict.reasons.map((reason) => reason.explanation)).toEqual([
      'The app changes SAP (yes), so the SAP change board reviews it.',
      'The app processes 40000 records a month.',
    ]);
    // Without the answers, neither fires.
    expect(evaluateRules(riskProfile(), policy).reasons.map((reason) => reason.rule)).not.toContain('SAP-WRITE-BACK');
  });

  it('shows a choice answer by its label in an explanation', () => {
    const rule = `  - id: WORLDWIDE
    title: Worldwide
    tier: medium
    explanation: "Used by people in: {answers.region}."
    when: { field: answers.region, in: [global, us] }
`;
    const policy = loadPolicyFromText(policyText(REGION, rule), 'edited.yaml');
    const verdict = evaluateRules({ ...riskProfile(), answers: { region: 'global' } }, policy);
    expect(verdict.reasons.find((reason) => reason.rule === 'WORLDWIDE')?.explanation).toBe(
      'Used by people in: Worldwide.',
    );
  });

  it.each([
    {
      problem: 'a rule testing an option the question does not have',
      questions: REGION,
      rule: `  - id: IN-ASIA\n    title: Asia\n    tier: medium\n    explanation: Asia.\n    when: { field: answers.region, is: apac }\n`,
      at: 'is: apac',
      says: /rules\[13\]\.when\.is \(rule IN-ASIA\): "apac" is not a value of answers\.region \(values: eu, us, global\)/u,
    },
    {
      problem: 'a rule naming a question the policy does not ask',
      questions: REGION,
      rule: `  - id: IN-ASIA\n    title: Asia\n    tier: medium\n    explanation: Asia.\n    when: { field: answers.regoin, is: eu }\n`,
      at: 'answers.regoin',
      says: /rules\[13\]\.when\.field \(rule IN-ASIA\): unknown question "regoin" in answers\.regoin \(intake\.questions: region\)/u,
    },
    {
      problem: 'an operator that does not suit the answer',
      questions: REGION,
      rule: `  - id: IN-ASIA\n    title: Asia\n    tier: medium\n    explanation: Asia.\n    when: { field: answers.region, gt: 3 }\n`,
      at: 'gt: 3',
      says: /gt does not apply to answers\.region \(one of eu, us, global\)/u,
    },
    {
      problem: 'a choice question without options',
      questions: `    - id: region\n      ask: Where?\n      help: Rules differ.\n      type: choice\n`,
      at: 'type: choice',
      says: /intake\.questions\[0\]\.type: a choice question needs options/u,
    },
    {
      problem: 'options on a yes/no question',
      questions: `    - id: writesToSap\n      ask: SAP?\n      help: Board.\n      type: yesno\n      options: [{ value: y, label: Y }, { value: n, label: N }]\n`,
      at: 'options:',
      says: /intake\.questions\[0\]\.options: options apply to choice and multi questions, not to yesno/u,
    },
    {
      problem: 'a duplicate question id',
      questions: `${REGION}    - id: region\n      ask: Again?\n      help: Again.\n      type: text\n`,
      at: '- id: region',
      after: REGION.length,
      says: /intake\.questions\[1\]\.id: duplicate question id "region" \(first used by intake\.questions\[0\]\)/u,
    },
    {
      problem: 'a condition on a field that does not exist',
      questions: `    - id: region\n      ask: Where?\n      help: Rules differ.\n      type: text\n      when: { field: audeince, is: team }\n`,
      at: 'audeince',
      says: /intake\.questions\[0\]\.when\.field: unknown field "audeince"/u,
    },
    {
      problem: 'a condition on a later question',
      questions: `    - id: vendor\n      ask: Which?\n      help: Contracts.\n      type: text\n      when: { field: answers.usesAi, is: true }\n    - id: usesAi\n      ask: AI?\n      help: Rules.\n      type: yesno\n`,
      at: 'when: { field: answers.usesAi',
      says: /intake\.questions\[0\]\.when: when uses answers\.usesAi, which is asked after this question: move "usesAi" before "vendor"/u,
    },
    {
      problem: 'an id that is not camelCase',
      questions: `    - id: Writes-To-SAP\n      ask: SAP?\n      help: Board.\n      type: yesno\n`,
      at: 'Writes-To-SAP',
      says: /intake\.questions\[0\]\.id: question ids are camelCase/u,
    },
    {
      problem: 'an unknown type',
      questions: `    - id: writesToSap\n      ask: SAP?\n      help: Board.\n      type: boolean\n`,
      at: 'boolean',
      says: /intake\.questions\[0\]\.type: Invalid option/u,
    },
    {
      problem: 'a label a built-in question already has',
      questions: `    - id: owningDepartment\n      label: Department\n      ask: Which?\n      help: Who.\n      type: text\n`,
      at: 'label: Department',
      says: /intake\.questions\[0\]\.label: label "Department" is already a built-in question's/u,
    },
  ])('refuses $problem, naming its line and field', ({ questions, rule, at, after, says }) => {
    const text = policyText(questions, rule);
    const error = refusal(text);
    expect(error.message).toMatch(says);
    // A rule's problem is in the rules; a question's in the questions (the second one, for a duplicate).
    const line = rule ? lineOf(text, at) : lineOf(text, at, text.indexOf('  questions:\n') + (after ?? 0));
    expect(error.issues[0]?.line).toBe(line);
    expect(error.message).toContain(`edited.yaml:${line}:`);
  });
});

// ---------------------------------------------------------------- reading the answers

interface FixtureAnswer {
  question: string;
  text: string;
  expected: boolean | number | string | string[] | null;
}

describe('reading answers to the fixture questions (test/fixtures/custom-questions/)', () => {
  const policy = questionsPolicy();
  const vocabulary = defaultVocabulary();
  const same = (a: unknown, b: unknown) =>
    JSON.stringify(Array.isArray(a) ? [...(a as string[])].sort() : a) ===
    JSON.stringify(Array.isArray(b) ? [...(b as string[])].sort() : b);

  /** How many answers of a fixture file are understood: stored right, or asked back with the right value. */
  function measure(file: string) {
    const { answers } = JSON.parse(readFileSync(path.join(FIXTURES, file), 'utf8')) as { answers: FixtureAnswer[] };
    let stored = 0;
    let askedBack = 0;
    const wrong: string[] = [];
    for (const answer of answers) {
      const question = questionById(`answers.${answer.question}`, policy);
      expect(question, answer.question).toBeDefined();
      const reading = question!.read(answer.text, vocabulary);
      if (answer.expected === null) {
        // "not sure, ask Tom", "10-20k": never stored; a miss, or a "Did you mean ...?" asks again.
        if (reading.kind === 'value') wrong.push(`${answer.text} -> ${JSON.stringify(reading.value)} (expected none)`);
        else askedBack += 1;
      } else if (answer.expected === 'any') {
        if (reading.kind === 'value') stored += 1;
        else wrong.push(`${answer.text} -> ${reading.kind}`);
      } else if (reading.kind === 'value') {
        if (same(reading.value, answer.expected)) stored += 1;
        else
          wrong.push(
            `${answer.text} -> ${JSON.stringify(reading.value)} (expected ${JSON.stringify(answer.expected)})`,
          );
      } else if (reading.kind === 'confirm' && same(reading.value, answer.expected)) {
        askedBack += 1; // "Did you mean Europe?" for "europ": right, and confirmed before it is stored.
      } else wrong.push(`${answer.text} -> ${reading.kind} (expected ${JSON.stringify(answer.expected)})`);
    }
    const understood = (stored + askedBack) / answers.length;
    const clear = answers.filter((answer) => answer.expected !== null).length;
    console.info(
      `custom questions (${file}): understood ${(understood * 100).toFixed(1)}% of ${answers.length}; ${stored} of the ${clear} clear answers stored at once (${((stored / clear) * 100).toFixed(1)}%), ${askedBack} asked back; ${wrong.length} wrong: ${wrong.join(' | ')}`,
    );
    return { count: answers.length, understood, storedShare: stored / clear, wrong };
  }

  it('understands at least 90% of them and stores no wrong guess; unclear answers are asked again', () => {
    const result = measure('answers.json');
    expect(result.count).toBeGreaterThanOrEqual(100);
    expect(result.understood).toBeGreaterThanOrEqual(0.9);
    // Most clear answers need no "Did you mean ...?" either.
    expect(result.storedShare).toBeGreaterThanOrEqual(0.85);
    // No answer the fixture says is unclear is stored, and no clear one is stored wrong.
    expect(result.wrong).toEqual([]);
  });

  // Written blind by a second helper after the readers and the test policy's words were tuned on the
  // first set: the honest measure of wording nobody here has seen.
  it('understands most held-out answers, and stores few wrong', () => {
    const result = measure('answers-heldout.json');
    expect(result.count).toBeGreaterThanOrEqual(80);
    expect(result.understood).toBeGreaterThanOrEqual(HELDOUT_FLOOR);
    expect(result.wrong.length).toBeLessThanOrEqual(HELDOUT_WRONG_CEILING);
  });

  it('reads each type as the maker says it', () => {
    const read = (id: string, text: string) => questionById(`answers.${id}`, policy)!.read(text, vocabulary);
    expect(read('writesToSap', 'no, it only reads from SAP')).toEqual({ kind: 'value', value: false });
    expect(read('region', 'us and emea')).toEqual({ kind: 'value', value: 'global' });
    expect(read('region', 'europ')).toEqual({ kind: 'confirm', value: 'eu' });
    expect(read('aiVendors', 'all of them except claude')).toEqual({
      kind: 'value',
      value: ['openai', 'azure-openai', 'google'],
    });
    expect(read('aiVendors', 'nope')).toEqual({ kind: 'value', value: ['none'] });
    expect(read('monthlyRecords', 'twelve hundred')).toEqual({ kind: 'value', value: 1200 });
    expect(read('monthlyRecords', 'roughly half a million')).toEqual({ kind: 'value', value: 500_000 });
    expect(read('monthlyRecords', 'a few hundred')).toMatchObject({ kind: 'miss' });
    expect(read('retention', '<script>x</script>')).toMatchObject({ kind: 'miss' });
  });
});

// ---------------------------------------------------------------- conditions on a partial draft

describe('a condition tested while questions are still being answered', () => {
  const policy = questionsPolicy();
  const sapWhen = policy.intake.questions[0]!.when!;

  it('holds only once what it tests is known', () => {
    expect(conditionHolds(sapWhen, partialProfile({ name: 'x' }), policy)).toBe(false);
    expect(conditionHolds(sapWhen, partialProfile({ systems: [{ name: 'SAP S/4', access: 'read' }] }), policy)).toBe(
      true,
    );
    expect(conditionHolds(sapWhen, partialProfile({ systems: [] }), policy)).toBe(false);
    // not (ai.used is true): unknown while AI is not answered, then true for an app without AI.
    const noAi = { not: { field: 'ai.used', is: true } };
    expect(conditionHolds(noAi, partialProfile({}), policy)).toBe(false);
    expect(conditionHolds(noAi, partialProfile({ aiUsed: false }), policy)).toBe(true);
    // any: true as soon as one known part holds.
    const either = {
      any: [
        { field: 'userCount', gt: 5 },
        { field: 'answers.region', is: 'eu' },
      ],
    };
    expect(conditionHolds(either, partialProfile({ answers: { region: 'eu' } }), policy)).toBe(true);
  });
});

// ---------------------------------------------------------------- the chat

describe.each(testLabels())('custom questions in the registration dialogue on %s', (label) => {
  let database: TestDatabase;
  let steward: TestSteward;
  beforeAll(async () => {
    database = await openTestDatabase(label);
    steward = createTestSteward(database.db.store, { policy: questionsPolicy() });
  });
  afterAll(async () => {
    await database?.cleanup();
  });

  /** Registers up to the built-in questions' end, as `user`, with these systems. */
  async function builtIns(user: string, name: string, systems: string): Promise<string> {
    const answers = ['register', name, 'Tracks purchase orders', 'power apps', 'Procurement', 'my team', '8'];
    for (const answer of answers) await steward.say(answer, user);
    await steward.say('internal', user);
    await steward.say(systems, user);
    await steward.say('no', user); // AI
    await steward.say('minor', user);
    return steward.say('no', user); // external sharing
  }

  it('asks a question only when its condition holds, and its answer raises the tier through a rule', async () => {
    // Without SAP among the systems, the SAP question is never asked; the AI vendors neither (no AI).
    let reply = await builtIns('ana', 'Lunch orders', 'none');
    expect(reply).toContain('Where are the people who use it?');
    expect(reply).not.toContain('SAP');
    reply = await steward.say('europe', 'ana');
    expect(reply).toContain('Roughly how many records does it process a month?');
    reply = await steward.say('about 300', 'ana');
    expect(reply).toContain('Where does it keep its data, and for how long?');
    reply = await steward.say('skip', 'ana'); // optional
    expect(reply).toContain('Summary:');
    expect(reply).toContain('Region: Europe');
    expect(reply).toContain('Monthly records: 300');
    expect(reply).toContain('Data retention: Skipped');
    expect(reply).not.toMatch(/Writes to SAP|AI vendors/u);
    expect(await steward.say('yes', 'ana')).toContain('Risk tier: LOW');

    // With SAP among the systems, it is asked after the built-in questions, with yes/no buttons.
    const replies = await (async () => {
      await builtIns('ben', 'PO sync', 'SAP (read)');
      return steward.sayFull('help', 'ben');
    })();
    const asked = replies.map((one) => one.text).join('\n');
    expect(asked).toContain('Changes to SAP (orders, postings, master data) go through the SAP change board.');
    expect(replies.at(-1)).toMatchObject({
      text: 'Does the app create or change anything in SAP?',
      buttons: [
        { label: 'Yes', value: 'yes' },
        { label: 'No', value: 'no' },
      ],
    });
    // Required: "skip" is refused with the reason; an unsure answer is asked again, not guessed.
    expect(await steward.say('skip', 'ben')).toContain(
      'I need this one: Changes to SAP (orders, postings, master data) go through the SAP change board.',
    );
    expect(await steward.say("not sure tbh, I'd have to check", 'ben')).toContain('I need a yes or a no');
    expect(await steward.say('yep, it creates POs in SAP', 'ben')).toContain('Where are the people who use it?');
    // A choice question shows its options like the built-in ones.
    const region = (await steward.sayFull('status', 'ben')).at(-1)!;
    expect(region.choices?.options.map((option) => option.label)).toEqual([
      'Europe',
      'United States',
      'Asia-Pacific',
      'Several regions or worldwide',
    ]);
    expect(await steward.say('folks in berlin and paris', 'ben')).toContain('records');
    expect(await steward.say('~5k', 'ben')).toContain('keep its data');
    reply = await steward.say('12 months in a sharepoint list, then deleted', 'ben');
    // High risk: a backup owner is needed, and asked last.
    expect(reply).toContain("Who looks after the app when you're away?");
    reply = await steward.say('sam@example.com', 'ben');
    expect(reply).toContain('Writes to SAP: Yes');
    expect(reply).toContain('Region: Europe');
    expect(reply).toContain('Monthly records: 5,000');
    expect(reply).toContain('Data retention: 12 months in a sharepoint list, then deleted');

    // "change <label>" from the summary: the answer goes, and so does the rule it fired.
    expect(await steward.say('change writes to sap', 'ben')).toContain(
      'Does the app create or change anything in SAP? (Currently: Yes.)',
    );
    reply = await steward.say('no, it only reads from SAP', 'ben');
    expect(reply).toContain('Writes to SAP: No');
    expect(await steward.say('change writes to sap', 'ben')).toContain('(Currently: No.)');
    reply = await steward.say('yes', 'ben');
    expect(reply).toContain('Writes to SAP: Yes');
    reply = await steward.say('yes', 'ben');
    expect(reply).toContain('Risk tier: HIGH');
    expect(reply).toContain('SAP-WRITE-BACK (high): The app changes SAP (yes), so the SAP change board reviews it.');

    // Stored with the app's version, and shown to the reviewers.
    const app = await database.db.prisma.app.findFirstOrThrow({ where: { ownerUserId: 'ben' } });
    const profile = await database.db.store.apps.currentProfile(app);
    expect(profile.answers).toEqual({
      writesToSap: true,
      region: 'eu',
      monthlyRecords: 5000,
      retention: '12 months in a sharepoint list, then deleted',
    });
    await steward.worker.drain();
    const review = steward.delivered.map((message) => JSON.stringify(message)).join('\n');
    expect(review).toContain('Writes to SAP: Yes');
  });

  it('drops an answer whose question no longer applies after an earlier answer changed', async () => {
    await builtIns('cleo', 'Stock check', 'SAP (read)');
    await steward.say('yes', 'cleo');
    await steward.say('eu', 'cleo');
    await steward.say('50', 'cleo');
    await steward.say('skip', 'cleo');
    await steward.say('sam@example.com', 'cleo');
    // SAP goes from the systems: the SAP question and its answer go from the summary and the profile.
    await steward.say('change systems', 'cleo');
    const reply = await steward.say('SharePoint (read)', 'cleo');
    expect(reply).toContain('Summary');
    expect(reply).not.toContain('Writes to SAP');
    expect(await steward.say('yes', 'cleo')).toContain('Risk tier: LOW');
    const app = await database.db.prisma.app.findFirstOrThrow({ where: { ownerUserId: 'cleo' } });
    expect((await database.db.store.apps.currentProfile(app)).answers).toEqual({ region: 'eu', monthlyRecords: 50 });
  });
});

// ---------------------------------------------------------------- CSV

describe('the inventory CSV with answers', () => {
  const policy = questionsPolicy();
  const questions = policy.intake.questions;
  const row = (answers: Record<string, boolean | number | string | string[]>) => ({
    reference: 'APP-0001',
    status: 'approved',
    tier: 'low',
    version: 1,
    profile: { ...riskProfile(), answers },
    owner: { platform: 'console', userId: 'ana' },
  });

  it('has a column per question, reads back the same answers, and keeps formula protection', () => {
    const answers = {
      writesToSap: false,
      region: 'apac',
      aiVendors: ['openai', 'google'],
      monthlyRecords: 1200,
      retention: '=HYPERLINK("http://evil.example")',
    };
    const csv = inventoryToCsv([row(answers)], questions);
    const header = csv.split('\n')[0]!;
    expect(header).toContain(
      'answers.writesToSap,answers.region,answers.aiVendors,answers.monthlyRecords,answers.retention',
    );
    expect(csv).toContain(`no,apac,openai; google,1200,"'=HYPERLINK(""http://evil.example"")"`);
    const [parsed] = parseInventoryCsv(csv, questions);
    expect(parsed).toMatchObject({ ok: true, profile: { answers } });
  });

  it('refuses a bad value by row and column, and a column the policy has no question for as a whole', () => {
    const csv = inventoryToCsv([row({ region: 'eu' }), row({ region: 'eu' })], questions)
      .replace(/,eu,/u, ',europe-ish,')
      .replace(/(APP-0001.*?),eu,/su, '$1,Europe,');
    const rows = parseInventoryCsv(csv, questions);
    expect(rows[0]).toEqual({
      row: 2,
      ok: false,
      errors: ['answers.region: "europe-ish" is not one of the options (eu, us, apac, global)'],
    });
    // An option's label is read as its value.
    expect(rows[1]).toMatchObject({ ok: true, profile: { answers: { region: 'eu' } } });
    expect(() => parseInventoryCsv(csv.replace('answers.region', 'answers.regoin'), questions)).toThrow(
      InventoryCsvError,
    );
  });
});

// ---------------------------------------------------------------- the Slack form

describe("the Slack registration form with the policy's questions", () => {
  const policy = questionsPolicy();

  it('has an input per question after the built-in ones, and reads what was filled in like the chat', () => {
    const blocks = registrationModal(policy).blocks as Array<{ block_id?: string; element?: { type: string } }>;
    const custom = blocks.filter((block) => block.block_id?.startsWith('answers.'));
    expect(custom.map((block) => [block.block_id, block.element?.type])).toEqual([
      ['answers.writesToSap', 'radio_buttons'],
      ['answers.region', 'radio_buttons'],
      ['answers.aiVendors', 'checkboxes'],
      ['answers.monthlyRecords', 'plain_text_input'],
      ['answers.retention', 'plain_text_input'],
    ]);
    const form = readRegistration(
      {
        values: {
          'answers.writesToSap': { answer: { selected_option: { value: 'yes' } } },
          'answers.region': { answer: { selected_option: { value: 'apac' } } },
          'answers.aiVendors': { answer: { selected_options: [] } },
          'answers.monthlyRecords': { answer: { value: 'about 2k' } },
          'answers.retention': { answer: { value: '' } },
        },
      },
      policy,
    );
    expect(form.input.answers).toEqual({ writesToSap: true, region: 'apac', monthlyRecords: 2000 });
    expect(form.errors['answers.monthlyRecords']).toBeUndefined();
  });
});

describe('a whole profile registered at once (the Slack form, classify, an API)', () => {
  it("refuses answers that do not fit the policy's questions, naming each, and registers nothing", async () => {
    const database = await openTestDatabase('pglite');
    try {
      const policy = questionsPolicy();
      const deps = {
        store: database.db.store,
        policy,
        deliveryPlatforms: ['console'],
        assess: (profile: AppProfile) => assessProfile(profile, { policy }),
      };
      const owner = { platform: 'slack', userId: 'UFORM1' };
      const outcome = await registerProfile(deps, owner, {
        ...riskProfile({ name: 'Form app' }),
        answers: { region: 'mars', writesToSap: 'yes', aiVendors: ['openai', 'skynet'], shoeSize: 42 },
      });
      expect(outcome).toEqual({
        ok: false,
        errors: {
          'answers.region': 'Expected one of eu, us, apac, global.',
          'answers.writesToSap': 'Expected yes or no.',
          'answers.aiVendors': 'Expected some of openai, azure-openai, anthropic, google, none.',
          'answers.shoeSize': 'The policy has no question "shoeSize".',
        },
      });
      expect(await database.db.store.apps.list()).toEqual([]);
      const fitting = await registerProfile(deps, owner, {
        ...riskProfile({ name: 'Form app' }),
        answers: { region: 'eu' },
      });
      expect(fitting.ok).toBe(true);
    } finally {
      await database.cleanup();
    }
  });
});
