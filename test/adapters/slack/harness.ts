// Runs the real server (`node bin/steward.js serve`, as `npm start` does) against a fake Slack Web API,
// and plays Slack's side: requests signed exactly as Slack signs them, with payloads built from the
// documented shapes kept in test/fixtures/slack.
import { createHmac, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { projectRoot } from '../../../src/paths.ts';
import { pgliteTestDir } from '../../support/databases.ts';
import type { FakeSlack, SlackCall } from '../../support/fake-slack.ts';
import { startFakeSlack } from '../../support/fake-slack.ts';
import { afterAll, beforeAll } from 'vitest';
import { runSteward, serveSteward, stewardEnv } from '../../support/processes.ts';
import type { ServingSteward } from '../../support/processes.ts';

/* eslint-disable @typescript-eslint/no-explicit-any -- Slack payloads are JSON built field by field */

export const SIGNING_SECRET = 'test-signing-secret-8f2c';
export const BOT_TOKEN = 'xoxb-test-steward-token';

const FIXTURES = path.join(projectRoot, 'test', 'fixtures', 'slack');

export function fixture(name: string): any {
  return JSON.parse(readFileSync(path.join(FIXTURES, `${name}.json`), 'utf8'));
}

/** Slack's request signature: v0= hex HMAC-SHA256 of "v0:<timestamp>:<raw body>" with the signing secret. */
export function slackSignature(body: string, timestamp: number, secret = SIGNING_SECRET): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export interface RunningSteward {
  url: string;
  env: NodeJS.ProcessEnv;
  output(): string;
  stop(): Promise<void>;
  /** Kills the server at once (as a crash would), keeping its database for the next start. */
  crash(): Promise<void>;
  /** SIGTERM, as an orchestrator stops a server, keeping its database for the next start. */
  terminate(): Promise<void>;
}

export interface StartOptions {
  /** Reuse this environment (its PGLITE_DIR or DATABASE_URL and policy): a restart after a crash. */
  restartOf?: RunningSteward;
  /** Settings changed from the test policy, as [path, value]: [['discovery', 'nudge', 'enabled'], true]. */
  policyChanges?: Array<[string[], unknown]>;
}

/** The shipped policy with Slack reviewers for privacy: one user, and a user group. */
function testPolicyYaml(changes: Array<[string[], unknown]> = []): string {
  const doc = parseDocument(readFileSync(path.join(projectRoot, 'policy', 'default.yaml'), 'utf8'));
  for (const [where, value] of changes) doc.setIn(where, doc.createNode(value));
  doc.setIn(['teams', 'privacy', 'reviewers'], doc.createNode({ slack: ['UREVIEWER1', 'SPRIVACYREV'], teams: [] }));
  doc.setIn(['leads', 'reviewers'], doc.createNode({ slack: ['ULEAD1'], teams: [] }));
  return doc.toString();
}

export async function startSteward(
  fake: FakeSlack,
  extraEnv: Record<string, string> = {},
  options: StartOptions = {},
): Promise<RunningSteward> {
  const { dir, cleanup } = await pgliteTestDir();
  const policyFile = path.join(dir, 'policy.yaml');
  await writeFile(policyFile, testPolicyYaml(options.policyChanges));
  const env =
    options.restartOf?.env ??
    stewardEnv({
      PORT: '0',
      HOST: '127.0.0.1',
      PGLITE_DIR: path.join(dir, 'db'),
      STEWARD_POLICY: policyFile,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_API_URL: fake.apiUrl,
      OUTBOX_POLL_MS: '100',
      LOG_LEVEL: 'info',
      ...extraEnv,
    });
  let server: ServingSteward;
  try {
    server = await serveSteward(env);
  } catch (error) {
    await cleanup();
    throw error;
  }
  return {
    url: server.url,
    env,
    output: server.output,
    stop: async () => {
      await server.stop();
      await cleanup();
    },
    crash: server.crash,
    terminate: server.stop,
  };
}

export interface SlackRequestOptions {
  timestamp?: number;
  signature?: string | null;
  headers?: Record<string, string>;
}

/** Plays Slack's side of the conversation with a running Steward. */
export class SlackSide {
  constructor(
    readonly steward: RunningSteward,
    readonly fake: FakeSlack,
  ) {}

  async post(
    body: string,
    contentType: string,
    options: SlackRequestOptions = {},
  ): Promise<{ status: number; text: string; ms: number }> {
    const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
    const headers: Record<string, string> = { 'content-type': contentType, ...options.headers };
    if (options.signature !== null) {
      headers['x-slack-request-timestamp'] = String(timestamp);
      headers['x-slack-signature'] = options.signature ?? slackSignature(body, timestamp);
    }
    const started = Date.now();
    const response = await fetch(`${this.steward.url}/slack/events`, { method: 'POST', headers, body });
    return { status: response.status, text: await response.text(), ms: Date.now() - started };
  }

  /** An Events API delivery (JSON). */
  event(envelope: any, options: SlackRequestOptions = {}) {
    return this.post(JSON.stringify(envelope), 'application/json', options);
  }

  /** An interactivity payload (form-encoded `payload=<json>`). */
  interaction(payload: any, options: SlackRequestOptions = {}) {
    return this.post(
      `payload=${encodeURIComponent(JSON.stringify(payload))}`,
      'application/x-www-form-urlencoded',
      options,
    );
  }

  /** A slash command (form-encoded fields); the response_url points at the fake. */
  async command(text: string, user: string, channel = 'C2147483705') {
    const form = {
      ...fixture('slash_command'),
      text,
      user_id: user,
      user_name: user.toLowerCase(),
      channel_id: channel,
      trigger_id: `trigger-${randomUUID()}`,
      response_url: this.fake.responseUrl(randomUUID()),
    };
    const response = await this.post(new URLSearchParams(form).toString(), 'application/x-www-form-urlencoded');
    return { ...response, form, body: response.text ? JSON.parse(response.text) : undefined };
  }

  /** The user writes `text` (as Slack's `text` field has it) in their DM with Steward; returns the envelope sent (to send it again). */
  async dm(user: string, text: string, options: SlackRequestOptions & { eventId?: string } = {}) {
    const envelope = fixture('event_message_im');
    const ts = nextTs();
    Object.assign(envelope.event, {
      user,
      text,
      channel: dmOf(user),
      ts,
      event_ts: ts,
      client_msg_id: randomUUID(),
      blocks: richTextOf(text),
    });
    envelope.event_id = options.eventId ?? `Ev${randomUUID().replaceAll('-', '').slice(0, 10).toUpperCase()}`;
    const response = await this.event(envelope, options);
    return { ...response, envelope };
  }

  /** Clicks the button labelled `label` on a message Steward posted (a recorded chat.postMessage). */
  click(message: SlackCall, label: string, user: string, channelName = 'directmessage') {
    const { element, blockId } = findElement(
      message,
      (candidate) => candidate.type === 'button' && candidate.text?.text === label,
      `button "${label}"`,
    );
    return this.interaction(
      this.actionPayload(message, user, channelName, {
        ...element,
        block_id: blockId,
        action_ts: nextTs(),
        text: element.text,
      }),
    );
  }

  /** Picks `label` from the message's select menu. */
  choose(message: SlackCall, label: string, user: string) {
    return this.interaction(this.choicePayload(message, label, user));
  }

  choicePayload(message: SlackCall, label: string, user: string): any {
    const { element, blockId } = findElement(
      message,
      (candidate) => candidate.type === 'static_select',
      'a select menu',
    );
    const option = element.options.find((candidate: any) => candidate.text.text === label);
    if (!option)
      throw new Error(
        `No option "${label}" in ${JSON.stringify(element.options.map((candidate: any) => candidate.text.text))}`,
      );
    return this.actionPayload(message, user, 'directmessage', {
      type: 'static_select',
      action_id: element.action_id,
      block_id: blockId,
      selected_option: option,
      placeholder: element.placeholder,
      action_ts: nextTs(),
    });
  }

  /** Ticks the boxes labelled `labels`, then clicks Done (Slack sends the ticks as the message's state). */
  tickAndSubmit(message: SlackCall, labels: string[], user: string) {
    const picker = findElement(message, (candidate) => candidate.type === 'checkboxes', 'checkboxes');
    const done = findElement(
      message,
      (candidate) => candidate.type === 'button' && candidate.text?.text === 'Done',
      'the Done button',
    );
    const selected = labels.map((label) => {
      const option = picker.element.options.find((candidate: any) => candidate.text.text === label);
      if (!option) throw new Error(`No checkbox "${label}"`);
      return option;
    });
    const payload = this.actionPayload(message, user, 'directmessage', {
      ...done.element,
      block_id: done.blockId,
      action_ts: nextTs(),
    });
    payload.state = {
      values: { [picker.blockId]: { [picker.element.action_id]: { type: 'checkboxes', selected_options: selected } } },
    };
    return this.interaction(payload);
  }

  actionPayload(message: SlackCall, user: string, channelName: string, action: any): any {
    const payload = fixture('block_actions');
    const channel = message.response.channel as string;
    const ts = (message.args.ts ?? message.response.ts) as string;
    payload.user = { id: user, username: user.toLowerCase(), name: user.toLowerCase(), team_id: 'T0STEWARD' };
    payload.container = { type: 'message', message_ts: ts, channel_id: channel, is_ephemeral: false };
    payload.channel = { id: channel, name: channelName };
    payload.message = {
      ...payload.message,
      ts,
      text: message.args.text,
      blocks: message.args.blocks,
      ...(message.args.thread_ts ? { thread_ts: message.args.thread_ts } : {}),
    };
    payload.trigger_id = `trigger-${randomUUID()}`;
    payload.response_url = this.fake.responseUrl(randomUUID());
    payload.actions = [action];
    return payload;
  }

  /** The registration form submitted with the fixture's answers, changed by `values`. */
  submitForm(user: string, values: Record<string, any> = {}, viewId = `V${randomUUID().slice(0, 8).toUpperCase()}`) {
    const payload = fixture('view_submission');
    payload.user = { id: user, username: user.toLowerCase(), name: user.toLowerCase(), team_id: 'T0STEWARD' };
    payload.view.id = viewId;
    for (const [block, value] of Object.entries(values)) payload.view.state.values[block] = { answer: value };
    return this.interaction(payload);
  }

  /** Submits the reviewer's reason modal that Steward opened (a recorded views.open). */
  submitReason(opened: SlackCall, reason: string, user: string) {
    const payload = fixture('view_submission');
    payload.user = { id: user, username: user.toLowerCase(), name: user.toLowerCase(), team_id: 'T0STEWARD' };
    payload.view = {
      ...payload.view,
      id: opened.response.view.id,
      callback_id: opened.args.view.callback_id,
      private_metadata: opened.args.view.private_metadata,
      blocks: opened.args.view.blocks,
    };
    payload.view.state = { values: { reason: { answer: { type: 'plain_text_input', value: reason } } } };
    return this.interaction(payload);
  }
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>' };
const decoded = (text: string) => text.replace(/&(amp|lt|gt);/gu, (_, name: string) => ENTITIES[name]!);

/**
 * The rich_text block Slack sends beside a message's `text` (Slack's escaped form): words unescaped,
 * mentions, channels, groups, broadcasts and links as their own elements. Emoji stay ":name:" words.
 */
export function richTextOf(text: string): any[] {
  const elements: any[] = [];
  let last = 0;
  for (const match of text.matchAll(/<([^<>]*)>/gu)) {
    if (match.index > last) elements.push({ type: 'text', text: decoded(text.slice(last, match.index)) });
    const [target = '', label] = match[1]!.split('|');
    if (target.startsWith('@')) elements.push({ type: 'user', user_id: target.slice(1) });
    else if (target.startsWith('#')) elements.push({ type: 'channel', channel_id: target.slice(1) });
    else if (target.startsWith('!subteam^'))
      elements.push({ type: 'usergroup', usergroup_id: target.slice('!subteam^'.length) });
    else if (target.startsWith('!')) elements.push({ type: 'broadcast', range: target.slice(1) });
    else elements.push({ type: 'link', url: decoded(target), ...(label ? { text: decoded(label) } : {}) });
    last = match.index + match[0].length;
  }
  if (last < text.length) elements.push({ type: 'text', text: decoded(text.slice(last)) });
  return [
    { type: 'rich_text', block_id: randomUUID().slice(0, 5), elements: [{ type: 'rich_text_section', elements }] },
  ];
}

let tsCounter = 0;
function nextTs(): string {
  tsCounter += 1;
  return `${Math.floor(Date.now() / 1000)}.${String(tsCounter).padStart(6, '0')}`;
}

export function dmOf(user: string): string {
  return `D${user.slice(1)}`;
}

function findElement(
  message: SlackCall,
  match: (element: any) => boolean,
  what: string,
): { element: any; blockId: string } {
  for (const block of message.args.blocks ?? []) {
    if (block.type !== 'actions') continue;
    const element = block.elements.find(match);
    if (element) return { element, blockId: block.block_id };
  }
  throw new Error(`No ${what} in message: ${JSON.stringify(message.args.blocks)}`);
}

/** A message Steward posted (chat.postMessage) in `channel` whose visible text includes `contains`. */
export const postedIn = (channel: string, contains: string) => (call: SlackCall) =>
  call.method === 'chat.postMessage' && call.response?.channel === channel && visibleText(call).includes(contains);

/** Everything a Slack user would read in a posted or updated message: its blocks' text, else its fallback text. */
export function visibleText(call: SlackCall): string {
  const parts: string[] = [];
  const visit = (node: any) => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach(visit);
    if (typeof node.text === 'string') parts.push(node.text);
    for (const [key, value] of Object.entries(node)) if (key !== 'text' || typeof value !== 'string') visit(value);
  };
  visit(call.args.blocks ?? call.args.view?.blocks);
  return parts.length > 0 ? parts.join('\n') : String(call.args.text ?? '');
}

/** The reviewers' channels of the default policy, as the fake workspace has them. */
export const GOV_CHANNELS = [
  { id: 'C0SECURITY', name: 'gov-security' },
  { id: 'C0PRIVACY', name: 'gov-privacy' },
  { id: 'C0AIGOV', name: 'gov-ai' },
  { id: 'C0ARCH', name: 'gov-architecture' },
  { id: 'C0COMPLY', name: 'gov-compliance' },
  { id: 'C0LEADS', name: 'gov-leads' },
];

/** The messages really in a channel now, newest first, as Slack would list them (with metadata). */
export async function channelHistory(fake: FakeSlack, channel: string): Promise<any[]> {
  const response = await fetch(`${fake.apiUrl}conversations.history`, {
    method: 'POST',
    headers: { authorization: `Bearer ${BOT_TOKEN}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ channel, limit: '5000', include_all_metadata: 'true' }).toString(),
  });
  return ((await response.json()) as { messages: any[] }).messages;
}

/** A fake Slack workspace, Steward serving it, and Slack's side of the conversation, for one test file. */
export interface SlackTestbed {
  fake: FakeSlack;
  steward: RunningSteward;
  slack: SlackSide;
  /** `steward <args>` as an admin runs it beside the server (it runs inside the server, on its database). */
  cli(...args: string[]): ReturnType<typeof runSteward>;
}

/**
 * Starts the testbed before the file's tests (the reviewers' channels, plus `options.fake`) and stops it
 * after them. SHOW_SERVER_OUTPUT=1 prints the server's log at the end.
 */
export function useSlackTestbed(
  options: { fake?: Parameters<typeof startFakeSlack>[0]; env?: Record<string, string>; start?: StartOptions } = {},
): SlackTestbed {
  const bed = {} as SlackTestbed;
  beforeAll(async () => {
    bed.fake = await startFakeSlack({ botToken: BOT_TOKEN, channels: GOV_CHANNELS, ...options.fake });
    bed.steward = await startSteward(bed.fake, options.env, options.start);
    bed.slack = new SlackSide(bed.steward, bed.fake);
    bed.cli = (...args) => runSteward(args, bed.steward.env);
  }, 60_000);
  afterAll(async () => {
    if (process.env.SHOW_SERVER_OUTPUT) console.log(bed.steward?.output());
    await bed.steward?.stop();
    await bed.fake?.close();
  });
  return bed;
}
