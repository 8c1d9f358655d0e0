import type { Reply } from '../../src/chat/reply.ts';

// Renders the core's neutral replies as terminal text. A reply's text is its complete plain-text
// form, so fields (for richer platforms) are not repeated here.
//
// Two forms: plain (piped chats and printed escalations: one reply's text, its numbered choices and
// its answer words), and the interactive chat's, where Steward's lines start with "steward>" and are
// indented under it, wrapped to the terminal's width, and coloured when the terminal allows it.

/** *bold* is chat markup; in a terminal the asterisks are just noise. */
function plain(text: string): string {
  return text.replace(/\*([^*\n]+)\*/gu, '$1');
}

function buttonsLine(reply: Reply): string | undefined {
  if (!reply.buttons || reply.buttons.length === 0) return undefined;
  return `  (${reply.buttons.map((button) => (button.value.toLowerCase() === button.label.toLowerCase() ? button.value : `${button.value}: ${button.label}`)).join(' / ')})`;
}

export function renderReply(reply: Reply): string {
  const lines: string[] = [plain(reply.text)];
  if (reply.choices && reply.questionId !== 'summary') {
    reply.choices.options.forEach((option, index) => lines.push(`  ${index + 1}. ${option.label}`));
  }
  const buttons = buttonsLine(reply);
  if (buttons && !reply.choices && reply.questionId) lines.push(buttons);
  return lines.join('\n');
}

export function renderReplies(replies: Reply[]): string {
  return replies.map(renderReply).join('\n\n');
}

// ------------------------------------------------------------------------------- interactive chat

/** Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org) or TERM is dumb. */
export function colorWanted(stream: { isTTY?: boolean }, env: Record<string, string | undefined>): boolean {
  return Boolean(stream.isTTY) && !env.NO_COLOR && env.TERM !== 'dumb';
}

const SGR = { bold: '1', dim: '2', red: '31', green: '32', yellow: '33', magenta: '35', cyan: '36' } as const;
export type Paint = keyof typeof SGR;

export function paint(text: string, color: boolean, ...styles: Paint[]): string {
  if (!color || text === '' || styles.length === 0) return text;
  return `\u001b[${styles.map((style) => SGR[style]).join(';')}m${text}\u001b[0m`;
}

const BOT_PREFIX = 'steward> ';
export const USER_PROMPT = 'you> ';

export interface TerminalStyle {
  color: boolean;
  /** The terminal's width in columns; lines are wrapped to it. Unset: no wrapping. */
  columns?: number | undefined;
}

type LineKind = 'text' | 'choice' | 'hint';

interface Line {
  text: string;
  kind: LineKind;
  tone?: Reply['tone'];
}

/** The interactive form of one reply: its text, numbered choices one can type, and the words that answer it. */
function replyLines(reply: Reply): Line[] {
  const lines: Line[] = plain(reply.text)
    .split('\n')
    .map((text) => ({ text, kind: 'text', ...(reply.tone ? { tone: reply.tone } : {}) }));
  // The summary's choices are "change <item>", which its text already explains.
  if (reply.choices && reply.questionId !== 'summary') {
    const width = String(reply.choices.options.length).length;
    reply.choices.options.forEach((option, index) =>
      lines.push({ text: `  ${String(index + 1).padStart(width)}. ${option.label}`, kind: 'choice' }),
    );
    if (!reply.choices.multiple) lines.push({ text: '  Type a number or the answer.', kind: 'hint' });
  }
  // A maker's buttons are words they can type: "Type yes or no.", "Type "ask a human".".
  if (reply.buttons && reply.buttons.length > 0 && !reply.choices)
    lines.push({ text: `  Type ${typeable(reply.buttons)}.`, kind: 'hint' });
  return lines;
}

function typeable(buttons: NonNullable<Reply['buttons']>): string {
  const words = buttons.map((button) => {
    const word = /\s/u.test(button.value) ? `"${button.value}"` : button.value;
    return button.value.toLowerCase() === button.label.toLowerCase() ? word : `${word} (${button.label})`;
  });
  return words.length === 1 ? words[0]! : `${words.slice(0, -1).join(', ')} or ${words.at(-1)!}`;
}

/** Where a wrapped line continues: under the text after its indentation and any bullet or number. */
function hangingIndent(line: string): number {
  return /^\s*(?:(?:•|-|\d+\.)\s+)?/u.exec(line)?.[0].length ?? 0;
}

function wrapLine(line: string, width: number): string[] {
  if (width < 20 || line.length <= width) return [line];
  const indent = ' '.repeat(Math.min(hangingIndent(line), Math.floor(width / 2)));
  const rows: string[] = [];
  let rest = line;
  while (rest.length > width) {
    let cut = rest.lastIndexOf(' ', width);
    if (cut <= indent.length) cut = width;
    rows.push(rest.slice(0, cut).trimEnd());
    rest = indent + rest.slice(cut).trimStart();
  }
  rows.push(rest);
  return rows;
}

function paintLine(line: Line, text: string, color: boolean): string {
  if (line.kind === 'hint') return paint(text, color, 'dim');
  if (line.kind === 'choice') {
    const match = /^(\s*\d+\.)(.*)$/u.exec(text);
    return match ? `${paint(match[1]!, color, 'bold')}${match[2]}` : text;
  }
  if (line.tone === 'error' || line.tone === 'warning') return paint(text, color, 'yellow');
  if (line.tone === 'success') return paint(text, color, 'green');
  return text;
}

/**
 * One turn's replies as the interactive chat shows them: the first line after "steward> ", the others
 * indented under it, a blank line between replies.
 */
export function renderTurn(replies: Reply[], style: TerminalStyle): string {
  const indent = ' '.repeat(BOT_PREFIX.length);
  const width = style.columns ? style.columns - indent.length - 1 : Infinity;
  const rows: string[] = [];
  replies.forEach((reply, index) => {
    if (index > 0) rows.push('');
    for (const line of replyLines(reply)) {
      for (const text of Number.isFinite(width) ? wrapLine(line.text, width) : [line.text])
        rows.push(paintLine(line, text, style.color));
    }
  });
  return rows
    .map((row, index) =>
      index === 0
        ? `${paint(BOT_PREFIX.trimEnd(), style.color, 'bold', 'cyan')} ${row}`
        : row === ''
          ? ''
          : `${indent}${row}`,
    )
    .join('\n');
}
