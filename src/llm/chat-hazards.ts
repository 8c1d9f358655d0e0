// What a model writes may reach a chat, where some text is more than text: Slack's <!channel> and
// <@U123>, Teams' <at>, links in Slack's, Markdown's or HTML's syntax, @everyone, and bare URLs and email
// addresses, which both platforms make clickable. A prompt injection can make a model write any of them,
// so model text is checked (or cleaned) here before anyone reads it. Escaping in the adapters is not
// enough: Slack and Teams turn a bare https://... into a link whatever the escaping.

/** Each hazard, and what is left of it once taken out: its label, or nothing. */
const HAZARDS: Array<{ pattern: RegExp; keep: (match: string, label?: string) => string }> = [
  // Teams mentions and HTML links: their label only.
  { pattern: /<at\b[^>]*>([^<]*)<\/at>/giu, keep: (_, label) => label ?? '' },
  { pattern: /<a\b[^>]*>([^<]*)<\/a>/giu, keep: (_, label) => label ?? '' },
  // Slack links <https://...|label> or <mailto:...>: the label, else nothing.
  { pattern: /<(?:https?|mailto|ftp):[^<>|]*(?:\|([^<>]*))?>/giu, keep: (_, label) => label ?? '' },
  // Slack mentions, broadcasts, channels and user groups: <!channel>, <@U123>, <#C123|name>, <!subteam^S1>.
  { pattern: /<[!@#][^<>]*>/gu, keep: () => '' },
  // Markdown links and images: their label.
  { pattern: /!?\[([^\]]*)\]\([^)]*\)/gu, keep: (_, label) => label ?? '' },
  // Bare URLs and email addresses.
  { pattern: /\b(?:(?:https?|ftp):\/\/|www\.|mailto:)[^\s<>"'`]+[^\s<>"'`.,;:!?)\]]/giu, keep: () => '[link removed]' },
  { pattern: /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+/gu, keep: () => '[address removed]' },
  // @everyone, @channel, @here, @name: the word without its @ (an email address's @ is not at a word's start).
  { pattern: /(?<![\p{L}\p{N}._%+-])@([\p{L}\p{N}_][\p{L}\p{N}_-]*)/gu, keep: (_, word) => word ?? '' },
];

/**
 * The text without mentions or links, except those `allowed` contains word for word (the handbook's own
 * links, say, or what the maker wrote). A link's label stays, so the sentence still reads.
 */
export function withoutChatHazards(text: string, allowed = ''): string {
  let safe = text;
  for (const { pattern, keep } of HAZARDS)
    safe = safe.replace(pattern, (match: string, ...groups: unknown[]) => {
      if (allowed.includes(match)) return match;
      // Without a capture group, the first argument after the match is its offset.
      return keep(match, typeof groups[0] === 'string' ? groups[0] : undefined);
    });
  // A hazard taken out of the middle of a line leaves two spaces, which become one.
  return safe === text ? text : safe.replace(/(\S)[^\S\n]{2,}/gu, '$1 ').trim();
}

/** True when the text has a mention or a link that `allowed` does not contain. */
export function hasChatHazards(text: string, allowed = ''): boolean {
  return withoutChatHazards(text, allowed) !== text;
}
