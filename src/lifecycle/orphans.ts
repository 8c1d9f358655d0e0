import { leadsDestinations } from '../policy/routing.ts';
import type { Policy, Tier } from '../policy/schema.ts';
import { addBusinessDays } from '../review/sla.ts';
import { formatReference } from '../store/apps.ts';
import type { Store } from '../store/store.ts';

// Orphaned apps wait for the leads to name a new owner, on the review SLA of the app's tier: once the
// SLA has passed, the leads are reminded once. Safe to run often.

const DEFAULT_SLA_BUSINESS_DAYS = 5;

export async function remindAboutOrphans(
  store: Store,
  policy: Policy,
  now: Date,
  deliveryPlatforms: readonly string[],
): Promise<number> {
  let reminded = 0;
  for (const app of await store.apps.orphaned()) {
    if (!app.orphanedAt) continue;
    const days = policy.tiers[app.tier as Tier]?.reviewSla?.businessDays ?? DEFAULT_SLA_BUSINESS_DAYS;
    if (addBusinessDays(app.orphanedAt, days) > now) continue;
    const reference = formatReference(app.refNumber);
    reminded += await store.outbox.enqueue(
      leadsDestinations(policy, deliveryPlatforms).map((target) => ({
        dedupeKey: `orphan-reminder:${app.id}:${app.orphanedAt!.toISOString()}:${target.platform}:${target.destination}`,
        platform: target.platform,
        destination: target.destination,
        appId: app.id,
        payload: {
          kind: 'notification' as const,
          reply: {
            title: `Reminder: ${reference} still has no owner`,
            text: `⏰ ${reference} "${app.name}" has had no owner since ${app.orphanedAt!.toISOString().slice(0, 10)} (SLA ${days} business day${days === 1 ? '' : 's'}). Name one by telling me *hand on ${reference} to @name* (or their e-mail address).`,
            tone: 'warning' as const,
          },
        },
      })),
    );
  }
  return reminded;
}
