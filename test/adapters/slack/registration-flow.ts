import type { FakeSlack } from '../../support/fake-slack.ts';
import type { SlackSide } from './harness.ts';
import { dmOf, visibleText } from './harness.ts';

/**
 * Words of the question Steward asks after each answer of a plain medium-risk registration (no AI, no
 * risky words; MEDIUM_RISK_ANSWERS), which asks for a backup owner.
 */
export const NEXT_QUESTION = [
  "What's the app called?",
  'what does it do',
  'What did you build it with?',
  'Which department',
  'Who will use it?',
  'how many people',
  'What kinds of data',
  'connect to other systems',
  'use AI',
  'stopped working',
  'outside the company',
  "Who looks after the app when you're away?",
  'Summary',
  'Registered APP-',
];

/**
 * Says each line in the DM and, like a person, waits for the question that follows it before the
 * next: Steward takes two messages sent at once in either order, as a chat would.
 */
export async function converse(slack: SlackSide, fake: FakeSlack, user: string, lines: string[]): Promise<void> {
  for (const [index, line] of lines.entries()) {
    const before = fake.calls.length;
    await slack.dm(user, line);
    const next = NEXT_QUESTION[index];
    await fake.waitFor(
      (call) =>
        ['chat.postMessage', 'chat.update'].includes(call.method) &&
        call.response?.channel === dmOf(user) &&
        (next === undefined || visibleText(call).includes(next)),
      { after: before, timeoutMs: 30_000, what: `"${next ?? 'an answer'}" after "${line}"` },
    );
  }
}
