import { appListReply } from '../../../src/apps/present.ts';
import { describe, expect, it } from 'vitest';
import type { Reply } from '../../../src/chat/reply.ts';
import type { App } from '../../../src/generated/prisma/client.ts';
import { ACTION_IDS, parseQuestionBlockId, renderAnswered, renderReply } from '../../../adapters/slack/blocks.ts';
import type { Block } from '../../../adapters/slack/blocks.ts';
import { homeView } from '../../../adapters/slack/home.ts';
import { reasonModal } from '../../../adapters/slack/review.ts';

/* eslint-disable @typescript-eslint/no-explicit-any -- reading Block Kit JSON */

const options = (count: number) =>
  Array.from({ length: count }, (_, index) => ({ value: `v${index}`, label: `Option ${index + 1}` }));
const actionsOf = (blocks: Block[]): any[] => (blocks.find((block) => block.type === 'actions') as any)?.elements ?? [];

describe('Reply as Block Kit', () => {
  it('shows up to five choices as buttons that send their value', () => {
    const { blocks } = renderReply(
      { text: 'Who will use it?', choices: { multiple: false, options: options(5) }, questionId: 'q:audience' },
      { askedTo: 'U1' },
    );
    const buttons = actionsOf(blocks);
    expect(buttons.map((button) => [button.type, button.text.text, button.value])).toEqual(
      options(5).map((option) => ['button', option.label, option.value]),
    );
    expect(new Set(buttons.map((button) => button.action_id)).size).toBe(5);
    expect(parseQuestionBlockId((blocks.at(-1) as any).block_id)).toEqual({ askedTo: 'U1', questionId: 'q:audience' });
  });

  it('shows more than five choices as a select menu', () => {
    const [menu] = actionsOf(
      renderReply({ text: 'Built with?', choices: { multiple: false, options: options(10) } }).blocks,
    );
    expect(menu).toMatchObject({ type: 'static_select', action_id: ACTION_IDS.select });
    expect(menu.options).toHaveLength(10);
  });

  it('shows a multiple choice as checkboxes with a Done button, or a multi-select past ten options', () => {
    const labelled = [
      { value: 'personal', label: 'Personal data (names, emails, phone numbers of people)' },
      ...options(3),
    ];
    const [boxes, done] = actionsOf(
      renderReply({ text: 'Data?', choices: { multiple: true, options: labelled } }).blocks,
    );
    expect(boxes.type).toBe('checkboxes');
    expect(boxes.options[0]).toMatchObject({
      value: 'personal',
      text: { text: 'Personal data' },
      description: { text: 'names, emails, phone numbers of people' },
    });
    expect(done).toMatchObject({ type: 'button', action_id: ACTION_IDS.submitPicks, text: { text: 'Done' } });
    const [menu] = actionsOf(renderReply({ text: 'Data?', choices: { multiple: true, options: options(11) } }).blocks);
    expect(menu.type).toBe('multi_static_select');
  });

  it('shows a summary as a header, fields (not repeated in the text), a change menu and the submit buttons', () => {
    const summary: Reply = {
      title: 'Summary',
      text: 'Summary:\nName: Tracker\nWho uses it: My team\nReply *yes* to submit.',
      fields: [
        { label: 'Name', value: 'Tracker' },
        { label: 'Who uses it', value: 'My team', inferred: true },
      ],
      buttons: [
        { label: 'Submit', value: 'yes', style: 'primary' },
        { label: 'Cancel', value: 'cancel', style: 'danger' },
      ],
      choices: { multiple: false, options: [{ value: 'change name', label: 'Change: Name' }] },
      questionId: 'summary',
    };
    const { blocks, text } = renderReply(summary);
    expect(blocks.map((block) => block.type)).toEqual(['header', 'section', 'section', 'actions']);
    expect((blocks[1] as any).fields.map((field: any) => field.text)).toEqual([
      '*Name*\nTracker',
      '*Who uses it*\nMy team _(inferred)_',
    ]);
    expect((blocks[2] as any).text.text).toBe('Reply *yes* to submit.');
    expect(
      actionsOf(blocks).map((element) => [element.type, element.text?.text ?? element.placeholder.text, element.style]),
    ).toEqual([
      ['static_select', 'Change an answer…', undefined],
      ['button', 'Submit', 'primary'],
      ['button', 'Cancel', 'danger'],
    ]);
    expect(text).toBe(summary.text);
  });

  it('escapes what Slack would read as mentions or links in user-provided text', () => {
    const { text, blocks } = renderReply({
      text: 'Registered "<!channel> & <@U123>"',
      fields: [{ label: 'Name', value: '<https://evil.example|click>' }],
    });
    expect(text).toBe('Registered "&lt;!channel&gt; &amp; &lt;@U123&gt;"');
    expect(JSON.stringify(blocks)).not.toMatch(/<!channel>|<@U123>|<https/u);
  });

  it('splits long text under Slack’s 3000-character section limit and keeps labels within 75', () => {
    const long = Array.from({ length: 200 }, (_, index) => `Line ${index} ${'x'.repeat(30)}`).join('\n');
    const { blocks } = renderReply({ text: long, buttons: [{ label: 'L'.repeat(100), value: 'v' }] });
    const sections = blocks.filter((block) => block.type === 'section') as any[];
    expect(sections.length).toBeGreaterThan(1);
    for (const section of sections) expect(section.text.text.length).toBeLessThanOrEqual(3000);
    expect(actionsOf(blocks)[0].text.text).toHaveLength(75);
  });

  it('redraws an answered question without its controls, with the answer', () => {
    const question = renderReply({
      text: 'Who will use it?',
      choices: { multiple: false, options: options(3) },
      questionId: 'q:audience',
    });
    const answered = renderAnswered(question, 'My team');
    expect(answered.blocks.some((block) => block.type === 'actions')).toBe(false);
    expect(answered.blocks.at(-1)).toEqual({ type: 'context', elements: [{ type: 'mrkdwn', text: '✔ My team' }] });
    expect(answered.text).toBe('Who will use it?\n✔ My team');
    expect(renderAnswered(question, undefined).blocks.map((block) => block.type)).toEqual(['section']);
  });
});

