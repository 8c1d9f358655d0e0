// What a reviewer's button carries: "review <decision> <appId> <version> <team>", on escalations and
// review digests alike, so either decides the same way.

export type DecisionKind = 'approve' | 'reject' | 'changes';

export function reviewActionValue(decision: DecisionKind, appId: string, version: number, team: string): string {
  return `review ${decision} ${appId} ${version} ${team}`;
}

export function parseReviewAction(
  value: string,
): { decision: DecisionKind; appId: string; appVersion: number; team: string } | undefined {
  const match = /^review (approve|reject|changes) (\S+) (\d+) (\S+)$/u.exec(value.trim());
  if (!match) return undefined;
  return { decision: match[1] as DecisionKind, appId: match[2]!, appVersion: Number(match[3]), team: match[4]! };
}
