import type { InboundMessage } from '../../src/runtime/port.ts';
import type { SlackDirectory } from './directory.ts';
import { plainFromRichText, richTextBlocks, userIdsInRichText } from './rich-text.ts';
import { tidyText } from '../shared/tidy-text.ts';
import { mentionLabels, plainFromSlackText, userIdsInText, withoutBotMention } from './text.ts';

// What a person wrote in a Slack message (a DM, a mention, a thread reply), as they typed it, for the
// core: rich_text when the message has it (exact characters, Unicode emoji), else the escaped `text`.
// People mentioned are named as Slack shows them; Steward's own mention is left out.

export interface SlackMessageLike {
  text?: string;
  blocks?: unknown;
}

export interface ReadOptions {
  /** Steward's user id; undefined leaves out a mention that opens the message instead. */
  botUserId?: string;
  /** Finds display names for "<@U123>" (cached there); without it, people are named by id. */
  directory?: Pick<SlackDirectory, 'displayName'>;
}

async function displayNames(ids: string[], directory: ReadOptions['directory']): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  if (!directory) return names;
  await Promise.all(
    [...new Set(ids)].map(async (id) => {
      const name = await directory.displayName(id).catch(() => undefined);
      if (name) names.set(id, name);
    }),
  );
  return names;
}

type Mention = NonNullable<InboundMessage['mentions']>[number];

export interface ReadMessage {
  /** The words, without Steward's mention; '' when nothing else was written. */
  text: string;
  /** The people mentioned in those words (not Steward), with the name each mention reads as. */
  mentions: Mention[];
}

/** The message's words, without Steward's mention; '' when nothing else was written. */
export async function readMessageText(message: SlackMessageLike, options: ReadOptions = {}): Promise<string> {
  return (await readMessage(message, options)).text;
}

/** The message's words and whom it mentions, so the core knows who "@Pat Lee" is. */
export async function readMessage(message: SlackMessageLike, options: ReadOptions = {}): Promise<ReadMessage> {
  const text = message.text ?? '';
  const rich = richTextBlocks(message.blocks);
  const labels = mentionLabels(text);
  const ids = [...new Set([...userIdsInRichText(rich), ...userIdsInText(text)])].filter(
    (id) => id !== options.botUserId,
  );
  const users = await displayNames(
    ids.filter((id) => !labels.users.has(id)),
    options.directory,
  );
  const names = { users };
  if (rich.length > 0) {
    const plain = tidyText(plainFromRichText(rich, { names, labels, omitUser: options.botUserId ?? 'leading' }));
    // Rich text names a person by their display name first, as Slack shows them.
    if (plain !== '') return { text: plain, mentions: mentionsIn(plain, ids, users, labels.users, 'rich') };
  }
  const plain = tidyText(plainFromSlackText(withoutBotMention(text, options.botUserId), names));
  return { text: plain, mentions: mentionsIn(plain, ids, users, labels.users, 'text') };
}

/** Each mentioned person as their mention reads in `plain` (the way rich_text or `text` named them). */
function mentionsIn(
  plain: string,
  ids: string[],
  names: ReadonlyMap<string, string>,
  labels: ReadonlyMap<string, string>,
  from: 'rich' | 'text',
): Mention[] {
  return ids.flatMap((userId) => {
    const name =
      from === 'rich' ? (names.get(userId) ?? labels.get(userId)) : (labels.get(userId) ?? names.get(userId));
    const written = `@${(name ?? userId).replace(/^@/u, '')}`;
    // A mention left out of the words (one that opened the message, taken for Steward's) is not passed on.
    if (!plain.includes(written)) return [];
    return [{ userId, ...(name ? { displayName: name.replace(/^@/u, '') } : {}), text: written }];
  });
}
