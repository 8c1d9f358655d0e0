// How answers to "Who looks after the app when you're away?" are read, without an LLM: the phrasings
// in test/fixtures/backup-owner-answers.json, the way different people answer, either name the right
// person or are asked again for the right reason (it's them, nobody, several people, a typed name).
import { describe, expect, it } from 'vitest';
import { parseAnswer, questionById } from '../src/intake/questions.ts';
import { readBackupOwner } from '../src/intake/understand/person.ts';
import { loadBackupOwnerAnswers, scoreBackupOwner } from './support/backup-owner-corpus.ts';

describe('answers naming a backup owner', () => {
  const scored = loadBackupOwnerAnswers().map(scoreBackupOwner);
  const misread = scored
    .filter((result) => !result.right)
    .map((result) => `${JSON.stringify(result.entry.answer)} -> ${JSON.stringify(result.reading)}`);

  it('are understood at the first answer (the right person, or the right re-ask) at least 95% of the time', () => {
    expect(scored.length).toBeGreaterThanOrEqual(15);
    const understood = scored.filter((result) => result.right).length;
    expect(understood / scored.length, misread.join('\n')).toBeGreaterThanOrEqual(0.95);
  });

  it('never store the wrong person', () => {
    expect(scored.filter((result) => result.wrongPerson).map((result) => result.entry.answer)).toEqual([]);
  });
});

describe('the backup owner question on its own', () => {
  const slackMaker = { platform: 'slack', userId: 'UMIA' };

  it('keeps a mention as the platform identifies it, with the name it reads as', () => {
    expect(
      readBackupOwner('@Pat Lee', {
        speaker: slackMaker,
        mentions: [{ userId: 'UPAT', displayName: 'Pat Lee', text: '@Pat Lee' }],
      }),
    ).toEqual({ kind: 'value', value: { platform: 'slack', userId: 'UPAT', displayName: 'Pat Lee' } });
  });

  it('stores an e-mail address as a person known by address, in lower case', () => {
    expect(readBackupOwner('Pat.Lee@Example.com', { speaker: slackMaker })).toEqual({
      kind: 'value',
      value: { platform: 'email', userId: 'pat.lee@example.com', email: 'pat.lee@example.com' },
    });
  });

  it('takes a Slack id typed in Slack, and refuses a Teams id there', () => {
    expect(readBackupOwner('slack:U0PAT42', { speaker: slackMaker })).toMatchObject({
      kind: 'value',
      value: { platform: 'slack', userId: 'U0PAT42' },
    });
    expect(readBackupOwner('teams:29:1abc', { speaker: slackMaker })).toMatchObject({
      kind: 'miss',
      hint: expect.stringContaining('That is a Teams id, and we are talking in Slack'),
    });
  });

  it('is not a yes/no question, and a form reads only addresses and ids', () => {
    const question = questionById('backupOwner')!;
    expect(question.read('yes', {} as never)).toMatchObject({ kind: 'miss' });
    expect(parseAnswer(question, 'pat@corp.com')).toEqual({
      ok: true,
      value: { platform: 'email', userId: 'pat@corp.com', email: 'pat@corp.com' },
    });
    expect(parseAnswer(question, 'Pat Lee')).toMatchObject({ ok: false, hint: expect.stringContaining('typed name') });
  });
});
