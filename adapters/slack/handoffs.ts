import type { OutboxTransport } from '../../src/outbox/transport.ts';
import type { SlackRuntime } from './runtime.ts';

// "Ask a human" on Slack: the question posted in the team's channel becomes a thread, and what a
// reviewer writes in that thread is relayed to the maker.

function handoffThreadKey(channel: string, ts: string): string {
  return `slack:${channel}:${ts}`;
}

/** Wraps the transport so a delivered handoff question remembers its thread. */
export function recordingSlackHandoffThreads(
  transport: OutboxTransport,
  services: SlackRuntime['services'],
): OutboxTransport {
  return services.recordingHandoffThreads(transport, (receipt) =>
    receipt.channel && receipt.ts ? handoffThreadKey(receipt.channel, receipt.ts) : undefined,
  );
}

/** A person's message in a channel thread: if the thread is a handed-over question, it is the answer. */
export async function relayThreadReply(
  slack: SlackRuntime,
  reply: { channel: string; threadTs: string; ts: string; user: string; text: string },
): Promise<void> {
  const displayName = await slack.directory.displayName(reply.user);
  const outcome = await slack.services.relayHumanAnswer({
    threadKey: handoffThreadKey(reply.channel, reply.threadTs),
    answer: reply.text,
    reviewer: { platform: 'slack', userId: reply.user, ...(displayName ? { displayName } : {}) },
    messageId: `slack:${reply.channel}:${reply.ts}`,
  });
  if (outcome.kind === 'relayed') {
    slack.logger.info({ handoffId: outcome.handoffId }, 'relayed a reviewer answer to the maker');
    // Deliver now rather than at the next poll: the maker is waiting.
    void slack.services.deliverNow();
  }
}
