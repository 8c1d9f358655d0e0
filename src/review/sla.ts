import { createHash } from 'node:crypto';
import type { Reply } from '../chat/reply.ts';
import type { Policy, Tier } from '../policy/schema.ts';
import { formatReference } from '../store/apps.ts';
import { SYSTEM_ACTOR } from '../store/audit.ts';
import type { Store } from '../store/store.ts';
import { leadsDestinations } from '../policy/routing.ts';
import { escalatedTeamsOf, reviewStanding } from './standing.ts';
import { reviewDigestReply } from './digest.ts';
import type { PostedDigest } from '../store/outbox.ts';

// Review SLAs from the policy (per tier, in business days): reminders in the reviewers' channels once
// a review is late, then the governance leads once it is twice as late. Time is passed in, so tests
// (and `steward reviews --overdue --now ...`) control the clock.

export function addBusinessDays(start: Date, days: number): Date {
  const result = new Date(start);
  let left = days;
  while (left > 0) {
    result.setUTCDate(result.getUTCDate() + 1);
    const day = result.getUTCDay();
    if (day !== 0 && day !== 6) left -= 1;
  }
  return result;
}

export interface OverdueReview {
  appId: string;
  reference: string;
  name: string;
  tier: Tier;
  status: string;
  version: number;
  submittedAt: Date;
  dueAt: Date;
  /** Twice the SLA: past this, the leads are told. */
  leadsAt: Date;
  slaBusinessDays: number;
  /** The teams whose decision is still missing; only they are reminded. */
  waitingFor: string[];
}

/** Apps waiting for a decision past their tier's SLA, oldest first. */
export async function overdueReviews(store: Store, policy: Policy, now: Date): Promise<OverdueReview[]> {
  const apps = await store.apps.list({ status: ['in_review', 'submitted'] });
  const overdue: OverdueReview[] = [];
  for (const app of apps) {
    const tier = app.tier as Tier | null;
    const sla = tier ? policy.tiers[tier]?.reviewSla : undefined;
    if (!tier || !sla || !policy.tiers[tier].escalate) continue;
    const escalatedTeams = await escalatedTeamsOf(store, policy, app, app.currentVersion);
    const standing = reviewStanding(
      escalatedTeams,
      await store.reviews.decisionsOf(app.id, app.currentVersion),
      policy.tiers[tier].approval,
    );
    if (standing.settledBy) continue;
    const assessment = await store.assessments.firstOf(app.id, app.currentVersion);
    const submittedAt = assessment?.createdAt ?? app.updatedAt;
    const dueAt = addBusinessDays(submittedAt, sla.businessDays);
    if (dueAt > now) continue;
    overdue.push({
      appId: app.id,
      reference: formatReference(app.refNumber),
      name: app.name,
      tier,
      status: app.status,
      version: app.currentVersion,
      submittedAt,
      dueAt,
      leadsAt: addBusinessDays(dueAt, sla.businessDays),
      slaBusinessDays: sla.businessDays,
      waitingFor: standing.waitingFor,
    });
  }
  return overdue.sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime());
}

export interface ReminderRun {
  reminders: number;
  leadEscalations: number;
  overdue: OverdueReview[];
}

