import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { discoveryCoverage } from '../discover/report.ts';
import { overdueRecertificationCount } from '../lifecycle/recertify.ts';
import type { Store } from '../store/store.ts';

// Prometheus metrics. Counters and histograms are this process's; the outbox, escalation, SLA and
// lifecycle figures are read from the database at scrape time, so every instance reports the same totals.

export class StewardMetrics {
  readonly registry = new Registry();
  readonly turns: Counter<'platform' | 'outcome'>;
  readonly ackLatency: Histogram<'platform'>;
  readonly turnLatency: Histogram<'platform'>;
  readonly llmCalls: Counter<'purpose' | 'outcome'>;
  readonly llmTokens: Counter<'purpose' | 'kind'>;
  readonly llmLatency: Histogram<'purpose'>;
  readonly deliveries: Counter<'platform' | 'outcome'>;

  constructor(store: Store, options: { defaultMetrics?: boolean } = {}) {
    const registers = [this.registry];
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry, prefix: 'steward_' });
    this.turns = new Counter({
      name: 'steward_turns_total',
      help: 'Conversation turns handled',
      labelNames: ['platform', 'outcome'],
      registers,
    });
    this.ackLatency = new Histogram({
      name: 'steward_ack_latency_seconds',
      help: 'Time from receiving a platform request to acknowledging it',
      labelNames: ['platform'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    });
    this.turnLatency = new Histogram({
      name: 'steward_turn_duration_seconds',
      help: 'Time to run a conversation turn, LLM included',
      labelNames: ['platform'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.llmCalls = new Counter({
      name: 'steward_llm_calls_total',
      help: 'LLM calls by purpose and outcome (ok or the error kind)',
      labelNames: ['purpose', 'outcome'],
      registers,
    });
    this.llmTokens = new Counter({
      name: 'steward_llm_tokens_total',
      help: 'LLM tokens used',
      labelNames: ['purpose', 'kind'],
      registers,
    });
    this.llmLatency = new Histogram({
      name: 'steward_llm_latency_seconds',
      help: 'LLM call latency',
      labelNames: ['purpose'],
      buckets: [0.1, 0.25, 0.5, 1, 2, 4, 8, 16],
      registers,
    });
    this.deliveries = new Counter({
      name: 'steward_outbox_deliveries_total',
      help: 'Outbox delivery attempts by outcome',
      labelNames: ['platform', 'outcome'],
      registers,
    });

    new Gauge({
      name: 'steward_outbox_depth',
      help: 'Outbox messages waiting for delivery',
      registers,
      async collect() {
        this.set((await store.outbox.counts()).pending ?? 0);
      },
    });
    new Gauge({
      name: 'steward_outbox_oldest_age_seconds',
      help: 'Age of the oldest undelivered outbox message',
      registers,
      async collect() {
        const oldest = await store.outbox.oldestPendingAt();
        this.set(oldest ? (Date.now() - oldest.getTime()) / 1000 : 0);
      },
    });
    new Gauge({
      name: 'steward_outbox_dead_letters',
      help: 'Outbox messages that gave up after their attempts (see `steward outbox`)',
      registers,
      async collect() {
        this.set((await store.outbox.counts()).dead ?? 0);
      },
    });
    new Gauge({
      name: 'steward_escalations',
      help: 'Escalations raised, by team',
      labelNames: ['team'],
      registers,
      async collect() {
        const rows = await store.outbox.escalationsByTeam();
        this.reset();
        for (const row of rows) this.set({ team: row.team }, row.count);
      },
    });
    new Gauge({
      name: 'steward_sla_breaches',
      help: 'Reviews that went past twice their SLA and were escalated to the leads',
      registers,
      async collect() {
        this.set(await store.audit.count('review.sla_breached'));
      },
    });
    new Gauge({
      name: 'steward_apps_orphaned',
      help: 'Apps whose owner left with nobody to take over, waiting for the leads to name one',
      registers,
      async collect() {
        this.set((await store.apps.orphaned()).length);
      },
    });
    new Gauge({
      name: 'steward_discovery_coverage',
      help: 'Share of the apps the platforms list that are registered (source "all", and each source); absent before any import',
      labelNames: ['source'],
      registers,
      async collect() {
        this.reset();
        const coverage = await discoveryCoverage(store);
        if (coverage.discovered === 0) return;
        this.set({ source: 'all' }, coverage.coverage);
        for (const [source, { coverage: share }] of Object.entries(coverage.bySource)) this.set({ source }, share);
      },
    });
    new Gauge({
      name: 'steward_recertifications_overdue',
      help: 'Recertifications unanswered after the reminder, of which the leads were told',
      registers,
      async collect() {
        this.set(await overdueRecertificationCount(store));
      },
    });
  }

  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
