// How well makers are understood without an LLM: the blind natural-answer corpora read one by one
// (first-answer accuracy, read-backs, wrong silent readings of risk-relevant fields), then the twenty
// scripted makers registering through the dialogue (re-asks and read-backs per registration).
// Prints a table and writes bench/results/understanding.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultVocabulary } from '../src/intake/understand/vocabulary.ts';
import { CORPORA, loadCorpus, score } from '../test/support/answer-corpus.ts';
import { loadBackupOwnerAnswers, scoreBackupOwner } from '../test/support/backup-owner-corpus.ts';
import { pgliteOnly } from '../test/support/databases.ts';
import { playMaker, SCRIPTED_MAKERS } from '../test/support/scripted-maker.ts';
import { createTestSteward } from '../test/support/steward.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const vocabulary = defaultVocabulary();

const corpora = CORPORA.map((name) => {
  const started = performance.now();
  const scored = loadCorpus(name).map((entry) => score(entry, vocabulary));
  const ms = performance.now() - started;
  return {
    corpus: name,
    answers: scored.length,
    firstAnswerAccuracy: Number((scored.filter((result) => result.right).length / scored.length).toFixed(3)),
    readBacks: scored.filter((result) => result.reading.kind !== 'value' && result.reading.kind !== 'miss').length,
    misses: scored.filter((result) => result.reading.kind === 'miss').length,
    wrongSilentRiskReadings: scored.filter((result) => result.wrongSilentRisk).length,
    microsecondsPerAnswer: Math.round((ms * 1000) / scored.length),
  };
});

// Answers naming the backup owner: right is the right person, or a re-ask for the right reason.
{
  const started = performance.now();
  const scored = loadBackupOwnerAnswers().map(scoreBackupOwner);
  const ms = performance.now() - started;
  corpora.push({
    corpus: 'backup-owner-answers.json',
    answers: scored.length,
    firstAnswerAccuracy: Number((scored.filter((result) => result.right).length / scored.length).toFixed(3)),
    readBacks: 0,
    misses: scored.filter((result) => result.reading.kind === 'miss').length,
    // A wrong person stored is this corpus' silent misreading.
    wrongSilentRiskReadings: scored.filter((result) => result.wrongPerson).length,
    microsecondsPerAnswer: Math.round((ms * 1000) / scored.length),
  });
}

const database = await pgliteOnly();
const steward = createTestSteward(database.db.store);
let reasks = 0;
let readBacks = 0;
let turns = 0;
for (const maker of SCRIPTED_MAKERS) {
  const run = await playMaker(maker, async (text) => {
    const replies = await steward.sayFull(text, `bench-${maker.id}`);
    const last = replies.filter((reply) => reply.questionId).at(-1);
    return {
      text: replies.map((reply) => reply.text).join('\n'),
      ...(last?.questionId ? { waitingFor: last.questionId } : {}),
      buttons: (last?.buttons ?? []).map((button) => button.value),
      refused: replies.some((reply) => reply.tone === 'error'),
    };
  });
  reasks += run.reasks;
  readBacks += run.readBacks;
  turns += run.turns;
}
await database.cleanup();
const registrations = {
  makers: SCRIPTED_MAKERS.length,
  reasksPerRegistration: Number((reasks / SCRIPTED_MAKERS.length).toFixed(2)),
  readBacksPerRegistration: Number((readBacks / SCRIPTED_MAKERS.length).toFixed(2)),
  turnsPerRegistration: Number((turns / SCRIPTED_MAKERS.length).toFixed(1)),
};

console.table(corpora);
console.table([registrations]);
mkdirSync(path.join(here, 'results'), { recursive: true });
writeFileSync(
  path.join(here, 'results', 'understanding.json'),
  `${JSON.stringify({ corpora, registrations }, null, 2)}\n`,
);
