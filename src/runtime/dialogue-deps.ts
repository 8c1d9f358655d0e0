import { assessProfile } from '../assessment/assess.ts';
import { reassessWithFloor } from '../apps/reassess.ts';
import type { DialogueDeps } from '../conversation/engine.ts';
import type { GuardrailAdvisor } from '../handbook/answer.ts';
import { requestHandoff } from '../handbook/handoff.ts';
import { guardrailReplies } from '../handbook/reply.ts';
import type { AssessmentResult } from '../assessment/assess.ts';
import { extractProfileFields } from '../intake/extract.ts';
import { interpretAnswer } from '../intake/interpret.ts';
import type { Vocabulary } from '../intake/understand/vocabulary.ts';
import type { LlmClient } from '../llm/client.ts';
import type { Logger } from '../logger.ts';
import type { Policy } from '../policy/schema.ts';
import type { AppProfile } from '../profile/schema.ts';

// What the registration dialogue needs from the rest of the core: assessment, extraction, the
// handbook and the human handoff. One place, used by the server and by the tests.

export interface DialogueDepsOptions {
  policy: Policy;
  vocabulary: Vocabulary;
  advisor: GuardrailAdvisor;
  llm?: LlmClient;
  deliveryPlatforms: string[];
  logger?: Logger;
}

export function createDialogueDeps(
  options: DialogueDepsOptions,
): DialogueDeps & { assess(profile: AppProfile): Promise<AssessmentResult> } {
  const { policy, vocabulary, advisor, llm, deliveryPlatforms, logger } = options;
  const assess = async (profile: AppProfile): Promise<AssessmentResult> => {
    const result = await assessProfile(profile, { policy, ...(llm ? { llm } : {}) });
    if (result.llm && 'error' in result.llm)
      logger?.warn({ llmError: result.llm.error.kind }, 'AI assessment failed; rules stand');
    return result;
  };
  return {
    policy,
    vocabulary,
    deliveryPlatforms,
    assess,
    reassess: async (profile, previous) => reassessWithFloor(profile, previous, policy),
    answerQuestion: async (question) => {
      const answered = await advisor.answer(question);
      if (answered.llm && 'error' in answered.llm)
        logger?.warn({ llmError: answered.llm.error.kind }, 'guardrail answer fell back to the handbook excerpt');
      return {
        replies: guardrailReplies(answered),
        ...(answered.team ? { team: answered.team } : {}),
        citations: answered.citations,
      };
    },
    requestHuman: async (question, maker, tx) => {
      const outcome = await requestHandoff(tx, policy, {
        question: question.question,
        team: question.team,
        citations: question.citations,
        maker: {
          platform: maker.speaker.platform,
          userId: maker.speaker.userId,
          channelId: maker.address.channelId,
          ...(maker.address.threadId ? { threadId: maker.address.threadId } : {}),
          ...(maker.speaker.displayName ? { displayName: maker.speaker.displayName } : {}),
        },
        deliveryPlatforms,
      });
      return [outcome.reply];
    },
    ...(llm
      ? {
          extract: async (description: string) => {
            const outcome = await extractProfileFields(llm, description);
            if (outcome.error)
              logger?.warn({ llmError: outcome.error.kind }, 'profile extraction failed; asking every question');
            return outcome.fields;
          },
          interpret: async (question, answer) => {
            const outcome = await interpretAnswer(llm, question, answer);
            if (outcome.error)
              logger?.warn({ llmError: outcome.error.kind }, 'answer interpretation failed; asking again');
            return outcome.reading;
          },
        }
      : {}),
  };
}
