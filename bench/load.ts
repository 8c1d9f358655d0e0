// The load generator: many makers register apps at once over correctly signed Slack HTTP requests,
// against a server process (Steward, or the bare Bolt baseline) and a local fake Slack Web API.
import { spawn } from 'node:child_process';
import { createHmac, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { projectRoot } from '../src/paths.ts';
import { startLeanFakeSlack } from './support/fake-slack-api.ts';
import type { LeanFakeSlack } from './support/fake-slack-api.ts';
import {
  cpuSeconds,
  cpuSecondsBetween,
  cpuSecondsByCommand,
  machineBusySeconds,
  peakRssMb,
  percentile,
  rssMb,
} from './support/process-stats.ts';

const SIGNING_SECRET = 'bench-signing-secret';
const BOT_TOKEN = 'xoxb-bench-token';

/** A whole registration: what the maker says, and words of the question that must come back. */
export const REGISTRATION: Array<[says: (n: string) => string, expect: string]> = [
  [() => 'register', "What's the app called?"],
  [(n) => `Lunch rota ${n}`, 'what does it do'],
  [() => 'Keeps track of who orders lunch for the team', 'What did you build it with?'],
  [() => 'excel', 'Which department'],
  [() => 'Facilities', 'Who will use it?'],
  [() => 'my team', 'how many people'],
  [() => '8', 'What kinds of data'],
  [() => 'internal', 'connect to other systems'],
  [() => 'none', 'use AI'],
  [() => 'no', 'stopped working'],
  [() => 'minor', 'outside the company'],
  [() => 'no', 'Summary'],
  [() => 'yes', 'Registered APP-'],
];

export interface LoadOptions {
  target: 'steward' | 'bare-bolt';
  database?: { kind: 'pglite' } | { kind: 'postgres'; url: string };
  makers: number;
  /** Full registrations per maker; ignored when `seconds` is set. */
  registrations?: number;
  /** Keep registering until this many seconds have passed (a soak). */
  seconds?: number;
  rssSampleMs?: number;
  /** Full registrations per maker before measuring (JIT, caches, connection pools); not counted. */
  warmupRegistrations?: number;
  /** Extra environment for the server process. */
  serverEnv?: Record<string, string>;
  /** Extra node options for the server process, e.g. ['--cpu-prof', '--cpu-prof-dir=/tmp/p'] (not allowed in NODE_OPTIONS). */
  nodeArgs?: string[];
  /**
   * Measure Steward's very first start: on an empty PGlite directory (initdb) or database, with every
   * migration to apply. By default a first start creates and migrates the database and is stopped, and
   * the measured server is a restart, as on any day but the first.
   */
  firstStart?: boolean;
  /** Scrape Steward's /metrics this often during the measured phase (it is always scraped at its start and end). */
  metricsEveryMs?: number;
}

export interface LoadResult {
  target: string;
  database: string;
  makers: number;
  turns: number;
  seconds: number;
  turnsPerSecond: number;
  ackMs: { p50: number; p95: number; p99: number; max: number };
  /** From sending a maker's message to the arrival of Steward's next question in the fake Slack. */
  turnMs: { p50: number; p95: number; p99: number; max: number };
  /** Server CPU over the measured phase, in core-seconds, and as a share of one core. */
  cpuSeconds: number;
  cpuPercent: number;
  /** CPU of the load generator and fake Slack (this process) over the measured phase: they share the 2 cores. */
  generatorCpuSeconds: number;
  /** CPU of PostgreSQL's processes (the server and its backends) over the measured phase. */
  postgresCpuSeconds: number;
  /** Interrupt handling over the measured phase (mostly loopback networking), charged to no process. */
  interruptCpuSeconds: number;
  /** Time the hypervisor took from this machine's CPUs over the measured phase. */
  stealCpuSeconds: number;
  /** CPU of everything else on the machine over the measured phase: other work that competed with the benchmark. */
  otherCpuSeconds: number;
  /** The whole machine's busy time over the measured phase, as a share of all its cores. */
  machineBusyPercent: number;
  /** Lifetime high-water mark of the server (VmHWM): includes start-up (migrations, schema engine). */
  peakRssMb: number;
  /** RSS of the restarted server after 2 s of no traffic, before any load reached it. */
  idleRssMb: number;
  /** RSS just before the measured phase (after start-up and warm-up), the highest sample during it, and at its end. */
  startRssMb: number;
  loadPeakRssMb: number;
  endRssMb: number;
  /** RSS every rssSampleMs during the measured phase. */
  rssSamplesMb: number[];
  rssSampleMs: number;
  /** Slack Web API calls the server made during the measured phase, by method, per turn. */
  slackCallsPerTurn: Record<string, number>;
  warmupTurns: number;
  errors: number;
  /** The lifetime peak RSS of the first start that created the database (PGlite: initdb; both: every migration). */
  firstStartPeakRssMb?: number;
  /** Steward only: its /metrics at the start and end of the measured phase, and every metricsEveryMs. */
  metrics?: { start?: MetricsSample; end?: MetricsSample; samples: MetricsSample[] };
}

interface Server {
  pid: number;
  url: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const net = await import('node:net');
  return new Promise((resolve) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** The node options `npm start` runs the server with (package.json), so the bench measures what ships. */
function npmStartNodeOptions(): string[] {
  const manifest = JSON.parse(readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  const match = /^node((?: --\S+)*) bin\/steward\.js serve$/.exec(manifest.scripts.start ?? '');
  if (!match) throw new Error(`package.json's start script is not "node [options] bin/steward.js serve"`);
  return match[1]!.trim().split(' ').filter(Boolean);
}

interface ServerProcess extends Server {
  /** Lifetime high-water mark of RSS so far, MB. */
  peakRssMb(): number;
}

async function startServer(options: LoadOptions, slack: LeanFakeSlack, dir: string): Promise<ServerProcess> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    PORT: String(port),
    HOST: '127.0.0.1',
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_API_URL: slack.apiUrl,
    LOG_LEVEL: 'warn',
    ...options.serverEnv,
    ...(options.database?.kind === 'postgres'
      ? { DATABASE_URL: options.database.url }
      : { PGLITE_DIR: path.join(dir, 'db') }),
  };
  const args = [
    ...(options.nodeArgs ?? []),
    ...(options.target === 'steward'
      ? [...npmStartNodeOptions(), path.join(projectRoot, 'bin', 'steward.js'), 'serve']
      : ['--import', 'tsx', path.join(projectRoot, 'bench', 'support', 'bare-bolt.ts')]),
  ];
  const child = spawn(process.execPath, args, { cwd: projectRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  // The tail of the server's output, for the error when it does not start (kept short: it may log under load).
  let output = '';
  const keep = (chunk: Buffer) => (output = (output + String(chunk)).slice(-20_000));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${options.target} did not start:\n${output}`);
    }
    // Steward is ready once /readyz says so (the Slack adapter has started: a SIGTERM before that would
    // not be handled gracefully); the bare app once it answers at all.
    const up =
      options.target === 'steward'
        ? await fetch(`${url}/readyz`).then(
            (response) => response.ok,
            () => false,
          )
        : await fetch(`${url}/slack/events`, { method: 'POST', body: '{}' }).then(
            () => true,
            () => false,
          );
    if (up) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  // /readyz turns ready a moment before `steward serve` installs its SIGTERM handler (it still checks the
  // escalation channels): give it that moment, so that stopping it is always the graceful shutdown.
  if (options.target === 'steward') await new Promise((resolve) => setTimeout(resolve, 1000));
  return {
    pid: child.pid!,
    url,
    peakRssMb: () => peakRssMb(child.pid!),
    async stop() {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(killer);
      // The bare app has no SIGTERM handler: being killed by it is its normal end.
      if (child.exitCode !== 0 && !(options.target === 'bare-bolt' && child.signalCode === 'SIGTERM'))
        process.stderr.write(
          `${options.target} exited with ${child.exitCode ?? child.signalCode}:\n${output.slice(-2000)}\n`,
        );
    },
  };
}

/** The memory and event-loop figures of Steward's /metrics (prom-client's default metrics). */
export interface MetricsSample {
  atSeconds: number;
  rssMb: number;
  heapUsedMb: number;
  heapTotalMb: number;
  /** Memory outside the V8 heap that V8 knows of: WebAssembly memories (PGlite, Prisma's query compiler) and Buffers. */
  externalMb: number;
  heapSpacesUsedMb: Record<string, number>;
  /** Event-loop delay since the previous scrape (prom-client resets its histogram on every scrape). */
  eventLoopLagMs: { p50: number; p99: number; max: number };
}

async function scrapeMetrics(url: string, since: number): Promise<MetricsSample | undefined> {
  const text = await fetch(`${url}/metrics`).then(
    (response) => (response.ok ? response.text() : ''),
    () => '',
  );
  if (!text) return undefined;
  const value = (name: string) =>
    Number(new RegExp(`^steward_${name}(?:\\{[^}]*\\})? (\\S+)$`, 'mu').exec(text)?.[1] ?? NaN);
  const mb = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;
  const ms = (seconds: number) => Math.round(seconds * 1e4) / 10;
  const spaces = Object.fromEntries(
    [...text.matchAll(/^steward_nodejs_heap_space_size_used_bytes\{space="(\w+)"\} (\S+)$/gmu)].map((match) => [
      match[1]!,
      mb(Number(match[2])),
    ]),
  );
  return {
    atSeconds: Math.round((performance.now() - since) / 100) / 10,
    rssMb: mb(value('process_resident_memory_bytes')),
    heapUsedMb: mb(value('nodejs_heap_size_used_bytes')),
    heapTotalMb: mb(value('nodejs_heap_size_total_bytes')),
    externalMb: mb(value('nodejs_external_memory_bytes')),
    heapSpacesUsedMb: spaces,
    eventLoopLagMs: {
      p50: ms(value('nodejs_eventloop_lag_p50_seconds')),
      p99: ms(value('nodejs_eventloop_lag_p99_seconds')),
      max: ms(value('nodejs_eventloop_lag_max_seconds')),
    },
  };
}

function signedEvent(user: string, text: string) {
  const now = Math.floor(Date.now() / 1000);
  const ts = `${now}.${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}`;
  const body = JSON.stringify({
    token: 'bench',
    team_id: 'T0BENCH',
    api_app_id: 'A0BENCH',
    type: 'event_callback',
    event_id: `Ev${randomUUID().replaceAll('-', '').slice(0, 16)}`,
    event_time: now,
    event: { type: 'message', channel_type: 'im', channel: `D${user}`, user: `U${user}`, text, ts, event_ts: ts },
    authorizations: [{ team_id: 'T0BENCH', user_id: 'U0STEWARD', is_bot: true }],
  });
  const signature = `v0=${createHmac('sha256', SIGNING_SECRET).update(`v0:${now}:${body}`).digest('hex')}`;
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'x-slack-request-timestamp': String(now),
      'x-slack-signature': signature,
    },
  };
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const slack = await startLeanFakeSlack();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'steward-bench-'));
  let firstStartPeakRssMb: number | undefined;
  let server: ServerProcess;
  try {
    if (options.target === 'steward' && !options.firstStart) {
      const first = await startServer(options, slack, dir);
      firstStartPeakRssMb = Math.round(first.peakRssMb() * 10) / 10;
      await first.stop();
    }
    server = await startServer(options, slack, dir);
    await new Promise((resolve) => setTimeout(resolve, 2000));
  } catch (error) {
    await slack.close();
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  const idleRss = rssMb(server.pid);
  const steward = options.target === 'steward';
  const runId = randomUUID().slice(0, 6);
  const sampleMs = options.rssSampleMs ?? 1000;

  /** One registration by maker `index`; records latencies when `record` is given. Returns the turns done and errors. */
  const register = async (user: string, label: string, record?: { acks: number[]; turns: number[] }) => {
    let turns = 0;
    let errors = 0;
    for (const [says, expected] of REGISTRATION) {
      const reply = slack.waitForMessage(
        `D${user}`,
        options.target === 'steward' ? (message) => message.text.includes(expected) : () => true,
      );
      const request = signedEvent(user, says(label));
      const sent = performance.now();
      try {
        const response = await fetch(`${server.url}/slack/events`, {
          method: 'POST',
          body: request.body,
          headers: request.headers,
        });
        record?.acks.push(performance.now() - sent);
        await response.arrayBuffer();
        if (response.status !== 200) errors += 1;
        await reply;
        record?.turns.push(performance.now() - sent);
        turns += 1;
      } catch {
        // A refused request, or no answer within the fake Slack's timeout: this registration is lost.
        reply.catch(() => undefined);
        errors += 1;
        break;
      }
    }
    return { turns, errors };
  };

  let warmupTurns = 0;
  const warmups = options.warmupRegistrations ?? 0;
  if (warmups > 0) {
    await Promise.all(
      Array.from({ length: options.makers }, async (_, index) => {
        for (let round = 0; round < warmups; round += 1) {
          const done = await register(`WARM${runId}${index}R${round}`.toUpperCase(), `w${index}-${round}`);
          warmupTurns += done.turns;
        }
      }),
    );
  }

  const record = { acks: [] as number[], turns: [] as number[] };
  const rssSamples: number[] = [];
  let turns = 0;
  let errors = 0;
  const slackBefore = { ...slack.callsByMethod };
  const cpuBefore = cpuSeconds(server.pid);
  const generatorBefore = process.cpuUsage();
  const machineBefore = machineBusySeconds();
  const postgresBefore = cpuSecondsByCommand('postgres');
  const startRss = rssMb(server.pid);
  const started = performance.now();
  const metricsStart = steward ? await scrapeMetrics(server.url, started) : undefined;
  const metricsSamples: MetricsSample[] = [];
  const sampler = setInterval(() => rssSamples.push(rssMb(server.pid)), sampleMs);
  const scraper =
    steward && options.metricsEveryMs
      ? setInterval(
          () => void scrapeMetrics(server.url, started).then((sample) => sample && metricsSamples.push(sample)),
          options.metricsEveryMs,
        )
      : undefined;
  const until = options.seconds ? started + options.seconds * 1000 : Infinity;

  const maker = async (index: number) => {
    for (
      let round = 0;
      options.seconds ? performance.now() < until : round < (options.registrations ?? 1);
      round += 1
    ) {
      const done = await register(`BENCH${runId}${index}R${round}`.toUpperCase(), `${index}-${round}`, record);
      turns += done.turns;
      errors += done.errors;
    }
  };
  try {
    await Promise.all(Array.from({ length: options.makers }, (_, index) => maker(index)));
  } finally {
    clearInterval(sampler);
    clearInterval(scraper);
  }
  const metricsEnd = steward ? await scrapeMetrics(server.url, started) : undefined;
  const seconds = (performance.now() - started) / 1000;
  const cpu = cpuSeconds(server.pid) - cpuBefore;
  const generator = process.cpuUsage(generatorBefore);
  const machineAfter = machineBusySeconds();
  const machine = machineAfter.busy - machineBefore.busy;
  const interrupts = machineAfter.interrupts - machineBefore.interrupts;
  const steal = machineAfter.steal - machineBefore.steal;
  const postgresCpu = cpuSecondsBetween(postgresBefore, cpuSecondsByCommand('postgres'));
  const generatorCpu = (generator.user + generator.system) / 1e6;
  const endRss = rssMb(server.pid);
  const peak = peakRssMb(server.pid);
  const slackCalls = Object.fromEntries(
    Object.entries(slack.callsByMethod)
      .map(([method, count]) => [method, count - (slackBefore[method] ?? 0)] as const)
      .filter(([, count]) => count > 0)
      .map(([method, count]) => [method, Math.round((count / Math.max(turns, 1)) * 100) / 100]),
  );
  await server.stop();
  await slack.close();
  await rm(dir, { recursive: true, force: true });
  const round = (value: number) => Math.round(value * 10) / 10;
  const summary = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    return {
      p50: round(percentile(sorted, 50)),
      p95: round(percentile(sorted, 95)),
      p99: round(percentile(sorted, 99)),
      max: round(sorted.at(-1) ?? 0),
    };
  };
  return {
    target: options.target,
    database: options.target === 'bare-bolt' ? 'none' : (options.database?.kind ?? 'pglite'),
    makers: options.makers,
    turns,
    seconds: round(seconds),
    turnsPerSecond: round(turns / seconds),
    ackMs: summary(record.acks),
    turnMs: summary(record.turns),
    cpuSeconds: round(cpu),
    cpuPercent: round((cpu / seconds) * 100),
    generatorCpuSeconds: round(generatorCpu),
    postgresCpuSeconds: round(postgresCpu),
    interruptCpuSeconds: round(interrupts),
    stealCpuSeconds: round(steal),
    otherCpuSeconds: round(Math.max(0, machine - interrupts - steal - cpu - generatorCpu - postgresCpu)),
    machineBusyPercent: round((machine / seconds / os.cpus().length) * 100),
    peakRssMb: round(peak),
    idleRssMb: round(idleRss),
    startRssMb: round(startRss),
    loadPeakRssMb: round(Math.max(startRss, endRss, ...rssSamples)),
    endRssMb: round(endRss),
    rssSamplesMb: rssSamples.map(round),
    rssSampleMs: sampleMs,
    slackCallsPerTurn: slackCalls,
    warmupTurns,
    errors,
    ...(firstStartPeakRssMb === undefined ? {} : { firstStartPeakRssMb }),
    ...(steward
      ? {
          metrics: {
            ...(metricsStart ? { start: metricsStart } : {}),
            ...(metricsEnd ? { end: metricsEnd } : {}),
            samples: metricsSamples,
          },
        }
      : {}),
  };
}
