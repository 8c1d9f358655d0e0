/**
 * A fake Bot Connector (the Teams side of the Bot Framework REST API) for tests: a real HTTP server on
 * 127.0.0.1 that records everything the bot sends and answers like the service does.
 *
 *   const connector = await startFakeBotConnector();
 *   activity.serviceUrl = connector.serviceUrl;              // the bot replies here
 *   connector.addTeam({ id: '19:team@thread.tacv2', name: 'Governance', channels: [{ id: '19:priv@thread.tacv2', name: 'Privacy' }] });
 *   connector.refuse('19:priv@thread.tacv2', { status: 403, code: 'BotNotInConversationRoster' });
 *   connector.refuse('a:dm', { status: 429, retryAfterSeconds: 1, times: 1 });
 *   const post = await connector.waitFor((call) => call.kind === 'send' && call.conversationId === '19:priv@thread.tacv2');
 *   post.activity.attachments[0].content                      // the Adaptive Card the bot posted
 *
 * Routes (as in https://learn.microsoft.com/azure/bot-service/rest-api/bot-framework-rest-connector-api-reference):
 *   POST /v3/conversations/{id}/activities              send to a conversation (a new channel thread)  -> { id }
 *   POST /v3/conversations/{id}/activities/{activityId} reply to an activity                          -> { id }
 *   PUT  /v3/conversations/{id}/activities/{activityId} update an activity                            -> { id }
 *   POST /v3/conversations                              create a conversation (proactive 1:1)         -> { id, activityId? }
 *   GET  /v3/teams/{teamId}                             team details
 *   GET  /v3/teams/{teamId}/conversations               the team's channels (the General channel has no name)
 */
