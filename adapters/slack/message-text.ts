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

/** The message's words, without Steward's mention; '' when nothing else was written. */
export async function readMessageText(message: SlackMessageLike, options: ReadOptions = {}): Promise<string> {
  const text = message.text ?? '';
  const rich = richTextBlocks(message.blocks);
  const labels = mentionLabels(text);
  const mentioned = [...userIdsInRichText(rich), ...userIdsInText(text)].filter(
    (id) => id !== options.botUserId && !labels.users.has(id),
  );
  const names = { users: await displayNames(mentioned, options.directory) };
  if (rich.length > 0) {
    const plain = tidyText(plainFromRichText(rich, { names, labels, omitUser: options.botUserId ?? 'leading' }));
    if (plain !== '') return plain;
  }
  return tidyText(plainFromSlackText(withoutBotMention(text, options.botUserId), names));
}
