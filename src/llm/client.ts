import type OpenAI from 'openai';
import type { OpenAI as OpenAIClass } from 'openai';
import type { z } from 'zod';

// One structured-output call to any OpenAI-compatible endpoint (OpenAI, Azure OpenAI's /openai/v1,
// vLLM, Ollama, llama.cpp...). Every failure becomes an LlmError with a kind the caller can act on,
// and no call outlives its deadline.

const DEFAULT_MODEL = 'gpt-4o-mini';

export type LlmErrorKind =
  'timeout' | 'rate-limited' | 'server-error' | 'malformed' | 'off-schema' | 'connection' | 'other';

export class LlmError extends Error {
  constructor(
    readonly kind: LlmErrorKind,
    message: string,
    /** HTTP status, when the server answered. */
    readonly status?: number,
  ) {
    super(message);
    this.name = 'LlmError';
  }
}

export interface LlmConfig {
  apiKey?: string;
  /** e.g. https://api.openai.com/v1, https://RESOURCE.openai.azure.com/openai/v1, http://localhost:11434/v1 */
  baseUrl?: string;
  model?: string;
  /** Hard limit on the whole call, retries included. */
  timeoutMs: number;
  /** Retries on 429, 5xx and connection errors, within timeoutMs. Default 0: the caller has a fallback. */
  maxRetries?: number;
}

interface LlmRequest<T> {
  /** What the call is for ('assess', 'intake-extract'...): named in errors. */
  purpose: string;
  /** Stable instructions first, so providers can cache the prompt prefix. */
  system: string;
  /** The variable part: the data to work on. */
  user: string;
  schema: z.ZodType<T>;
  schemaName: string;
}

export interface LlmUsage {
  promptTokens: number;
  completionTokens: number;
  /** Prompt tokens served from the provider's cache, when it reports them. */
  cachedPromptTokens?: number;
}

export interface LlmResponse<T> {
  value: T;
  usage: LlmUsage;
  /** The model that answered, as the server names it. */
  model: string;
}

export interface LlmClient {
  readonly model: string;
  readonly timeoutMs: number;
  /** Throws LlmError, and only LlmError. */
  parse<T>(request: LlmRequest<T>): Promise<LlmResponse<T>>;
}

/** A client, or undefined when no LLM is configured (neither an API key nor a base URL). */
export function createLlmClient(config: LlmConfig): LlmClient | undefined {
  if (!config.apiKey && !config.baseUrl) return undefined;
  const model = config.model || DEFAULT_MODEL;
  const { timeoutMs } = config;
  const maxRetries = config.maxRetries ?? 0;
  const baseURL = config.baseUrl || 'https://api.openai.com/v1';
  // The SDK loads only when an LLM is configured, and in the background: a start does not wait for it.
  const sdk = loadSdk();
  sdk.catch(() => undefined); // reported by the first call
  const client = sdk.then(
    ({ OpenAI }) =>
      new OpenAI({
        // Self-hosted servers often need no key, but the SDK insists on one.
        apiKey: config.apiKey || 'no-key',
        // Explicit, so the SDK never picks OPENAI_BASE_URL from the process environment behind our back.
        baseURL,
        timeout: timeoutMs,
        maxRetries,
        // Azure OpenAI's key header; harmless elsewhere, so only sent to Azure hosts.
        ...(config.apiKey && isAzure(baseURL) ? { defaultHeaders: { 'api-key': config.apiKey } } : {}),
      }),
  );
  const redact = secretRedactor(config.apiKey);

  return {
    model,
    timeoutMs,
    async parse<T>(request: LlmRequest<T>): Promise<LlmResponse<T>> {
      const controller = new AbortController();
      let deadlineTimer: NodeJS.Timeout | undefined;
      // The SDK's retry back-off (which honours retry-after) ignores the abort signal, so the race is
      // what guarantees the caller is answered by the deadline.
      const deadline = new Promise<never>((_, reject) => {
        deadlineTimer = setTimeout(() => {
          controller.abort();
          reject(new LlmError('timeout', `${request.purpose}: no answer within ${timeoutMs} ms`));
        }, timeoutMs);
      });
      try {
        const [{ zodResponseFormat }, openai] = await Promise.all([sdk, client]);
        const call = openai.chat.completions.create(
          {
            model,
            messages: [
              { role: 'system', content: request.system },
              { role: 'user', content: request.user },
            ],
            response_format: zodResponseFormat(request.schema, request.schemaName),
          },
          { signal: controller.signal, timeout: timeoutMs, maxRetries },
        );
        call.catch(() => undefined); // if the deadline wins, the abandoned call must not reject unhandled
        const completion = await Promise.race([call, deadline]);
        return readCompletion(completion, request, model);
      } catch (error) {
        const loaded = await sdk.catch(() => undefined);
        throw toLlmError(error, request.purpose, timeoutMs, redact, loaded?.OpenAI);
      } finally {
        clearTimeout(deadlineTimer);
      }
    },
  };
}

