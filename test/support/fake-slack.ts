/**
 * A fake Slack Web API for tests: a real HTTP server on 127.0.0.1 (random port) that answers the
 * methods Steward uses the way Slack does (form-encoded requests, { ok, ... } JSON answers), and
 * records every call. Point SLACK_API_URL at `fake.apiUrl`.
 *
 *   const slack = await startFakeSlack({ channels: [{ id: 'C0PRIVACY', name: 'gov-privacy' }] });
 *   slack.failNext('chat.postMessage', { status: 429, retryAfterSec: 1 });   // once, then normal
 *   slack.failNext('chat.postMessage', { status: 500 });
 *   slack.failNext('views.open', { error: 'expired_trigger_id' });          // { ok: false, error }
 *   slack.failNext('chat.postMessage', { status: 429 }, 1, (args) => args.channel === 'C0PRIVACY');
 *   const call = await slack.waitFor((c) => c.method === 'chat.postMessage' && c.args.channel === 'DMAKER1');
 *   slack.responseUrl('cmd-1')   // a response_url whose POSTs are recorded as method 'response_url'
 *
 * Posting to a user id (U...) lands in the DM D... (the user id with D for U), as in Slack.
 *
 * Users (`users: { U0PAT: { name: 'pat', email: 'pat@example.com' } }`) are what users.info answers
 * about, with profile.email when they have one, and what users.lookupByEmail finds (any case; else
 * users_not_found).
 *
 * Socket Mode: apps.connections.open (with an xapp- token) returns a ws:// URL of this server; once the
 * client connects it gets Slack's "hello", and `slack.socket.send(envelope)` delivers an envelope, whose
 * ack (`{ envelope_id, payload? }`) `slack.socket.waitForAck(id)` returns.
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface SlackCall {
  method: string;
  /** Form fields, with JSON fields (blocks, view...) parsed; for response_url, the JSON body. */
  args: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- tests read arbitrary Slack fields
  token?: string;
  path: string;
  at: number;
  /** What the fake answered: the HTTP status (200 unless a failure was injected) and the JSON body. */
  status: number;
  response?: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- as above
}

interface FakeChannel {
  id: string;
  name: string;
  is_private?: boolean;
}

interface FakeUser {
  name: string;
  real_name?: string;
  display_name?: string;
  /** profile.email in users.info, and what users.lookupByEmail finds the user by (in any case). */
  email?: string;
}

export interface FakeSlackOptions {
  botToken?: string;
  channels?: FakeChannel[];
  usergroups?: Array<{ id: string; handle: string; users: string[] }>;
  users?: Record<string, FakeUser>;
}

interface Failure {
  status?: number;
  retryAfterSec?: number;
  /** Answer HTTP 200 with { ok: false, error }. */
  error?: string;
  /** Do the call (a post is really posted), but answer only after this long: a slow or timed-out Slack. */
  delayMs?: number;
  /** Do the call, then drop the connection without answering. */
  drop?: boolean;
}

interface FakeSocketMode {
  /** Whether a client is connected (it has been sent "hello"). */
  connected(): boolean;
  /** Sends a Socket Mode envelope ({ envelope_id, type, payload, ... }) to the connected client. */
  send(envelope: Record<string, unknown>): void;
  waitForAck(envelopeId: string, timeoutMs?: number): Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- the ack's payload
}

export interface FakeSlack {
  apiUrl: string;
  socket: FakeSocketMode;
  calls: SlackCall[];
  identity: { teamId: string; team: string; botUserId: string; botId: string; userName: string };
  responseUrl(id: string): string;
  /** The next `times` calls of `method` (those whose arguments `match`, if given) fail this way. */
  failNext(method: string, failure: Failure, times?: number, match?: (args: any) => boolean): void; // eslint-disable-line @typescript-eslint/no-explicit-any -- Slack arguments
  callsOf(method: string): SlackCall[];
  waitFor(
    predicate: (call: SlackCall) => boolean,
    options?: { timeoutMs?: number; what?: string; after?: number },
  ): Promise<SlackCall>;
  close(): Promise<void>;
}

function dmOf(userId: string): string {
  return `D${userId.slice(1)}`;
}

