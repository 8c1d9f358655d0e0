// A name with &, <, > and an emoji, and a description with a link, typed in Slack: the server as
// `npm start` runs it receives them as Slack sends them (escaped `text` plus rich_text), stores what
// was typed, and shows it escaped exactly once in the maker's DM and in the reviewers' channel.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { FakeSlack, SlackCall } from '../../support/fake-slack.ts';
import { startFakeSlack } from '../../support/fake-slack.ts';
import { runSteward } from '../../support/processes.ts';
import type { RunningSteward } from './harness.ts';
import { BOT_TOKEN, GOV_CHANNELS, SlackSide, dmOf, fixture, startSteward, visibleText } from './harness.ts';
import { NEXT_QUESTION } from './registration-flow.ts';
import { MEDIUM_RISK_ANSWERS } from '../../support/steward.ts';

/* eslint-disable @typescript-eslint/no-explicit-any -- Slack payloads */

vi.setConfig({ testTimeout: 120_000 });

const NAME = 'R&D <EU> budget 🚀';
const NAME_MRKDWN = 'R&amp;D &lt;EU&gt; budget 🚀';
const URL = 'https://example.com/x?a=1&b=2';
const DESCRIPTION = `Tracks R&D spend per EU team, see ${URL}`;
const DESCRIPTION_MRKDWN = `Tracks R&amp;D spend per EU team, see https://example.com/x?a=1&amp;b=2`;

/** Each message as Slack delivers it: `text` escaped with emoji as :name:, and the rich_text block. */
const TYPED: Record<string, { text: string; elements: any[] }> = {
  [NAME]: {
    text: 'R&amp;D &lt;EU&gt; budget :rocket:',
    elements: [
      { type: 'text', text: 'R&D <EU> budget ' },
      { type: 'emoji', name: 'rocket', unicode: '1f680' },
    ],
  },
  [DESCRIPTION]: {
    text: 'Tracks R&amp;D spend per EU team, see <https://example.com/x?a=1&amp;b=2>',
    elements: [
      { type: 'text', text: 'Tracks R&D spend per EU team, see ' },
      { type: 'link', url: URL },
    ],
  },
};

const MAKER = 'UTYPIST1';
const ANSWERS = ['register', NAME, DESCRIPTION, ...MEDIUM_RISK_ANSWERS];

let fake: FakeSlack;
let steward: RunningSteward;
let slack: SlackSide;

beforeAll(async () => {
  fake = await startFakeSlack({
    botToken: BOT_TOKEN,
    channels: GOV_CHANNELS,
    users: { [MAKER]: { name: 'tia', real_name: 'Tia Typist' } },
  });
  steward = await startSteward(fake);
  slack = new SlackSide(steward, fake);
});

afterAll(async () => {
  if (process.env.SHOW_SERVER_OUTPUT) console.log(steward?.output());
  await steward?.stop();
  await fake?.close();
});

/** A DM exactly as Slack sends it for what the maker typed. */
async function dmAsSlackSendsIt(user: string, typed: string) {
  const sent = TYPED[typed];
  if (!sent) return slack.dm(user, typed);
  const envelope = fixture('event_message_im');
  const ts = `${Math.floor(Date.now() / 1000)}.${randomUUID().replace(/\D/gu, '').slice(0, 6).padEnd(6, '0')}`;
  Object.assign(envelope.event, {
    user,
    text: sent.text,
    channel: dmOf(user),
    ts,
    event_ts: ts,
    client_msg_id: randomUUID(),
  });
  envelope.event.blocks = [
    { type: 'rich_text', block_id: 'typed', elements: [{ type: 'rich_text_section', elements: sent.elements }] },
  ];
  envelope.event_id = `Ev${randomUUID().replaceAll('-', '').slice(0, 10).toUpperCase()}`;
  return slack.event(envelope);
}

/** Every mrkdwn and plain_text object of a posted message, with its type. */
function texts(call: SlackCall): Array<{ type: string; text: string }> {
  const found: Array<{ type: string; text: string }> = [];
  const visit = (node: any) => {
    if (!node || typeof node !== 'object') return;
    if ((node.type === 'mrkdwn' || node.type === 'plain_text') && typeof node.text === 'string')
      found.push({ type: node.type, text: node.text });
    Object.values(node).forEach(visit);
  };
  visit(call.args.blocks);
  return found;
}

