import type { OutboxTransport } from '../../src/outbox/transport.ts';
import type { SlackRuntime } from './runtime.ts';
import { escapeText } from './blocks.ts';

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
  // Group memberships cost a Web API call: only asked for when the policy lists a user group anywhere.
  const groupIds = policyListsGroups(slack.services.policy) ? await slack.directory.groupsOf(reply.user) : [];
  const outcome = await slack.services.relayHumanAnswer({
    threadKey: handoffThreadKey(reply.channel, reply.threadTs),
    answer: reply.text,
    reviewer: { platform: 'slack', userId: reply.user, ...(displayName ? { displayName } : {}), groupIds },
    messageId: `slack:${reply.channel}:${reply.ts}`,
  });
  if (outcome.kind === 'relayed') {
    slack.logger.info({ handoffId: outcome.handoffId }, 'relayed a reviewer answer to the maker');
    // Deliver now rather than at the next poll: the maker is waiting.
    void slack.services.deliverNow();
  } else if (outcome.kind === 'ignored' && outcome.reason === 'not-reviewer') {
    // Told to the person alone, in the thread: the maker must not take it for the team's answer.
    await slack.web.chat.postEphemeral({
      channel: reply.channel,
      thread_ts: reply.threadTs,
      user: reply.user,
      text: escapeText(outcome.text),
    });
  }
}

function policyListsGroups(policy: SlackRuntime['services']['policy']): boolean {
  const lists = [...Object.values(policy.teams).map((team) => team.reviewers.slack), policy.leads.reviewers.slack];
  return lists.some((ids) => ids.some((id) => id.startsWith('S')));
}
