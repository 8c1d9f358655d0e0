// A name with &, <, > and an emoji, and a description with a link, typed in Teams: the real
// `steward serve` (emulator mode) receives them as Teams sends them, stores what was typed, and shows
// it as typed: raw in Adaptive Cards, entity-escaped once in markdown messages.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startFakeBotConnector } from '../../support/fake-bot-connector.ts';
import type { ConnectorCall, FakeBotConnector } from '../../support/fake-bot-connector.ts';
import { runSteward, stewardEnv } from '../../support/processes.ts';
import { NEXT_QUESTION } from '../slack/registration-flow.ts';
import { card, fixture, shown, startEmulatorSteward } from './steward-server.ts';
import type { EmulatorSteward } from './steward-server.ts';
import { MEDIUM_RISK_ANSWERS } from '../../support/steward.ts';

vi.setConfig({ testTimeout: 120_000 });

const NAME = 'R&D <EU> budget 🚀';
const URL = 'https://example.com/x?a=1&b=2';
const DESCRIPTION = `Tracks R&D spend per EU team, see ${URL}`;

/**
 * Each message as Teams delivers it. Typed plain text comes as typed (with the HTML copy attached); a
 * message with a link, sent formatted, comes as markup with its entities.
 */
const AS_SENT: Record<string, Record<string, unknown>> = {
  [NAME]: {
    text: NAME,
    textFormat: 'plain',
    attachments: [{ contentType: 'text/html', content: '<p>R&amp;D &lt;EU&gt; budget 🚀</p>' }],
  },
  [DESCRIPTION]: {
    text: '<p>Tracks R&amp;D spend per EU team, see <a href="https://example.com/x?a=1&amp;b=2" rel="noreferrer noopener" target="_blank">https://example.com/x?a=1&amp;b=2</a></p>',
    textFormat: 'xml',
  },
};

const ANSWERS = ['register', NAME, DESCRIPTION, ...MEDIUM_RISK_ANSWERS];

let connector: FakeBotConnector;
let steward: EmulatorSteward;

beforeAll(async () => {
  connector = await startFakeBotConnector();
  steward = await startEmulatorSteward();
});

afterAll(async () => {
  await steward?.stop();
  await connector?.close();
});

/** The text blocks and facts of a card, or a message's markdown text. */
function textsOf(call: ConnectorCall): { cards: string[]; markdown: string[] } {
  const content = card(call);
  if (!content) return { cards: [], markdown: typeof call.activity?.text === 'string' ? [call.activity.text] : [] };
  return { cards: shown(call).split('\n'), markdown: [] };
}

describe('text typed in Teams', () => {
  it('is stored as typed and shown as typed: raw in cards, escaped once in markdown', async () => {
    const user = { id: `29:${randomUUID()}`, name: 'Tia Typist', aadObjectId: randomUUID() };
    const conversation = {
      conversationType: 'personal',
      tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47',
      id: `a:${randomUUID()}`,
    };
    const posted: ConnectorCall[] = [];
    for (const [index, answer] of ANSWERS.entries()) {
      const before = connector.calls.length;
      const activity = fixture('personal-message', {
        serviceUrl: connector.serviceUrl,
        from: user,
        conversation,
        id: `1763632${String(index).padStart(6, '0')}`,
        text: answer,
        ...AS_SENT[answer],
      });
      const result = await steward.server.postActivity(activity);
      expect(result.status, JSON.stringify(result.body)).toBe(200);
      const turn = connector.calls.slice(before).filter((call) => call.conversationId === conversation.id);
      const next = NEXT_QUESTION[index] ?? 'Registered APP-';
      expect(turn.map(shown).join('\n'), `"${next}" after "${answer}"`).toContain(next);
      posted.push(...turn);
    }
    const registered = posted.find((call) => /Registered APP-\d{4}/u.test(shown(call)))!;
    const reference = /APP-\d{4,}/u.exec(shown(registered))![0];

    // The inventory holds exactly what was typed.
    const exported = JSON.parse(
      (await runSteward(['apps', 'export', '--format', 'json'], stewardEnv(steward.env))).stdout,
    ) as Array<Record<string, unknown>>;
    expect(exported.find((app) => app.reference === reference)).toMatchObject({
      profile: { name: NAME, description: DESCRIPTION },
    });

    // Cards (the summary, the registration) show the words as they are: no entities.
    const summary = posted.find((call) => card(call) && shown(call).includes('Summary'))!;
    expect(textsOf(summary).cards).toEqual(
      expect.arrayContaining([`Name: ${NAME}`, expect.stringContaining(DESCRIPTION)]),
    );
    expect(shown(registered)).toContain(NAME);
    for (const call of posted) {
      for (const text of textsOf(call).cards) expect(text).not.toMatch(/&(?:amp|lt|gt);/u);
      // Markdown messages: entities for &, < and >, once, and never a bare "<" Teams could take for a tag.
      for (const text of textsOf(call).markdown) {
        expect(text).not.toMatch(/&amp;(?:amp|lt|gt);/u);
        expect(text).not.toContain('<');
      }
    }
  });
});