import http, { type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

type ConnectorCallKind = 'send' | 'reply' | 'update' | 'create' | 'team' | 'channels';

export interface ConnectorCall {
  kind: ConnectorCallKind;
  method: string;
  path: string;
  /** Decoded conversation id (or team id for team calls). */
  conversationId: string;
  /** The activity replied to or updated. */
  activityId?: string;
  /** The id the fake gave a posted activity. */
  postedId?: string;
  status: number;
  authorization?: string;
  headers: IncomingHttpHeaders;
  /** The posted or updated activity (for 'create': the conversation parameters). */
  activity: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- tests read arbitrary activity fields
}

interface FakeTeam {
  id: string;
  name: string;
  aadGroupId?: string;
  /** The General channel's id is the team id, as in Teams. */
  channels: Array<{ id: string; name?: string }>;
}

interface Refusal {
  status: number;
  /** Bot Framework error code, e.g. BotNotInConversationRoster. */
  code?: string;
  retryAfterSeconds?: number;
  /** Refuse this many times, then accept; forever when unset. */
  times?: number;
}

export interface FakeBotConnector {
  /** What activities carry as serviceUrl, with a trailing slash as Teams sends it. */
  serviceUrl: string;
  calls: ConnectorCall[];
  addTeam(team: FakeTeam): void;
  /** Answers calls on this conversation (or team) id with an error. */
  refuse(conversationOrTeamId: string, refusal: Refusal): void;
  accept(conversationOrTeamId: string): void;
  /** Resolves with the first call (already recorded or coming) that matches; fails after the deadline. */
  waitFor(match: (call: ConnectorCall) => boolean, timeoutMs?: number, what?: string): Promise<ConnectorCall>;
  /** Every matching call recorded so far. */
  find(match: (call: ConnectorCall) => boolean): ConnectorCall[];
  close(): Promise<void>;
}

const ERROR_MESSAGES: Record<string, string> = {
  BotNotInConversationRoster: 'The bot is not part of the conversation roster.',
  ConversationBlockedByUser: 'User blocked the conversation with the bot.',
};

export async function startFakeBotConnector(): Promise<FakeBotConnector> {
  const calls: ConnectorCall[] = [];
  const teams = new Map<string, FakeTeam>();
  const refusals = new Map<string, Refusal>();
  const waiters = new Set<{ match: (call: ConnectorCall) => boolean; resolve: (call: ConnectorCall) => void }>();
  let counter = 0;

  const record = (call: ConnectorCall) => {
    calls.push(call);
    for (const waiter of [...waiters]) {
      if (waiter.match(call)) {
        waiters.delete(waiter);
        waiter.resolve(call);
      }
    }
  };

  /** The refusal that applies to this id, counting down `times`. */
  const refusalFor = (id: string): Refusal | undefined => {
    const base = id.split(';')[0]!;
    const refusal = refusals.get(id) ?? refusals.get(base);
    if (!refusal) return undefined;
    if (refusal.times !== undefined) {
      refusal.times -= 1;
      if (refusal.times <= 0) {
        refusals.delete(id);
        refusals.delete(base);
      }
    }
    return refusal;
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        body = text;
      }
      const method = req.method ?? 'GET';
      const path = (req.url ?? '/').split('?')[0]!;
      const segments = path.split('/').filter(Boolean).map(decodeURIComponent);
      const base = { method, path, headers: req.headers, authorization: req.headers.authorization, activity: body };

      // /v3/teams/{teamId}[/conversations]
      if (method === 'GET' && segments[0] === 'v3' && segments[1] === 'teams' && segments[2]) {
        const teamId = segments[2];
        const kind: ConnectorCallKind = segments[3] === 'conversations' ? 'channels' : 'team';
        const refusal = refusalFor(teamId);
        const team = teams.get(teamId);
        const status = refusal?.status ?? (team ? 200 : 404);
        record({ ...base, kind, conversationId: teamId, status });
        if (refusal) return sendError(res, refusal);
        if (!team) return sendJson(res, 404, { error: { code: 'NotFound', message: 'Team not found' } });
        if (kind === 'team')
          return sendJson(res, 200, { id: team.id, name: team.name, aadGroupId: team.aadGroupId ?? null });
        return sendJson(res, 200, {
          conversations: team.channels.map((channel) => ({
            id: channel.id,
            ...(channel.name ? { name: channel.name } : {}),
          })),
        });
      }

      // POST /v3/conversations
      if (method === 'POST' && segments.length === 2 && segments[0] === 'v3' && segments[1] === 'conversations') {
        const params = body as
          { members?: Array<{ id: string }>; channelData?: { channel?: { id?: string } } } | undefined;
        const memberId = params?.members?.[0]?.id ?? params?.channelData?.channel?.id ?? '';
        const refusal = refusalFor(memberId);
        const conversationId = `a:fake-${++counter}`;
        record({
          ...base,
          kind: 'create',
          conversationId: refusal ? memberId : conversationId,
          status: refusal?.status ?? 201,
        });
        if (refusal) return sendError(res, refusal);
        return sendJson(res, 201, { id: conversationId });
      }

      // /v3/conversations/{id}/activities[/{activityId}]
      if (segments[0] === 'v3' && segments[1] === 'conversations' && segments[2] && segments[3] === 'activities') {
        const conversationId = segments[2];
        const activityId = segments[4];
        const kind: ConnectorCallKind | undefined =
          method === 'PUT' && activityId ? 'update' : method === 'POST' ? (activityId ? 'reply' : 'send') : undefined;
        if (kind) {
          const refusal = refusalFor(conversationId);
          const postedId = kind === 'update' ? activityId : `${Date.now()}${String(++counter).padStart(4, '0')}`;
          record({
            ...base,
            kind,
            conversationId,
            ...(activityId ? { activityId } : {}),
            ...(refusal ? {} : { postedId }),
            status: refusal?.status ?? 200,
          });
          if (refusal) return sendError(res, refusal);
          return sendJson(res, 200, { id: postedId });
        }
      }
      sendJson(res, 404, { error: { code: 'NotFound', message: `fake-bot-connector: no route ${method} ${path}` } });
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    serviceUrl: `http://127.0.0.1:${port}/`,
    calls,
    addTeam: (team) => void teams.set(team.id, team),
    refuse: (id, refusal) => void refusals.set(id, { ...refusal }),
    accept: (id) => void refusals.delete(id),
    find: (match) => calls.filter(match),
    waitFor(match, timeoutMs = 15_000, what = 'a matching call') {
      const existing = calls.find(match);
      if (existing) return Promise.resolve(existing);
      return new Promise((resolve, reject) => {
        const waiter = {
          match,
          resolve: (call: ConnectorCall) => {
            clearTimeout(timer);
            resolve(call);
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          const seen = calls.map(
            (call) =>
              `${call.kind} ${call.conversationId}${call.activityId ? `/${call.activityId}` : ''} -> ${call.status}`,
          );
          reject(
            new Error(
              `fake-bot-connector: no ${what} within ${timeoutMs} ms. Calls so far:\n  ${seen.join('\n  ') || '(none)'}`,
            ),
          );
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function sendError(res: ServerResponse, refusal: Refusal): void {
  const code = refusal.code ?? (refusal.status === 429 ? 'Throttled' : 'ServiceError');
  const headers: Record<string, string> =
    refusal.retryAfterSeconds !== undefined ? { 'retry-after': String(refusal.retryAfterSeconds) } : {};
  sendJson(
    res,
    refusal.status,
    { error: { code, message: ERROR_MESSAGES[code] ?? `fake-bot-connector: ${code}` } },
    headers,
  );
}

function sendJson(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(value));
}
