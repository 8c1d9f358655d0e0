// Whole Slack messages (fixtures shaped as Slack sends them) read as what the person typed.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readMessageText } from '../../../adapters/slack/message-text.ts';

/* eslint-disable @typescript-eslint/no-explicit-any -- Slack payloads */

const fixture = (name: string): any =>
  JSON.parse(readFileSync(path.join(import.meta.dirname, '..', '..', 'fixtures', 'slack', `${name}.json`), 'utf8'));

/** A directory that knows Mia, and counts its lookups. */
function directory() {
  const asked: string[] = [];
  return {
    asked,
    async displayName(userId: string) {
      asked.push(userId);
      return userId === 'U0MIA' ? 'Mia' : undefined;
    },
  };
}

describe('a Slack message as typed', () => {
  it('prefers rich_text: the exact characters and the emoji itself', async () => {
    const { event } = fixture('event_message_im_rich_text');
    expect(event.text).toBe('R&amp;D &lt;EU&gt; budget :rocket:');
    expect(await readMessageText(event, { botUserId: 'U0STEWARD' })).toBe('R&D <EU> budget 🚀');
  });

  it('reads a mention without Steward, naming the people, channel, link and group mentioned', async () => {
    const { event } = fixture('event_app_mention_rich_text');
    const people = directory();
    const typed = 'ask can @Mia put Q&A notes from #general in airtable.com? cc @privacy-team';
    expect(await readMessageText(event, { botUserId: 'U0STEWARD', directory: people })).toBe(typed);
    // Steward's own name is never looked up.
    expect(people.asked).toEqual(['U0MIA']);
    // The same message without rich_text (older clients, some integrations) reads the same.
    expect(await readMessageText({ text: event.text }, { botUserId: 'U0STEWARD', directory: people })).toBe(typed);
  });

  it("falls back to Slack's escaped text when there is no rich_text", async () => {
    const { event } = fixture('event_app_mention');
    expect(await readMessageText(event, { botUserId: 'U0STEWARD' })).toBe('help');
    expect(await readMessageText({ text: 'R&amp;D &lt;EU&gt; <https://example.com/x?a=1&amp;b=2>' })).toBe(
      'R&D <EU> https://example.com/x?a=1&b=2',
    );
  });

  it("is empty for a bare mention of Steward, and keeps people's names when the directory fails", async () => {
    expect(
      await readMessageText(
        {
          text: '<@U0STEWARD>',
          blocks: [
            {
              type: 'rich_text',
              elements: [{ type: 'rich_text_section', elements: [{ type: 'user', user_id: 'U0STEWARD' }] }],
            },
          ],
        },
        { botUserId: 'U0STEWARD' },
      ),
    ).toBe('');
    const failing = { displayName: () => Promise.reject(new Error('users.info failed')) };
    expect(await readMessageText({ text: 'thanks <@U0MIA>' }, { directory: failing })).toBe('thanks @U0MIA');
  });
});
