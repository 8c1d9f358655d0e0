// The core's replies as Teams messages and Adaptive Cards, and the click data read back.
import { describe, expect, it } from 'vitest';
import {
  ADAPTIVE_CARD_CONTENT_TYPE,
  MAX_CHOICE_BUTTONS,
  answeredCard,
  readCardAction,
  renderCard,
  replyActivity,
  teamsMarkdown,
} from '../../../adapters/teams/cards.ts';
import type { Reply } from '../../../src/chat/reply.ts';
import { reviewActionValue } from '../../../src/review/decide.ts';

/* eslint-disable @typescript-eslint/no-explicit-any -- cards are read field by field */

const options = (count: number) =>
  Array.from({ length: count }, (_, index) => ({ value: `v${index + 1}`, label: `Option ${index + 1}` }));

describe('replies as Teams messages', () => {
  it("sends words alone as markdown text, with the core's *bold* as Teams **bold**", () => {
    expect(replyActivity({ text: 'Say *register* to start.\nOr *help*.' })).toEqual({
      type: 'message',
      text: 'Say **register** to start.\n\nOr **help**.',
      textFormat: 'markdown',
    });
    expect(teamsMarkdown('2 * 3 * 4 is not bold, *this* is')).toBe('2 * 3 * 4 is not bold, **this** is');
  });

  it('sends anything with a title, fields, choices or buttons as an Adaptive Card 1.5 whose fallback is the whole text', () => {
    const reply: Reply = {
      title: 'Your apps',
      text: 'APP-0001  Tracker — Approved',
      fields: [{ label: 'APP-0001 Tracker', value: 'Approved' }],
    };
    const activity = replyActivity(reply);
    expect(activity.attachments?.[0]?.contentType).toBe(ADAPTIVE_CARD_CONTENT_TYPE);
    const card = activity.attachments?.[0]?.content as any;
    expect(card).toMatchObject({ type: 'AdaptiveCard', version: '1.5', fallbackText: reply.text });
    expect(activity.summary).toBe('Your apps');
    // The text line the fact set already shows is not repeated.
    expect(card.body).toEqual([
      expect.objectContaining({ type: 'TextBlock', text: 'Your apps', weight: 'Bolder' }),
      { type: 'FactSet', facts: [{ title: 'APP-0001 Tracker', value: 'Approved' }] },
    ]);
  });

  it.each([
    [MAX_CHOICE_BUTTONS, false, 'buttons'],
    [MAX_CHOICE_BUTTONS + 1, false, 'dropdown'],
    [3, true, 'dropdown'],
  ] as const)('%i options (multiple: %s) become %s', (count, multiple, expected) => {
    const card = renderCard({
      text: 'Pick one',
      choices: { multiple, options: options(count) },
      questionId: 'q:audience',
      tone: 'question',
    }) as any;
    const dropdown = card.body.find((element: any) => element.type === 'Input.ChoiceSet');
    if (expected === 'buttons') {
      expect(dropdown).toBeUndefined();
      expect(card.actions).toHaveLength(count);
      expect(card.actions[0]).toEqual({
        type: 'Action.Submit',
        title: 'Option 1',
        data: { steward: 'answer', answer: 'v1', label: 'Option 1', questionId: 'q:audience', prompt: 'Pick one' },
      });
    } else {
      expect(dropdown).toMatchObject({ id: 'choice', style: 'compact', isMultiSelect: multiple, isRequired: true });
      expect(dropdown.choices).toHaveLength(count);
      const submit = card.body.find((element: any) => element.type === 'ActionSet').actions[0];
      expect(submit).toMatchObject({
        type: 'Action.Submit',
        title: 'Send',
        data: { steward: 'choice', questionId: 'q:audience' },
      });
    }
  });

  it('keeps a dropdown\'s required input from blocking the other buttons, and offers "None of these" for multiple choice', () => {
    const card = renderCard({
      text: 'What data?',
      choices: { multiple: true, options: options(7) },
      buttons: [{ label: 'Cancel', value: 'cancel', style: 'danger' }],
      questionId: 'q:dataCategories',
    }) as any;
    expect(card.actions).toEqual([
      expect.objectContaining({ title: 'Cancel', style: 'destructive', associatedInputs: 'none' }),
    ]);
    const none = card.body.find((element: any) => element.type === 'ActionSet').actions[1];
    expect(none).toMatchObject({ title: 'None of these', associatedInputs: 'none', data: { answer: 'none' } });
  });

  it('renders reviewer buttons as Universal Actions; reject and request changes ask for the reason first', () => {
    const card = renderCard({
      title: 'Review needed: APP-0007 Visitor log',
      text: 'Review needed',
      buttons: [
        { label: 'Approve', value: reviewActionValue('approve', 'app-1', 2, 'privacy'), style: 'primary' },
        { label: 'Reject', value: reviewActionValue('reject', 'app-1', 2, 'privacy'), style: 'danger' },
        { label: 'Request changes', value: reviewActionValue('changes', 'app-1', 2, 'privacy') },
      ],
    }) as any;
    const [approve, reject, changes] = card.actions;
    expect(approve).toMatchObject({
      type: 'Action.Execute',
      verb: 'review',
      style: 'positive',
      data: { steward: 'review', action: 'review approve app-1 2 privacy' },
    });
    expect(approve.fallback).toMatchObject({ type: 'Action.Submit', data: approve.data });
    for (const [action, label] of [
      [reject, 'Why is it rejected?'],
      [changes, 'What needs to change?'],
    ] as const) {
      expect(action.type).toBe('Action.ShowCard');
      expect(action.card.body).toEqual([
        expect.objectContaining({ type: 'Input.Text', id: 'reason', label, isRequired: true }),
      ]);
      expect(action.card.actions[0]).toMatchObject({ type: 'Action.Execute', verb: 'review' });
    }
  });

  it('draws an answered card with the prompt and "✔ answer" and nothing left to click', () => {
    const card = answeredCard('Who will use it?', 'My department');
    expect(card.body.map((element) => element.text)).toEqual(['Who will use it?', '✔ My department']);
    expect(card.actions).toBeUndefined();
  });
});

