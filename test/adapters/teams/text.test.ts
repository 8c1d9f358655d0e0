// Teams text read as typed (mentions, entities, markup), and the core's words shown as typed in Teams
// messages and cards.
import { describe, expect, it } from 'vitest';
import { answeredCard, escapeForMarkdown, renderCard, replyActivity } from '../../../adapters/teams/cards.ts';
import { decodeHtmlEntities, htmlToText, plainText } from '../../../adapters/teams/html-text.ts';
import { messageText } from '../../../adapters/teams/inbound.ts';
import { fixture, shown } from './steward-server.ts';
import type { ConnectorCall } from '../../support/fake-bot-connector.ts';

/* eslint-disable @typescript-eslint/no-explicit-any -- cards are read field by field */

const NAME = 'R&D <EU> budget 🚀';

describe('Teams text as typed', () => {
  it.each([
    ['R&amp;D', 'R&D'],
    ['&lt;EU&gt; &quot;q&quot; &#39;a&#39; &apos;b&apos;', "<EU> \"q\" 'a' 'b'"],
    ['a&nbsp;b', 'a b'],
    ['&#128640; &#x1F680; &#X1f680;', '🚀 🚀 🚀'],
    // One pass: what someone typed as "&lt;" arrives as "&amp;lt;".
    ['&amp;lt; &amp;amp;', '&lt; &amp;'],
    // Not entities: left as typed.
    ['AT&T, &unknown; &#0; &#xD800; &#1114112;', 'AT&T, &unknown; &#0; &#xD800; &#1114112;'],
  ])('entities: %j -> %j', (text, typed) => {
    expect(decodeHtmlEntities(text)).toBe(typed);
  });

  it.each([
    ['<p>R&amp;D &lt;EU&gt; budget 🚀</p>', NAME],
    ['<div><div>first</div><div>second</div></div>', 'first\nsecond'],
    ['<p>one<br>two<br/>three</p>\n<p>four</p>', 'one\ntwo\nthree\nfour'],
    ['<span style="color: red">red</span> <strong>bold</strong> <em>it</em>', 'red bold it'],
    [
      '<a href="https://example.com/x?a=1&amp;b=2">https://example.com/x?a=1&amp;b=2</a>',
      'https://example.com/x?a=1&b=2',
    ],
    ['<a href="http://example.com">example.com</a>', 'example.com'],
    ['<a href="https://example.com/docs" title="Docs">the <b>docs</b></a>', 'the docs (https://example.com/docs)'],
    ['<a href="mailto:a@b.io">a@b.io</a>', 'a@b.io'],
    ['budget <emoji id="1f680_rocket" alt="🚀" title="Rocket"></emoji>', 'budget 🚀'],
    ['<img alt="😀" itemtype="http://schema.skype.com/Emoji" src="x.png">', '😀'],
    ['<ul><li>one</li><li>two</li></ul>', '• one\n• two'],
    ['<at>Bob Builder</at> can use a &lt; b', 'Bob Builder can use a < b'],
  ])('html: %j -> %j', (html, typed) => {
    expect(htmlToText(html).trim()).toBe(typed);
  });

  it.each([
    // Plain text keeps a typed "<" (Teams sends it raw there).
    [NAME, NAME],
    ['a <b> c &amp; <at>Bob</at>', 'a <b> c & Bob'],
  ])('plain: %j -> %j', (text, typed) => {
    expect(plainText(text)).toBe(typed);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['a personal message with &, <, > and an emoji', fixture('personal-message-special-characters'), NAME],
    [
      'a channel mention in html, with formatting, a link, an emoji and another mention',
      fixture('channel-mention-html'),
      'register R&D <EU> budget 🚀\nsee https://example.com/x?a=1&b=2 with Bob Builder',
    ],
    [
      'the bot mentioned mid-sentence',
      fixture('channel-mention', { text: 'please <at>Steward</at> register&nbsp;R&amp;D' }),
      'please register R&D',
    ],
    [
      'a mention whose entity lost its text (a name with &)',
      fixture('channel-mention', {
        text: '<at>Steward &amp; Co</at> help',
        recipient: { id: '28:steward-bot-id', name: 'Steward & Co' },
        entities: [{ type: 'mention', mentioned: { id: '28:steward-bot-id', name: 'Steward & Co' } }],
      }),
      'help',
    ],
    [
      'every mention of the bot is removed',
      fixture('channel-mention', {
        text: '<at>Steward</at> ask <at>Steward</at>?',
        entities: [
          { type: 'mention', mentioned: { id: '28:steward-bot-id', name: 'Steward' }, text: '<at>Steward</at>' },
        ],
      }),
      'ask ?',
    ],
  ])('%s', (_, activity, typed) => {
    expect(messageText(activity)).toBe(typed);
  });
});

describe('names shown as typed in Teams', () => {
  const posted = (activity: object) => ({ activity }) as ConnectorCall;

  it('in a card: text blocks, facts, the answered card and the fallback take the text as it is', () => {
    const card = renderCard({
      title: `APP-0001 ${NAME}`,
      text: `Registered APP-0001 "${NAME}".`,
      fields: [{ label: 'Name', value: NAME }],
      buttons: [{ label: 'OK', value: 'ok' }],
    });
    expect(shown(posted({ attachments: [{ content: card }] }))).toBe(
      `APP-0001 ${NAME}\nRegistered APP-0001 "${NAME}".\nName: ${NAME}`,
    );
    expect(card.fallbackText).toBe(`Registered APP-0001 "${NAME}".`);
    expect(answeredCard("What's the app called?", NAME).body.at(-1)).toMatchObject({ text: `✔ ${NAME}` });
  });

  it('in a markdown message: &, < and > as entities, once, so Teams shows them and not a tag', () => {
    const activity = replyActivity({ text: `I didn't recognise "${NAME}". Say *help*.` });
    expect(activity).toEqual({
      type: 'message',
      text: 'I didn\'t recognise "R&amp;D &lt;EU&gt; budget 🚀". Say **help**.',
      textFormat: 'markdown',
    });
    expect(escapeForMarkdown('keep `a < b && c` as code, not <this>')).toBe(
      'keep `a < b && c` as code, not &lt;this&gt;',
    );
  });

  it("the core's *bold* still works around escaped text", () => {
    expect((replyActivity({ text: `*${NAME}* registered` }) as any).text).toBe(
      '**R&amp;D &lt;EU&gt; budget 🚀** registered',
    );
  });
});
