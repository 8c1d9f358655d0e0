import { LEADS, teamIds, type Policy, type Reviewers, teamName } from './schema.ts';

// Who can decide on an escalation, as the policy names them. The shipped policy names nobody (an admin
// fills in their organisation's people), and until then every review button is refused: the start,
// `steward policy check` and each escalation say so plainly instead of leaving reviewers to find out.

type ReviewPlatform = keyof Reviewers;

function reviewersOf(policy: Policy, team: string): Reviewers | undefined {
  return team === LEADS ? policy.leads.reviewers : policy.teams[team]?.reviewers;
}

/** Where in the policy file a team's reviewers go, for messages to admins. */
function reviewersPath(team: string, platform?: ReviewPlatform): string {
  const base = team === LEADS ? 'leads.reviewers' : `teams.${team}.reviewers`;
  return platform ? `${base}.${platform}` : base;
}

/** Teams that can be sent an escalation (the leads when a tier tells them) but name no reviewer anywhere. */
function teamsWithoutReviewers(policy: Policy): Array<{ team: string; name: string }> {
  const leadsAsked = Object.values(policy.tiers).some((tier) => tier.escalate && tier.notifyLeads);
  const teams = [...teamIds(policy), ...(leadsAsked ? [LEADS] : [])];
  return teams
    .filter((team) => {
      const reviewers = reviewersOf(policy, team);
      return !reviewers || (reviewers.slack.length === 0 && reviewers.teams.length === 0);
    })
    .map((team) => ({ team, name: teamName(policy, team) }));
}

/** One plain sentence for the start-up log and `policy check`; undefined when every team has reviewers. */
export function missingReviewersWarning(policy: Policy): string | undefined {
  const missing = teamsWithoutReviewers(policy);
  if (missing.length === 0) return undefined;
  const names = missing.map((entry) => entry.name).join(', ');
  const where = missing.map((entry) => reviewersPath(entry.team)).join(', ');
  return (
    `No reviewers are named for ${names}: nobody can decide on their escalations (every review button is ` +
    `refused) until an admin adds Slack user or group ids and Teams object ids under ${where} in the policy.`
  );
}

/** The line an escalation copy carries: who can decide from the platform it is posted on, or that nobody can yet. */
export function decidersLine(policy: Policy, team: string, platform: string): string {
  const on: ReviewPlatform = platform === 'teams' ? 'teams' : 'slack';
  const label = on === 'teams' ? 'Teams' : 'Slack';
  const listed = reviewersOf(policy, team)?.[on] ?? [];
  const name = teamName(policy, team);
  if (listed.length === 0) {
    return `⚠️ Nobody can decide on this from ${label} yet: the policy names no ${name} reviewers there (${reviewersPath(team, on)}).`;
  }
  const people = listed.length === 1 ? 'the 1 reviewer' : `the ${listed.length} reviewers or groups`;
  return `Who can decide: ${people} of ${name} named in the policy; anyone else's click is refused and recorded.`;
}
