import { evaluateRules } from '../assessment/rules.ts';
import { AI_ASSESSMENT_RULE_ID } from '../policy/load.ts';
import { escalationTargets } from '../policy/routing.ts';
import { maxTier, sortTeams, TIER_ORDER } from '../policy/schema.ts';
import type { Policy, TeamId, Tier } from '../policy/schema.ts';
import { formatReference } from '../store/apps.ts';
import type { Store } from '../store/store.ts';

// What-if: the whole inventory assessed under a draft policy, with nothing stored and nothing sent.
// The rules run as the draft has them; an AI assessment already on record still counts as a floor (the
// AI may raise a tier, never lower it), and the LLM is not asked again for a what-if.

interface TierChange {
  ref: string;
  name: string;
  from: Tier;
  to: Tier;
  teams: { from: TeamId[]; to: TeamId[] };
  /** The rules that fire under the draft, highest tier first. */
  rules: string[];
  /** A higher tier or a new team: the app goes to review again, and its reviewers are asked. */
  reviewAgain: boolean;
}

interface Recipient {
  platform: string;
  destination: string;
  /** The apps the one message would list. */
  apps: string[];
}

export interface PolicyDiff {
  from: string;
  to: string;
  assessed: number;
  changes: TierChange[];
  /**
   * Who would hear of it: each owner of a changed app, and each reviewer channel asked to review one
   * again, one message each listing their apps.
   */
  messages: { owners: Recipient[]; channels: Recipient[] };
}

function add(recipients: Map<string, Recipient>, platform: string, destination: string, ref: string): void {
  const key = `${platform} ${destination}`;
  const recipient = recipients.get(key) ?? { platform, destination, apps: [] };
  if (!recipient.apps.includes(ref)) recipient.apps.push(ref);
  recipients.set(key, recipient);
}

export async function diffPolicy(store: Store, current: Policy, draft: Policy): Promise<PolicyDiff> {
  const changes: TierChange[] = [];
  const owners = new Map<string, Recipient>();
  const channels = new Map<string, Recipient>();
  const apps = await store.apps.list({ active: true });
  for (const app of apps) {
    const ref = formatReference(app.refNumber);
    const latest = await store.assessments.latest(app.id);
    const from = (app.tier ?? latest?.tier ?? 'low') as Tier;
    const fromTeams = sortTeams((latest?.teams ?? []) as TeamId[], current);
    const verdict = evaluateRules(await store.apps.currentProfile(app), draft);
    const ai = latest?.reasons.find((reason) => reason.rule === AI_ASSESSMENT_RULE_ID);
    const to = ai ? maxTier(verdict.tier, ai.tier) : verdict.tier;
    const toTeams = sortTeams(
      [...verdict.teams, ...((ai?.teams ?? []) as TeamId[])].filter((team) => team in draft.teams),
      draft,
    );
    const addsTeam = toTeams.some((team) => !fromTeams.includes(team));
    if (to === from && !addsTeam && toTeams.length === fromTeams.length) continue;
    const reviewAgain = TIER_ORDER[to] > TIER_ORDER[from] || addsTeam;
    changes.push({
      ref,
      name: app.name,
      from,
      to,
      teams: { from: fromTeams, to: toTeams },
      rules: [...verdict.reasons.map((reason) => reason.rule), ...(ai ? [ai.rule] : [])],
      reviewAgain,
    });
    add(owners, app.ownerPlatform, `user:${app.ownerUserId}`, ref);
    if (reviewAgain)
      for (const target of escalationTargets({ tier: to, teams: toTeams }, draft))
        add(channels, target.platform, target.destination, ref);
  }
  return {
    from: current.version,
    to: draft.version,
    assessed: apps.length,
    changes,
    messages: { owners: [...owners.values()], channels: [...channels.values()] },
  };
}
