import type { Assessment } from '../assessment/assess.ts';
import { evaluateRules } from '../assessment/rules.ts';
import { sortTeams, TIER_ORDER } from '../policy/schema.ts';
import type { Policy, TeamId, Tier } from '../policy/schema.ts';
import type { AppProfile } from '../profile/schema.ts';
import { formatReference } from '../store/apps.ts';
import type { Store } from '../store/store.ts';
import type { AppRow } from '../store/types.ts';
import { reassessWithFloor } from './reassess.ts';
import { deliveriesFor } from './submit.ts';

// What-if: the whole inventory assessed under a draft policy, with nothing stored and nothing sent.
// The rules run as the draft has them; an AI assessment already on record still counts as a floor (the
// AI may raise a tier, never lower it), and the LLM is not asked again. Publishing assesses the same
// way (policy-publish.ts), so what `policy diff` shows is what `policy publish` does.

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

/** One app under the draft: its assessment as it would be recorded, and the change, if any. */
export interface AppUnderDraft {
  app: AppRow;
  profile: AppProfile;
  ref: string;
  from: Tier;
  assessment: Assessment;
  change?: TierChange;
  /** Where its review request would go (team, platform, destination), when it is reviewed again. */
  reviews: Array<{ team: string; platform: string; destination: string }>;
}

function assessUnder(profile: AppProfile, latest: Assessment | null, draft: Policy): Assessment {
  if (latest) return reassessWithFloor(profile, latest, draft);
  const verdict = evaluateRules(profile, draft);
  return { ...verdict, assessedBy: 'rules', policyVersion: draft.version };
}

/** Every active app assessed under `draft`; `deliveryPlatforms` decides where reviews would be posted. */
export async function assessInventory(
  store: Store,
  current: Policy,
  draft: Policy,
  deliveryPlatforms: string[],
): Promise<{ apps: AppUnderDraft[]; diff: PolicyDiff }> {
  const changes: TierChange[] = [];
  const owners = new Map<string, Recipient>();
  const channels = new Map<string, Recipient>();
  const add = (recipients: Map<string, Recipient>, platform: string, destination: string, ref: string) => {
    const key = `${platform} ${destination}`;
    const recipient = recipients.get(key) ?? { platform, destination, apps: [] };
    if (!recipient.apps.includes(ref)) recipient.apps.push(ref);
    recipients.set(key, recipient);
  };
  const results: AppUnderDraft[] = [];
  const apps = await store.apps.list({ active: true });
  for (const app of apps) {
    const ref = formatReference(app.refNumber);
    const latest = await store.assessments.latest(app.id);
    const from = (app.tier ?? latest?.tier ?? 'low') as Tier;
    const fromTeams = sortTeams((latest?.teams ?? []) as TeamId[], current);
    const profile = await store.apps.currentProfile(app);
    const assessment = assessUnder(profile, latest, draft);
    const to = assessment.tier;
    const toTeams = assessment.teams;
    const result: AppUnderDraft = { app, profile, ref, from, assessment, reviews: [] };
    results.push(result);
    const addsTeam = toTeams.some((team) => !fromTeams.includes(team));
    if (to === from && !addsTeam && toTeams.length === fromTeams.length) continue;
    // A rejected app, or one whose maker is making changes, is reviewed when it is submitted again.
    const settled = app.status === 'rejected' || app.status === 'changes_requested';
    const reviewAgain = (TIER_ORDER[to] > TIER_ORDER[from] || addsTeam) && !settled;
    result.change = {
      ref,
      name: app.name,
      from,
      to,
      teams: { from: fromTeams, to: toTeams },
      rules: assessment.reasons.map((reason) => reason.rule),
      reviewAgain,
    };
    changes.push(result.change);
    add(owners, app.ownerPlatform, `user:${app.ownerUserId}`, ref);
    if (!reviewAgain) continue;
    result.reviews = deliveriesFor(assessment, draft, deliveryPlatforms);
    for (const review of result.reviews) add(channels, review.platform, review.destination, ref);
  }
  return {
    apps: results,
    diff: {
      from: current.version,
      to: draft.version,
      assessed: apps.length,
      changes,
      messages: { owners: [...owners.values()], channels: [...channels.values()] },
    },
  };
}

export async function diffPolicy(
  store: Store,
  current: Policy,
  draft: Policy,
  deliveryPlatforms: string[],
): Promise<PolicyDiff> {
  return (await assessInventory(store, current, draft, deliveryPlatforms)).diff;
}
