// A lean fake Slack Web API for load tests: answers every method Steward or a bare Bolt app calls,
// and wakes whoever waits for a message in a given channel. Records only a call count per method, so it stays cheap.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface PostedMessage {
  channel: string;
  text: string;
}

export interface LeanFakeSlack {
  apiUrl: string;
  calls: number;
  /** Calls so far, by Web API method. */
  callsByMethod: Record<string, number>;
  /** Resolves with the first message posted to `channel` (after now) that satisfies `match`. */
  waitForMessage(
    channel: string,
    match: (message: PostedMessage) => boolean,
    timeoutMs?: number,
  ): Promise<PostedMessage>;
  close(): Promise<void>;
}

function formBody(body: string, contentType: string | undefined): Record<string, string> {
  if (contentType?.includes('application/json')) return JSON.parse(body || '{}') as Record<string, string>;
  return Object.fromEntries(new URLSearchParams(body));
}

function textOf(args: Record<string, unknown>): string {
  const blocks = typeof args.blocks === 'string' ? args.blocks : JSON.stringify(args.blocks ?? '');
  return `${String(args.text ?? '')}\n${blocks}`;
}

export async function startLeanFakeSlack(): Promise<LeanFakeSlack> {
  const waiters = new Map<
    string,
    Array<{ match: (message: PostedMessage) => boolean; resolve: (message: PostedMessage) => void }>
  >();
  let ts = 1_700_000_000_000;
  const state = { calls: 0 };
  const byMethod: Record<string, number> = {};
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      state.calls += 1;
      const method = (req.url ?? '').split('?')[0]!.replace(/^.*\/api\//u, '');
      byMethod[method] = (byMethod[method] ?? 0) + 1;
      const args = formBody(body, req.headers['content-type']);
      const reply = (payload: Record<string, unknown>) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ ok: true, ...payload }));
      };
      if (method === 'chat.postMessage' || method === 'chat.update') {
        const channel = String(args.channel ?? '').replace(/^U/u, 'D');
        const message = { channel, text: textOf(args) };
        const list = waiters.get(channel) ?? [];
        const matched = list.filter((waiter) => waiter.match(message));
        waiters.set(
          channel,
          list.filter((waiter) => !matched.includes(waiter)),
        );
        for (const waiter of matched) waiter.resolve(message);
        ts += 1;
        return reply({
          channel,
          ts: args.ts ?? `${Math.floor(ts / 1000)}.${String(ts % 1000).padStart(6, '0')}`,
          message: { text: args.text },
        });
      }
      if (method === 'auth.test')
        return reply({ user_id: 'U0STEWARD', bot_id: 'B0STEWARD', team_id: 'T0BENCH', user: 'steward' });
      if (method === 'users.info')
        return reply({
          user: {
            id: args.user,
            name: `user-${String(args.user)}`,
            real_name: 'Bench Maker',
            profile: { display_name: 'Bench Maker' },
          },
        });
      if (method === 'conversations.list') return reply({ channels: [], response_metadata: { next_cursor: '' } });
      if (method === 'conversations.open')
        return reply({ channel: { id: String(args.users ?? 'U').replace(/^U/u, 'D') } });
      return reply({});
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    apiUrl: `http://127.0.0.1:${port}/api/`,
    get calls() {
      return state.calls;
    },
    get callsByMethod() {
      return byMethod;
    },
    waitForMessage(channel, match, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`No message in ${channel} within ${timeoutMs} ms`)), timeoutMs);
        const list = waiters.get(channel) ?? [];
        list.push({
          match,
          resolve: (message) => {
            clearTimeout(timer);
            resolve(message);
          },
        });
        waiters.set(channel, list);
      });
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
