import type { Reply } from '../../chat/reply.ts';
import { statusLabel } from '../../apps/present.ts';
import { formatReference } from '../../store/apps.ts';
import type { Command } from '../commands.ts';
import { looksLikeQuestion } from '../commands.ts';
import type { DialogueContext, TurnOutcome } from '../context.ts';
import { profileToDraft } from '../../profile/draft.ts';
import { readOpener } from '../openers.ts';
import { advance, newIntake } from '../progress.ts';
import { questionById } from '../questions.ts';
import { HELP_TEXT, INTAKE_HELP, stepReply, summaryReply } from '../render.ts';
import { IDLE } from '../state.ts';
import { preview } from '../understand/reading.ts';
import { afterDescription } from './answering.ts';
import { discoveredTurn, nudgeAnswerTurn, registerWaitingItem } from './discovery.ts';
import { lifecycleTurn } from './lifecycle.ts';
import { answerGuardrail, myAppsReply, notFoundReply, statusReply } from './shared.ts';

// No registration under way: commands, openers ("Hi! I want to register an app", "I built a Power
// App for ..."), and handbook questions.

const idle = (...replies: Reply[]): TurnOutcome => ({ state: IDLE, replies });

export async function idleTurn(text: string, command: Command | undefined, ctx: DialogueContext): Promise<TurnOutcome> {
  switch (command?.kind) {
    case 'help':
      return idle({ text: HELP_TEXT, tone: 'info' });
    case 'register':
      // "register" alone, from someone a nudge told of one unregistered app, is that app.
      return (/^\W*register\W*$/iu.test(text) ? await registerWaitingItem(ctx) : undefined) ?? startIntake(ctx);
    case 'myApps':
      return idle(await myAppsReply(ctx));
    case 'status':
      return idle(await statusReply(command.target, ctx));
    case 'update':
      return startUpdate(command.target, ctx);
    case 'ask':
      return idle(...(await answerGuardrail(command.question, ctx)));
    case 'cancel':
    case 'back':
    case 'skip':
    case 'change':
      return idle({
        text: "There's nothing in progress. Say *register* to register an app, or *help* to see what I can do.",
        tone: 'info',
      });
    case 'retire':
    case 'keep':
    case 'accept':
    case 'handOn':
      return lifecycleTurn(command, ctx);
    case 'discovered':
      return discoveredTurn(command, ctx);
    case 'askHuman':
    case undefined:
      break;
  }
  const nudgeAnswer = await nudgeAnswerTurn(text, ctx);
  if (nudgeAnswer) return nudgeAnswer;
  const opener = readOpener(text, ctx.vocabulary);
  if (opener.kind === 'greeting') return idle({ text: `Hi! ${HELP_TEXT}`, tone: 'info' });
  if (opener.kind === 'register') return startIntake(ctx);
  if (opener.kind === 'description') return startIntake(ctx, opener.description, opener.prefill);
  if (looksLikeQuestion(text)) return idle(...(await answerGuardrail(text, ctx)));
  return idle({ text: `I'm not sure what you mean by "${preview(text)}".\n${HELP_TEXT}`, tone: 'info' });
}

async function startIntake(
  ctx: DialogueContext,
  description?: string,
  prefill: Record<string, unknown> = {},
): Promise<TurnOutcome> {
  const intake = newIntake();
  const intro: Reply = {
    text: `Let's register your app. I'll ask a few short questions. ${INTAKE_HELP}`,
    tone: 'info',
  };
  const read = description === undefined ? undefined : questionById('description')!.read(description, ctx.vocabulary);
  if (read?.kind === 'value') {
    intake.draft.description = read.value;
    intake.history.push('q:description');
    // What the description says plainly is filled in, marked inferred, and shown in the summary to confirm.
    for (const [key, value] of Object.entries(prefill)) {
      intake.draft[key] = value;
      intake.inferred.push(key);
    }
    await afterDescription(intake, ctx);
    const noted =
      Object.keys(prefill).length > 0 ? ' I noted what it says; you can check everything in the summary.' : '';
    intro.text = `Thanks! Let's get it registered. I'll use what you wrote as the description and ask what I still need.${noted} ${INTAKE_HELP}`;
  }
  advance(intake, ctx.policy);
  return { state: { mode: 'intake', intake }, replies: [intro, stepReply(intake, ctx)] };
}

async function startUpdate(target: string, ctx: DialogueContext): Promise<TurnOutcome> {
  const app = await ctx.store.apps.findOwned(ctx.speaker, target);
  if (!app) return idle(await notFoundReply(target, ctx));
  const reference = formatReference(app.refNumber);
  const intake = newIntake();
  intake.draft = profileToDraft(await ctx.store.apps.currentProfile(app)) as Record<string, unknown>;
  intake.updating = { appId: app.id, reference };
  intake.step = 'summary';
  intake.reachedSummary = true;
  return {
    state: { mode: 'intake', intake },
    replies: [
      {
        text: `Here's ${reference} "${app.name}" as registered (${statusLabel(app.status)}). Say *change <item>* for what you want to change, then *yes* to submit the new version.`,
        tone: 'info',
      },
      summaryReply(intake, ctx),
    ],
  };
}
