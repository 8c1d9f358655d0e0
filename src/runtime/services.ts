import type { Config } from '../config.ts';
import { databaseSetting, llmSettings } from '../config.ts';
import { ConversationEngine } from '../conversation/engine.ts';
import type { Database } from '../db/open.ts';
import { openDatabase } from '../db/open.ts';
import type { AssessmentResult } from '../assessment/assess.ts';
import type { LlmClient } from '../llm/client.ts';
import { createLlmClient } from '../llm/client.ts';
import type { Logger } from '../logger.ts';
import type { OutboxTransport } from '../outbox/transport.ts';
import { OutboxWorker } from '../outbox/worker.ts';
import { loadPolicy, policyPath } from '../policy/load.ts';
import type { Policy } from '../policy/schema.ts';
import type { ControlHandler } from './control.ts';
import { StewardMetrics } from './metrics.ts';
import { loadHandbook, resolveHandbookDir } from '../handbook/load.ts';
import { createGuardrailAdvisor } from '../handbook/answer.ts';
import { createDialogueDeps } from './dialogue-deps.ts';
import type { Reply } from '../chat/reply.ts';
import { appListReply } from '../apps/present.ts';
import { findAppByOwnerAndName, formatReference, listAppsOfOwner } from '../store/apps.ts';
import type { AdapterState } from '../store/adapter-state.ts';
import { createAdapterState } from '../store/adapter-state.ts';
import { recordingHandoffThreads, relayHumanAnswer } from '../handbook/handoff.ts';
import type { HumanAnswer, RelayOutcome } from '../handbook/handoff.ts';
import { loadVocabulary, resolveVocabularyPath } from '../intake/understand/vocabulary.ts';
import type { GuardrailAdvisor } from '../handbook/answer.ts';
import { instrumentLlm } from './instrumented-llm.ts';
import type { AppProfile, Owner } from '../profile/schema.ts';
import type { DecisionOutcome, DecisionRequest } from '../review/decide.ts';
import { decide } from '../review/decide.ts';
import type { RegisterOutcome } from '../apps/register.ts';
import { registerProfile } from '../apps/register.ts';
import { startControlServer } from './control.ts';
import { EmbeddedDatabaseBusyError, acquireEmbeddedLock, recordControlSocket } from './embedded-lock.ts';

// Wires the core together: policy, database, LLM, conversation engine and outbox worker.

export interface ServicesOptions {
  config: Config;
  env: Record<string, string | undefined>;
  cwd: string;
  logger: Logger;
  /** Shown to other processes that find the embedded database busy. */
  purpose: string;
  /** Platforms this process delivers to; escalations are routed to these. */
  deliveryPlatforms: string[];
  /** Transports known at start; adapters add theirs later with worker.addTransport. */
  transports?: OutboxTransport[];
  /** Lets other `steward` commands run inside this process while it holds the embedded database. */
  controlHandler?: ControlHandler;
  /** Node process metrics (CPU, memory, event loop) in /metrics; off for one-off commands. */
  defaultMetrics?: boolean;
}

export interface Services {
  config: Config;
  db: Database;
  policy: Policy;
  llm: LlmClient | undefined;
  engine: ConversationEngine;
  advisor: GuardrailAdvisor;
  worker: OutboxWorker;
  logger: Logger;
  metrics: StewardMetrics;
  deliveryPlatforms: string[];
  assess(profile: AppProfile): Promise<AssessmentResult>;
  /** A reviewer's decision on an escalation (buttons in Slack or Teams). */
  decide(request: DecisionRequest): Promise<DecisionOutcome>;
  /** Registers a whole profile at once (a form or an import). */
  registerProfile(owner: Owner, input: unknown, options?: { eventId?: string }): Promise<RegisterOutcome>;
  /** The owner's apps with status and risk, as the core presents them. */
  appsOf(owner: Pick<Owner, 'platform' | 'userId'>): Promise<Reply>;
  /** The owner's registered app of that name, if any (to offer an update instead of a duplicate). */
  findAppByName(owner: Pick<Owner, 'platform' | 'userId'>, name: string): Promise<{ reference: string } | undefined>;
  /** What adapters keep for themselves (pending question messages, channel ids), shared by every instance. */
  state: AdapterState;
  /** A reviewer's reply in a handed-over question's thread, relayed to the maker. */
  relayHumanAnswer(request: HumanAnswer): Promise<RelayOutcome>;
  /** Wraps a transport so a delivered handoff question remembers its thread (its key from the receipt). */
  recordingHandoffThreads(
    transport: OutboxTransport,
    threadKeyOf: (receipt: Record<string, string>) => string | undefined,
  ): OutboxTransport;
  close(): Promise<void>;
}

