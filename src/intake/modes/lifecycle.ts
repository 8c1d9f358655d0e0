import type { Reply } from '../../chat/reply.ts';
import type { LifecycleDeps, LifecycleOutcome } from '../../lifecycle/ownership.ts';
import { acceptApp, handOnApp, keepApp, retireApp } from '../../lifecycle/ownership.ts';
import type { Person } from '../../lifecycle/people.ts';
import { readPerson } from '../../lifecycle/people.ts';
import type { Store } from '../../store/store.ts';
import type { Command } from '../commands.ts';
import type { DialogueContext, TurnOutcome } from '../context.ts';
import { IDLE } from '../state.ts';

// After registration, in chat: "retire APP-0042", "still in use APP-0042" (a recertification digest's
// button), "accept APP-0042" and "hand on APP-0042 to @Pat" (an app whose owner left). The change is
// made in the turn's own transaction, so a redelivered message changes nothing twice.

type LifecycleCommand = Extract<Command, { kind: 'retire' | 'keep' | 'accept' | 'handOn' }>;

export function lifecycleTurn(command: LifecycleCommand, ctx: DialogueContext): TurnOutcome {
  return {
    state: IDLE,
    replies: [],
    commit: async (tx) => ({ replies: [toReply(await run(command, ctx, tx))] }),
  };
}

async function run(command: LifecycleCommand, ctx: DialogueContext, tx: Store): Promise<LifecycleOutcome> {
  const app = await tx.apps.byReference(command.target);
  if (!app) return { ok: false, text: `I couldn't find ${command.target}. Say *my apps* to see yours.` };
  const deps: LifecycleDeps = {
    store: tx,
    policy: ctx.policy,
    deliveryPlatforms: ctx.deliveryPlatforms,
    now: new Date(),
  };
  const speaker: Person = ctx.speaker;
  switch (command.kind) {
    case 'retire':
      return retireApp(deps, app, speaker);
    case 'keep':
      return keepApp(deps, app, speaker);
    case 'accept':
      return acceptApp(deps, app, speaker);
    case 'handOn': {
      const to = personNamed(command.to, ctx);
      if (!to)
        return {
          ok: false,
          text: `Who should own ${command.target}? Mention them (for example *hand on ${command.target} to @Pat*), or give their e-mail address.`,
        };
      return handOnApp(deps, app, speaker, to);
    }
  }
}

/** A mention in the message (the platform's id for it), else "slack:U123" or an e-mail address as typed. */
function personNamed(text: string, ctx: DialogueContext): Person | undefined {
  const mention = (ctx.mentions ?? []).find((candidate) => text.includes(candidate.text));
  if (mention)
    return {
      platform: ctx.speaker.platform,
      userId: mention.userId,
      ...(mention.displayName ? { displayName: mention.displayName } : {}),
    };
  return readPerson(text);
}

function toReply(outcome: LifecycleOutcome): Reply {
  return { text: outcome.text, tone: outcome.ok ? 'success' : 'warning' };
}
