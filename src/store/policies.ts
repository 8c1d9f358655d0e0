import type { Actor } from './audit.ts';
import type { Client, PolicyVersionRow } from './types.ts';
import { toJson } from './types.ts';

// The published policies (PolicyVersion). The row with the highest number is the policy in force; a
// rollback adds a row with an earlier row's text, so the history is never rewritten.

interface PublishedPolicy {
  version: string;
  source: string;
  sha256: string;
  publisher: Actor;
  /** On a rollback: the number whose text is published again. */
  restores?: number;
  summary?: unknown;
}

export interface PolicyRepository {
  /** The number of the policy in force; undefined while none was ever published (the file rules). */
  activeNumber(): Promise<number | undefined>;
  active(): Promise<PolicyVersionRow | null>;
  byNumber(number: number): Promise<PolicyVersionRow | null>;
  /** Every published policy, newest first. */
  history(): Promise<PolicyVersionRow[]>;
  publish(policy: PublishedPolicy, at: Date): Promise<PolicyVersionRow>;
  /** Serialises publishing: two publishes at once would each re-assess against a policy about to be replaced. */
  lockForPublish(): Promise<void>;
}

/** Any 64-bit key shared by every instance: publishing takes it for its transaction. */
const PUBLISH_LOCK_KEY = 1_717_017;

export function policyRepository(db: Client): PolicyRepository {
  return {
    async activeNumber() {
      const row = await db.policyVersion.findFirst({ orderBy: { number: 'desc' }, select: { number: true } });
      return row?.number;
    },
    active: () => db.policyVersion.findFirst({ orderBy: { number: 'desc' } }),
    byNumber: (number) => db.policyVersion.findUnique({ where: { number } }),
    history: () => db.policyVersion.findMany({ orderBy: { number: 'desc' } }),
    publish: (policy, at) =>
      db.policyVersion.create({
        data: {
          version: policy.version,
          source: policy.source,
          sha256: policy.sha256,
          publishedAt: at,
          publisherPlatform: policy.publisher.platform,
          publisherId: policy.publisher.userId,
          publisherName: policy.publisher.displayName ?? null,
          restores: policy.restores ?? null,
          ...(policy.summary === undefined ? {} : { summary: toJson(policy.summary) }),
        },
      }),
    async lockForPublish() {
      await db.$executeRaw`SELECT pg_advisory_xact_lock(${PUBLISH_LOCK_KEY})`;
    },
  };
}
