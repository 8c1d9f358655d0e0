import type { ReviewDigestPayload } from '../chat/outbox-payload.ts';
import type { Reply, ReplyButton } from '../chat/reply.ts';
import type { OutboxEntry } from '../store/outbox.ts';
import type { Store } from '../store/store.ts';
import type { DecisionRow } from '../store/types.ts';
import { reviewActionValue } from './actions.ts';

// A review digest: one message to a reviewers' channel listing every app a policy change asks it to
// review, each with its own buttons. As each app is decided, the message is edited: the app's line says
// who decided what, and its buttons go.

type DigestItem = ReviewDigestPayload['items'][number];

const OUTCOME: Record<string, string> = {
  approve: '✅ approved',
  reject: '❌ rejected',
  changes: '✏️ changes requested',
};

/** The digest as it stands: decided apps say so, the others keep their buttons. */
export function reviewDigestReply(
  heading: { title: string; intro: string },
  items: DigestItem[],
  decisionsOf: (item: DigestItem) => DecisionRow[] = () => [],
): Reply {
  const buttons: ReplyButton[] = [];
  const lines = items.map((item) => {
    const decisions = decisionsOf(item);
    // This team's decision, or another team's rejection or request for changes, which settles the review.
    const decided =
      decisions.find((row) => row.team === item.team) ?? decisions.find((row) => row.decision !== 'approve');
    if (decided) {
      const who = decided.reviewerName ?? `${decided.reviewerPlatform}:${decided.reviewerId}`;
      return `${item.line} — ${OUTCOME[decided.decision] ?? decided.decision} by ${who}`;
    }
    buttons.push(
      {
        label: `Approve ${item.label}`,
        value: reviewActionValue('approve', item.appId, item.appVersion, item.team),
        style: 'primary',
      },
      {
        label: `Request changes ${item.label}`,
        value: reviewActionValue('changes', item.appId, item.appVersion, item.team),
      },
      {
        label: `Reject ${item.label}`,
        value: reviewActionValue('reject', item.appId, item.appVersion, item.team),
        style: 'danger',
      },
    );
    return item.line;
  });
  return {
    literal: true,
    title: heading.title,
    text: [heading.intro, ...lines].join('\n'),
    ...(buttons.length > 0 ? { buttons } : {}),
    tone: buttons.length > 0 ? 'warning' : 'success',
  };
}

/** After a decision on an app version: the edits of every digest that lists it. */
export async function digestUpdates(
  tx: Store,
  appId: string,
  appVersion: number,
  decisionKey: string,
): Promise<OutboxEntry[]> {
  const digests = await tx.outbox.digestsListing(appId, appVersion);
  const decisions = new Map<string, DecisionRow[]>();
  const entries: OutboxEntry[] = [];
  for (const digest of digests) {
    for (const item of digest.payload.items) {
      const key = `${item.appId} ${item.appVersion}`;
      if (!decisions.has(key)) decisions.set(key, await tx.reviews.decisionsOf(item.appId, item.appVersion));
    }
    const original = digest.payload.reply;
    const intro = original.text.split('\n')[0] ?? '';
    const reply = reviewDigestReply(
      { title: original.title ?? '', intro },
      digest.payload.items,
      (item) => decisions.get(`${item.appId} ${item.appVersion}`) ?? [],
    );
    entries.push({
      dedupeKey: `${decisionKey}:digest:${digest.id}`,
      platform: digest.platform,
      destination: digest.destination,
      payload: { kind: 'update', updateOf: digest.id, reply },
    });
  }
  return entries;
}
