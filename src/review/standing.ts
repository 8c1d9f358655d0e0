import type { Policy, Tier } from '../policy/schema.ts';
import { LEADS } from '../policy/schema.ts';
import type { Store } from '../store/store.ts';
import type { DecisionRow } from '../store/types.ts';

// Where the review of one app version stands. Each team the version was escalated to reviews it on
// its own: a rejection or a request for changes from any of them settles the version at once; an
// approval settles it when every required team has approved (or on the first, when the tier's policy
// says `approval: any-team`). The leads are required only when nobody else was asked.

export interface ReviewStanding {
  /** Teams the version was sent to (the leads included when told), in the order they were asked. */
  escalatedTeams: string[];
  /** The teams whose approval is needed. */
  requiredTeams: string[];
  /** The decision that settled the version, when one has. */
  settledBy?: DecisionRow;
  /** Required teams that have not approved yet (empty once settled). */
  waitingFor: string[];
}

/**
 * The teams a version was escalated to: what was actually sent (the escalation messages), or for a
 * version escalated before messages named their team, what its assessment asked for.
 */
export async function escalatedTeamsOf(
  store: Store,
  policy: Policy,
  app: { id: string; tier: string | null },
  version: number,
): Promise<string[]> {
  const sent = (await store.outbox.escalationsOf(app.id, version)).map((row) => row.payload.team);
  if (sent.length > 0) return [...new Set(sent)];
  const assessment = await store.assessments.latest(app.id);
  return assessment ? teamsAskedFor(assessment, policy) : [];
}

/** The teams (and the leads) an assessment asks to review, as the policy's tier for it says. */
export function teamsAskedFor(assessment: { tier: string; teams: readonly string[] }, policy: Policy): string[] {
  const settings = policy.tiers[assessment.tier as Tier];
  if (!settings?.escalate) return [];
  return [...assessment.teams, ...(settings.notifyLeads ? [LEADS] : [])];
}

export function reviewStanding(
  escalatedTeams: string[],
  decisions: DecisionRow[],
  approval: 'every-team' | 'any-team',
): ReviewStanding {
  const others = escalatedTeams.filter((team) => team !== LEADS);
  const requiredTeams = others.length > 0 ? others : escalatedTeams;
  const settledBy = decisions.find((row) => row.decision !== 'approve');
  if (settledBy) return { escalatedTeams, requiredTeams, settledBy, waitingFor: [] };
  const approvals = decisions.filter((row) => row.decision === 'approve');
  const approvedTeams = new Set(approvals.map((row) => row.team));
  const waitingFor = requiredTeams.filter((team) => !approvedTeams.has(team));
  const settled =
    approval === 'any-team'
      ? approvals.find((row) => requiredTeams.includes(row.team ?? ''))
      : waitingFor.length === 0 && approvals.length > 0
        ? approvals.findLast((row) => requiredTeams.includes(row.team ?? ''))
        : undefined;
  // Decisions recorded before reviews were per team carry no team: the first of them settled the version.
  const legacy = decisions.find((row) => row.team === null);
  const by = settled ?? legacy;
  return by
    ? { escalatedTeams, requiredTeams, settledBy: by, waitingFor: [] }
    : { escalatedTeams, requiredTeams, waitingFor };
}
