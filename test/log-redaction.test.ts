// The redaction every log line goes through: keys of secrets and personal data at any depth, and
// e-mail addresses and credentials in any string; libraries' lines with their JSON lifted out.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { REDACTED, redactLibraryLine, redactValue, scrubSecrets } from '../src/log-redaction.ts';
import { createLogger } from '../src/logger.ts';

/** A users.info answer as Slack gives it (https://api.slack.com/methods/users.info). */
const USERS_INFO = {
  ok: true,
  user: {
    id: 'U0PRIV1',
    team_id: 'T0STEWARD',
    name: 'ana.lopez',
    real_name: 'Ana Lopez',
    tz: 'Europe/Madrid',
    is_bot: false,
    color: '9f69e7',
    profile: {
      email: 'ana.lopez@example.com',
      phone: '+34 600 000 000',
      title: 'Payroll lead',
      display_name: 'Ana',
      image_72: 'https://avatars.example.com/ana.png',
    },
  },
};

/** A chat.postMessage answer: the posted message with its text, blocks and the app's profile. */
const POSTED = {
  ok: true,
  channel: 'D0PRIV1',
  ts: '1700000001.000100',
  message: {
    type: 'message',
    user: 'U0STEWARD',
    bot_id: 'B0STEWARD',
    text: 'Thanks Ana, what does Payroll Helper do?',
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'Thanks Ana' } }],
    bot_profile: { id: 'B0STEWARD', name: 'Steward', icons: { image_48: 'https://example.com/s.png' } },
  },
};

/** USERS_INFO.user redacted: which fields there were, and the values of ids and flags only. */
const REDACTED_USER = {
  id: 'U0PRIV1',
  team_id: 'T0STEWARD',
  name: REDACTED,
  real_name: REDACTED,
  tz: REDACTED,
  is_bot: false,
  color: REDACTED,
  profile: REDACTED,
};

const PERSONAL = [
  'ana.lopez',
  'Ana Lopez',
  'Europe/Madrid',
  '+34 600 000 000',
  'Payroll lead',
  'avatars.example.com',
  'Thanks Ana',
  'Payroll Helper',
];

describe('redactValue', () => {
  it('shows only the ids and flags of a Slack user, however deep', () => {
    const nested = { page: [{ answers: [USERS_INFO] }] };
    const redacted = redactValue(nested) as typeof nested;
    expect(redacted.page[0]!.answers[0]!.user).toEqual(REDACTED_USER);
    const written = JSON.stringify(redactValue({ members: [USERS_INFO.user], users: ['U1', 'U2'] }));
    for (const personal of PERSONAL) expect(written).not.toContain(personal);
    expect(written).toContain('"users":["U1","U2"]');
  });

  it('redacts message bodies and app profiles, and keeps ids, timestamps and outcomes', () => {
    const redacted = redactValue(POSTED) as typeof POSTED;
    expect(redacted).toEqual({
      ok: true,
      channel: 'D0PRIV1',
      ts: '1700000001.000100',
      message: {
        type: 'message',
        user: 'U0STEWARD',
        bot_id: 'B0STEWARD',
        text: REDACTED,
        blocks: REDACTED,
        bot_profile: REDACTED,
      },
    });
  });

  it('redacts credentials by key in any spelling, but keeps counts and flags', () => {
    const redacted = redactValue({
      headers: { Authorization: 'Bearer abc', Cookie: 'sid=1', 'X-Slack-Signature': 'v0=ff' },
      slack: { bot_token: 'xoxb-1', signingSecret: 's3cret', client_secret: 'cs' },
      llm: { apiKey: 'sk-1', usage: { total_tokens: 812 } },
      form: { password: 'hunter2', values: { name: { answer: { value: 'typed' } } } },
    });
    expect(redacted).toEqual({
      headers: { Authorization: REDACTED, Cookie: REDACTED, 'X-Slack-Signature': REDACTED },
      slack: { bot_token: REDACTED, signingSecret: REDACTED, client_secret: REDACTED },
      llm: { apiKey: REDACTED, usage: { total_tokens: 812 } },
      form: { password: REDACTED, values: REDACTED },
    });
  });

  it('scrubs strings in arrays and objects, and survives cycles and depth', () => {
    const looped: Record<string, unknown> = { note: 'mail ana.lopez@example.com', list: ['xoxb-123-456-abc', 7] };
    looped.self = looped;
    let deep: Record<string, unknown> = { id: 'bottom' };
    for (let level = 0; level < 40; level += 1) deep = { next: deep };
    expect(redactValue(looped)).toEqual({
      note: `mail ${REDACTED}`,
      list: [REDACTED, 7],
      self: '[circular]',
    });
    expect(JSON.stringify(redactValue(deep))).toContain('[too deep]');
  });

  it('turns errors into pino’s shape, their messages scrubbed and their data redacted', () => {
    const error = Object.assign(new Error('users.info failed for ana.lopez@example.com'), {
      code: 'slack_webapi_platform_error',
      data: { ok: false, error: 'user_not_found', user: USERS_INFO.user },
    });
    const redacted = redactValue({ err: error }) as { err: Record<string, unknown> };
    expect(redacted.err).toMatchObject({
      type: 'Error',
      message: `users.info failed for ${REDACTED}`,
      code: 'slack_webapi_platform_error',
      data: { ok: false, error: 'user_not_found', user: REDACTED_USER },
    });
    expect(String(redacted.err.stack)).not.toContain('example.com');
  });
});

