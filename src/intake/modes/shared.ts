import type { Reply } from '../../chat/reply.ts';
import { appListReply, appStatusReply } from '../../apps/present.ts';
import { formatReference } from '../../store/apps.ts';
import type { DialogueContext, TurnOutcome } from '../context.ts';
import { factReply, stepReply } from '../render.ts';
import type { ConversationState } from '../state.ts';
import { preview } from '../understand/reading.ts';

// What every mode uses: replying without moving on, app look-ups, and handbook answers.

/** Replies, then repeats whatever we were waiting for, without changing the state. */
export function unchanged(state: ConversationState, ctx: DialogueContext, ...replies: Reply[]): TurnOutcome {
  return { state, replies: [...replies, ...prompt(state, ctx)] };
}

function prompt(state: ConversationState, ctx: DialogueContext): Reply[] {
  if (state.mode === 'intake') return [stepReply(state.intake, ctx)];
  if (state.mode === 'facts') return [factReply(state.facts)];
  return [];
}

export async function answerGuardrail(question: string, ctx: DialogueContext): Promise<Reply[]> {
  if (ctx.answerQuestion) {
    const answered = await ctx.answerQuestion(question);
    if (answered.team && ctx.turn)
      ctx.turn.asked = { question, team: answered.team, citations: answered.citations ?? [] };
    return answered.replies;
  }
  return [
    {
      text: "I can't answer handbook questions here yet. Your governance team can help; meanwhile, say *register* to register an app.",
      tone: 'info',
    },
  ];
}

export async function myAppsReply(ctx: DialogueContext): Promise<Reply> {
  return appListReply(await ctx.store.apps.ofOwner(ctx.speaker));
}

export async function statusReply(target: string | undefined, ctx: DialogueContext): Promise<Reply> {
  if (!target) return myAppsReply(ctx);
  const app = await ctx.store.apps.findOwned(ctx.speaker, target);
  if (!app) return notFoundReply(target, ctx);
  const assessment = await ctx.store.assessments.latest(app.id);
  return appStatusReply(app, assessment ?? undefined, ctx.policy);
}

export async function notFoundReply(target: string, ctx: DialogueContext): Promise<Reply> {
  const apps = await ctx.store.apps.ofOwner(ctx.speaker);
  const yours =
    apps.length > 0
      ? ` Your apps: ${apps.map((app) => `${formatReference(app.refNumber)} ${app.name}`).join(', ')}.`
      : '';
  return { text: `I couldn't find an app of yours called "${preview(target)}".${yours}`, tone: 'warning' };
}
