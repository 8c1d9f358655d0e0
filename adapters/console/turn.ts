import { randomUUID } from 'node:crypto';
import type { Reply } from '../../src/chat/reply.ts';
import type { ConsoleAdapterConfig } from './types.ts';

const APOLOGY = "Sorry, something went wrong on my side and that message wasn't saved. Please try again.";

/**
 * One message and its answer, written as one piece: the replies (as `render` shows them), then the
 * escalations the turn caused, then a blank line. The caller may have held the output already, to
 * write the message first.
 */
export async function takeTurn(
  config: ConsoleAdapterConfig,
  userId: string,
  text: string,
  render: (replies: Reply[]) => string,
): Promise<void> {
  const { output } = config;
  output.hold();
  try {
    const result = await config.steward.handleTurn({
      platform: 'console',
      channelId: 'terminal',
      user: { userId, displayName: userId },
      text,
      eventId: randomUUID(),
    });
    output.write(`${render(result.replies)}\n`);
    // Escalations are printed as soon as the turn that caused them is saved.
    await config.steward.deliverNow();
  } catch (error) {
    config.onError?.(error);
    output.write(`${render([{ text: APOLOGY, tone: 'error' }])}\n`);
  } finally {
    output.write('\n');
    output.flush();
  }
}
