// Whom a Slack message mentions, for the core (InboundMessage.mentions): each person other than
// Steward, by user id, with the name the mention reads as in the text the core gets.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readMessage } from '../../../adapters/slack/message-text.ts';

/* eslint-disable @typescript-eslint/no-explicit-any -- Slack payloads */

const fixture = (name: string): any =>
  JSON.parse(readFileSync(path.join(import.meta.dirname, '..', '..', 'fixtures', 'slack', `${name}.json`), 'utf8'));

const directory = {
  displayName: async (userId: string) => ({ U0MIA: 'Mia', UBACKUP1: 'Pat Lee' })[userId],
};

const section = (...elements: any[]) => [{ type: 'rich_text', elements: [{ type: 'rich_text_section', elements }] }];

describe('mentions in a Slack message', () => {
  it('names each mentioned person but Steward, as the rich text reads', async () => {
    const { event } = fixture('event_app_mention_rich_text');
    const read = await readMessage(event, { botUserId: 'U0STEWARD', directory });
    expect(read.mentions).toEqual([{ userId: 'U0MIA', displayName: 'Mia', text: '@Mia' }]);
    expect(read.text).toContain('@Mia');
  });

  it('reads the same from the escaped text alone, and from a label Slack gave the mention', async () => {
    expect(await readMessage({ text: 'my colleague <@UBACKUP1>' }, { botUserId: 'U0STEWARD', directory })).toEqual({
      text: 'my colleague @Pat Lee',
      mentions: [{ userId: 'UBACKUP1', displayName: 'Pat Lee', text: '@Pat Lee' }],
    });
    expect(await readMessage({ text: '<@U0STEWARD> <@UBACKUP1|pat>' }, { botUserId: 'U0STEWARD' })).toEqual({
      text: '@pat',
      mentions: [{ userId: 'UBACKUP1', displayName: 'pat', text: '@pat' }],
    });
  });

  it('keeps a person the directory cannot name, by id; one mentioned twice is one mention', async () => {
    const blocks = section(
      { type: 'user', user_id: 'UNKNOWN9' },
      { type: 'text', text: ' or ' },
      { type: 'user', user_id: 'UNKNOWN9' },
    );
    expect(
      await readMessage({ text: '<@UNKNOWN9> or <@UNKNOWN9>', blocks }, { botUserId: 'U0STEWARD', directory }),
    ).toEqual({
      text: '@UNKNOWN9 or @UNKNOWN9',
      mentions: [{ userId: 'UNKNOWN9', text: '@UNKNOWN9' }],
    });
  });

  it('passes on no mention for a message that only mentions Steward', async () => {
    const blocks = section({ type: 'user', user_id: 'U0STEWARD' }, { type: 'text', text: ' register' });
    expect(await readMessage({ text: '<@U0STEWARD> register', blocks }, { botUserId: 'U0STEWARD' })).toEqual({
      text: 'register',
      mentions: [],
    });
  });
});