describe('scrubSecrets', () => {
  it('removes e-mail addresses, Slack and bearer tokens, Authorization headers and query secrets', () => {
    const cases: Array<[string, string]> = [
      ['from ana.lopez+steward@mail.example.co.uk today', `from ${REDACTED} today`],
      ['bot xoxb-1234-5678-AbCd user xoxp-9-9 app xapp-1-A0-77-ff', `bot ${REDACTED} user ${REDACTED} app ${REDACTED}`],
      ['sent Bearer eyJhbGciOi.eyJzdWIi.sig', `sent Bearer ${REDACTED}`],
      ['Authorization: Basic dXNlcjpwYXNz', `Authorization: ${REDACTED}`],
      ['{"authorization":"Token abc","accept":"json"}', `{"authorization":"${REDACTED}","accept":"json"}`],
      [
        'GET https://slack.com/api/users.info?token=xyz&user=U1',
        `GET https://slack.com/api/users.info?token=${REDACTED}&user=U1`,
      ],
      [
        'wss://wss-primary.slack.com/link/?ticket=abc-123&app_id=A0',
        `wss://wss-primary.slack.com/link/?ticket=${REDACTED}&app_id=A0`,
      ],
    ];
    for (const [text, scrubbed] of cases) expect(scrubSecrets(text)).toBe(scrubbed);
  });

  it('takes linear time on long strings', () => {
    // Ten times the text takes about ten times as long, not a hundred (as a backtracking pattern would):
    // a ratio within one run, so a busy machine slows both sides alike.
    const millis = (length: number) => {
      const text = `${'a'.repeat(length)}@${'b'.repeat(length)} ?${'c'.repeat(length)}`;
      const runs = [0, 1, 2].map(() => {
        const started = performance.now();
        scrubSecrets(text);
        return performance.now() - started;
      });
      return runs.sort((a, b) => a - b)[1]!;
    };
    millis(1000);
    const short = Math.max(millis(20_000), 0.5);
    expect(millis(200_000) / short).toBeLessThan(40);
  });

  it('leaves method names, ids, URLs and versions alone', () => {
    for (const text of [
      "apiCall('users.info') start",
      'http request url: https://slack.com/api/chat.postMessage',
      '@slack:web-api/8.2.0 node/20.20.2',
      'channel C0PRIVACY ts 1700000001.000100 failed with channel_not_found',
    ])
      expect(scrubSecrets(text)).toBe(text);
  });
});

