import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { handbookDir, HandbookError, loadHandbook, parseHandbookFiles } from '../../src/handbook/load.ts';
import { DEFAULT_POLICY_PATH, loadPolicy, loadPolicyFromText, PolicyError } from '../../src/policy/load.ts';

const policy = loadPolicy();
const shippedDir = handbookDir(policy, DEFAULT_POLICY_PATH);
const workDir = mkdtempSync(path.join(tmpdir(), 'steward-handbook-'));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

const REQUIRED_IDS = [
  'registration',
  'approved-platforms',
  'personal-data',
  'special-category-data',
  'payment-card-data',
  'credentials-and-secrets',
  'sharing-and-access',
  'external-sharing',
  'ai-use',
  'connectors-and-integrations',
  'ownership-and-support',
  'retirement',
];

function section(fields: Record<string, string>, body = 'Some guidance.'): string {
  return `---\n${Object.entries(fields)
    .map(([key, value]) => `${key}: ${value}`)
    .join('\n')}\n---\n${body}\n`;
}

const valid = { id: 'printing', title: 'Printing', team: 'security' };

/** The error a set of files gets, or a failure when they load. */
function refusal(files: Record<string, string>): HandbookError {
  try {
    parseHandbookFiles(
      'test-handbook',
      Object.entries(files).map(([name, text]) => ({ name, text })),
      policy,
    );
  } catch (error) {
    if (error instanceof HandbookError) return error;
    throw error;
  }
  throw new Error('the handbook was accepted');
}

describe('the shipped handbook', () => {
  const handbook = loadHandbook(shippedDir, policy);

  it('is the policy folder next to policy/default.yaml and has every required section', () => {
    expect(shippedDir).toBe(path.join(path.dirname(DEFAULT_POLICY_PATH), 'handbook'));
    const ids = handbook.sections.map((s) => s.id);
    expect(ids).toEqual(expect.arrayContaining(REQUIRED_IDS));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('gives every section a title, a policy team, a summary and real guidance', () => {
    for (const s of handbook.sections) {
      expect(Object.keys(policy.teams), s.id).toContain(s.team);
      expect(s.title.length, s.id).toBeGreaterThan(5);
      expect(s.summary?.length ?? 0, s.id).toBeGreaterThan(60);
      expect(s.body.split(/\s+/).length, s.id).toBeGreaterThan(120);
    }
  });

  it('is frozen, like the policy', () => {
    expect(Object.isFrozen(handbook.sections[0])).toBe(true);
  });

  it('does not treat the README as a section', () => {
    expect(handbook.sections.map((s) => s.file)).not.toContain('README.md');
  });
});

describe('invalid handbooks are refused, naming the file, line and field', () => {
  it('an unknown team, with the teams it could be', () => {
    const error = refusal({ 'printing.md': section({ ...valid, team: 'secops' }) });
    expect(error.issues).toEqual([
      {
        file: 'printing.md',
        line: 4,
        column: 7,
        field: 'team',
        message: expect.stringContaining('unknown team "secops" (teams: security, privacy'),
      },
    ]);
    expect(error.message).toContain('printing.md:4:7: team: unknown team "secops"');
  });

  it('a duplicate id, naming both files', () => {
    const error = refusal({ 'a.md': section(valid), 'b.md': section(valid) });
    expect(error.issues).toEqual([
      { file: 'b.md', line: 2, column: 5, field: 'id', message: 'duplicate id "printing" (also in a.md)' },
    ]);
  });

  it('a missing field, an unknown field and a badly formed id, all at once', () => {
    const error = refusal({
      'printing.md': section({ id: 'Printing_Rules', title: 'Printing', colour: 'blue' }),
    });
    const byField = Object.fromEntries(error.issues.map((issue) => [issue.field, issue]));
    expect(byField.id).toMatchObject({ line: 2, message: expect.stringContaining('lower-kebab-case') });
    expect(byField.team).toMatchObject({ message: 'missing (expected string)' });
    expect(byField.colour).toMatchObject({ line: 4, message: expect.stringContaining('unknown field "colour"') });
  });

  it('an empty body', () => {
    const error = refusal({ 'printing.md': section(valid, '   ') });
    expect(error.issues).toEqual([
      {
        file: 'printing.md',
        line: 6,
        column: 1,
        field: 'body',
        message: 'the section has no text after the front matter',
      },
    ]);
  });

  it('no front matter, unclosed front matter and broken YAML', () => {
    const error = refusal({
      'a.md': '# Printing\nJust text.',
      'b.md': '---\nid: printing\n',
      'c.md': '---\nid: [printing\n---\nText',
    });
    expect(error.issues.map((issue) => [issue.file, issue.line, issue.message.split(':')[0]])).toEqual([
      ['a.md', 1, 'missing front matter'],
      ['b.md', 1, 'the front matter is not closed'],
      ['c.md', expect.any(Number), 'YAML syntax'],
    ]);
  });

  it('all or nothing: one bad file refuses the whole folder', () => {
    const dir = path.join(workDir, 'one-bad');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'good.md'), section(valid));
    writeFileSync(path.join(dir, 'bad.md'), section({ ...valid, id: 'other', team: 'nobody' }));
    expect(() => loadHandbook(dir, policy)).toThrow(/bad\.md:4:7: team: unknown team "nobody"/);
  });

  it('a missing or empty folder', () => {
    expect(() => loadHandbook(path.join(workDir, 'nowhere'), policy)).toThrow(/cannot read the folder \(ENOENT\)/);
    const empty = path.join(workDir, 'empty');
    mkdirSync(empty);
    writeFileSync(path.join(empty, 'README.md'), '# About this folder');
    expect(() => loadHandbook(empty, policy)).toThrow(/no sections/);
  });
});

describe('the policy names the handbook folder', () => {
  const shippedText = readFileSync(DEFAULT_POLICY_PATH, 'utf8');

  it('defaults to ./handbook when the policy does not say', () => {
    const withoutEntry = shippedText.replace(/^handbook:\n {2}dir: handbook\n/m, '');
    expect(withoutEntry).not.toContain('\nhandbook:');
    const parsed = loadPolicyFromText(withoutEntry, 'policy.yaml');
    expect(handbookDir(parsed, '/etc/steward/policy.yaml')).toBe('/etc/steward/handbook');
  });

  it('resolves a configured folder against the policy file, and refuses unknown keys in the entry', () => {
    const custom = loadPolicyFromText(
      shippedText.replace(/^ {2}dir: handbook$/m, '  dir: ../shared/guardrails'),
      'policy.yaml',
    );
    expect(handbookDir(custom, '/etc/steward/policy.yaml')).toBe('/etc/shared/guardrails');
    expect(() => loadPolicyFromText(shippedText.replace(/^ {2}dir: handbook$/m, '  folder: x'), 'policy.yaml')).toThrow(
      PolicyError,
    );
  });
});
