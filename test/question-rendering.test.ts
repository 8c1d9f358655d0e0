// What each question offers besides a text box: options for choices, Yes/No only for yes-or-no questions.
import { describe, expect, it } from 'vitest';
import { stepReply } from '../src/intake/render.ts';
import type { DialogueContext } from '../src/intake/context.ts';
import { newIntake } from '../src/intake/progress.ts';
import { QUESTIONS } from '../src/intake/questions.ts';
import { loadPolicy } from '../src/policy/load.ts';
import { defaultVocabulary } from '../src/intake/understand/vocabulary.ts';

const ctx = { policy: loadPolicy(), vocabulary: defaultVocabulary() } as unknown as DialogueContext;
const intakeAt = (id: string) => ({ ...newIntake(), draft: { aiUsed: true }, step: `q:${id}` });

describe('question replies', () => {
  it.each(['name', 'description', 'department', 'userCount', 'systems'])(
    '%s is answered in words, with no Yes/No buttons',
    (id) => {
      const reply = stepReply(intakeAt(id), ctx);
      expect(reply.buttons).toBeUndefined();
      expect(reply.choices).toBeUndefined();
    },
  );

  it.each(['aiUsed', 'aiGeneratesContent', 'aiProfiling', 'externalSharing'])('%s offers Yes and No', (id) => {
    expect(stepReply(intakeAt(id), ctx).buttons?.map((button) => button.value)).toEqual(['yes', 'no']);
  });

  it('every choice question lists its options, multiple where several apply', () => {
    for (const question of QUESTIONS.filter((candidate) => candidate.options)) {
      const reply = stepReply(intakeAt(question.id), ctx);
      expect(reply.choices?.options.length, question.id).toBe(question.options!.length);
      expect(reply.choices?.multiple, question.id).toBe(question.multiple ?? false);
    }
  });
});
