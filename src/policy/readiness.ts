import { escalationTargets } from './routing.ts';
import { LEADS, TIERS } from './schema.ts';
import type { Policy, TeamId } from './schema.ts';

// Whether a valid policy is ready to govern: every process it switches on has what it needs. A policy
// that escalates to a team with no channel, or without an SLA, would send reviews nowhere or never
// chase them; publishing refuses it before anything is stored or sent.

/** A destination a platform cannot deliver to, and why. */
export interface UnresolvedDestination {
  destination: string;
  reason: string;
}

/** Asks a platform which of these destinations it cannot deliver to; throws when it cannot tell. */
export type DestinationCheck = (platform: string, destinations: string[]) => Promise<UnresolvedDestination[]>;

/** Teams (and the leads) Steward posts to, each with why: reviews, handed-over questions, the leads' duties. */
function teamsPostedTo(policy: Policy): Map<TeamId | typeof LEADS, string> {
  const teams = new Map<string, string>();
  for (const rule of policy.rules) {
    if (!policy.tiers[rule.tier].escalate) continue;
    for (const team of rule.teams) if (!teams.has(team)) teams.set(team, `rules send reviews to team ${team}`);
  }
  const helpTeam = policy.intake.helpTeam;
  if (helpTeam && !teams.has(helpTeam))
    teams.set(helpTeam, `makers' questions go to team ${helpTeam} (intake.helpTeam)`);
  // Late reviews, orphaned apps and overdue recertifications are always told to the leads.
  teams.set(LEADS, 'the leads are told of late reviews, orphaned apps and overdue recertifications');
  return teams;
}

const PLATFORM_NAMES: Record<string, string> = { slack: 'Slack', teams: 'Teams' };

/** What the policy switches on without its settings, on the platforms this deployment delivers to. */
export function readinessProblems(policy: Policy, deliveryPlatforms: readonly string[]): string[] {
  const problems: string[] = [];
  for (const tier of TIERS) {
    const settings = policy.tiers[tier];
    if (settings.escalate && !settings.reviewSla)
      problems.push(
        `tiers.${tier}: escalates to reviewers but has no reviewSla, so late reviews would never be chased (set reviewSla: { businessDays: N })`,
      );
  }
  // Without Slack or Teams, the terminal shows Slack's channel names.
  const platforms = deliveryPlatforms.filter((platform) => platform === 'slack' || platform === 'teams');
  const checked = platforms.length > 0 ? platforms : ['slack'];
  for (const [team, why] of teamsPostedTo(policy)) {
    const destinations = team === LEADS ? policy.leads.destinations : policy.teams[team]?.destinations;
    if (!destinations) continue;
    const at = team === LEADS ? 'leads' : `teams.${team}`;
    for (const platform of checked) {
      const count = platform === 'slack' ? destinations.slack.length : destinations.teams.length;
      if (count === 0)
        problems.push(`${at}.destinations.${platform}: ${why}, but it has no ${PLATFORM_NAMES[platform]} destination`);
    }
  }
  return problems;
}

/** Every destination the policy can escalate to on a platform, whatever the tier. */
export function policyDestinations(policy: Policy, platform: string): string[] {
  const all = TIERS.flatMap((tier) => escalationTargets({ tier, teams: Object.keys(policy.teams) }, policy));
  return [...new Set(all.filter((target) => target.platform === platform).map((target) => target.destination))];
}
