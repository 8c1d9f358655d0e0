import type { DialogueContext, TurnOutcome } from '../context.ts';
import { profileToDraft } from '../../profile/draft.ts';
import { goTo } from '../progress.ts';
import { stepReply, summaryReply } from '../render.ts';
import type { IntakeState } from '../state.ts';
import { readYesNo } from '../understand/yes-no.ts';
import { unchanged } from './shared.ts';

// The maker named a new app like one they registered: update that one, or pick another name.

export async function duplicateTurn(intake: IntakeState, text: string, ctx: DialogueContext): Promise<TurnOutcome> {
  const duplicate = intake.duplicateOf;
  const said = text.toLowerCase().trim();
  const yes = readYesNo(text, ctx.vocabulary);
  if (duplicate && (/^update( it| that( one)?)?$/u.test(said) || (yes.kind === 'value' && yes.value))) {
    const app = await ctx.store.apps.byId(duplicate.appId);
    if (app) {
      const answered = { ...intake.draft };
      delete answered.name;
      intake.draft = {
        ...(profileToDraft(await ctx.store.apps.currentProfile(app)) as Record<string, unknown>),
        ...answered,
      };
      intake.updating = duplicate;
      delete intake.duplicateOf;
      goTo(intake, 'summary');
      intake.reachedSummary = true;
      return {
        state: { mode: 'intake', intake },
        replies: [
          {
            text: `OK, we'll update ${duplicate.reference}. Here it is with your changes; say *change <item>* to edit, or *yes* to submit.`,
            tone: 'info',
          },
          summaryReply(intake, ctx),
        ],
      };
    }
  }
  if (
    /^(rename|new|new name|a new one|register a new one|new app)$/u.test(said) ||
    (yes.kind === 'value' && !yes.value)
  ) {
    delete intake.draft.name;
    delete intake.duplicateOf;
    intake.history = intake.history.filter((step) => step !== 'q:name');
    goTo(intake, 'q:name');
    return {
      state: { mode: 'intake', intake },
      replies: [{ text: 'OK, a new app then. It needs a different name.', tone: 'info' }, stepReply(intake, ctx)],
    };
  }
  return unchanged({ mode: 'intake', intake }, ctx, {
    text: 'Please answer *update* to update the existing app, or *rename* to register a new one.',
    tone: 'error',
  });
}
