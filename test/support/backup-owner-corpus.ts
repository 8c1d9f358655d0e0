// Scores Steward's reading of answers to "Who looks after the app when you're away?"
// (test/fixtures/backup-owner-answers.json): used by the test and by `npm run bench`.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Mention } from '../../src/intake/understand/person.ts';
import { readBackupOwner } from '../../src/intake/understand/person.ts';
import type { Reading } from '../../src/intake/understand/reading.ts';
import type { Owner } from '../../src/profile/schema.ts';

/** Why an answer names nobody Steward can take, and the words the re-ask must say. */
const REASONS = {
  self: 'someone other than you',
  nobody: 'Please name someone',
  several: 'Please name one person',
  mention: 'type @ and pick them',
  platform: 'we are talking in',
} as const;

export interface BackupOwnerEntry {
  answer: string;
  /** The speaker's platform: Slack unless said. */
  platform?: 'slack' | 'teams' | 'console';
  mentions?: Mention[];
  /** The person stored (these fields), or asked again for this reason. */
  expect: Partial<Owner> | { askAgain: keyof typeof REASONS };
}

export interface ScoredBackupOwner {
  entry: BackupOwnerEntry;
  reading: Reading<Owner>;
  /** The right person, or asked again for the right reason. */
  right: boolean;
  /** A person stored, and the wrong one. */
  wrongPerson: boolean;
}

export function loadBackupOwnerAnswers(): BackupOwnerEntry[] {
  return JSON.parse(
    readFileSync(path.join(import.meta.dirname, '..', 'fixtures', 'backup-owner-answers.json'), 'utf8'),
  );
}

/** The maker answering: Mia, on the entry's platform (with her e-mail address, to refuse it). */
function speakerOn(platform: BackupOwnerEntry['platform'] = 'slack'): Owner {
  const userId = platform === 'slack' ? 'UMIA' : platform === 'teams' ? 'aad-mia-0001' : 'mia';
  return { platform, userId, displayName: 'Mia Maker', email: 'mia@corp.com' };
}

export function scoreBackupOwner(entry: BackupOwnerEntry): ScoredBackupOwner {
  const reading = readBackupOwner(entry.answer, { speaker: speakerOn(entry.platform), mentions: entry.mentions ?? [] });
  const expected = entry.expect;
  if ('askAgain' in expected) {
    const right = reading.kind === 'miss' && reading.hint.includes(REASONS[expected.askAgain]);
    return { entry, reading, right, wrongPerson: reading.kind === 'value' };
  }
  const stored = reading.kind === 'value' ? reading.value : undefined;
  const right =
    stored !== undefined && Object.entries(expected).every(([key, value]) => stored[key as keyof Owner] === value);
  return { entry, reading, right, wrongPerson: stored !== undefined && !right };
}
