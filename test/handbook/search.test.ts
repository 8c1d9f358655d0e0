import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { handbookDir, loadHandbook } from '../../src/handbook/load.ts';
import { createHandbookIndex, normaliseText, stemWord } from '../../src/handbook/search.ts';
import { DEFAULT_POLICY_PATH, loadPolicy } from '../../src/policy/load.ts';

// Retrieval quality on realistic maker questions, each labelled with the section that answers it.

interface LabelledQuestion {
  question: string;
  expected: string;
  /** Written after retrieval was tuned and never tuned on: an honest estimate for new questions. */
  heldOut?: boolean;
}

const policy = loadPolicy();
const handbook = loadHandbook(handbookDir(policy, DEFAULT_POLICY_PATH), policy);
const index = createHandbookIndex(handbook);
const labelled = JSON.parse(
  readFileSync(path.join(import.meta.dirname, '../fixtures/guardrail-questions.json'), 'utf8'),
) as LabelledQuestion[];

function hitRates(questions: LabelledQuestion[]) {
  const misses: string[] = [];
  let top1 = 0;
  let top3 = 0;
  for (const { question, expected } of questions) {
    const ids = index.search(question, 3).map((hit) => hit.section.id);
    if (ids[0] === expected) top1 += 1;
    if (ids.includes(expected)) top3 += 1;
    else misses.push(`${question} -> ${ids.join(', ')} (expected ${expected})`);
  }
  return { top1: top1 / questions.length, top3: top3 / questions.length, misses };
}

describe('the labelled questions', () => {
  it('are at least 60, cover every section, and name sections that exist', () => {
    const ids = new Set(handbook.sections.map((section) => section.id));
    expect(labelled.length).toBeGreaterThanOrEqual(60);
    for (const item of labelled) expect(ids, item.question).toContain(item.expected);
    expect(new Set(labelled.map((item) => item.expected))).toEqual(ids);
    expect(new Set(labelled.map((item) => item.question)).size).toBe(labelled.length);
  });

  it('find the right section in the top 3 for at least 90% of them, with rules and retrieval only', () => {
    const all = hitRates(labelled);
    expect(all.top3, all.misses.join('\n')).toBeGreaterThanOrEqual(0.9);
    expect(all.top1).toBeGreaterThanOrEqual(0.8);
  });

  it('hold up on the held-out questions too', () => {
    const heldOut = hitRates(labelled.filter((item) => item.heldOut));
    expect(heldOut.top3, heldOut.misses.join('\n')).toBeGreaterThanOrEqual(0.9);
  });
});

describe('search', () => {
  it('ranks the payment card section first for card numbers, with a clear margin', () => {
    const [first, second] = index.search('Can I put card numbers in Airtable?', 3);
    expect(first?.section.id).toBe('payment-card-data');
    expect(first!.score).toBeGreaterThan(3 * second!.score);
    expect(first?.matchedTerms).toEqual(expect.arrayContaining(['card', 'number']));
  });

  it('returns at most k hits, best first, and nothing for words the handbook never uses', () => {
    const hits = index.search('Can my Zap send customer emails to Mailchimp?', 2);
    expect(hits).toHaveLength(2);
    expect(hits[0]!.score).toBeGreaterThanOrEqual(hits[1]!.score);
    expect(index.search('What is the capital of France?', 3)).toEqual([]);
  });

  it('matches a word whatever its form: sharing/shared/share, e-mails/email', () => {
    expect(new Set(['share', 'shared', 'sharing', 'shares'].map(stemWord)).size).toBe(1);
    expect(new Set(['store', 'stored', 'storing'].map(stemWord)).size).toBe(1);
    expect(stemWord('apps')).toBe('app');
    expect(stemWord('access')).toBe('access');
    expect(stemWord('need')).toBe('need');
    expect(normaliseText('Can I send E-mails to the whole organisation?')).toEqual([
      'send',
      'email',
      'whol',
      'company',
    ]);
  });
});
