import type { Client, DecisionRow } from './types.ts';

// Reviewers' decisions: each team an app version was escalated to decides once (the table's key makes
// it so); whether the version is then approved is the review module's reading of all of them.

interface NewDecision {
  appId: string;
  appVersion: number;
  decision: string;
  reason: string | null;
  team: string;
  reviewer: { platform: string; userId: string; displayName?: string };
}

export interface ReviewRepository {
  /** False when this team already decided on the version: nothing is written. */
  record(decision: NewDecision): Promise<boolean>;
  /** Every team's decision on the version, oldest first. */
  decisionsOf(appId: string, appVersion: number): Promise<DecisionRow[]>;
}

export function reviewRepository(db: Client): ReviewRepository {
  return {
    async record(decision) {
      const inserted = await db.reviewDecision.createMany({
        data: [
          {
            appId: decision.appId,
            appVersion: decision.appVersion,
            decision: decision.decision,
            reason: decision.reason,
            team: decision.team,
            reviewerPlatform: decision.reviewer.platform,
            reviewerId: decision.reviewer.userId,
            reviewerName: decision.reviewer.displayName ?? null,
          },
        ],
        skipDuplicates: true,
      });
      return inserted.count > 0;
    },
    decisionsOf: (appId, appVersion) =>
      db.reviewDecision.findMany({ where: { appId, appVersion }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] }),
  };
}