/** Queues what is due: one reminder per escalation copy of each team still to decide, and one message to the leads per late review. Safe to run often. */
export async function sendSlaReminders(
  store: Store,
  policy: Policy,
  now: Date,
  deliveryPlatforms: string[],
): Promise<ReminderRun> {
  const overdue = await overdueReviews(store, policy, now);
  let reminders = 0;
  let leadEscalations = 0;
  for (const review of overdue) {
    const escalations = (await store.outbox.escalationsOf(review.appId, review.version)).filter((row) =>
      review.waitingFor.includes(row.payload.team),
    );
    const waited = `${review.reference} "${review.name}" (${review.tier.toUpperCase()} risk) has waited since ${review.submittedAt.toISOString().slice(0, 10)} for a review; the SLA is ${review.slaBusinessDays} business day${review.slaBusinessDays === 1 ? '' : 's'}.`;
    await store.transaction(async (tx) => {
      reminders += await tx.outbox.enqueue(
        escalations.map((row) => {
          const original = row.payload.reply;
          const reply: Reply = {
            ...original,
            title: `Reminder: ${review.reference} is waiting for a review`,
            text: `⏰ Reminder: ${waited}\n\n${original.text}`,
            tone: 'warning',
          };
          return {
            dedupeKey: `reminder:${review.appId}:v${review.version}:${row.id}`,
            platform: row.platform,
            destination: row.destination,
            appId: review.appId,
            payload: { kind: 'reminder', appVersion: review.version, team: row.payload.team, reply },
          };
        }),
      );
      if (now < review.leadsAt) return;
      const leads = leadsDestinations(policy, deliveryPlatforms);
      const added = await tx.outbox.enqueue(
        leads.map((target) => ({
          dedupeKey: `sla-leads:${review.appId}:v${review.version}:${target.platform}:${target.destination}`,
          platform: target.platform,
          destination: target.destination,
          appId: review.appId,
          payload: {
            kind: 'reminder',
            appVersion: review.version,
            team: 'leads',
            reply: {
              title: `Overdue review: ${review.reference}`,
              text: `🚨 Overdue review: ${waited} It is now past twice the SLA; please make sure someone decides.`,
              tone: 'warning',
            },
          },
        })),
      );
      if (added > 0) {
        leadEscalations += added;
        await tx.audit.record({
          actor: SYSTEM_ACTOR,
          action: 'review.sla_breached',
          appId: review.appId,
          details: {
            reference: review.reference,
            version: review.version,
            dueAt: review.dueAt.toISOString(),
            tier: review.tier,
          },
        });
      }
    });
  }
  reminders += await remindDigests(store, overdue);
  return { reminders, leadEscalations, overdue };
}

/**
 * Reviews asked for in a digest (a policy change) have no escalation of their own: the digest's channel
 * gets one reminder listing its late apps still waiting for that team, with their buttons. Each app is
 * reminded of once: a later reminder lists only apps that became late since.
 */
async function remindDigests(store: Store, overdue: OverdueReview[]): Promise<number> {
  const late = new Map<string, { digest: PostedDigest; items: PostedDigest['payload']['items'] }>();
  const itemKey = (where: PostedDigest, item: PostedDigest['payload']['items'][number]) =>
    `${where.platform} ${where.destination} ${item.appId}:${item.appVersion}:${item.team}`;
  const reminded = new Set<string>();
  for (const review of overdue) {
    if ((await store.outbox.escalationsOf(review.appId, review.version)).length > 0) continue;
    for (const digest of await store.outbox.digestsListing(review.appId, review.version)) {
      // The first digest listing the app is the policy change's; a reminder listing it says it was reminded.
      if (digest.payload.reminder) {
        for (const item of digest.payload.items) reminded.add(itemKey(digest, item));
        continue;
      }
      const items = digest.payload.items.filter(
        (item) =>
          item.appId === review.appId && item.appVersion === review.version && review.waitingFor.includes(item.team),
      );
      if (items.length === 0) continue;
      const entry = late.get(digest.id) ?? { digest, items: [] };
      entry.items.push(...items);
      late.set(digest.id, entry);
    }
  }
  let sent = 0;
  for (const { digest, items: all } of late.values()) {
    const items = all.filter((item) => !reminded.has(itemKey(digest, item)));
    if (items.length === 0) continue;
    const key = createHash('sha256')
      .update(
        items
          .map((item) => `${item.appId}:${item.appVersion}:${item.team}`)
          .sort()
          .join(' '),
      )
      .digest('hex')
      .slice(0, 16);
    const count = items.length;
    const reply = reviewDigestReply(
      {
        title: `Reminder: ${count === 1 ? 'one app' : `${count} apps`} waiting past the review SLA`,
        intro: `⏰ Reminder: ${count === 1 ? 'this app' : 'these apps'}, from "${digest.payload.reply.title ?? 'a policy change'}", ${count === 1 ? 'is' : 'are'} past the review SLA:`,
      },
      items,
    );
    sent += await store.outbox.enqueue([
      {
        dedupeKey: `reminder:digest:${digest.id}:${key}`,
        platform: digest.platform,
        destination: digest.destination,
        payload: { kind: 'review-digest', reply, items, reminder: true },
      },
    ]);
  }
  return sent;
}
