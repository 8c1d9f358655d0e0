import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/config.ts';
import { SLACK_DEFAULT_API_URL, parseSlackConfig } from '../../../adapters/slack/config.ts';
import { slackAdapterFactory } from '../../../adapters/slack/factory.ts';

const SECRET = 'sekrit-signing-0123';
const BOT = 'xoxb-1-2-abc';
const APP = 'xapp-1-A1-xyz';

function problems(env: Record<string, string>): string {
  try {
    parseSlackConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).message;
  }
  throw new Error('expected a ConfigError');
}

describe('Slack settings', () => {
  it('are off without any Slack secret', () => {
    expect(slackAdapterFactory.isEnabled({})).toBe(false);
    expect(slackAdapterFactory.isEnabled({ SLACK_BOT_TOKEN: '  ' })).toBe(false);
  });

  it('turn on HTTP with a signing secret and a bot token, on Slack’s Web API unless told otherwise', () => {
    expect(slackAdapterFactory.isEnabled({ SLACK_SIGNING_SECRET: SECRET, SLACK_BOT_TOKEN: BOT })).toBe(true);
    expect(parseSlackConfig({ SLACK_SIGNING_SECRET: SECRET, SLACK_BOT_TOKEN: BOT })).toEqual({
      botToken: BOT,
      mode: { kind: 'http', signingSecret: SECRET },
      apiUrl: SLACK_DEFAULT_API_URL,
      requestTimeoutMs: 10_000,
    });
    expect(
      parseSlackConfig({ SLACK_SIGNING_SECRET: SECRET, SLACK_BOT_TOKEN: BOT, SLACK_API_URL: 'http://127.0.0.1:9/api' })
        ?.apiUrl,
    ).toBe('http://127.0.0.1:9/api/');
  });

  it('turn on Socket Mode with an app-level token', () => {
    expect(parseSlackConfig({ SLACK_APP_TOKEN: APP, SLACK_BOT_TOKEN: BOT })?.mode).toEqual({
      kind: 'socket',
      appToken: APP,
    });
    expect(
      parseSlackConfig({ SLACK_APP_TOKEN: APP, SLACK_BOT_TOKEN: BOT, SLACK_SIGNING_SECRET: SECRET })?.mode.kind,
    ).toBe('socket');
  });

  it('name the missing variable when half-configured, never echoing a value', () => {
    const onlySecret = problems({ SLACK_SIGNING_SECRET: SECRET });
    expect(onlySecret).toContain('SLACK_BOT_TOKEN: is required when SLACK_SIGNING_SECRET is set');
    expect(onlySecret).not.toContain(SECRET);
    expect(problems({ SLACK_BOT_TOKEN: BOT })).toContain('SLACK_SIGNING_SECRET: is required with SLACK_BOT_TOKEN');
    expect(problems({ SLACK_APP_TOKEN: APP })).toContain('SLACK_BOT_TOKEN: is required when SLACK_APP_TOKEN is set');
    expect(() => slackAdapterFactory.isEnabled({ SLACK_BOT_TOKEN: BOT })).toThrow(ConfigError);
  });

  it('refuse a token of the wrong kind and a URL that is not one', () => {
    const wrongToken = problems({ SLACK_SIGNING_SECRET: SECRET, SLACK_BOT_TOKEN: 'xoxp-user-token-123' });
    expect(wrongToken).toContain('SLACK_BOT_TOKEN: must be a bot token (xoxb-...)');
    expect(wrongToken).not.toContain('xoxp-user-token-123');
    expect(problems({ SLACK_SIGNING_SECRET: SECRET, SLACK_BOT_TOKEN: BOT, SLACK_API_URL: 'slack.com/api' })).toContain(
      'SLACK_API_URL: must be an http(s) URL',
    );
  });
});
