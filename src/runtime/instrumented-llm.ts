import type { StewardMetrics } from './metrics.ts';
import type { LlmClient } from '../llm/client.ts';
import { LlmError } from '../llm/client.ts';

/** Counts every LLM call, its tokens, latency and failures, without changing what it returns or throws. */
export function instrumentLlm(llm: LlmClient, metrics: StewardMetrics): LlmClient {
  return {
    model: llm.model,
    timeoutMs: llm.timeoutMs,
    async parse(request) {
      const stop = metrics.llmLatency.startTimer({ purpose: request.purpose });
      try {
        const response = await llm.parse(request);
        metrics.llmCalls.inc({ purpose: request.purpose, outcome: 'ok' });
        metrics.llmTokens.inc({ purpose: request.purpose, kind: 'prompt' }, response.usage.promptTokens);
        metrics.llmTokens.inc({ purpose: request.purpose, kind: 'completion' }, response.usage.completionTokens);
        return response;
      } catch (error) {
        metrics.llmCalls.inc({ purpose: request.purpose, outcome: error instanceof LlmError ? error.kind : 'other' });
        throw error;
      } finally {
        stop();
      }
    },
  };
}
