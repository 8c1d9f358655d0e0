import type { Client, DecisionRow } from './types.ts';

// Reviewers' decisions: one per app version (the first one wins; the table's key makes it so).

interface NewDecision {
  appId: string;
  appVersion: number;
  decision: string;
  reason: string | null;
  team: string;
  reviewer: { platform: string; userId: string; displayName?: string };
}

export interface ReviewRepository {
  /** False when the version already has a decision: nothing is written. */
  record(decision: NewDecision): Promise<boolean>;
  decisionOf(appId: string, appVersion: number): Promise<DecisionRow | null>;
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
    decisionOf: (appId, appVersion) =>
      db.reviewDecision.findUnique({ where: { appId_appVersion: { appId, appVersion } } }),
  };
}
