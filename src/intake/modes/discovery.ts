import type { Reply, ReplyButton } from '../../chat/reply.ts';
import { mightAnswerNudge, readNudgeAnswer } from '../../discover/answers.ts';
import type { NudgeIntent } from '../../discover/answers.ts';
import { platformOfSource, sourceLabel } from '../../discover/listing.ts';
import {
  answersFor,
  linkItem,
  listedItems,
  listingFor,
  recordAnswer,
  settledText,
} from '../../discover/owner-answers.ts';
import { reconcile } from '../../discover/reconcile.ts';
import type { Actor } from '../../store/audit.ts';
import { formatReference } from '../../store/apps.ts';
import type { Store } from '../../store/store.ts';
import type { AppRow, DiscoveredItemRow } from '../../store/types.ts';
import type { Command, DiscoveredAction } from '../commands.ts';
import type { DialogueContext, TurnOutcome } from '../context.ts';
import { advance, newIntake } from '../progress.ts';
import { INTAKE_HELP, stepReply } from '../render.ts';
import { IDLE } from '../state.ts';

// An owner answering a nudge about apps the inventory found unregistered, by button or in their own
// words: register one (the registration starts with what the export knows), or say it is not theirs,
// retired, a copy of a registered app, or the app it was proposed for.

const idle = (...replies: Reply[]): TurnOutcome => ({ state: IDLE, replies });

const NOT_FOUND: Reply = {
  text: "I can't find that app from the inventory among yours. Say *my apps* to see what you have registered.",
  tone: 'warning',
};

function actorOf(ctx: DialogueContext): Actor {
  const { platform, userId, displayName } = ctx.speaker;
  return { platform, userId, ...(displayName ? { displayName } : {}) };
}

/** A nudge's button. */
export async function discoveredTurn(
  command: Extract<Command, { kind: 'discovered' }>,
  ctx: DialogueContext,
): Promise<TurnOutcome> {
  const item = await ctx.store.discovery.byId(command.itemId);
  if (!item || !answersFor(item, ctx.speaker)) return idle(NOT_FOUND);
  return act(item, command.action, command.ref ?? null, ctx);
}

/** A typed answer to a nudge, or undefined when the message is not one (it then goes on as usual). */
export async function nudgeAnswerTurn(text: string, ctx: DialogueContext): Promise<TurnOutcome | undefined> {
  if (!mightAnswerNudge(text)) return undefined;
  const listing = await listingFor(ctx.store, ctx.speaker);
  if (listing.open.size === 0) return undefined;
  const answer = readNudgeAnswer(text, listedItems(listing));
  if (!answer) return undefined;
  const open = listing.items.filter((item) => listing.open.has(item.id));
  const targets =
    typeof answer.item === 'number'
      ? [listing.items[answer.item]!]
      : answer.item === 'all' || open.length === 1
        ? open
        : [];
  const action: DiscoveredAction = answer.intent;
  // Typed words settle one app at a time: "both are retired" gets a button for each, never all at once.
  if (targets.length === 1) return act(targets[0]!, action, answer.ref, ctx);
  return idle(whichOne(open, action, answer.ref));
}

/** Several apps and no word of which: one button per app, for the answer given. */
function whichOne(open: DiscoveredItemRow[], action: DiscoveredAction, ref: string | null): Reply {
  const question: Record<NudgeIntent, string> = {
    register: 'Which app would you like to register first?',
    'not-mine': 'Which of these is not yours?',
    retired: 'Which of these is retired?',
    duplicate: `Which of these is a copy of ${ref ?? 'that app'}?`,
    confirm: `Which of these is ${ref ?? 'that app'}?`,
  };
  const value = action === 'duplicate' && ref ? `duplicate ${ref}` : action;
  return {
    text: question[action],
    buttons: open.slice(0, 24).map((item): ReplyButton => ({
      label: item.name.length > 70 ? `${item.name.slice(0, 69)}…` : item.name,
      value: `discovered ${item.id} ${value}`,
    })),
    tone: 'question',
    literal: true,
  };
}

async function act(
  item: DiscoveredItemRow,
  action: DiscoveredAction,
  ref: string | null,
  ctx: DialogueContext,
): Promise<TurnOutcome> {
  const settled = await settledText(ctx.store, item);
  if (settled) return idle({ text: settled, tone: 'info', literal: true });
  switch (action) {
    case 'register':
      return registerFrom(item, ctx);
    case 'not-mine':
    case 'retired':
      return settle(item, action, ctx);
    case 'confirm':
    case 'duplicate':
      return linkTurn(item, action, ref, ctx);
  }
}

