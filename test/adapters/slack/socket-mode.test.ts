// Socket Mode: with SLACK_APP_TOKEN, Steward opens a WebSocket to Slack (here, the fake's) instead of
// taking HTTP requests, and acks every envelope it receives.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeSlack } from '../../support/fake-slack.ts';
import { startFakeSlack } from '../../support/fake-slack.ts';
import type { RunningSteward } from './harness.ts';
import { BOT_TOKEN, dmOf, fixture, richTextOf, startSteward, visibleText } from './harness.ts';

let fake: FakeSlack;
let steward: RunningSteward;

beforeAll(async () => {
  fake = await startFakeSlack({ botToken: BOT_TOKEN, channels: [{ id: 'C0PRIVACY', name: 'gov-privacy' }] });
  steward = await startSteward(fake, { SLACK_APP_TOKEN: 'xapp-1-A0STEWARD-test', SLACK_SIGNING_SECRET: '' });
});

afterAll(async () => {
  await steward?.stop();
  await fake?.close();
});

describe('Socket Mode', () => {
  it('connects at start, answers a DM and a slash command received over the socket, and takes no HTTP requests', async () => {
    expect(steward.output()).toContain('Slack enabled: Socket Mode');
    expect(fake.socket.connected()).toBe(true);
    expect(fake.callsOf('apps.connections.open')[0]?.token).toBe('xapp-1-A0STEWARD-test');

    const event = fixture('event_message_im');
    Object.assign(event.event, {
      user: 'USOCKET1',
      channel: dmOf('USOCKET1'),
      text: 'help',
      blocks: richTextOf('help'),
    });
    event.event_id = 'EvSOCKET01';
    const eventEnvelope = randomUUID();
    const before = fake.calls.length;
    fake.socket.send({
      envelope_id: eventEnvelope,
      type: 'events_api',
      payload: event,
      accepts_response_payload: false,
      retry_attempt: 0,
      retry_reason: '',
    });
    await fake.socket.waitForAck(eventEnvelope);
    const reply = await fake.waitFor(
      (call) => call.method === 'chat.postMessage' && call.args.channel === dmOf('USOCKET1'),
      { after: before, what: 'the reply' },
    );
    expect(visibleText(reply)).toContain('I register the apps you build');

    const commandEnvelope = randomUUID();
    const command = {
      ...fixture('slash_command'),
      text: 'apps',
      user_id: 'USOCKET1',
      response_url: fake.responseUrl('socket'),
    };
    fake.socket.send({
      envelope_id: commandEnvelope,
      type: 'slash_commands',
      payload: command,
      accepts_response_payload: true,
    });
    const answer = await fake.socket.waitForAck(commandEnvelope);
    expect(answer).toMatchObject({
      response_type: 'ephemeral',
      text: expect.stringContaining("You haven't registered any apps yet"),
    });

    const http = await fetch(`${steward.url}/slack/events`, { method: 'POST', body: '{}' });
    expect(http.status).toBe(404);
  });
});
