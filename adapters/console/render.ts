import type { Reply } from '../../src/chat/reply.ts';

// Renders the core's neutral replies as terminal text.

/** *bold* is chat markup; in a terminal the asterisks are just noise. */
function plain(text: string): string {
  return text.replace(/\*([^*\n]+)\*/gu, '$1');
}

export function renderReply(reply: Reply): string {
  const lines: string[] = [plain(reply.text)];
  const alreadyListed = reply.fields && reply.text.includes(reply.fields[0]?.value ?? '\u0000');
  if (reply.fields && !alreadyListed && reply.questionId !== 'summary') {
    for (const field of reply.fields) lines.push(`  ${field.label}: ${field.value}${field.inferred ? ' (inferred)' : ''}`);
  }
  if (reply.choices && reply.questionId !== 'summary') {
    reply.choices.options.forEach((option, index) => lines.push(`  ${index + 1}. ${option.label}`));
  }
  if (reply.buttons && reply.buttons.length > 0 && !reply.choices) {
    lines.push(`  [${reply.buttons.map((button) => `${button.label}: type "${button.value}"`).join(' | ')}]`);
  }
  return lines.join('\n');
}

export function renderReplies(replies: Reply[]): string {
  return replies.map(renderReply).join('\n\n');
}
