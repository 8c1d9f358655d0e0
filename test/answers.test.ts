// How typed answers are understood: each case is what a maker types -> the value, or the hint they get.
import { describe, expect, it } from 'vitest';
import { parseChoice, parseCount, parseMultiChoice, parseSystems, parseText, parseYesNo } from '../src/intake/answers.ts';
import { parseCommand, looksLikeAppDescription } from '../src/intake/commands.ts';

const OPTIONS = [
  { value: 'personal', label: 'Just me' },
  { value: 'team', label: 'My team' },
  { value: 'department', label: 'My department' },
  { value: 'organization', label: 'The whole organisation' },
];

describe('choices', () => {
  it.each([
    ['2', 'team'],
    ['my department', 'department'],
    ['ORGANIZATION', 'organization'],
    ['whole', 'organization'],
    ['  Just me. ', 'personal'],
  ])('%j -> %s', (typed, value) => {
    expect(parseChoice(typed, OPTIONS)).toEqual({ ok: true, value });
  });

  it.each(['0', '5', 'my', 'everyone please'])('%j is refused with the list of valid answers', (typed) => {
    const parsed = parseChoice(typed, OPTIONS);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.hint).toContain('number from 1 to 4');
  });

  it.each([
    ['1, 3', ['personal', 'department']],
    ['1 3', ['personal', 'department']],
    ['2 and 4', ['team', 'organization']],
    ['my team, just me', ['team', 'personal']],
    ['2, 2', ['team']],
    ['none', []],
  ])('multiple %j -> %j', (typed, values) => {
    expect(parseMultiChoice(typed, OPTIONS)).toEqual({ ok: true, value: values });
  });

  it('names the token it did not recognise in a list', () => {
    const parsed = parseMultiChoice('1, 9', OPTIONS);
    expect(parsed.ok === false && parsed.hint).toContain('"9"');
  });
});

describe('numbers of users', () => {
  it.each([
    ['12', 12],
    ['about 200', 200],
    ['~45 people', 45],
    ['1,200 users', 1200],
    ['2k', 2000],
    ['1.5k', 1500],
    ['0', 0],
  ])('%j -> %d', (typed, value) => {
    expect(parseCount(typed)).toEqual({ ok: true, value });
  });

  it.each([
    ['-3', 'cannot be negative'],
    ['lots', 'Please give a number'],
    ['2.5', 'whole number'],
    ['99999999', 'realistic'],
  ])('%j is refused: %s', (typed, hint) => {
    const parsed = parseCount(typed);
    expect(parsed.ok === false && parsed.hint).toContain(hint);
  });
});

describe('yes and no', () => {
  it.each([
    ['yes', true],
    ['Y', true],
    ['yep!', true],
    ['no', false],
    ['Nope.', false],
  ])('%j -> %s', (typed, value) => expect(parseYesNo(typed)).toEqual({ ok: true, value }));

  it('anything else asks for yes or no', () => expect(parseYesNo('perhaps')).toEqual({ ok: false, hint: 'Please answer yes or no.' }));
});

describe('connected systems', () => {
  it.each([
    ['none', []],
    ['Salesforce (write), SharePoint (read)', [{ name: 'Salesforce', access: 'write' }, { name: 'SharePoint', access: 'read' }]],
    ['writes to SAP S/4HANA; reads from Workday', [{ name: 'SAP S/4HANA', access: 'write' }, { name: 'Workday', access: 'read' }]],
    ['Dataverse read-only', [{ name: 'Dataverse', access: 'read' }]],
    ['Salesforce read, Salesforce write', [{ name: 'Salesforce', access: 'write' }]],
  ])('%j', (typed, systems) => expect(parseSystems(typed)).toEqual({ ok: true, value: systems }));

  it('asks about access when it is not said', () => {
    const parsed = parseSystems('Salesforce (write), Jira');
    expect(parsed.ok === false && parsed.hint).toContain('Does it read from or write to Jira?');
  });
});

describe('free text', () => {
  const limits = { min: 1, max: 120, what: 'name', needsWords: true };
  it('trims and folds white space', () => expect(parseText('  Expense \n  helper ', limits)).toEqual({ ok: true, value: 'Expense helper' }));
  it('keeps emoji next to words', () => expect(parseText('Rota 🧹', limits)).toEqual({ ok: true, value: 'Rota 🧹' }));
  it.each([
    ['   ', "can't be empty"],
    ['🎉🎉', 'at least one letter'],
    ['<b>Bold</b> app', 'plain text'],
    ['[click](http://example.com)', 'plain text'],
    ['x'.repeat(121), 'under 120'],
  ])('%j is refused: %s', (typed, hint) => {
    const parsed = parseText(typed, limits);
    expect(parsed.ok === false && parsed.hint).toContain(hint);
  });
  it('removes invisible control characters', () => expect(parseText('Pay\u0000roll\u200b tool', limits)).toEqual({ ok: true, value: 'Payroll tool' }));
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

  it.each(['Tracks the status of complaints', 'Helps my team go back to old invoices', 'skip lunch tracker'])('an answer that merely contains a command word is not one: %j', (typed) => {
    expect(parseCommand(typed)).toBeUndefined();
  });

  it.each([
    ['I built a Power App for complaint tracking', true],
    ["We've made a Zap that posts new leads to Slack", true],
    ['Can I put card numbers in Airtable?', false],
    ['hello', false],
  ])('%j describes an app: %s', (typed, expected) => expect(looksLikeAppDescription(typed)).toBe(expected));
});
