/**
 * A fake OpenAI-compatible server for tests: a real HTTP server on 127.0.0.1 (random port) that answers
 * POST /v1/chat/completions (and /chat/completions) as OpenAI does, and records every request.
 *
 *   const fake = await startFakeOpenAI();
 *   const llm = createLlmClient({ baseUrl: fake.baseUrl, apiKey: 'test-key', model: 'fake-model', timeoutMs: 2000 });
 *   fake.respondWith({ json: { tier: 'high', ... } });     // content = that object as JSON, with usage
 *   fake.respondWith({ content: 'not json at all' });       // raw assistant content (garbage)
 *   fake.respondWith({ status: 429, headers: { 'retry-after': '1' } });
 *   fake.respondWith({ status: 500 });
 *   fake.respondWith({ delayMs: 5000, json: {...} });       // answers late (after the client's timeout)
 *   fake.respondWith({ body: '{"choices": [' });            // a broken HTTP body
 *   fake.respondWith((request) => ({ json: ... }));         // computed from the request
 *   ...
 *   fake.requests[0].body.messages                          // what the client sent (parsed JSON)
 *   await fake.close();
 *
 * Replies queue up and are used one per request, in order; when the queue is empty the default reply
 * (setDefault) is used, which is a 500 naming the problem unless changed, so a test that forgot to
 * queue a reply fails loudly.
 */
import http, { type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body; the raw text when it was not JSON. */
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- tests read arbitrary request fields
}

interface FakeUsage {
  prompt_tokens: number;
  completion_tokens: number;
  cached_tokens?: number;
}

interface FakeReplySpec {
  /** Wait this long before answering (the client may give up first). */
  delayMs?: number;
  /** An error status: the body is an OpenAI error object unless `body` is given. */
  status?: number;
  headers?: Record<string, string>;
  /** The raw HTTP body, sent as is (with `status`, or 200). */
  body?: string;
  /** The assistant message content as an object, sent as its JSON text. */
  json?: unknown;
  /** The assistant message content, verbatim. */
  content?: string | null;
  refusal?: string;
  finishReason?: 'stop' | 'length' | 'content_filter';
  usage?: FakeUsage;
  model?: string;
}

type FakeReply = FakeReplySpec | ((request: RecordedRequest) => FakeReplySpec | Promise<FakeReplySpec>);

export interface FakeOpenAI {
  /** Base URL including /v1, as OPENAI_BASE_URL expects. */
  baseUrl: string;
  requests: RecordedRequest[];
  /** Queues replies, one per coming request. */
  respondWith(...replies: FakeReply[]): void;
  /** The reply once the queue is empty. */
  setDefault(reply: FakeReply): void;
  /** Empties the queue and the recorded requests. */
  reset(): void;
  close(): Promise<void>;
}

const DEFAULT_FAKE_USAGE: FakeUsage = { prompt_tokens: 1200, completion_tokens: 80 };

export async function startFakeOpenAI(): Promise<FakeOpenAI> {
  const requests: RecordedRequest[] = [];
  const queue: FakeReply[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let fallback: FakeReply = {
    status: 500,
    body: JSON.stringify({ error: { message: 'fake-openai: no reply queued', type: 'server_error' } }),
  };
  let completionCount = 0;

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // keep the raw text
      }
      const path = (req.url ?? '/').split('?')[0]!;
      const request: RecordedRequest = { method: req.method ?? 'GET', path, headers: req.headers, body };
      if (req.method !== 'POST' || !['/v1/chat/completions', '/chat/completions'].includes(path)) {
        sendJson(res, 404, {
          error: { message: `fake-openai: no route ${req.method} ${path}`, type: 'invalid_request_error' },
        });
        return;
      }
      requests.push(request);
      const reply = queue.shift() ?? fallback;
      void Promise.resolve(typeof reply === 'function' ? reply(request) : reply).then((spec) => {
        const send = () => answer(res, spec, request, ++completionCount);
        if (!spec.delayMs) return send();
        const timer = setTimeout(() => {
          timers.delete(timer);
          if (!res.destroyed) send();
        }, spec.delayMs);
        timers.add(timer);
      });
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    respondWith: (...replies) => void queue.push(...replies),
    setDefault: (reply) => void (fallback = reply),
    reset: () => {
      queue.length = 0;
      requests.length = 0;
    },
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function answer(res: ServerResponse, spec: FakeReplySpec, request: RecordedRequest, count: number): void {
  const headers = spec.headers ?? {};
  if (spec.body !== undefined) {
    res.writeHead(spec.status ?? 200, { 'content-type': 'application/json', ...headers });
    res.end(spec.body);
    return;
  }
  if (spec.status !== undefined && spec.status >= 400) {
    const type =
      spec.status === 429 ? 'rate_limit_exceeded' : spec.status >= 500 ? 'server_error' : 'invalid_request_error';
    sendJson(res, spec.status, { error: { message: `fake-openai: status ${spec.status}`, type, code: null } }, headers);
    return;
  }
  const usage = spec.usage ?? DEFAULT_FAKE_USAGE;
  const content = spec.json !== undefined ? JSON.stringify(spec.json) : (spec.content ?? null);
  sendJson(
    res,
    spec.status ?? 200,
    {
      id: `chatcmpl-fake-${count}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: spec.model ?? String((request.body as { model?: unknown })?.model ?? 'fake-model'),
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content, refusal: spec.refusal ?? null },
          logprobs: null,
          finish_reason: spec.finishReason ?? 'stop',
        },
      ],
      usage: {
        prompt_tokens: usage.prompt_tokens,
        completion_tokens: usage.completion_tokens,
        total_tokens: usage.prompt_tokens + usage.completion_tokens,
        ...(usage.cached_tokens !== undefined ? { prompt_tokens_details: { cached_tokens: usage.cached_tokens } } : {}),
      },
    },
    headers,
  );
}

function sendJson(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(value));
}

/** The extraction's answer when the description states nothing: every profile field null. */
export const NOTHING_INFERRED = {
  name: null,
  platform: null,
  department: null,
  audience: null,
  userCount: null,
  dataCategories: null,
  systems: null,
  aiUsed: null,
  aiGeneratesContent: null,
  aiDecisionImpact: null,
  aiProfiling: null,
  aiDomains: null,
  aiPractices: null,
  criticality: null,
  externalSharing: null,
};

/** A suggested fact's `implies` that adds nothing. */
export const NO_IMPLIES = {
  dataCategories: null,
  aiDomains: null,
  aiPractices: null,
  aiUsed: null,
  profiling: null,
  decisionImpact: null,
};
