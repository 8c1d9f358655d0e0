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
import { appListReply } from '../apps/present.ts';
import { formatReference } from '../store/apps.ts';
import type { Store } from '../store/store.ts';
import { recordingHandoffThreads, relayHumanAnswer } from '../handbook/handoff.ts';
import type { GuardrailAdvisor } from '../handbook/answer.ts';
import { instrumentLlm } from './instrumented-llm.ts';
import type { AppProfile } from '../profile/schema.ts';
import { decide } from '../review/decide.ts';
import { registerProfile } from '../apps/register.ts';
import { InFlightWork } from './in-flight.ts';
import { ActivePolicy, loadPolicyResources } from './active-policy.ts';
import { markLeft } from '../lifecycle/ownership.ts';
import type { StewardPort } from './port.ts';
import { startControlServer } from './control.ts';
import { EmbeddedDatabaseBusyError, acquireEmbeddedLock, recordControlSocket } from './embedded-lock.ts';
import type { EarlyEmbeddedStart } from './early-start.ts';
import type { PGliteThread } from '../db/pglite-thread.ts';

// The composition root of the core: policy, database, LLM, conversation engine and outbox worker,
// wired once. Adapters get the narrow StewardPort; the command line gets the whole Services.

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
  /** The embedded database, already locked and starting (see early-start.ts). */
  early?: EarlyEmbeddedStart;
}

export interface Services extends StewardPort {
  config: Config;
  db: Database;
  store: Store;
  /** The policy in force: the newest published one, else the file's (see ActivePolicy). */
  readonly policy: Policy;
  readonly advisor: GuardrailAdvisor;
  activePolicy: ActivePolicy;
  /** Follows a publish made by another instance; call it before work that reads `policy`. */
  refreshPolicy(): Promise<void>;
  llm: LlmClient | undefined;
  engine: ConversationEngine;
  worker: OutboxWorker;
  logger: Logger;
  metrics: StewardMetrics;
  deliveryPlatforms: string[];
  assess(profile: AppProfile): Promise<AssessmentResult>;
  /** For shutdown: refuses new turns and decisions, and waits (up to `graceMs`) for those in flight. */
  drain(graceMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function openServices(options: ServicesOptions): Promise<Services> {
  const { config, logger } = options;
  // Policy first: an invalid policy stops the start before anything is opened.
  // The validated configuration names the policy file (STEWARD_POLICY), not the raw environment.
  const policyFile = policyPath({ STEWARD_POLICY: config.STEWARD_POLICY }, options.cwd);
  const policy = loadPolicy(policyFile);
  const target = databaseSetting(config, options.cwd);

  const cleanups: Array<() => Promise<void> | void> = [];
  let started: Promise<PGliteThread> | undefined;
  if (target.kind === 'pglite') {
    const early = options.early?.dir === target.dir ? options.early.take() : undefined;
    if (early) {
      started = early.started;
      cleanups.push(() => early.release());
    } else {
      const lock = acquireEmbeddedLock(target.dir, { purpose: options.purpose });
      if (!lock.acquired) throw new EmbeddedDatabaseBusyError(target.dir, lock.heldBy);
      cleanups.push(() => lock.release());
    }
  }
  // The database opens (on its own thread, for PGlite) while the handbook and vocabulary load here.
  const opening = openDatabase(target, started ? { started } : {});
  let db: Database;
  let fileResources: ReturnType<typeof loadPolicyResources>;
  let rawLlm: ReturnType<typeof createLlmClient>;
  try {
    // The handbook and vocabulary are validated at start like the policy: a broken one stops the start.
    fileResources = loadPolicyResources(policy, policyFile);
    rawLlm = createLlmClient(llmSettings(config));
    db = await opening;
  } catch (error) {
    await opening.then((opened) => opened.close()).catch(() => undefined);
    for (const cleanup of cleanups.reverse()) await cleanup();
    throw error;
  }
  cleanups.unshift(() => db.close());
  const store = db.store;
  const metrics = new StewardMetrics(store, { defaultMetrics: options.defaultMetrics ?? true });
  const llm = rawLlm ? instrumentLlm(rawLlm, metrics) : undefined;
  let active: ActivePolicy;
  try {
    // A policy published with `steward policy publish` governs from then on, whatever file this started with.
    active = await ActivePolicy.open(
      store,
      policy,
      { policyFile, ...(llm ? { llm } : {}), deliveryPlatforms: options.deliveryPlatforms, logger },
      fileResources,
    );
  } catch (error) {
    for (const cleanup of cleanups) await cleanup();
    throw error;
  }
  if (target.kind === 'pglite' && options.controlHandler) {
    const control = await startControlServer(options.controlHandler);
    recordControlSocket(target.dir, control.socketPath);
    cleanups.unshift(() => control.close());
  }

  const assess = (profile: AppProfile) => active.bound.dialogue.assess(profile);
  const engine = new ConversationEngine(
    store,
    () => active.bound.dialogue,
    (turn) => {
      metrics.turns.inc({ platform: turn.platform, outcome: turn.outcome });
      metrics.turnLatency.observe({ platform: turn.platform }, turn.seconds);
    },
    () => void deliverNow(),
  );
  const worker = new OutboxWorker({
    store,
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

  const inFlight = new InFlightWork();
  const deliverNow = async () => {
    await worker.drain().catch((error: unknown) => logger.error({ err: error }, 'outbox delivery failed'));
  };
  /** The policy in force now, following a publish on any instance. */
  const inForce = async () => {
    await active.refresh();
    return active.policy;
  };
  let closed = false;
  return {
    config,
    db,
    store,
    get policy() {
      return active.policy;
    },
    get advisor() {
      return active.bound.advisor;
    },
    activePolicy: active,
    refreshPolicy: () => active.refresh(),
    llm,
    engine,
    worker,
    logger,
    metrics,
    deliveryPlatforms: options.deliveryPlatforms,
    assess,
    handleTurn: (message) =>
      inFlight.start(async () => {
        await active.refresh();
        return engine.handle(message);
      }),
    decide: (request) => inFlight.start(async () => decide(store, await inForce(), request)),
    appsOf: async (owner) => appListReply(await store.apps.ofOwner(owner)),
    findAppByName: async (owner, name) => {
      const app = await store.apps.byOwnerAndName(owner, name);
      return app ? { reference: formatReference(app.refNumber) } : undefined;
    },
    state: store.adapterState,
    relayHumanAnswer: (request) => inFlight.start(async () => relayHumanAnswer(store, await inForce(), request)),
    personLeft: (person, source) =>
      inFlight.start(async () => {
        const outcome = await markLeft(
          { store, policy: await inForce(), deliveryPlatforms: options.deliveryPlatforms, now: new Date() },
          person,
          source,
        );
        void deliverNow();
        return outcome;
      }),
    recordingHandoffThreads: (transport, threadKeyOf) => recordingHandoffThreads(transport, store, threadKeyOf),
    registerProfile: (owner, input, registerOptions) =>
      inFlight.start(async () =>
        registerProfile(
          { store, policy: await inForce(), deliveryPlatforms: options.deliveryPlatforms, assess },
          owner,
          input,
          registerOptions,
        ),
      ),
    deliverNow,
    track: (work) => inFlight.track(work),
    drain: (graceMs) => inFlight.drain(graceMs),
    async close() {
      if (closed) return;
      closed = true;
      await inFlight.drain();
      await worker.stop();
      for (const cleanup of cleanups) await cleanup();
    },
  };
}
