import { describe, expect, it } from 'vitest';
import type { GuardrailAnswer } from '../../src/handbook/answer.ts';
import { OFF_TOPIC_ANSWER } from '../../src/handbook/answer.ts';
import { guardrailReplies } from '../../src/handbook/reply.ts';

const cardAnswer: GuardrailAnswer = {
  answer: 'No. Full card numbers must never go into Airtable.',
  citations: [
    { id: 'payment-card-data', title: 'Payment card data and PCI DSS' },
    { id: 'data-classification', title: 'Data classification' },
  ],
  handoff: false,
  team: 'security',
  assessedBy: 'retrieval+llm',
};

describe('a guardrail answer as a chat reply', () => {
  it('shows the answer, then its sources by title and id, with an "Ask a human" button', () => {
    expect(guardrailReplies(cardAnswer)).toEqual([
      {
        text: 'No. Full card numbers must never go into Airtable.\n\nSources: Payment card data and PCI DSS (payment-card-data); Data classification (data-classification)',
        tone: 'info',
        buttons: [{ label: 'Ask a human', value: 'ask a human' }],
      },
    ]);
  });

  it('can keep the button for answers the handbook does not settle', () => {
    expect(guardrailReplies(cardAnswer, { offerHuman: 'when-unanswered' })[0]?.buttons).toBeUndefined();
    const unanswered = { ...cardAnswer, handoff: true, citations: [] };
    expect(guardrailReplies(unanswered, { offerHuman: 'when-unanswered' })[0]).toEqual({
      text: cardAnswer.answer,
      tone: 'info',
      buttons: [{ label: 'Ask a human', value: 'ask a human' }],
    });
  });

  it('an off-topic redirect has no sources and no button', () => {
    const offTopic: GuardrailAnswer = {
      answer: OFF_TOPIC_ANSWER,
      citations: [],
      handoff: false,
      assessedBy: 'retrieval',
    };
    expect(guardrailReplies(offTopic)).toEqual([{ text: OFF_TOPIC_ANSWER, tone: 'info' }]);
  });
});
