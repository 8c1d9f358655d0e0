import type { Reply, ReplyButton } from '../chat/reply.ts';
import type { Citation, GuardrailAnswer } from './answer.ts';

// A guardrail answer as the core's neutral reply: the answer, where it comes from, and a way to a person.

/** What the maker sends back by clicking; the dialogue turns it into a handoff of their last question. */
const ASK_A_HUMAN_VALUE = 'ask a human';
const ASK_A_HUMAN_BUTTON: ReplyButton = { label: 'Ask a human', value: ASK_A_HUMAN_VALUE };

export interface GuardrailReplyOptions {
  /**
   * 'always' (default): every answer drawn from the handbook offers a person, since an excerpt may miss
   * the point; 'when-unanswered': only answers the handbook does not settle do.
   */
  offerHuman?: 'always' | 'when-unanswered';
}

export function guardrailReplies(answer: GuardrailAnswer, options: GuardrailReplyOptions = {}): Reply[] {
  const lines = [answer.answer];
  if (answer.citations.length > 0) lines.push('', sourcesLine(answer.citations));
  // Off-topic answers cite nothing and need no person.
  const fromHandbook = answer.citations.length > 0 || answer.handoff;
  const offer = answer.handoff || (fromHandbook && (options.offerHuman ?? 'always') === 'always');
  return [{ text: lines.join('\n'), tone: 'info', ...(offer ? { buttons: [ASK_A_HUMAN_BUTTON] } : {}) }];
}

/** "Sources: Payment card data and PCI DSS (payment-card-data); ..." */
export function sourcesLine(citations: readonly Citation[]): string {
  return `Sources: ${citations.map((citation) => `${citation.title} (${citation.id})`).join('; ')}`;
}