describe('a name as typed, escaped exactly once', () => {
  // What a person sees in Slack: mrkdwn with Slack's three entities decoded once; plain_text as it is.
  const NAME = 'R&D <EU> tracker 🚀 https://example.com/x?a=1&b=2';
  const MRKDWN = 'R&amp;D &lt;EU&gt; tracker 🚀 https://example.com/x?a=1&amp;b=2';
  const seen = (mrkdwn: string) =>
    mrkdwn.replace(/&(amp|lt|gt);/gu, (_, name: string) => ({ amp: '&', lt: '<', gt: '>' })[name]!);
  const texts = (blocks: unknown): Array<{ type: string; text: string }> => {
    const found: Array<{ type: string; text: string }> = [];
    const visit = (node: any) => {
      if (!node || typeof node !== 'object') return;
      if ((node.type === 'mrkdwn' || node.type === 'plain_text') && typeof node.text === 'string')
        found.push({ type: node.type, text: node.text });
      Object.values(node).forEach(visit);
    };
    visit(blocks);
    return found;
  };

  it('in a summary: the header and buttons raw, the text, fields and fallback escaped once', () => {
    const { text, blocks } = renderReply({
      title: `APP-0001 ${NAME}`,
      text: `Registered APP-0001 "${NAME}".\nName: ${NAME}`,
      fields: [{ label: 'Name', value: NAME }],
      buttons: [{ label: NAME, value: 'status APP-0001' }],
    });
    expect(texts(blocks)).toEqual([
      { type: 'plain_text', text: `APP-0001 ${NAME}` },
      { type: 'mrkdwn', text: `Registered APP-0001 "${MRKDWN}".` },
      { type: 'mrkdwn', text: `*Name*\n${MRKDWN}` },
      { type: 'plain_text', text: NAME },
    ]);
    expect(text).toBe(`Registered APP-0001 "${MRKDWN}".\nName: ${MRKDWN}`);
    expect(seen(text)).toBe(`Registered APP-0001 "${NAME}".\nName: ${NAME}`);
  });

  it('as the answer of an answered question, once', () => {
    const answered = renderAnswered(renderReply({ text: "What's the app called?", questionId: 'q:name' }), NAME);
    expect(answered.blocks.at(-1)).toEqual({ type: 'context', elements: [{ type: 'mrkdwn', text: `✔ ${MRKDWN}` }] });
    expect(answered.text).toBe(`What's the app called?\n✔ ${MRKDWN}`);
  });

  it("on App Home and in the reviewer's reason form", () => {
    const app = { refNumber: 1, name: NAME, status: 'registered', tier: 'medium' } as unknown as App;
    expect(texts(homeView(appListReply([app])).blocks)).toContainEqual({
      type: 'mrkdwn',
      text: `*APP-0001 ${MRKDWN}*\nregistered · medium risk`,
    });
    const form = reasonModal('reject', 'review reject app 1 privacy', 'C0PRIVACY', `Review needed: APP-0001 ${NAME}`);
    expect(texts(form.blocks)[0]).toEqual({ type: 'plain_text', text: `Review needed: APP-0001 ${NAME}` });
  });
});
