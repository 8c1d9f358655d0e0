import { sortTeams } from './schema.ts';
import { LEADS, type Policy, type Reviewers, type TeamId, type Tier } from './schema.ts';

export type Platform = 'slack' | 'teams';

export interface EscalationTarget {
  /** A team id, or 'leads'. */
  team: TeamId | typeof LEADS;
  platform: Platform;
  /** A Slack channel ('#gov-privacy' or a channel id), or a Teams 'Team/Channel'. */
  destination: string;
}

/**
 * Where an assessment must be announced: each team's destinations on each platform, then the leads'
 * when the tier says so. None when the tier does not escalate (low in the default policy).
 * Two teams sharing a channel give two targets, so each escalation names its own team.
 */
export function escalationTargets(
  assessment: { tier: Tier; teams: readonly TeamId[] },
  policy: Policy,
): EscalationTarget[] {
  const settings = policy.tiers[assessment.tier];
  if (!settings.escalate) return [];
  const targets: EscalationTarget[] = [];
  const add = (team: string, destinations: Policy['leads']['destinations']) => {
    for (const channel of destinations.slack) targets.push({ team, platform: 'slack', destination: channel });
    for (const { team: teamsTeam, channel } of destinations.teams) {
      targets.push({ team, platform: 'teams', destination: `${teamsTeam}/${channel}` });
    }
  };
  for (const team of sortTeams(assessment.teams, policy)) add(team, policy.teams[team]!.destinations);
  if (settings.notifyLeads) add(LEADS, policy.leads.destinations);
  return targets;
}

/**
 * Whether a user may decide for `team` ('leads' included): listed by user id, or a member of a listed
 * group (Slack user group, Entra group) given in `userGroupIds`. Leads are not implicitly every team's reviewers.
 */
export function isReviewer(
  policy: Policy,
  team: TeamId | typeof LEADS,
  platform: Platform,
  userId: string,
  userGroupIds: readonly string[] = [],
): boolean {
  const reviewers: Reviewers | undefined = team === LEADS ? policy.leads.reviewers : policy.teams[team]?.reviewers;
  if (!reviewers) return false;
  const listed = reviewers[platform];
  return listed.includes(userId) || userGroupIds.some((group) => listed.includes(group));
}

/** The teams (and 'leads') a user reviews for, in policy order. */
export function reviewerTeams(
  policy: Policy,
  platform: Platform,
  userId: string,
  userGroupIds: readonly string[] = [],
): Array<TeamId | typeof LEADS> {
  const candidates: Array<TeamId | typeof LEADS> = [...Object.keys(policy.teams), LEADS];
  return candidates.filter((team) => isReviewer(policy, team, platform, userId, userGroupIds));
}

/**
 * Where the governance leads are told things (overdue reviews, orphaned apps, overdue recertifications):
 * their destinations on the platforms this process delivers to; Slack's are printed on the console when
 * no chat platform is configured.
 */
export function leadsDestinations(
  policy: Policy,
  deliveryPlatforms: readonly string[],
): Array<{ platform: string; destination: string }> {
  return [
    ...policy.leads.destinations.slack.map((destination) => ({ platform: 'slack', destination })),
    ...policy.leads.destinations.teams.map(({ team, channel }) => ({
      platform: 'teams',
      destination: `${team}/${channel}`,
    })),
  ].flatMap((target) => {
    if (deliveryPlatforms.includes(target.platform)) return [target];
    if (target.platform === 'slack' && deliveryPlatforms.includes('console'))
      return [{ ...target, platform: 'console' }];
    return [];
  });
}