// The completion is read here rather than by `chat.completions.parse`, to tell off-schema output from
// malformed output, and to accept the ```json fences some self-hosted models wrap their answer in.
function readCompletion<T>(
  completion: OpenAI.Chat.ChatCompletion,
  request: LlmRequest<T>,
  model: string,
): LlmResponse<T> {
  const choice = completion.choices?.[0];
  if (!choice) throw new LlmError('malformed', `${request.purpose}: the answer has no choices`);
  if (choice.finish_reason === 'length')
    throw new LlmError('malformed', `${request.purpose}: the answer was cut off at the token limit`);
  if (choice.finish_reason === 'content_filter')
    throw new LlmError('other', `${request.purpose}: the provider's content filter blocked the answer`);
  if (choice.message.refusal)
    throw new LlmError('other', `${request.purpose}: the model refused: ${clip(choice.message.refusal)}`);
  const content = choice.message.content;
  if (!content?.trim()) throw new LlmError('malformed', `${request.purpose}: the answer is empty`);

  let json: unknown;
  try {
    json = JSON.parse(stripCodeFence(content));
  } catch {
    throw new LlmError('malformed', `${request.purpose}: the answer is not JSON: ${clip(content)}`);
  }
  const parsed = request.schema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues
      .slice(0, 3)
      .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new LlmError(
      'off-schema',
      `${request.purpose}: the answer does not match ${request.schemaName}: ${issues.join('; ')}`,
    );
  }
  const usage: LlmUsage = {
    promptTokens: completion.usage?.prompt_tokens ?? 0,
    completionTokens: completion.usage?.completion_tokens ?? 0,
  };
  const cached = completion.usage?.prompt_tokens_details?.cached_tokens;
  if (typeof cached === 'number') usage.cachedPromptTokens = cached;
  return { value: parsed.data, usage, model: completion.model || model };
}

async function loadSdk() {
  const [{ default: OpenAI }, { zodResponseFormat }] = await Promise.all([
    import('openai'),
    import('openai/helpers/zod'),
  ]);
  return { OpenAI, zodResponseFormat };
}

function toLlmError(
  error: unknown,
  purpose: string,
  timeoutMs: number,
  redact: (text: string) => string,
  OpenAI: typeof OpenAIClass | undefined,
): LlmError {
  if (error instanceof LlmError) return error;
  if (!OpenAI) return new LlmError('other', `${purpose}: the OpenAI SDK could not be loaded: ${clip(String(error))}`);
  // Subclasses before their parents: timeout < connection < APIError.
  if (error instanceof OpenAI.APIConnectionTimeoutError || error instanceof OpenAI.APIUserAbortError) {
    return new LlmError('timeout', `${purpose}: no answer within ${timeoutMs} ms`);
  }
  if (error instanceof OpenAI.APIConnectionError) {
    return new LlmError('connection', `${purpose}: cannot reach the LLM endpoint: ${redact(error.message)}`);
  }
  if (error instanceof OpenAI.RateLimitError) {
    const retryAfter = error.headers?.get('retry-after');
    return new LlmError(
      'rate-limited',
      `${purpose}: rate limited (429)${retryAfter ? `, retry after ${retryAfter} s` : ''}`,
      429,
    );
  }
  if (error instanceof OpenAI.APIError) {
    const status = typeof error.status === 'number' ? error.status : undefined;
    const kind = status !== undefined && status >= 500 ? 'server-error' : 'other';
    return new LlmError(kind, `${purpose}: HTTP ${status ?? '?'}: ${clip(redact(error.message))}`, status);
  }
  // A body that is not JSON surfaces from the SDK as a plain SyntaxError.
  if (error instanceof SyntaxError) return new LlmError('malformed', `${purpose}: the server's response is not JSON`);
  const message = error instanceof Error ? error.message : String(error);
  return new LlmError('other', `${purpose}: ${clip(redact(message))}`);
}

/** Hides the API key (and anything shaped like an OpenAI key) from messages that reach logs and users. */
function secretRedactor(apiKey: string | undefined): (text: string) => string {
  return (text) => {
    let safe = apiKey ? text.split(apiKey).join('[redacted]') : text;
    safe = safe.replace(/\bsk-[A-Za-z0-9_*-]{6,}/g, 'sk-[redacted]');
    return safe;
  };
}

function stripCodeFence(content: string): string {
  const fenced = /^\s*```(?:json)?\s*\n([\s\S]*?)\n?\s*```\s*$/i.exec(content);
  return fenced ? fenced[1]! : content;
}

function clip(text: string, length = 120): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > length ? `${flat.slice(0, length)}…` : flat;
}

function isAzure(baseUrl: string): boolean {
  try {
    return new URL(baseUrl).hostname.endsWith('.azure.com');
  } catch {
    return false;
  }
}
