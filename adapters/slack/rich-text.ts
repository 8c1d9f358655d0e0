import type { MentionLabels, SlackNames } from './text.ts';
import { readableLink } from './text.ts';

// A message's rich_text blocks as the words the person typed. Unlike `text`, rich_text is not escaped,
// keeps emoji as Unicode code points and marks every mention and link as its own element (Block Kit
// reference: rich text block; @slack/types RichText*). Formatting (bold, code...) is how the words
// looked, not what they say, so styles are left out.

/** One rich text element; only the fields read here (each type has some of them). */
export interface RichTextElement {
  type: string;
  text?: string;
  url?: string;
  user_id?: string;
  channel_id?: string;
  usergroup_id?: string;
  team_id?: string;
  range?: string;
  name?: string;
  unicode?: string;
  fallback?: string;
  timestamp?: number;
  value?: string;
}

/** rich_text_section, rich_text_list (of sections), rich_text_quote, rich_text_preformatted. */
export interface RichTextContainer {
  type: string;
  elements?: Array<RichTextElement | RichTextContainer>;
  style?: string;
  indent?: number;
  offset?: number;
}

export interface RichTextBlock {
  type: 'rich_text';
  elements: RichTextContainer[];
}

export interface RichTextOptions {
  names?: SlackNames;
  /** Labels Slack gave the same mentions in the message's `text` (rich_text has ids only). */
  labels?: MentionLabels;
  /** A user mention to leave out (Steward's own); 'leading' leaves out a mention that opens the message. */
  omitUser?: string | 'leading';
}

export function richTextBlocks(blocks: unknown): RichTextBlock[] {
  if (!Array.isArray(blocks)) return [];
  return blocks.filter(
    (block): block is RichTextBlock =>
      (block as { type?: unknown })?.type === 'rich_text' && Array.isArray((block as { elements?: unknown }).elements),
  );
}

/** "1f680" -> 🚀; "1f44d-1f3fb" -> 👍🏻. Undefined when it is not a list of code points. */
export function emojiFromUnicode(unicode: string | undefined): string | undefined {
  if (!unicode || !/^[0-9a-f]{1,6}(?:-[0-9a-f]{1,6})*$/iu.test(unicode)) return undefined;
  const points = unicode.split('-').map((hex) => Number.parseInt(hex, 16));
  if (points.some((point) => point > 0x10ffff || (point >= 0xd800 && point <= 0xdfff))) return undefined;
  return String.fromCodePoint(...points);
}

const at = (name: string) => (name.startsWith('@') ? name : `@${name}`);

function inline(element: RichTextElement, options: RichTextOptions): string {
  const users = options.names?.users;
  const labels = options.labels;
  switch (element.type) {
    case 'text':
      return element.text ?? '';
    case 'link':
      return element.url ? readableLink(element.url, element.text) : (element.text ?? '');
    case 'user': {
      const id = element.user_id ?? '';
      return at(users?.get(id) ?? labels?.users.get(id) ?? id);
    }
    case 'channel': {
      const id = element.channel_id ?? '';
      return `#${labels?.channels.get(id) ?? id}`;
    }
    case 'usergroup': {
      const id = element.usergroup_id ?? '';
      return at(labels?.groups.get(id) ?? id);
    }
    case 'broadcast':
      return `@${element.range ?? 'here'}`;
    case 'emoji':
      return emojiFromUnicode(element.unicode) ?? `:${element.name ?? ''}:`;
    case 'date':
      return (
        element.fallback ?? (element.timestamp !== undefined ? new Date(element.timestamp * 1000).toISOString() : '')
      );
    case 'color':
      return element.value ?? '';
    case 'team':
      return at(element.team_id ?? '');
    default:
      return element.text ?? '';
  }
}

function sectionText(
  elements: Array<RichTextElement | RichTextContainer> | undefined,
  options: RichTextOptions,
): string {
  return (elements ?? []).map((element) => inline(element as RichTextElement, options)).join('');
}

function containerText(container: RichTextContainer, options: RichTextOptions): string {
  switch (container.type) {
    case 'rich_text_list': {
      const indent = '    '.repeat(container.indent ?? 0);
      return (container.elements ?? [])
        .map((item, index) => {
          const marker = container.style === 'ordered' ? `${(container.offset ?? 0) + index + 1}.` : '•';
          return `${indent}${marker} ${containerText(item as RichTextContainer, options).trimEnd()}`;
        })
        .join('\n');
    }
    case 'rich_text_quote':
      return sectionText(container.elements, options)
        .replace(/\n$/u, '')
        .split('\n')
        .map((line) => `> ${line}`)
        .join('\n');
    default:
      // rich_text_section and rich_text_preformatted: their words as they are.
      return sectionText(container.elements, options);
  }
}

/** Leaves out Steward's own mention (see RichTextOptions.omitUser). */
function withoutOmittedUser(blocks: RichTextBlock[], omit: RichTextOptions['omitUser']): RichTextBlock[] {
  if (!omit) return blocks;
  let first = true;
  const keep = (element: RichTextElement): boolean => {
    const opening = first;
    if (element.type === 'text' && !element.text?.trim()) return true;
    first = false;
    if (element.type !== 'user') return true;
    return omit === 'leading' ? !opening : element.user_id !== omit;
  };
  const prune = (container: RichTextContainer): RichTextContainer => {
    const elements: Array<RichTextElement | RichTextContainer> = [];
    for (const element of container.elements ?? []) {
      if ('elements' in element) elements.push(prune(element as RichTextContainer));
      else if (keep(element as RichTextElement)) elements.push(element);
    }
    return { ...container, elements };
  };
  return blocks.map((block) => ({ ...block, elements: block.elements.map(prune) }));
}

/** The words of rich_text blocks: sections as they are, list items and quotes on their own lines. */
export function plainFromRichText(blocks: RichTextBlock[], options: RichTextOptions = {}): string {
  let plain = '';
  for (const block of withoutOmittedUser(blocks, options.omitUser)) {
    for (const container of block.elements) {
      const part = containerText(container, options);
      if (part === '') continue;
      plain += plain === '' || plain.endsWith('\n') ? part : `\n${part}`;
    }
  }
  return plain;
}

/** Users mentioned in rich_text blocks, at any depth. */
export function userIdsInRichText(blocks: RichTextBlock[]): string[] {
  const ids: string[] = [];
  const visit = (element: RichTextElement | RichTextContainer) => {
    if (element.type === 'user' && (element as RichTextElement).user_id)
      ids.push((element as RichTextElement).user_id!);
    for (const child of (element as RichTextContainer).elements ?? []) visit(child);
  };
  for (const block of blocks) block.elements.forEach(visit);
  return ids;
}