describe('text typed in Slack', () => {
  it('is stored as typed and shown escaped exactly once, in the DM and in the reviewers’ channel', async () => {
    const dmCalls: SlackCall[] = [];
    for (const [index, answer] of ANSWERS.entries()) {
      const before = fake.calls.length;
      expect((await dmAsSlackSendsIt(MAKER, answer)).status).toBe(200);
      const next = NEXT_QUESTION[index] ?? 'Registered APP-';
      await fake.waitFor(
        (call) =>
          ['chat.postMessage', 'chat.update'].includes(call.method) &&
          call.response?.channel === dmOf(MAKER) &&
          visibleText(call).includes(next),
        {
          after: before,
          timeoutMs: 30_000,
          what: `"${next}" after "${answer}"`,
        },
      );
      dmCalls.push(
        ...fake.calls.slice(before).filter((call) => ['chat.postMessage', 'chat.update'].includes(call.method)),
      );
    }
    const registered = await fake.waitFor(
      (call) =>
        call.method === 'chat.postMessage' &&
        call.response?.channel === dmOf(MAKER) &&
        /Registered APP-\d{4}/u.test(visibleText(call)),
      {
        timeoutMs: 60_000,
        what: 'the registration',
      },
    );
    const reference = /APP-\d{4,}/u.exec(visibleText(registered))![0];

    // The inventory holds exactly what was typed.
    const exported = JSON.parse(
      (await runSteward(['apps', 'export', '--format', 'json'], steward.env)).stdout,
    ) as Array<Record<string, unknown>>;
    expect(exported.find((app) => app.reference === reference)).toMatchObject({
      profile: { name: NAME, description: DESCRIPTION },
    });

    // The name question, redrawn as answered: "✔ <name>" in mrkdwn, escaped once.
    const answered = dmCalls.find(
      (call) => call.method === 'chat.update' && visibleText(call).includes("What's the app called?"),
    );
    expect(texts(answered!)).toContainEqual({ type: 'mrkdwn', text: `✔ ${NAME_MRKDWN}` });

    // The summary: the name and description as mrkdwn fields, escaped once; the link's & too.
    const summary = dmCalls.find(
      (call) => call.method === 'chat.postMessage' && visibleText(call).includes('Summary'),
    )!;
    const summaryTexts = texts(summary)
      .map((text) => text.text)
      .join('\n');
    expect(summaryTexts).toContain(NAME_MRKDWN);
    expect(summaryTexts).toContain(DESCRIPTION_MRKDWN);

    // Nothing anywhere is escaped twice, and nothing the maker typed is left unescaped in mrkdwn.
    const everything = [...dmCalls, registered];
    for (const call of everything) {
      for (const text of texts(call)) {
        expect(text.text).not.toMatch(/&amp;(?:amp|lt|gt);/u);
        if (text.type === 'mrkdwn') expect(text.text).not.toContain('<EU>');
      }
      expect(String(call.args.text)).not.toMatch(/&amp;(?:amp|lt|gt);/u);
    }

    // The reviewers' channel: title and body as plain text, exactly as typed, so the maker's words can
    // neither mention or link anyone there nor be read as bold, italics or strike-through.
    const escalation = await fake.waitFor(
      (call) =>
        call.method === 'chat.postMessage' &&
        call.args.channel === 'C0PRIVACY' &&
        visibleText(call).includes(reference),
      {
        timeoutMs: 30_000,
        what: 'the escalation',
      },
    );
    const escalationTexts = texts(escalation);
    const plainTexts = escalationTexts.filter((text) => text.type === 'plain_text').map((text) => text.text);
    expect(plainTexts.filter((text) => text.includes(NAME)).length).toBeGreaterThanOrEqual(2);
    expect(escalationTexts.filter((text) => text.type === 'mrkdwn' && text.text.includes('budget'))).toEqual([]);
    for (const text of escalationTexts) expect(text.text).not.toMatch(/&amp;(?:amp|lt|gt);/u);
  });
});
