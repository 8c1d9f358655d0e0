import type { Reply } from '../../chat/reply.ts';
import { z } from 'zod';
import type { Assessment } from '../../assessment/assess.ts';
import { TIERS } from '../../policy/schema.ts';
import { appListReply, appStatusReply } from '../../apps/present.ts';
import { findOwnedApp, formatReference, latestAssessment, listAppsOfOwner } from '../../store/apps.ts';
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
  return appListReply(await listAppsOfOwner(ctx.db, ctx.speaker));
}

export async function statusReply(target: string | undefined, ctx: DialogueContext): Promise<Reply> {
  if (!target) return myAppsReply(ctx);
  const app = await findOwnedApp(ctx.db, ctx.speaker, target);
  if (!app) return notFoundReply(target, ctx);
  const assessment = await latestAssessment(ctx.db, app.id);
  return appStatusReply(app, assessment ? toView(assessment) : undefined, ctx.policy);
}

export async function notFoundReply(target: string, ctx: DialogueContext): Promise<Reply> {
  const apps = await listAppsOfOwner(ctx.db, ctx.speaker);
  const yours =
    apps.length > 0
      ? ` Your apps: ${apps.map((app) => `${formatReference(app.refNumber)} ${app.name}`).join(', ')}.`
      : '';
  return { text: `I couldn't find an app of yours called "${preview(target)}".${yours}`, tone: 'warning' };
}

const StoredAssessmentSchema = z.object({
  tier: z.enum(TIERS),
  teams: z.array(z.string()),
  reasons: z.array(
    z.object({
      rule: z.string(),
      tier: z.enum(TIERS),
      teams: z.array(z.string()),
      explanation: z.string(),
      source: z.string().default(''),
    }),
  ),
  assessedBy: z
    .string()
    .transform((value): Assessment['assessedBy'] => (value === 'rules+llm' ? 'rules+llm' : 'rules')),
  policyVersion: z.string(),
});

/** An assessment as stored, read back; one that no longer parses shows its tier without reasons. */
export function toView(stored: {
  tier: string;
  teams: string[];
  reasons: unknown;
  assessedBy: string;
  policyVersion: string;
}): Assessment {
  const parsed = StoredAssessmentSchema.safeParse(stored);
  if (parsed.success) return parsed.data;
  return {
    // An unknown tier is shown as the highest, never read as harmless.
    tier: z.enum(TIERS).catch('critical').parse(stored.tier),
    teams: stored.teams,
    reasons: [],
    assessedBy: stored.assessedBy === 'rules+llm' ? 'rules+llm' : 'rules',
    policyVersion: stored.policyVersion,
  };
}
