// Whom a Teams message mentions, for the core (InboundMessage.mentions): each mention entity but the
// bot's, by Entra object id where Teams gives one, with the name it reads as in the text.
import { describe, expect, it } from 'vitest';
import { inboundMessage, mentionsOf, messageText } from '../../../adapters/teams/inbound.ts';
import { fixture } from './steward-server.ts';

/* eslint-disable @typescript-eslint/no-explicit-any -- Teams activities, changed field by field */

const PAT = { id: '29:1pat-teams-id', name: 'Pat Lee', aadObjectId: '8d2f1c3e-4a5b-4c1d-9e2f-3a4b5c6d7e8f' };

describe('mentions in a Teams message', () => {
  it('passes on the people mentioned, not the bot, as their names read in the text', () => {
    const activity = fixture<any>('channel-mention', {
      text: '<at>Steward</at> my colleague <at>Pat Lee</at>',
    });
    activity.entities = [...activity.entities, { type: 'mention', mentioned: PAT, text: '<at>Pat Lee</at>' }];
    const message = inboundMessage(activity, messageText(activity));
    expect(message.text).toBe('my colleague Pat Lee');
    expect(message.mentions).toEqual([{ userId: PAT.aadObjectId, displayName: 'Pat Lee', text: 'Pat Lee' }]);
  });

  it('uses the Teams id when the entity has no Entra object id, and leaves out mentions not in the text', () => {
    const activity = fixture<any>('personal-message', { text: 'Sam Roe' });
    activity.entities = [
      { type: 'mention', mentioned: { id: '29:1sam', name: 'Sam Roe' }, text: '<at>Sam Roe</at>' },
      { type: 'mention', mentioned: { id: '29:1kim', name: 'Kim Nguyen' }, text: '<at>Kim Nguyen</at>' },
    ];
    expect(mentionsOf(activity, messageText(activity))).toEqual([
      { userId: '29:1sam', displayName: 'Sam Roe', text: 'Sam Roe' },
    ]);
  });

  it('passes on none for a message that only mentions the bot', () => {
    const activity = fixture<any>('channel-mention');
    expect(inboundMessage(activity, messageText(activity)).mentions).toBeUndefined();
  });
});
