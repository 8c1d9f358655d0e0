// The free text Steward keeps (an app's name, description, department, systems, its owner's name) is
// plain text, whether it came from a chat, a form or `steward apps import`: one set of rules for all.

/**
 * Real HTML tags, Markdown links, and Slack's and Teams' control sequences (<!channel>, <@U123>, <#C123>,
 * <https://...|label>, <at>...</at>) are refused, so a stored value never renders as markup or pings anyone.
 * Other angle brackets ("Leads <EU>") are text.
 */
const MARKUP =
  /<\/?(?:script|style|iframe|img|a|b|i|u|em|strong|div|span|p|br|table|svg|object|embed|form|input|link|meta|html|body|at)\b[^>]*>|\[[^\]]*\]\([^)]*\)|<[!@#][^<>\s][^<>]*>|<(?:https?|mailto):[^<>]*>/iu;
const CONTROL = /[\p{Cc}\p{Cf}]/gu;
const ZERO_WIDTH_JOINER = '\u200d';
const EMOJI_PRESENTATION = '\ufe0f';

export interface PlainTextLimits {
  min: number;
  max: number;
  /** The field as a person calls it, for the problem message: "name", "owner name". */
  what: string;
  /** Accept text without a letter or digit (a display name that is only emoji). */
  anySymbols?: boolean;
}

export type PlainText = { ok: true; text: string } | { ok: false; problem: string };

/** Trimmed, white space folded, control characters removed (emoji joiners kept), within limits, no markup. */
export function plainText(text: string, limits: PlainTextLimits): PlainText {
  const cleaned = text
    .replace(CONTROL, (ch) =>
      ch === '\n' || ch === '\t' ? ' ' : ch === ZERO_WIDTH_JOINER || ch === EMOJI_PRESENTATION ? ch : '',
    )
    .replace(/\s+/gu, ' ')
    .trim();
  const problem = (message: string): PlainText => ({ ok: false, problem: message });
  if (cleaned.length < limits.min) return problem(`The ${limits.what} can't be empty.`);
  if (cleaned.length > limits.max) {
    return problem(
      `The ${limits.what} is ${cleaned.length.toLocaleString('en-US')} characters; please keep it under ${limits.max.toLocaleString('en-US')}.`,
    );
  }
  if (MARKUP.test(cleaned)) return problem(`Please write the ${limits.what} as plain text, without HTML or markup.`);
  if (!limits.anySymbols && !/[\p{L}\p{N}]/u.test(cleaned))
    return problem(`The ${limits.what} needs at least one letter or digit.`);
  return { ok: true, text: cleaned };
}
