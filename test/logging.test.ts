// Logs are JSON, and secrets and personal data in logged objects never reach them.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger.ts';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, logger: createLogger('debug', stream) };
}

describe('logs', () => {
  it('are JSON lines with the service name and the bound request id', () => {
    const { lines, logger } = capture();
    logger.child({ requestId: 'req-42' }).info({ status: 200 }, 'request');
    const entry = JSON.parse(lines[0]!);
    expect(entry).toMatchObject({ service: 'steward', requestId: 'req-42', status: 200, msg: 'request', level: 30 });
  });

  it('redact tokens, secrets and personal data wherever they sit in the logged object', () => {
    const { lines, logger } = capture();
    logger.warn(
      {
        token: 'xoxb-123-secret',
        slack: { signingSecret: 'abc123', token: 'xoxb-456' },
        user: { email: 'ana@example.com', displayName: 'Ana Lopez', id: 'U123' },
        message: { text: 'my password is hunter2' },
        headers: { authorization: 'Bearer eyJhbGciOi' },
      },
      'something happened',
    );
    const written = lines.join('');
    for (const secret of [
      'xoxb-123-secret',
      'abc123',
      'xoxb-456',
      'ana@example.com',
      'Ana Lopez',
      'hunter2',
      'eyJhbGciOi',
    ])
      expect(written).not.toContain(secret);
    expect(JSON.parse(written).user).toEqual({ email: '[redacted]', displayName: '[redacted]', id: 'U123' });
  });
});