function settle(item: DiscoveredItemRow, answer: 'not-mine' | 'retired', ctx: DialogueContext): TurnOutcome {
  return {
    state: IDLE,
    replies: [],
    commit: async (tx) => {
      await recordAnswer(tx, item, answer, actorOf(ctx), new Date());
      const text =
        answer === 'not-mine'
          ? `Thanks, noted: "${item.name}" is not yours. The governance team will look for the owner; I won't ask you again.`
          : `Thanks, noted: "${item.name}" is retired. If it is still on the platform, please delete or switch it off there.`;
      return { replies: [{ text, tone: 'success', literal: true }] };
    },
  };
}

function linkTurn(
  item: DiscoveredItemRow,
  action: 'confirm' | 'duplicate',
  ref: string | null,
  ctx: DialogueContext,
): TurnOutcome {
  return {
    state: IDLE,
    replies: [],
    commit: async (tx) => {
      const app = await targetApp(tx, item, action, ref, ctx);
      if (typeof app === 'string') return { replies: [{ text: app, tone: 'warning', literal: true }] };
      const reference = formatReference(app.refNumber);
      await linkItem(
        tx,
        item,
        { id: app.id, reference },
        actorOf(ctx),
        action === 'confirm' ? 'confirmed' : 'duplicate',
      );
      return {
        replies: [
          {
            text: `Thanks, noted: "${item.name}" is ${reference} "${app.name}", so it counts as registered.`,
            tone: 'success',
            literal: true,
          },
        ],
      };
    },
  };
}

/**
 * The app the item is: the one it was proposed for, or the one named, which must be the speaker's own (or
 * one they back up): a copy of someone else's app is for its owner or the governance team to link.
 * Otherwise why there is none.
 */
async function targetApp(
  tx: Store,
  item: DiscoveredItemRow,
  action: 'confirm' | 'duplicate',
  ref: string | null,
  ctx: DialogueContext,
): Promise<AppRow | string> {
  if (action === 'confirm') {
    const status = reconcile(item, new Map((await tx.apps.list()).map((app) => [app.id, app])));
    if (status.kind === 'proposed' && (!ref || formatReference(status.app.refNumber) === ref)) return status.app;
    return `"${item.name}" no longer looks like ${ref ?? 'one of your apps'}. Say "duplicate of APP-…" to name the app it is a copy of.`;
  }
  if (!ref) return 'Which registered app is it a copy of? Say "duplicate of APP-…".';
  const { platform, userId, email } = ctx.speaker;
  const yours = await tx.apps.ownedOrBackedUpBy({ platform, userId, ...(email ? { email } : {}) });
  const app = yours.find((candidate) => formatReference(candidate.refNumber) === ref);
  if (app) return app;
  return (await tx.apps.byReference(ref))
    ? `${ref} is not one of your apps, so I can't mark "${item.name}" as its copy. Ask its owner or the governance team to link them.`
    : `I couldn't find ${ref} among the registered apps.`;
}

/** A registration started from what the export knows: the name and the platform, confirmed in the summary. */
function registerFrom(item: DiscoveredItemRow, ctx: DialogueContext): TurnOutcome {
  const intake = newIntake();
  intake.draft.name = item.name.trim().slice(0, 120);
  intake.inferred.push('name');
  const platform = platformOfSource(item.source);
  if (platform) {
    intake.draft.platform = platform;
    intake.inferred.push('platform');
  }
  intake.discovered = { itemId: item.id };
  advance(intake, ctx.policy);
  const known = [`its name`, ...(platform ? [`that it is on ${sourceLabel(item.source)}`] : [])];
  const where = item.environment ? ` It is in the environment ${item.environment}.` : '';
  const lastUse = item.modifiedAt ?? item.createdAt;
  const when = lastUse ? ` Last modified ${lastUse.toISOString().slice(0, 10)}.` : '';
  return {
    state: { mode: 'intake', intake },
    replies: [
      {
        text: `Let's register "${item.name}". From the platform inventory I have ${known.join(' and ')}.${where}${when} I'll ask only what it doesn't say, and you can check everything in the summary.`,
        tone: 'info',
        literal: true,
      },
      { text: INTAKE_HELP, tone: 'info' },
      stepReply(intake, ctx),
    ],
  };
}

/** A bare "register" from someone with exactly one app waiting from a nudge: that app, pre-filled. */
export async function registerWaitingItem(ctx: DialogueContext): Promise<TurnOutcome | undefined> {
  const listing = await listingFor(ctx.store, ctx.speaker);
  const open = listing.items.filter((item) => listing.open.has(item.id) && !listing.proposals.has(item.id));
  return open.length === 1 ? registerFrom(open[0]!, ctx) : undefined;
}
