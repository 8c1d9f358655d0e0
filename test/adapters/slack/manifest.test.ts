// manifest.json is a valid Slack app manifest (Slack's published JSON Schema) that matches what the
// adapter really listens to and calls.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { SLACK_EVENTS_PATH } from '../../../adapters/slack/config.ts';
import { COMMAND } from '../../../adapters/slack/listeners/commands.ts';
import { REGISTER_SHORTCUT_ID } from '../../../adapters/slack/listeners/shortcuts.ts';
import { projectRoot } from '../../../src/paths.ts';

const SCHEMAS = '/work/shared/schemas';
// The top-level schema picks a versioned one by $ref to its published URL; the local copies have no $id.
const VERSIONED = ['1.0.0', '2.0.0'].map((version) => ({
  id: `https://raw.githubusercontent.com/slackapi/manifest-schema/v0.5.0/schemas/manifest.schema.${version}.json`,
  file: path.join(SCHEMAS, `slack-manifest.schema.${version}.json`),
}));

const readJson = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;

function manifestValidator() {
  // Strict about keywords, not about Slack's schema omitting `type: object` next to `properties`.
  const ajv = new Ajv({ allErrors: true, strictTypes: false });
  addFormats.default(ajv);
  // Two non-standard keywords in Slack's schema: "_note" is a comment; "regex" (background_color) is
  // a pattern, checked as such.
  ajv.addKeyword({ keyword: '_note', schemaType: 'string' });
  ajv.addKeyword({
    keyword: 'regex',
    type: 'string',
    schemaType: 'string',
    validate: (pattern: string, value: string) => new RegExp(pattern, 'u').test(value),
  });
  for (const { id, file } of VERSIONED) ajv.addSchema(readJson(file), id);
  return ajv.compile(readJson(path.join(SCHEMAS, 'slack-manifest.schema.json')));
}

const manifest = readJson(path.join(projectRoot, 'manifest.json')) as any; // eslint-disable-line @typescript-eslint/no-explicit-any -- manifest fields

describe('manifest.json', () => {
  it("is valid against Slack's app manifest schema", () => {
    const validate = manifestValidator();
    const valid = validate(manifest);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('the schema check catches a broken manifest', () => {
    const validate = manifestValidator();
    const broken = structuredClone(manifest);
    broken.display_information.background_color = 'navy';
    broken.features.shortcuts[0].name = 'Register an app with a very long name';
    broken.settings.interactivity = { request_url: 'https://steward.example.com/slack/events' };
    expect(validate(broken)).toBe(false);
    const paths = (validate.errors ?? []).map((error) => `${error.instancePath} ${error.keyword}`);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/display_information/background_color regex',
        '/features/shortcuts/0/name maxLength',
        '/settings/interactivity required',
      ]),
    );
  });

  it('declares what the adapter uses: one request URL, the command, the shortcut, App Home, the events and scopes', () => {
    const urls = [
      manifest.settings.event_subscriptions.request_url,
      manifest.settings.interactivity.request_url,
      manifest.features.slash_commands[0].url,
    ];
    expect(new Set(urls).size).toBe(1);
    expect(urls[0]).toMatch(new RegExp(`^https://[^/]+${SLACK_EVENTS_PATH}$`, 'u'));
    expect(manifest.features.slash_commands.map((command: { command: string }) => command.command)).toEqual([COMMAND]);
    expect(manifest.features.shortcuts).toEqual([
      expect.objectContaining({ type: 'global', callback_id: REGISTER_SHORTCUT_ID, name: 'Register an app' }),
    ]);
    expect(manifest.features.app_home).toMatchObject({
      home_tab_enabled: true,
      messages_tab_enabled: true,
      messages_tab_read_only_enabled: false,
    });
    expect(manifest.features.bot_user.display_name).toBe('Steward');
    // Channel messages: reviewers' replies in the thread of a handed-over question. user_change: a
    // deactivated account is someone who left (their apps go to their backups or the orphan queue).
    expect(manifest.settings.event_subscriptions.bot_events).toEqual([
      'app_home_opened',
      'app_mention',
      'message.channels',
      'message.groups',
      'message.im',
      'user_change',
    ]);
    // Each scope is used: mentions, DMs (read, open), posting, slash command and shortcut, channel names
    // (public, private), channel history (handoff threads; finding a post interrupted by a crash),
    // display names, reviewer groups, leavers' e-mail addresses (to find the apps they own by address).
    // Nothing more.
    expect(manifest.oauth_config.scopes.bot).toEqual([
      'app_mentions:read',
      'channels:history',
      'channels:read',
      'chat:write',
      'commands',
      'groups:history',
      'groups:read',
      'im:history',
      'im:write',
      'usergroups:read',
      'users:read',
      'users:read.email',
    ]);
  });
});
