import type { Policy } from './schema.ts';

// Who may open the governance dashboard: every team's (and the leads') reviewers, as the policy lists
// them (Entra object ids or groups, Slack user ids), and the policy's dashboard admins by e-mail.

/** What the identity provider says about the person signing in. */
export interface DashboardIdentity {
  /** Only when the provider does not say the address is unverified. */
  email?: string;
  /** Microsoft Entra ID: the `oid` claim and the `groups` claim. */
  entraObjectId?: string;
  groups?: string[];
  /** Sign in with Slack: the `https://slack.com/user_id` claim. */
  slackUserId?: string;
}

export type DashboardAccess = { allowed: true; as: 'admin' | 'reviewer' } | { allowed: false };

/** Every Entra id (user or group) the policy lists as a reviewer, lower-cased. */
export function reviewerIds(policy: Policy): string[] {
  return [...Object.values(policy.teams), policy.leads].flatMap((team) =>
    team.reviewers.teams.map((id) => id.toLowerCase()),
  );
}

export function dashboardAccess(policy: Policy, identity: DashboardIdentity): DashboardAccess {
  const email = identity.email?.trim().toLowerCase();
  if (email && policy.dashboard.admins.includes(email)) return { allowed: true, as: 'admin' };
  const teams = [...Object.values(policy.teams), policy.leads];
  const entraIds = [identity.entraObjectId, ...(identity.groups ?? [])].filter((id): id is string => Boolean(id));
  const reviews = teams.some(
    (team) =>
      team.reviewers.teams.some((id) => entraIds.some((mine) => mine.toLowerCase() === id.toLowerCase())) ||
      (identity.slackUserId !== undefined && team.reviewers.slack.includes(identity.slackUserId)),
  );
  return reviews ? { allowed: true, as: 'reviewer' } : { allowed: false };
}
