// Scores Steward's reading of the natural-answer corpora (test/fixtures/natural-answers*.json), written
// blind by people who had not seen the code: used by the test and by `npm run bench`.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { questionById } from '../../src/intake/questions.ts';
import type { Reading } from '../../src/intake/understand/reading.ts';
import type { Vocabulary } from '../../src/intake/understand/vocabulary.ts';

export interface CorpusEntry {
  question: string;
  answer: string;
  expect: unknown;
}

export const CORPORA = ['natural-answers.json', 'natural-answers-2.json'];

export function loadCorpus(name: string): CorpusEntry[] {
  return JSON.parse(readFileSync(path.join(import.meta.dirname, '..', 'fixtures', name), 'utf8'));
}

/** System names are compared as the maker might spell them ("Teams" for "Microsoft Teams"); lists as sets. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value))
    return value
      .map(canonical)
      .map((item) => JSON.stringify(item))
      .sort();
  if (value && typeof value === 'object') {
    const system = value as { name?: string; access?: string };
    if (typeof system.name === 'string')
      return { name: system.name.toLowerCase().replace(/^microsoft /u, ''), access: system.access };
  }
  return value;
}
const same = (a: unknown, b: unknown) => JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));

export interface Scored {
  entry: CorpusEntry;
  reading: Reading;
  /** Read right at the first answer: stored, or put to the maker for confirmation, as the expected value. */
  right: boolean;
  /** Stored without asking, and wrong, on a field that decides the risk tier. */
  wrongSilentRisk: boolean;
}

export function score(entry: CorpusEntry, vocabulary: Vocabulary): Scored {
  const question = questionById(entry.question);
  if (!question) throw new Error(`unknown question ${entry.question}`);
  const reading = question.read(entry.answer, vocabulary);
  const expected = entry.expect as { confirm?: unknown; askAccess?: string[] } | unknown;
  let right: boolean;
  if (expected && typeof expected === 'object' && !Array.isArray(expected) && 'askAccess' in expected) {
    right =
      reading.kind === 'access' &&
      same(
        reading.missing.map((name) => ({ name })),
        ((expected as { askAccess?: string[] }).askAccess ?? []).map((name) => ({ name })),
      );
  } else {
    const wanted =
      expected && typeof expected === 'object' && !Array.isArray(expected) && 'confirm' in expected
        ? expected.confirm
        : expected;
    right =
      ((reading.kind === 'value' || reading.kind === 'confirm') && same(reading.value, wanted)) ||
      (reading.kind === 'choose' && reading.candidates.includes(String(Array.isArray(wanted) ? wanted[0] : wanted)));
  }
  return {
    entry,
    reading,
    right,
    wrongSilentRisk: !right && reading.kind === 'value' && question.riskRelevant === true,
  };
}