function parseForm(text: string): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(text)) {
    if (/^[[{]/u.test(value)) {
      try {
        args[key] = JSON.parse(value);
        continue;
      } catch {
        // not JSON after all
      }
    }
    args[key] = value;
  }
  return args;
}

export async function startFakeSlack(options: FakeSlackOptions = {}): Promise<FakeSlack> {
  const botToken = options.botToken ?? 'xoxb-fake-token';
  const channels = options.channels ?? [];
  const users = options.users ?? {};
  const identity = {
    teamId: 'T0STEWARD',
    team: 'Steward Test',
    botUserId: 'U0STEWARD',
    botId: 'B0STEWARD',
    userName: 'steward',
  };
  /** A user as users.info and users.lookupByEmail describe them. */
  const userObject = (id: string, user: FakeUser) => ({
    id,
    team_id: identity.teamId,
    name: user.name,
    real_name: user.real_name ?? user.name,
    profile: {
      display_name: user.display_name ?? '',
      real_name: user.real_name ?? user.name,
      ...(user.email ? { email: user.email } : {}),
    },
  });
  const calls: SlackCall[] = [];
  const failures: Array<{ method: string; failure: Failure; match?: (args: Record<string, unknown>) => boolean }> = [];
  const messages = new Map<string, Record<string, unknown>>();
  let counter = 0;
  const nextTs = () => `${1_700_000_000 + ++counter}.000100`;
  const nextId = (prefix: string) => `${prefix}${String(++counter).padStart(8, '0')}`;

  function answer(method: string, args: Record<string, unknown>): Record<string, unknown> {
    const channelOf = (channel: unknown) =>
      typeof channel === 'string' && channel.startsWith('U') ? dmOf(channel) : String(channel);
    switch (method) {
      case 'auth.test':
        return {
          ok: true,
          url: 'https://steward-test.slack.com/',
          team: identity.team,
          user: identity.userName,
          team_id: identity.teamId,
          user_id: identity.botUserId,
          bot_id: identity.botId,
        };
      case 'chat.postMessage': {
        const channel = channelOf(args.channel);
        if (!channel.startsWith('D') && !channels.some((known) => known.id === channel))
          return { ok: false, error: 'channel_not_found' };
        const ts = nextTs();
        const message = {
          type: 'message',
          user: identity.botUserId,
          bot_id: identity.botId,
          ts,
          text: args.text,
          blocks: args.blocks,
          ...(args.thread_ts ? { thread_ts: args.thread_ts } : {}),
          ...(args.metadata ? { metadata: args.metadata } : {}),
        };
        messages.set(`${channel}/${ts}`, message);
        return { ok: true, channel, ts, message };
      }
      case 'chat.update': {
        const key = `${String(args.channel)}/${String(args.ts)}`;
        const existing = messages.get(key);
        if (!existing) return { ok: false, error: 'message_not_found' };
        messages.set(key, { ...existing, text: args.text, blocks: args.blocks });
        return { ok: true, channel: args.channel, ts: args.ts, text: args.text };
      }
      case 'conversations.history': {
        const channel = channelOf(args.channel);
        const found = [...messages.entries()]
          .filter(([key]) => key.startsWith(`${channel}/`))
          .map(([, message]) => (args.include_all_metadata ? message : { ...message, metadata: undefined }))
          .reverse()
          .slice(0, Number(args.limit ?? 100));
        return { ok: true, messages: found, has_more: false };
      }
      case 'chat.delete':
        messages.delete(`${String(args.channel)}/${String(args.ts)}`);
        return { ok: true, channel: args.channel, ts: args.ts };
      case 'chat.postEphemeral':
        return { ok: true, message_ts: nextTs() };
      case 'views.open':
      case 'views.publish':
      case 'views.update': {
        const view = (args.view ?? {}) as Record<string, unknown>;
        return {
          ok: true,
          view: {
            ...view,
            id: typeof args.view_id === 'string' ? args.view_id : nextId('V'),
            hash: nextId('h'),
            state: { values: {} },
          },
        };
      }
      case 'conversations.list': {
        // Two per page whatever the limit, so callers must follow the cursor as with a big workspace.
        const start = Number(args.cursor ?? 0);
        const page = channels.slice(start, start + 2).map((channel) => ({
          id: channel.id,
          name: channel.name,
          is_channel: true,
          is_private: channel.is_private ?? false,
        }));
        const next = start + 2 < channels.length ? String(start + 2) : '';
        return { ok: true, channels: page, response_metadata: { next_cursor: next } };
      }
      case 'conversations.open':
        return { ok: true, channel: { id: dmOf(String(args.users).split(',')[0] ?? '') } };
      case 'usergroups.list':
        return {
          ok: true,
          usergroups: (options.usergroups ?? []).map((group) => ({
            ...group,
            users: args.include_users ? group.users : undefined,
          })),
        };
      case 'apps.connections.open':
        return { ok: true, url: `${base.replace(/^http/u, 'ws')}/socket-mode` };
      case 'users.info': {
        const user = users[String(args.user)];
        return user ? { ok: true, user: userObject(String(args.user), user) } : { ok: false, error: 'user_not_found' };
      }
      case 'users.lookupByEmail': {
        const email = String(args.email ?? '').toLowerCase();
        const found = Object.entries(users).find(([, user]) => user.email?.toLowerCase() === email);
        return found ? { ok: true, user: userObject(...found) } : { ok: false, error: 'users_not_found' };
      }
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const path = (req.url ?? '/').split('?')[0]!;
      const send = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify(payload));
      };
      if (path.startsWith('/respond/')) {
        let args: unknown = body;
        try {
          args = JSON.parse(body);
        } catch {
          // keep the raw text
        }
        calls.push({ method: 'response_url', args, path, at: Date.now(), status: 200 });
        send(200, { ok: true });
        return;
      }
      const method = path.replace(/^\/api\//u, '');
      const auth = req.headers.authorization ?? '';
      const token = auth.startsWith('Bearer ') ? auth.slice('Bearer '.length) : undefined;
      const args = (req.headers['content-type'] ?? '').includes('application/json')
        ? (JSON.parse(body || '{}') as Record<string, unknown>)
        : parseForm(body);
      const index = failures.findIndex(
        (candidate) => candidate.method === method && (!candidate.match || candidate.match(args)),
      );
      const failure = index === -1 ? undefined : failures.splice(index, 1)[0]!.failure;
      const call: SlackCall = {
        method,
        args,
        ...(token ? { token } : {}),
        path,
        at: Date.now(),
        status: failure?.status ?? 200,
      };
      calls.push(call);
      if (failure?.status) {
        call.response = { ok: false, error: failure.status === 429 ? 'ratelimited' : 'internal_error' };
        send(
          failure.status,
          call.response,
          failure.retryAfterSec !== undefined ? { 'retry-after': String(failure.retryAfterSec) } : {},
        );
        return;
      }
      // apps.connections.open takes the app-level token; everything else the bot token.
      const tokenOk = method === 'apps.connections.open' ? token?.startsWith('xapp-') : token === botToken;
      call.response = failure?.error
        ? { ok: false, error: failure.error }
        : !tokenOk
          ? { ok: false, error: 'invalid_auth' }
          : answer(method, args);
      if (failure?.drop) {
        req.socket.destroy();
        return;
      }
      if (failure?.delayMs) {
        setTimeout(() => send(200, call.response), failure.delayMs);
        return;
      }
      send(200, call.response);
    });
  });
  const socket = attachSocketMode(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const base = `http://127.0.0.1:${port}`;

  return {
    apiUrl: `${base}/api/`,
    socket,
    calls,
    identity,
    responseUrl: (id) => `${base}/respond/${id}`,
    failNext(method, failure, times = 1, match) {
      for (let i = 0; i < times; i += 1) failures.push({ method, failure, ...(match ? { match } : {}) });
    },
    callsOf: (method) => calls.filter((call) => call.method === method),
    async waitFor(predicate, { timeoutMs = 10_000, what = 'a matching Slack call', after = 0 } = {}) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = calls
          .slice(after)
          .find((call) => call.status === 200 && call.response?.ok !== false && predicate(call));
        if (found) return found;
        if (Date.now() > deadline) {
          const seen = calls
            .map((call) => `  ${call.method} ${call.status} ${JSON.stringify(call.args).slice(0, 160)}`)
            .join('\n');
          throw new Error(`Timed out waiting for ${what}. Calls so far:\n${seen}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        socket.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

// ------------------------------------------------------------------ a minimal WebSocket server (RFC 6455)

const WS_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

function frame(opcode: number, payload: Buffer): Buffer {
  const length = payload.length;
  const header =
    length < 126 ? Buffer.from([0x80 | opcode, length]) : Buffer.from([0x80 | opcode, 126, length >> 8, length & 0xff]);
  if (length >= 65_536) throw new Error('fake-slack: frame too large');
  return Buffer.concat([header, payload]);
}

/** Client frames arrive masked and possibly split or joined; returns whole frames and the rest. */
function readFrames(buffer: Buffer): { frames: Array<{ opcode: number; payload: Buffer }>; rest: Buffer } {
  const frames: Array<{ opcode: number; payload: Buffer }> = [];
  let offset = 0;
  while (buffer.length - offset >= 2) {
    const opcode = buffer[offset]! & 0x0f;
    const masked = (buffer[offset + 1]! & 0x80) !== 0;
    let length = buffer[offset + 1]! & 0x7f;
    let cursor = offset + 2;
    if (length === 126) {
      if (buffer.length < cursor + 2) break;
      length = buffer.readUInt16BE(cursor);
      cursor += 2;
    } else if (length === 127) {
      if (buffer.length < cursor + 8) break;
      length = Number(buffer.readBigUInt64BE(cursor));
      cursor += 8;
    }
    const maskLength = masked ? 4 : 0;
    if (buffer.length < cursor + maskLength + length) break;
    const mask = buffer.subarray(cursor, cursor + maskLength);
    const payload = Buffer.from(buffer.subarray(cursor + maskLength, cursor + maskLength + length));
    if (masked) for (let i = 0; i < payload.length; i += 1) payload[i] = payload[i]! ^ mask[i % 4]!;
    frames.push({ opcode, payload });
    offset = cursor + maskLength + length;
  }
  return { frames, rest: buffer.subarray(offset) };
}

function attachSocketMode(server: http.Server): FakeSocketMode & { close(): void } {
  let client: Socket | undefined;
  const acks = new Map<string, unknown>();
  server.on('upgrade', (req, socket: Socket) => {
    const key = req.headers['sec-websocket-key'];
    if (req.url !== '/socket-mode' || typeof key !== 'string') {
      socket.destroy();
      return;
    }
    const accept = createHash('sha1').update(`${key}${WS_GUID}`).digest('base64');
    socket.write(
      `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
    );
    client = socket;
    let pending: Buffer = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      const { frames, rest } = readFrames(Buffer.concat([pending, chunk]));
      pending = rest;
      for (const { opcode, payload } of frames) {
        if (opcode === 0x9) socket.write(frame(0xa, payload));
        else if (opcode === 0x8) socket.end(frame(0x8, payload));
        else if (opcode === 0x1) {
          const message = JSON.parse(payload.toString('utf8')) as { envelope_id?: string; payload?: unknown };
          if (message.envelope_id) acks.set(message.envelope_id, message.payload ?? null);
        }
      }
    });
    socket.on('close', () => {
      if (client === socket) client = undefined;
    });
    socket.write(
      frame(
        0x1,
        Buffer.from(
          JSON.stringify({
            type: 'hello',
            num_connections: 1,
            debug_info: { host: 'fake-slack', approximate_connection_time: 3600 },
            connection_info: { app_id: 'A0STEWARD' },
          }),
        ),
      ),
    );
  });
  return {
    connected: () => client !== undefined,
    send(envelope) {
      if (!client) throw new Error('fake-slack: no Socket Mode client connected');
      client.write(frame(0x1, Buffer.from(JSON.stringify(envelope))));
    },
    async waitForAck(envelopeId, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (!acks.has(envelopeId)) {
        if (Date.now() > deadline) throw new Error(`fake-slack: no ack for envelope ${envelopeId}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return acks.get(envelopeId);
    },
    close() {
      client?.destroy();
    },
  };
}