export async function openServices(options: ServicesOptions): Promise<Services> {
  const { config, logger } = options;
  // Policy first: an invalid policy stops the start before anything is opened.
  // The validated configuration names the policy file (STEWARD_POLICY), not the raw environment.
  const policyFile = policyPath({ STEWARD_POLICY: config.STEWARD_POLICY }, options.cwd);
  const policy = loadPolicy(policyFile);
  // The handbook is validated at start like the policy: a broken one stops the start.
  const handbook = loadHandbook(resolveHandbookDir(policy, policyFile), policy);
  const vocabulary = loadVocabulary(resolveVocabularyPath(policy, policyFile));
  const rawLlm = createLlmClient(llmSettings(config));
  const target = databaseSetting(config, options.cwd);

  const cleanups: Array<() => Promise<void> | void> = [];
  if (target.kind === 'pglite') {
    const lock = acquireEmbeddedLock(target.dir, { purpose: options.purpose });
    if (!lock.acquired) throw new EmbeddedDatabaseBusyError(target.dir, lock.heldBy);
    cleanups.push(() => lock.release());
  }
  let db: Database;
  try {
    db = await openDatabase(target);
  } catch (error) {
    for (const cleanup of cleanups.reverse()) await cleanup();
    throw error;
  }
  cleanups.unshift(() => db.close());
  const metrics = new StewardMetrics(db.prisma, { defaultMetrics: options.defaultMetrics ?? true });
  const llm = rawLlm ? instrumentLlm(rawLlm, metrics) : undefined;
  if (target.kind === 'pglite' && options.controlHandler) {
    const control = await startControlServer(options.controlHandler);
    recordControlSocket(target.dir, control.socketPath);
    cleanups.unshift(() => control.close());
  }

  const advisor = createGuardrailAdvisor({ policy, handbook, ...(llm ? { llm } : {}) });
  const dialogue = createDialogueDeps({
    policy,
    vocabulary,
    advisor,
    ...(llm ? { llm } : {}),
    deliveryPlatforms: options.deliveryPlatforms,
    logger,
  });
  const assess = dialogue.assess;
  const engine = new ConversationEngine(
    db.prisma,
    dialogue,
    (turn) => {
      metrics.turns.inc({ platform: turn.platform, outcome: turn.outcome });
      metrics.turnLatency.observe({ platform: turn.platform }, turn.seconds);
    },
    () => void worker.drain().catch(() => undefined),
  );
  const worker = new OutboxWorker({
    db: db.prisma,
    leaseMs: config.OUTBOX_LEASE_MS,
    transports: options.transports ?? [],
    onEvent: (event) => {
      metrics.deliveries.inc({ platform: event.platform, outcome: event.type });
      if (event.type === 'dead')
        logger.error(
          { outboxId: event.id, destination: event.destination, error: event.error },
          'outbox message dead-lettered',
        );
      else if (event.type === 'retry')
        logger.warn(
          { outboxId: event.id, destination: event.destination, error: event.error },
          'outbox delivery will be retried',
        );
    },
  });

  let closed = false;
  return {
    config,
    db,
    policy,
    llm,
    engine,
    advisor,
    worker,
    logger,
    metrics,
    deliveryPlatforms: options.deliveryPlatforms,
    assess,
    decide: (request) => decide(db.prisma, policy, request),
    appsOf: async (owner) => appListReply(await listAppsOfOwner(db.prisma, owner)),
    findAppByName: async (owner, name) => {
      const app = await findAppByOwnerAndName(db.prisma, owner, name);
      return app ? { reference: formatReference(app.refNumber) } : undefined;
    },
    state: createAdapterState(db.prisma),
    relayHumanAnswer: (request) => relayHumanAnswer(db.prisma, request),
    recordingHandoffThreads: (transport, threadKeyOf) => recordingHandoffThreads(transport, db.prisma, threadKeyOf),
    registerProfile: (owner, input, registerOptions) =>
      registerProfile(
        { db: db.prisma, policy, deliveryPlatforms: options.deliveryPlatforms, assess },
        owner,
        input,
        registerOptions,
      ),
    async close() {
      if (closed) return;
      closed = true;
      await worker.stop();
      for (const cleanup of cleanups) await cleanup();
    },
  };
}