describe('card clicks read back', () => {
  it.each([
    [
      { steward: 'answer', answer: 'excel', label: 'Excel or macros', questionId: 'q:platform', prompt: 'Built with?' },
      { kind: 'answer', text: 'excel', label: 'Excel or macros', questionId: 'q:platform', prompt: 'Built with?' },
    ],
    [
      {
        steward: 'choice',
        prompt: 'Data?',
        labels: { personal: 'Personal data', health: 'Health' },
        choice: 'personal,health',
      },
      { kind: 'answer', text: 'personal, health', label: 'Personal data, Health', prompt: 'Data?' },
    ],
    [
      { steward: 'review', action: 'review reject a 1 privacy', label: 'Reject', reason: '  No DPIA.  ' },
      { kind: 'review', action: 'review reject a 1 privacy', reason: 'No DPIA.' },
    ],
    [{ someoneElses: 'card' }, undefined],
    ['a string submit', undefined],
  ])('%j', (value, expected) => {
    expect(readCardAction(value)).toEqual(expected);
  });

  it("shows quoted text (an app's profile, a maker's question) exactly as written: TextRuns, no markdown", () => {
    const reply: Reply = {
      literal: true,
      title: 'Review needed: APP-0042 **Free** money',
      text: 'Review needed: APP-0042 "**Free** [money](https://evil.example)" — HIGH risk.\nPlatform: _Excel_',
      fields: [{ label: 'Platform', value: '_Excel_' }],
      buttons: [{ label: 'Approve', value: reviewActionValue('approve', 'app-1', 1, 'security'), style: 'primary' }],
    };
    const card = (replyActivity(reply).attachments![0]!.content as { body: any[] }).body;
    const quoting = card.filter(
      (element) => JSON.stringify(element).includes('evil.example') || JSON.stringify(element).includes('_Excel_'),
    );
    expect(quoting.map((element) => element.type)).toEqual(['RichTextBlock', 'RichTextBlock']);
    expect(quoting[0].inlines).toEqual([
      { type: 'TextRun', text: 'Review needed: APP-0042 "**Free** [money](https://evil.example)" — HIGH risk.' },
    ]);
    expect(quoting[1].inlines.map((inline: any) => inline.text).join('')).toBe('Platform: _Excel_');
  });
});
