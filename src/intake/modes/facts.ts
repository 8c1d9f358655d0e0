import { submitApp } from '../../apps/submit.ts';
import type { Command } from '../commands.ts';
import type { DialogueContext, TurnOutcome } from '../context.ts';
import { applyImplications, draftToProfile, profileToDraft } from '../../profile/draft.ts';
import { submittedReply } from '../../apps/submitted-reply.ts';
import { factReply } from '../render.ts';
import type { ConversationState, FactsState } from '../state.ts';
import { IDLE } from '../state.ts';
import { readYesNo } from '../understand/yes-no.ts';
import { myAppsReply, statusReply, unchanged } from './shared.ts';

// After submission: facts the AI assessor suggests, confirmed one by one; confirmed ones are added to
// the app and its rules re-run.

export async function factsTurn(
  facts: FactsState,
  text: string,
  command: Command | undefined,
  ctx: DialogueContext,
): Promise<TurnOutcome> {
  const state: ConversationState = { mode: 'facts', facts };
  if (command?.kind === 'cancel')
    return { state: IDLE, replies: [{ text: `OK, ${facts.reference} stays as registered.`, tone: 'info' }] };
  if (command?.kind === 'help') {
    return unchanged(state, ctx, {
      text: `Answer yes or no: confirmed facts are added to ${facts.reference} and its rules re-run. Say *cancel* to leave it as it is.`,
      tone: 'info',
    });
  }
  if (command?.kind === 'myApps') return unchanged(state, ctx, await myAppsReply(ctx));
  if (command?.kind === 'status')
    return unchanged(state, ctx, await statusReply(command.target ?? facts.reference, ctx));
  const said = readYesNo(text, ctx.vocabulary);
  if (said.kind !== 'value') return unchanged(state, ctx, { text: 'Please answer yes or no.', tone: 'error' });
  const fact = facts.facts[facts.index];
  if (said.value && fact?.implies) facts.confirmed.push(fact.implies);
  facts.index += 1;
  if (facts.index < facts.facts.length) return { state, replies: [factReply(facts)] };
  if (facts.confirmed.length === 0)
    return { state: IDLE, replies: [{ text: `Thanks. ${facts.reference} stays as registered.`, tone: 'info' }] };

  const app = await ctx.store.apps.byId(facts.appId);
  if (!app) return { state: IDLE, replies: [{ text: `${facts.reference} no longer exists.`, tone: 'warning' }] };
  const before = await ctx.store.apps.currentProfile(app);
  const previous = await ctx.store.assessments.latest(app.id);
  const profile = draftToProfile(
    applyImplications(profileToDraft(before), facts.confirmed),
    before.owner ?? ctx.speaker,
  );
  const assessment = await ctx.reassess(
    profile,
    previous
      ? previous
      : { tier: 'low', teams: [], reasons: [], assessedBy: 'rules', policyVersion: ctx.policy.version },
  );
  return {
    state: IDLE,
    replies: [],
    commit: async (tx) => {
      const result = await submitApp(tx, {
        owner: ctx.speaker,
        profile,
        assessment,
        updatingAppId: app.id,
        policy: ctx.policy,
        deliveryPlatforms: ctx.deliveryPlatforms,
      });
      return {
        replies: [
          { text: 'Thanks, I added what you confirmed and re-ran the rules.', tone: 'info' },
          submittedReply(result, profile, assessment, ctx.policy),
        ],
      };
    },
  };
}
