// How typed answers are read without an LLM: each case is what a maker types -> what Steward makes of it.
import { describe, expect, it } from 'vitest';
import { parseCommand, looksLikeAppDescription } from '../src/intake/commands.ts';
import { readOpener } from '../src/intake/openers.ts';
import { parseAnswer, questionById } from '../src/intake/questions.ts';
import { readText } from '../src/intake/understand/free-text.ts';
import { defaultVocabulary, loadVocabularyFromText } from '../src/intake/understand/vocabulary.ts';

const vocabulary = defaultVocabulary();
const read = (questionId: string, text: string) => questionById(questionId)!.read(text, vocabulary);

describe('choices', () => {
  it.each([
    ['platform', '7', { kind: 'value', value: 'excel' }],
    ['platform', 'an Excel sheet with a macro', { kind: 'value', value: 'excel' }],
    ['platform', 'powerapps', { kind: 'value', value: 'power-apps' }],
    [
      'platform',
      'a Power Apps canvas app that starts a flow',
      { kind: 'choose', candidates: ['power-apps', 'power-automate'] },
    ],
    ['audience', 'customers, through a web form', { kind: 'value', value: 'external' }],
    ['audience', 'the whole sales department', { kind: 'value', value: 'department' }],
    ['criticality', 'not a big deal', { kind: 'value', value: 'low' }],
    ['aiDecisionImpact', 'it suggests a grade and the trainer decides', { kind: 'value', value: 'assistive' }],
    [
      'aiDecisionImpact',
      'it suggests, but people rarely override it',
      { kind: 'choose', candidates: ['assistive', 'significant'] },
    ],
  ])('%s: %j', (question, typed, reading) => expect(read(question, typed)).toEqual(reading));

  it('refuses an option number that does not exist, naming it', () => {
    expect(read('platform', '11')).toMatchObject({ kind: 'miss', hint: expect.stringContaining('no option 11') });
  });

  it('reads several data categories from one sentence and confirms a typo in a risk-relevant answer', () => {
    expect(read('dataCategories', 'personal data and health data')).toEqual({
      kind: 'value',
      value: ['personal', 'health'],
    });
    expect(read('dataCategories', 'no personal data, just internal stuff')).toEqual({
      kind: 'value',
      value: ['internal'],
    });
    expect(read('dataCategories', 'helth records')).toEqual({ kind: 'confirm', value: ['health'] });
    expect(read('dataCategories', 'personal stuff')).toEqual({ kind: 'confirm', value: ['personal'] });
    expect(read('dataCategories', '1, 10')).toEqual({ kind: 'value', value: ['public', 'credentials'] });
  });
});

describe('numbers of users', () => {
  it.each([
    ['12', 12],
    ['around 1,200', 1200],
    ['5k', 5000],
    ['1.5k', 1500],
    ['a dozen', 12],
    ['two hundred', 200],
    ['fewer than ten', 10],
    ['8 people', 8],
    ['me plus 3 colleagues', 4],
    ['just me', 1],
    ['0', 0],
  ])('%j -> %d', (typed, value) => expect(read('userCount', typed)).toEqual({ kind: 'value', value }));

  it('confirms the upper end of a range', () =>
    expect(read('userCount', 'between 50 and 100')).toEqual({ kind: 'confirm', value: 100 }));

  it.each([
    ['-3', 'cannot be negative'],
    ['lots', 'Please give a number'],
    ['2.5', 'whole number'],
    ['99999999', 'realistic'],
  ])('%j is refused: %s', (typed, hint) =>
    expect(read('userCount', typed)).toMatchObject({ kind: 'miss', hint: expect.stringContaining(hint) }),
  );
});

describe('yes and no', () => {
  it.each([
    ['yes, it uses GPT-4', true],
    ['nope', false],
    ['not really', false],
    ['Gemini summarises the meeting notes', true],
    ['just vlookups and if statements, so no', false],
  ])('%j -> %s', (typed, value) => expect(read('aiUsed', typed)).toEqual({ kind: 'value', value }));

  it('confirms an unsure answer instead of storing it', () =>
    expect(read('aiUsed', 'I think so')).toEqual({ kind: 'confirm', value: true }));
  it('asks again when nothing says yes or no', () =>
    expect(read('aiUsed', 'perhaps the moon')).toMatchObject({ kind: 'miss' }));
});

describe('connected systems', () => {
  it.each([
    ['none', []],
    [
      'Stripe (write), Zendesk (read)',
      [
        { name: 'Stripe', access: 'write' },
        { name: 'Zendesk', access: 'read' },
      ],
    ],
    ['it writes to SAP', [{ name: 'SAP', access: 'write' }]],
    ['ServiceNow, read only', [{ name: 'ServiceNow', access: 'read' }]],
    [
      'pulls data out of sharpoint and pushes updates to jira',
      [
        { name: 'SharePoint', access: 'read' },
        { name: 'Jira', access: 'write' },
      ],
    ],
    ['Salesforce read, Salesforce write', [{ name: 'Salesforce', access: 'write' }]],
    ['writes to our Billing Hub', [{ name: 'Billing Hub', access: 'write' }]],
  ])('%j', (typed, systems) => expect(read('systems', typed)).toEqual({ kind: 'value', value: systems }));

  it('asks about access for the one system where it is missing', () => {
    expect(read('systems', 'Salesforce (write), Jira')).toEqual({
      kind: 'access',
      known: [{ name: 'Salesforce', access: 'write' }],
      missing: ['Jira'],
    });
  });
});

