// Twenty makers, each with their own wording, register through the core dialogue (the path every
// adapter takes): the inventory must hold what each meant, with at most one re-ask per maker on average.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgliteOnly } from './support/databases.ts';
import type { TestDatabase } from './support/databases.ts';
import { playMaker, profileDifferences, SCRIPTED_MAKERS } from './support/scripted-maker.ts';
import { createTestSteward } from './support/steward.ts';

describe('twenty scripted makers', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await pgliteOnly();
  });
  afterAll(async () => {
    await database?.cleanup();
  });

  it('register what each meant, re-asked at most once per maker on average', async () => {
    const steward = createTestSteward(database.db.store);
    const problems: string[] = [];
    let reasks = 0;
    for (const maker of SCRIPTED_MAKERS) {
      const run = await playMaker(maker, async (text) => {
        const replies = await steward.sayFull(text, maker.id);
        const last = replies.filter((reply) => reply.questionId).at(-1);
        return {
          text: replies.map((reply) => reply.text).join('\n'),
          ...(last?.questionId ? { waitingFor: last.questionId } : {}),
          buttons: [...(last?.buttons ?? []).map((button) => button.value)],
          refused: replies.some((reply) => reply.tone === 'error'),
        };
      });
      reasks += run.reasks;
      const app = await database.db.prisma.app.findFirstOrThrow({ where: { ownerUserId: maker.id } });
      problems.push(...profileDifferences(maker, await database.db.store.apps.currentProfile(app)));
    }
    // Every reading that decides the risk tier must be what the maker meant; free-text spellings
    // (a typo kept as typed, "Postgres" shown as "PostgreSQL") may differ in a few places.
    const riskRelevant = problems.filter((problem) => !/\.(name|department|systems):/u.test(problem));
    expect(riskRelevant).toEqual([]);
    expect(problems.length, problems.join('\n')).toBeLessThanOrEqual(4);
    expect(reasks / SCRIPTED_MAKERS.length).toBeLessThanOrEqual(1);
  });
});