describe('redactLibraryLine', () => {
  it('lifts JSON out of a message and redacts it as an object', () => {
    const line = redactLibraryLine([`http request result: ${JSON.stringify(USERS_INFO)}`]);
    expect(line).toEqual({
      message: 'http request result: [payload]',
      fields: { payload: { ok: true, user: REDACTED_USER } },
    });
    const ack = redactLibraryLine([`ack() response sent (body: ${JSON.stringify({ text: 'Ana typed this' })})`]);
    expect(ack).toEqual({ message: 'ack() response sent (body: [payload])', fields: { payload: { text: REDACTED } } });
  });

  it('never stringifies objects into the message; errors become err', () => {
    const line = redactLibraryLine(['http request failed', POSTED, new Error('refused for ana@example.com'), 429]);
    expect(line.message).toBe(`http request failed refused for ${REDACTED} 429`);
    expect(line.fields?.payload).toEqual(redactValue(POSTED));
    expect(line.fields?.err).toMatchObject({ type: 'Error', message: `refused for ${REDACTED}` });
  });

  it('leaves out JSON it cannot parse, and keeps messages with brackets that are not JSON', () => {
    const cut = redactLibraryLine(['http request body: {"text":"Ana Lopez wrote","blocks":[{"ty']);
    expect(cut).toEqual({ message: 'http request body: [unparsed payload left out]' });
    const plain = redactLibraryLine(['[WARN] missing_scope [needed: chat:write] for xoxb-1-2']);
    expect(plain).toEqual({ message: `[WARN] missing_scope [needed: chat:write] for ${REDACTED}` });
    expect(redactLibraryLine(['[WARN] see {"user":{"name":"ana"}} and more']).fields).toEqual({
      payload: { user: { name: REDACTED } },
    });
  });
});

describe('Steward’s logger', () => {
  function capture(level = 'debug') {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    return { lines, logger: createLogger(level, stream) };
  }

  it('redacts keys at any depth of a log object and of a child’s bindings', () => {
    const { lines, logger } = capture();
    logger
      .child({ requestId: 'req-1', caller: { profile: { email: 'ana.lopez@example.com' } } })
      .info({ outer: { middle: { inner: [{ token: 'xoxb-9', text: 'Ana Lopez wrote this', id: 'X1' }] } } }, 'done');
    const entry = JSON.parse(lines[0]!);
    expect(entry.outer.middle.inner).toEqual([{ token: REDACTED, text: REDACTED, id: 'X1' }]);
    expect(entry.caller).toEqual({ profile: REDACTED });
    expect(entry.requestId).toBe('req-1');
    for (const personal of ['xoxb-9', 'Ana Lopez', 'ana.lopez@example.com']) expect(lines[0]).not.toContain(personal);
  });

  it('scrubs e-mail addresses and tokens out of its messages', () => {
    const { lines, logger } = capture();
    logger.warn('could not reach ana.lopez@example.com with xoxb-123-abc');
    logger.warn({ id: 1 }, 'again for %s', 'bo@example.org');
    expect(JSON.parse(lines[0]!).msg).toBe(`could not reach ${REDACTED} with ${REDACTED}`);
    expect(JSON.parse(lines[1]!).msg).toBe(`again for ${REDACTED}`);
  });

  it('logs errors in pino’s shape, redacted', () => {
    const { lines, logger } = capture();
    const failure = Object.assign(new TypeError('no user ana@example.com'), { data: { real_name: 'Ana' } });
    logger.error({ err: failure }, 'lookup failed');
    logger.error(new Error('bare xapp-1-A-2'));
    const [first, second] = lines.map((line) => JSON.parse(line));
    expect(first.err).toMatchObject({
      type: 'TypeError',
      message: `no user ${REDACTED}`,
      data: { real_name: REDACTED },
    });
    expect(first.err.stack).toContain('TypeError');
    expect(second).toMatchObject({ err: { type: 'Error', message: `bare ${REDACTED}` }, msg: `bare ${REDACTED}` });
  });
});
