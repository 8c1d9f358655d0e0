// What Bolt and the Slack Web API client log reaches Steward's log redacted: their objects as fields,
// the JSON in their messages lifted out, and lines below Steward's level not even looked at.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createBoltLogger } from '../../../adapters/slack/bolt-logger.ts';
import { createLogger } from '../../../src/logger.ts';

function capture(level: string) {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, bolt: createBoltLogger(createLogger(level, stream).child({ component: 'slack-web-api' })) };
}

const USERS_INFO = {
  ok: true,
  user: { id: 'U0PRIV1', name: 'ana', real_name: 'Ana Lopez', profile: { email: 'ana@example.com' } },
};

describe('the Bolt logger', () => {
  it('writes the Web API client’s debug lines with their payloads redacted', () => {
    const { lines, bolt } = capture('debug');
    bolt.debug("apiCall('users.info') start");
    bolt.debug(`http request result: ${JSON.stringify(USERS_INFO)}`);
    bolt.warn('http request failed', 'connect ECONNREFUSED for ana@example.com');
    bolt.error('Slack API error: user_not_found', USERS_INFO);
    const entries = lines.map((line) => JSON.parse(line));
    expect(entries.map((entry) => [entry.level, entry.msg])).toEqual([
      [20, "apiCall('users.info') start"],
      [20, 'http request result: [payload]'],
      [40, 'http request failed connect ECONNREFUSED for [redacted]'],
      [50, 'Slack API error: user_not_found'],
    ]);
    const redacted = {
      ok: true,
      user: { id: 'U0PRIV1', name: '[redacted]', real_name: '[redacted]', profile: '[redacted]' },
    };
    expect(entries[1].payload).toEqual(redacted);
    expect(entries[3].payload).toEqual(redacted);
    expect(entries.every((entry) => entry.component === 'slack-web-api')).toBe(true);
    for (const personal of ['Ana Lopez', 'ana@example.com', '"ana"']) expect(lines.join('')).not.toContain(personal);
  });

  it('redacts the Socket Mode client’s envelopes, and leaves out those it could not parse', () => {
    const { lines, bolt } = capture('debug');
    const envelope = {
      envelope_id: 'env-1',
      type: 'events_api',
      payload: { event_id: 'Ev1', event: { type: 'message', user: 'U0PRIV1', text: 'my salary is 90k', ts: '1.2' } },
    };
    bolt.debug(`Received a message on the WebSocket: ${JSON.stringify(envelope)}`);
    bolt.debug(`Unable to parse an incoming WebSocket message (will ignore): SyntaxError, {"event":{"text":"my salary`);
    const [received, unparsed] = lines.map((line) => JSON.parse(line));
    expect(received.msg).toBe('Received a message on the WebSocket: [payload]');
    expect(received.payload.payload.event).toEqual({ type: 'message', user: 'U0PRIV1', text: '[redacted]', ts: '1.2' });
    expect(unparsed.msg).toBe(
      'Unable to parse an incoming WebSocket message (will ignore): SyntaxError, [unparsed payload left out]',
    );
    expect(lines.join('')).not.toContain('salary');
  });

  it('writes nothing below Steward’s level', () => {
    const { lines, bolt } = capture('info');
    bolt.debug(`http request result: ${JSON.stringify(USERS_INFO)}`);
    bolt.info('API Call failed due to rate limiting. Will retry in 1 seconds.');
    expect(lines.map((line) => JSON.parse(line).msg)).toEqual([
      'API Call failed due to rate limiting. Will retry in 1 seconds.',
    ]);
  });
});
