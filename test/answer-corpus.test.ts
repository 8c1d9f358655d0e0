// Natural answers, written blind by people who had not seen the code, read without an LLM: at least
// 95% read right at the first answer, and never a wrong silent reading of a risk-relevant field.
import { describe, expect, it } from 'vitest';
import { defaultVocabulary } from '../src/intake/understand/vocabulary.ts';
import { CORPORA, loadCorpus, score } from './support/answer-corpus.ts';

describe.each(CORPORA)('the answers in %s', (name) => {
  const scored = loadCorpus(name).map((entry) => score(entry, defaultVocabulary()));
  const misread = scored
    .filter((result) => !result.right)
    .map(
      (result) =>
        `${result.entry.question}: ${JSON.stringify(result.entry.answer)} -> ${JSON.stringify(result.reading)}`,
    );

  it('are read right at the first answer at least 95% of the time', () => {
    expect(scored.length).toBeGreaterThanOrEqual(200);
    expect(scored.filter((result) => result.right).length / scored.length, misread.join('\n')).toBeGreaterThanOrEqual(
      0.95,
    );
  });

  it('never fill a risk-relevant field silently with a wrong reading', () => {
    expect(scored.filter((result) => result.wrongSilentRisk).map((result) => result.entry.answer)).toEqual([]);
  });
});
