import type { Reply } from '../chat/reply.ts';
import type { Command } from './commands.ts';
import { parseCommand } from './commands.ts';
import type { DialogueContext, TurnOutcome } from './context.ts';
import { answerTurn, changeTurn, hintTurn, skipTurn } from './modes/answering.ts';
import { duplicateTurn } from './modes/duplicate.ts';
import { factsTurn } from './modes/facts.ts';
import { idleTurn } from './modes/idle.ts';
import { answerGuardrail, myAppsReply, statusReply, unchanged } from './modes/shared.ts';
import { summaryTurn } from './modes/summary.ts';
import { goTo } from './progress.ts';
import { INTAKE_HELP, progressText, stepHelp, stepReply } from './render.ts';
import type { ConversationState, IntakeState, LastQuestion } from './state.ts';
import { IDLE } from './state.ts';
import { questionById } from './questions.ts';

// The registration dialogue: one maker's message in, replies and the next state out. Interruptions
// (help, cancel, back, status, ask a human) are handled here once; each mode has its own module.
// Pure of I/O except reads and the LLM; writes happen in `commit`, inside the turn's transaction.

const MAX_MESSAGE_LENGTH = 4000;

export async function converse(state: ConversationState, rawText: string, ctx: DialogueContext): Promise<TurnOutcome> {
  const text = rawText.trim();
  if (text.length > MAX_MESSAGE_LENGTH) {
    return unchanged(state, ctx, {
      text: `That message is ${text.length.toLocaleString('en-US')} characters long; I can read up to ${MAX_MESSAGE_LENGTH.toLocaleString('en-US')}. Nothing was changed.`,
      tone: 'error',
    });
  }
  if (text === '') return unchanged(state, ctx, { text: "I didn't get any text.", tone: 'error' });
  const command = parseCommand(text);
  ctx.turn = {};
  let outcome: TurnOutcome;
  if (command?.kind === 'askHuman') outcome = askHuman(state, ctx);
  else if (state.mode === 'idle') outcome = await idleTurn(text, command, ctx);
  else if (state.mode === 'intake') outcome = await intakeTurn(state.intake, text, command, ctx);
  else outcome = await factsTurn(state.facts, text, command, ctx);
  // Whatever the mode becomes, the last guardrail question is remembered for "ask a human".
  const lastQuestion = ctx.turn.asked ?? state.lastQuestion;
  if (lastQuestion) outcome.state = { ...outcome.state, lastQuestion };
  const commit = outcome.commit;
  if (commit && lastQuestion) {
    outcome.commit = async (tx) => {
      const committed = await commit(tx);
      return committed.state ? { ...committed, state: { ...committed.state, lastQuestion } } : committed;
    };
  }
  return outcome;
}

/**
 * The last handbook question goes to its team; a maker stuck on an intake question asks the help team.
 * The hand-over is written in the turn's own transaction: a turn that is retried asks once, not twice.
 */
function askHuman(state: ConversationState, ctx: DialogueContext): TurnOutcome {
  const question = stuckQuestion(state, ctx) ?? state.lastQuestion;
  if (!question) {
    const text = 'Ask me your question first; then say *ask a human* and I will pass it to the right team.';
    return unchanged(state, ctx, { text, tone: 'info' });
  }
  const requestHuman = ctx.requestHuman;
  if (!requestHuman) {
    const text = 'I cannot reach the governance teams from here. Please contact them directly.';
    return unchanged(state, ctx, { text, tone: 'warning' });
  }
  if (ctx.turn) ctx.turn.handedOver = true;
  return {
    state,
    replies: [],
    commit: async (tx) => ({ replies: [...(await requestHuman(question, tx)), ...unchanged(state, ctx).replies] }),
  };
}

function stuckQuestion(state: ConversationState, ctx: DialogueContext): LastQuestion | undefined {
  const team = ctx.policy.intake.helpTeam;
  if (state.mode !== 'intake' || !team || state.intake.misses === 0) return undefined;
  const question = questionById(state.intake.step.slice(2), ctx.policy);
  if (!question) return undefined;
  const tried = state.intake.lastMiss ? ` My last answer was: "${state.intake.lastMiss}".` : '';
  return { question: `I'm registering an app and can't answer "${question.prompt}"${tried}`, team, citations: [] };
}

async function intakeTurn(
  intake: IntakeState,
  text: string,
  command: Command | undefined,
  ctx: DialogueContext,
): Promise<TurnOutcome> {
  const state = (): ConversationState => ({ mode: 'intake', intake });
  const same = (...replies: Reply[]) => unchanged(state(), ctx, ...replies);
  switch (command?.kind) {
    case 'help':
      return same({ text: `${stepHelp(intake, ctx)}\n${INTAKE_HELP}`, tone: 'info' });
    case 'cancel':
      return {
        state: IDLE,
        replies: [
          {
            text: intake.updating
              ? `Cancelled. ${intake.updating.reference} is unchanged.`
              : 'Cancelled. Nothing was registered.',
            tone: 'info',
          },
        ],
      };
    case 'back': {
      const previous = intake.history.pop();
      if (!previous)
        return same({
          text: "This is the first question, so there's nothing to go back to. Say *cancel* to stop.",
          tone: 'info',
        });
      goTo(intake, previous);
      return { state: state(), replies: [stepReply(intake, ctx)] };
    }
    case 'skip':
      return skipTurn(intake, ctx);
    case 'status':
      return same(
        command.target ? await statusReply(command.target, ctx) : { text: progressText(intake, ctx), tone: 'info' },
      );
    case 'myApps':
      return same(await myAppsReply(ctx));
    case 'change':
      return changeTurn(intake, command.field, ctx);
    case 'ask':
      // "Ask HR" is an app's name when Steward asked for one; "ask can I ...?" is a question.
      if (intake.step.startsWith('q:') && !text.trim().endsWith('?')) break;
      return same(...(await answerGuardrail(command.question, ctx)));
    case 'update':
    case 'register':
    case 'retire':
    case 'keep':
    case 'accept':
    case 'handOn':
    case 'discovered':
      return same({
        text: `We're in the middle of ${intake.updating ? `updating ${intake.updating.reference}` : 'a registration'}. Finish it, or say *cancel* first.`,
        tone: 'info',
      });
    case 'askHuman':
    case undefined:
      break;
  }
  if (intake.step === 'summary') return summaryTurn(intake, text, ctx);
  if (intake.step === 'duplicate') return duplicateTurn(intake, text, ctx);
  if (intake.step.startsWith('hint:')) return hintTurn(intake, text, ctx);
  return answerTurn(intake, text, ctx);
}
