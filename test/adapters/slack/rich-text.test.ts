// rich_text blocks read as the words typed; element shapes as in Slack's Block Kit reference
// (@slack/types RichTextText, RichTextLink, RichTextEmoji, RichTextUserMention...).
import { describe, expect, it } from 'vitest';
import type { RichTextBlock, RichTextContainer, RichTextElement } from '../../../adapters/slack/rich-text.ts';
import {
  emojiFromUnicode,
  plainFromRichText,
  richTextBlocks,
  userIdsInRichText,
} from '../../../adapters/slack/rich-text.ts';
import { mentionLabels } from '../../../adapters/slack/text.ts';

const section = (...elements: RichTextElement[]): RichTextContainer => ({ type: 'rich_text_section', elements });
const block = (...elements: RichTextContainer[]): RichTextBlock[] => [{ type: 'rich_text', elements }];
const names = { users: new Map([['U0MIA', 'Mia']]) };
const labels = mentionLabels('<#C0GEN|general> <!subteam^S0PRIV|@privacy-team> <@U0BOB|bob>');

describe('rich_text as typed', () => {
  it.each<[string, RichTextElement[], string]>([
    ['text, unescaped', [{ type: 'text', text: 'R&D <EU> budget' }], 'R&D <EU> budget'],
    [
      'styles left out',
      [
        { type: 'text', text: 'bold', style: { bold: true } } as RichTextElement,
        { type: 'text', text: ' and ' },
        { type: 'text', text: 'code', style: { code: true } } as RichTextElement,
      ],
      'bold and code',
    ],
    [
      'an emoji with its code point',
      [
        { type: 'text', text: 'budget ' },
        { type: 'emoji', name: 'rocket', unicode: '1f680' },
      ],
      'budget 🚀',
    ],
    ['an emoji with a skin tone', [{ type: 'emoji', name: '+1::skin-tone-2', unicode: '1f44d-1f3fb' }], '👍🏻'],
    ['a joined emoji', [{ type: 'emoji', name: 'woman-technologist', unicode: '1f469-200d-1f4bb' }], '👩‍💻'],
    ['a custom emoji, by name', [{ type: 'emoji', name: 'partyparrot' }], ':partyparrot:'],
    ['a bare link', [{ type: 'link', url: 'https://example.com/x?a=1&b=2' }], 'https://example.com/x?a=1&b=2'],
    ['a link typed without scheme', [{ type: 'link', url: 'http://example.com', text: 'example.com' }], 'example.com'],
    [
      'a labelled link',
      [{ type: 'link', url: 'https://example.com/docs', text: 'the docs' }],
      'the docs (https://example.com/docs)',
    ],
    ['a user, by display name', [{ type: 'user', user_id: 'U0MIA' }], '@Mia'],
    ["a user, by the text's label", [{ type: 'user', user_id: 'U0BOB' }], '@bob'],
    ['a user nobody named', [{ type: 'user', user_id: 'U0NOBODY' }], '@U0NOBODY'],
    ['a channel', [{ type: 'channel', channel_id: 'C0GEN' }], '#general'],
    ['a user group', [{ type: 'usergroup', usergroup_id: 'S0PRIV' }], '@privacy-team'],
    ['a broadcast', [{ type: 'broadcast', range: 'here' }], '@here'],
    ['a date, by its fallback', [{ type: 'date', timestamp: 1392734382, fallback: 'Feb 18, 2014' }], 'Feb 18, 2014'],
  ])('%s', (_, elements, typed) => {
    expect(plainFromRichText(block(section(...elements)), { names, labels })).toBe(typed);
  });

  it('puts list items, quotes and code on their own lines', () => {
    const blocks = block(
      section({ type: 'text', text: 'Steps:\n' }),
      {
        type: 'rich_text_list',
        style: 'ordered',
        indent: 0,
        elements: [section({ type: 'text', text: 'export' }), section({ type: 'text', text: 'import' })],
      },
      { type: 'rich_text_list', style: 'bullet', indent: 1, elements: [section({ type: 'text', text: 'check' })] },
      { type: 'rich_text_quote', elements: [{ type: 'text', text: 'quoted\ntwice' }] },
      { type: 'rich_text_preformatted', elements: [{ type: 'text', text: 'a < b && c' }] },
      section({ type: 'text', text: 'done' }),
    );
    expect(plainFromRichText(blocks)).toBe(
      'Steps:\n1. export\n2. import\n    • check\n> quoted\n> twice\na < b && c\ndone',
    );
  });

  it("leaves out Steward's own mention, or without its id a mention that opens the message", () => {
    const mention = block(
      section(
        { type: 'user', user_id: 'U0STEWARD' },
        { type: 'text', text: ' ask ' },
        { type: 'user', user_id: 'U0MIA' },
      ),
    );
    expect(plainFromRichText(mention, { names, omitUser: 'U0STEWARD' })).toBe(' ask @Mia');
    expect(plainFromRichText(mention, { names, omitUser: 'leading' })).toBe(' ask @Mia');
    expect(plainFromRichText(mention, { names })).toBe('@U0STEWARD ask @Mia');
  });

  it('finds the rich_text blocks and the users they mention', () => {
    const blocks = richTextBlocks([
      { type: 'section', text: { type: 'mrkdwn', text: 'x' } },
      ...block(section({ type: 'user', user_id: 'U0MIA' })),
    ]);
    expect(blocks).toHaveLength(1);
    expect(userIdsInRichText(blocks)).toEqual(['U0MIA']);
    expect(richTextBlocks(undefined)).toEqual([]);
  });

  it.each([
    ['1f680', '🚀'],
    ['1F600', '😀'],
    ['', undefined],
    ['zz', undefined],
    ['d800', undefined],
    ['110000', undefined],
  ])('unicode %j is %j', (unicode, emoji) => {
    expect(emojiFromUnicode(unicode)).toBe(emoji);
  });
});
