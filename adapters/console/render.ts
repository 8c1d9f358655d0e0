import type { Reply } from '../../src/chat/reply.ts';

// Renders the core's neutral replies as terminal text. A reply's text is its complete plain-text
// form, so fields (for richer platforms) are not repeated here.

/** *bold* is chat markup; in a terminal the asterisks are just noise. */
function plain(text: string): string {
  return text.replace(/\*([^*\n]+)\*/gu, '$1');
}

export function renderReply(reply: Reply): string {
  const lines: string[] = [plain(reply.text)];
  if (reply.choices && reply.questionId !== 'summary') {
    reply.choices.options.forEach((option, index) => lines.push(`  ${index + 1}. ${option.label}`));
  }
  if (reply.buttons && reply.buttons.length > 0 && !reply.choices && reply.questionId) {
    lines.push(`  (${reply.buttons.map((button) => (button.value.toLowerCase() === button.label.toLowerCase() ? button.value : `${button.value}: ${button.label}`)).join(' / ')})`);
  }
  return lines.join('\n');
}

export function renderReplies(replies: Reply[]): string {
  return replies.map(renderReply).join('\n\n');
}
