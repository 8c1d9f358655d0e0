import { AppProfileSchema, describeIssues } from '../../profile/schema.ts';
import type { AppProfile, Owner } from '../../profile/schema.ts';
import type { SubmitResult } from '../../apps/submit.ts';
import { DuplicateAppNameError, submitApp } from '../../apps/submit.ts';
import type { DialogueContext, TurnOutcome } from '../context.ts';
import type { Draft } from '../../profile/draft.ts';
import { draftToProfile } from '../../profile/draft.ts';
import { advance, askContext, draftOf, effectiveDraft, goTo } from '../progress.ts';
import { findQuestionByWords, nextUnanswered, withoutStaleAnswers } from '../questions.ts';
import { submittedReply } from '../../apps/submitted-reply.ts';
import { linkItem } from '../../discover/owner-answers.ts';
import type { Store } from '../../store/store.ts';
import { factReply, stepReply } from '../render.ts';
import type { FactsState, IntakeState } from '../state.ts';
import { IDLE } from '../state.ts';
import { readYesNo } from '../understand/yes-no.ts';
import { changeTurn } from './answering.ts';
import { unchanged } from './shared.ts';

// The summary: submit it, or change an answer. Submitting assesses the profile and stores it in the
// turn's transaction; AI-suggested facts are then put to the maker one by one.

const SUBMIT_WORDS = [
  'submit',
  'confirm',
  'looks good',
  'looks right',
  'all good',
  'correct',
  'send',
  'go',
  'done',
  'lgtm',
  'ship it',
  'perfect',
];

export async function summaryTurn(intake: IntakeState, text: string, ctx: DialogueContext): Promise<TurnOutcome> {
  const said = text
    .toLowerCase()
    .trim()
    .replace(/[.!]+$/u, '');
  const yes = readYesNo(text, ctx.vocabulary);
  if (SUBMIT_WORDS.includes(said) || (yes.kind === 'value' && yes.value)) return submitTurn(intake, ctx);
  if (yes.kind === 'value' && !yes.value) {
    return unchanged({ mode: 'intake', intake }, ctx, {
      text: 'What would you like to change? For example: *change audience*.',
      tone: 'info',
    });
  }
  const question = findQuestionByWords(said, draftOf(intake), askContext(intake, ctx.policy));
  if (question) return changeTurn(intake, said, ctx);
  return unchanged({ mode: 'intake', intake }, ctx, {
    text: 'Reply *yes* to submit, *change <item>* to edit an answer, or *cancel*.',
    tone: 'error',
  });
}

async function submitTurn(intake: IntakeState, ctx: DialogueContext): Promise<TurnOutcome> {
  // A question the summary came to need (an app updated to a tier that needs a backup owner) first.
  if (nextUnanswered(draftOf(intake), askContext(intake, ctx.policy))) {
    advance(intake, ctx.policy);
    return {
      state: { mode: 'intake', intake },
      replies: [{ text: 'One more question first.', tone: 'info' }, stepReply(intake, ctx)],
    };
  }
  // Answers to the policy's questions whose condition no longer holds (an earlier answer changed) are left out.
  const effective = withoutStaleAnswers(effectiveDraft(intake, ctx.policy), askContext(intake, ctx.policy));
  const candidate = draftToProfileSafely(effective, ctx.speaker);
  if (!candidate.ok) {
    advance(intake, ctx.policy);
    return unchanged({ mode: 'intake', intake }, ctx, {
      text: `Some answers need another look: ${candidate.problems.join('; ')}`,
      tone: 'error',
    });
  }
  const profile = candidate.profile;
  const assessment = await ctx.assess(profile);
  const updating = intake.updating;
  return {
    state: IDLE,
    replies: [],
    commit: async (tx) => {
      let result: SubmitResult;
      try {
        result = await submitApp(tx, {
          owner: ctx.speaker,
          profile,
          assessment,
          ...(updating ? { updatingAppId: updating.appId } : {}),
          policy: ctx.policy,
          deliveryPlatforms: ctx.deliveryPlatforms,
        });
      } catch (error) {
        if (!(error instanceof DuplicateAppNameError)) throw error;
        delete intake.draft.name;
        goTo(intake, 'q:name');
        return {
          state: { mode: 'intake', intake },
          replies: [
            {
              text: `You already have an app with that name (${error.reference}). Please pick another name, or *cancel* and say *update ${error.reference}*.`,
              tone: 'error',
            },
            stepReply(intake, ctx),
          ],
        };
      }
      if (intake.discovered && !updating) await linkDiscovered(tx, intake.discovered.itemId, result, ctx);
      const replies = [submittedReply(result, profile, assessment, ctx.policy)];
      const facts = assessment.suggestedFacts;
      if (facts.length === 0) return { replies };
      const factsState: FactsState = {
        appId: result.appId,
        reference: result.reference,
        facts,
        index: 0,
        confirmed: [],
      };
      replies.push(
        {
          text: 'The AI assessor thinks the profile may be missing something. Please confirm or correct it:',
          tone: 'info',
        },
        factReply(factsState),
      );
      return { replies, state: { mode: 'facts', facts: factsState } };
    },
  };
}

function draftToProfileSafely(
  draft: Draft,
  owner: Owner,
): { ok: true; profile: AppProfile } | { ok: false; problems: string[] } {
  try {
    return { ok: true, profile: draftToProfile(draft, owner) };
  } catch {
    const result = AppProfileSchema.safeParse(draft);
    return { ok: false, problems: result.success ? ['the profile is incomplete'] : describeIssues(result.error) };
  }
}

/** A registration started from the inventory's item: the new app is that item from now on. */
async function linkDiscovered(
  tx: Store,
  itemId: string,
  app: { appId: string; reference: string },
  ctx: DialogueContext,
): Promise<void> {
  const item = await tx.discovery.byId(itemId);
  if (!item || item.linkedAppId) return;
  const { platform, userId, displayName } = ctx.speaker;
  await linkItem(
    tx,
    item,
    { id: app.appId, reference: app.reference },
    { platform, userId, ...(displayName ? { displayName } : {}) },
    'registered',
  );
}