describe('free text', () => {
  const limits = { min: 1, max: 120, what: 'name' };
  it('trims and folds white space', () =>
    expect(readText('  Expense \n  helper ', limits)).toEqual({ kind: 'value', value: 'Expense helper' }));
  it('keeps & < > and emoji as typed', () =>
    expect(read('name', 'R&D <EU> budget 🚀')).toEqual({ kind: 'value', value: 'R&D <EU> budget 🚀' }));
  it('drops the words around a name or department', () => {
    expect(read('name', "it's called Lunch Rota")).toEqual({ kind: 'value', value: 'Lunch Rota' });
    expect(read('department', "we're in finance")).toEqual({ kind: 'value', value: 'Finance' });
    expect(read('department', 'the r&d team')).toEqual({ kind: 'value', value: 'R&D' });
  });
  it.each([
    ['   ', "can't be empty"],
    ['🎉🎉', 'at least one letter'],
    ['<b>Bold</b> app', 'plain text'],
    ['[click](http://example.com)', 'plain text'],
    ['x'.repeat(121), 'under 120'],
  ])('%j is refused: %s', (typed, hint) =>
    expect(readText(typed, limits)).toMatchObject({ kind: 'miss', hint: expect.stringContaining(hint) }),
  );
  it('removes invisible control characters', () =>
    expect(readText('Pay\u0000roll\u200b tool', limits)).toEqual({ kind: 'value', value: 'Payroll tool' }));
});

describe('forms (a Slack modal) take certain readings only', () => {
  it('stores a certain reading and refuses an unsure one with a hint', () => {
    expect(parseAnswer(questionById('userCount')!, 'about 45 people')).toEqual({ ok: true, value: 45 });
    expect(parseAnswer(questionById('systems')!, 'Jira')).toMatchObject({
      ok: false,
      hint: expect.stringContaining('Jira'),
    });
  });
});

describe('openers', () => {
  it.each([
    ['hi', 'greeting'],
    ['Hi! I want to register a new app', 'register'],
    ['can i add an app pls', 'register'],
    ['Hey! so my boss said I gotta register this thing I made', 'register'],
    ['Can I put card numbers in Airtable?', 'other'],
  ])('%j is a %s', (typed, kind) => expect(readOpener(typed, vocabulary).kind).toBe(kind));

  it('keeps a real description and pre-fills what it states plainly', () => {
    expect(readOpener('I built a Power App for complaint tracking for my team', vocabulary)).toEqual({
      kind: 'description',
      description: 'I built a Power App for complaint tracking for my team',
      prefill: { platform: 'power-apps', audience: 'team' },
    });
  });
});

describe('commands', () => {
  it.each([
    ['help', { kind: 'help' }],
    ['Cancel', { kind: 'cancel' }],
    ['go back', { kind: 'back' }],
    ['skip', { kind: 'skip' }],
    ['my apps', { kind: 'myApps' }],
    ['status', { kind: 'status' }],
    ['status APP-0042', { kind: 'status', target: 'app-0042' }],
    ['change audience', { kind: 'change', field: 'audience' }],
    ['update expense helper', { kind: 'update', target: 'expense helper' }],
    ['I want to register an app', { kind: 'register' }],
    ['/steward register', { kind: 'register' }],
  ])('%j', (typed, command) => expect(parseCommand(typed)).toEqual(command));

  it.each(['Tracks the status of complaints', 'Helps my team go back to old invoices', 'skip lunch tracker'])(
    'an answer that merely contains a command word is not one: %j',
    (typed) => {
      expect(parseCommand(typed)).toBeUndefined();
    },
  );

  it.each([
    ['I built a Power App for complaint tracking', true],
    ["We've made a Zap that posts new leads to Slack", true],
    ['Can I put card numbers in Airtable?', false],
    ['hello', false],
  ])('%j describes an app: %s', (typed, expected) => expect(looksLikeAppDescription(typed)).toBe(expected));
});

describe('the vocabulary file', () => {
  it('names the line and field of a mistake', () => {
    expect(() =>
      loadVocabularyFromText('version: 1\nchoices:\n  platform:\n    powerapps: { words: [x] }\n', 'vocab.yaml'),
    ).toThrow(/vocab\.yaml:4:\d+: choices\.platform\.powerapps/u);
  });

  it('an admin can teach it a local product name', () => {
    const shipped = defaultVocabulary().source;
    const extended = loadVocabularyFromText(
      JSON.stringify({
        ...shipped,
        choices: {
          ...shipped.choices,
          platform: { ...shipped.choices.platform, other: { words: ['Nimbus Forms'], likely: [] } },
        },
      }),
      'vocab.yaml',
    );
    expect(questionById('platform')!.read('I made it in Nimbus Forms', extended)).toEqual({
      kind: 'value',
      value: 'other',
    });
  });
});
