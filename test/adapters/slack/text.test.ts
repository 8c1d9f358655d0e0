// Slack's escaped `text` read back as typed (Slack's formatting reference: only &, < and > are
// escaped; links, mentions and broadcasts are control sequences in angle brackets).
import { describe, expect, it } from 'vitest';
import {
  decodeSlackEntities,
  mentionLabels,
  plainFromSlackText,
  readableLink,
  userIdsInText,
  withoutBotMention,
} from '../../../adapters/slack/text.ts';

const names = { users: new Map([['U0MIA', 'Mia']]) };

describe("Slack's text as typed", () => {
  it.each([
    ['R&amp;D budget tracker', 'R&D budget tracker'],
    ['R&amp;D &lt;EU&gt; budget :rocket:', 'R&D <EU> budget :rocket:'],
    // What someone typed as "&lt;" arrives as "&amp;lt;": decoded once, it is "&lt;" again.
    ['write &amp;lt; for &lt;', 'write &lt; for <'],
    // Only Slack's three entities: anything else is text someone typed.
    ['&quot;quoted&quot; &#39;x&#39; &nbsp;', '&quot;quoted&quot; &#39;x&#39; &nbsp;'],
    ['AT&amp;T & co', 'AT&T & co'],
    ['see <https://example.com/x?a=1&amp;b=2>', 'see https://example.com/x?a=1&b=2'],
    ['<http://example.com|example.com>', 'example.com'],
    ['<https://example.com/|example.com>', 'example.com'],
    ['<https://example.com/docs|the docs>', 'the docs (https://example.com/docs)'],
    ['<https://x.io/?q=a&amp;b|R&amp;D &lt;wiki&gt;>', 'R&D <wiki> (https://x.io/?q=a&b)'],
    ['mail <mailto:a@b.io|a@b.io>', 'mail a@b.io'],
    ['<tel:+4930123|+4930123>', '+4930123'],
    ['ask <@U0MIA>', 'ask @Mia'],
    ['ask <@U0BOB|bob>', 'ask @bob'],
    ['ask <@U0UNKNOWN>', 'ask @U0UNKNOWN'],
    ['in <#C0GEN|general>', 'in #general'],
    ['in <#C0GEN>', 'in #C0GEN'],
    ['in <#C0GEN|>', 'in #C0GEN'],
    ['<!here> and <!channel> and <!everyone>', '@here and @channel and @everyone'],
    ['<!here|@here> please', '@here please'],
    ['<!subteam^S0PRIV|@privacy-team> look', '@privacy-team look'],
    ['<!subteam^S0PRIV|privacy-team> look', '@privacy-team look'],
    ['<!subteam^S0PRIV> look', '@S0PRIV look'],
    ['due <!date^1392734382^{date_short}|Feb 18, 2014>', 'due Feb 18, 2014'],
    ['line one\nline two', 'line one\nline two'],
  ])('%j -> %j', (text, typed) => {
    expect(plainFromSlackText(text, names)).toBe(typed);
  });

  it('decodes in one pass, so nothing is decoded twice', () => {
    expect(decodeSlackEntities('&amp;amp; &amp;gt;')).toBe('&amp; &gt;');
  });

  it.each([
    ['https://example.com', undefined, 'https://example.com'],
    ['https://example.com', 'https://example.com', 'https://example.com'],
    ['http://example.com', 'example.com', 'example.com'],
    ['mailto:a@b.io', 'a@b.io', 'a@b.io'],
    ['https://example.com/a', 'our wiki', 'our wiki (https://example.com/a)'],
  ])('the link %s labelled %j reads %j', (url, label, readable) => {
    expect(readableLink(url, label)).toBe(readable);
  });

  it('finds who and what is mentioned, with the labels Slack wrote', () => {
    const text = 'hi <@U0MIA> <@U0BOB|bob> in <#C0GEN|general>, <!subteam^S0PRIV|@privacy-team>';
    expect(userIdsInText(text)).toEqual(['U0MIA', 'U0BOB']);
    const labels = mentionLabels(text);
    expect([...labels.users]).toEqual([['U0BOB', 'bob']]);
    expect([...labels.channels]).toEqual([['C0GEN', 'general']]);
    expect([...labels.groups]).toEqual([['S0PRIV', 'privacy-team']]);
  });
});

describe("Steward's own mention", () => {
  it.each([
    ['<@U0STEWARD> status APP-0001', 'U0STEWARD', 'status APP-0001'],
    ['can <@U0BOB|bob> use Airtable? <@U0STEWARD>', 'U0STEWARD', 'can <@U0BOB|bob> use Airtable?'],
    ['<@U0STEWARD|steward>   register', 'U0STEWARD', 'register'],
    ['<@U0STEWARD>', 'U0STEWARD', ''],
    // Without Steward's id, a mention that opens the message is taken to be Steward's.
    ['<@U0STEWARD> register', undefined, 'register'],
    ['<@U0STEWARD> first line\nsecond line', 'U0STEWARD', 'first line\nsecond line'],
    ['ask <@U0STEWARD> now', 'U0STEWARD', 'ask now'],
    ['<@U0STEWARD> steps:\n    indented', 'U0STEWARD', 'steps:\n    indented'],
  ])('%j without %s is %j', (text, botUserId, rest) => {
    expect(withoutBotMention(text, botUserId)).toBe(rest);
  });
});
