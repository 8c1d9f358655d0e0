// `npm run bench`: every benchmark in one run, then one table of the targets and bench/results/summary.json.
//
//   1. rule assessments per second          (bench/rules.bench.ts, in a child process)
//   2. guardrail retrieval latency          (bench/guardrails.bench.ts, in a child process)
//   3. LLM calls and tokens                  (bench/llm-cost.bench.ts, in a child process)
//   4. load: Steward on PGlite, Steward on PostgreSQL (a fresh database, dropped after) and a bare Bolt
//      app, each a fresh server process under the same load (bench/load.ts). Steward's database is created
//      and migrated by a first start that is stopped; the measured server is a restart on it (the first
//      start's peak RSS is reported apart)
//   5. soak: Steward on PGlite under the same load for BENCH_SOAK_SECONDS, for memory growth
//   6. the governance dashboard's pages with 10,000 apps, server time, on PGlite and PostgreSQL
//      (bench/dashboard.ts, in a child process)
//
// Knobs (environment):
//   BENCH_MAKERS=50          concurrent makers (conversations)
//   BENCH_REGISTRATIONS=5    full registrations (13 turns each) per maker in the load runs
//   BENCH_WARMUP=1           registrations per maker before measuring (not counted)
//   BENCH_SOAK_SECONDS=600   length of the soak
//   BENCH_DATABASE_URL       PostgreSQL server to use (default postgresql://postgres@127.0.0.1:5432/postgres);
//                            a fresh database steward_bench_<random> is created on it and dropped after
//   BENCH_ONLY=rules,guardrails,llm,understanding,cli,load,soak,dashboard   run only these parts; the others are taken from the
//                            previous bench/results/summary.json (if any), so the table stays complete;
//                            BENCH_ONLY=table runs nothing and prints the table of the last results
//   BENCH_QUICK=1            a smoke run: 10 makers, 1 registration each, a 30 s soak, short micro-benches

import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { runLoad, type LoadOptions, type LoadResult } from './load.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const resultsDir = path.join(here, 'results');
const env = process.env;
const quick = env.BENCH_QUICK === '1';
const knob = (name: string, full: number, smoke: number) => (env[name] ? Number(env[name]) : quick ? smoke : full);
const MAKERS = knob('BENCH_MAKERS', 50, 10);
const REGISTRATIONS = knob('BENCH_REGISTRATIONS', 5, 1);
const WARMUP = knob('BENCH_WARMUP', 1, 1);
const SOAK_SECONDS = knob('BENCH_SOAK_SECONDS', 600, 30);
const ADMIN_URL = env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const ONLY = new Set(
  (env.BENCH_ONLY ?? 'rules,guardrails,llm,understanding,cli,load,soak,dashboard')
    .split(',')
    .map((part) => part.trim()),
);

const TARGETS = {
  ackP99Ms: 100,
  /** Issue 13's targets; the long-term goal stays 0.5× on both. */
  turnsPerSecondShareOfBare: { PGlite: 0.25, PostgreSQL: 0.35 },
  cliFastSeconds: 0.4,
  classifySeconds: 0.6,
  appsListOverPGliteOpenSeconds: 0.5,
  peakRssMb: 300,
  idleRssMb: 200,
  soakGrowth: 0.1,
  rulesPerSecond: 10_000,
  retrievalP99Ms: 5,
};

/** The commit measured, and whether the working tree differed from it (outside bench/results). */
function codeVersion(): { commit: string; changedFiles: string[] } | undefined {
  try {
    const git = (...args: string[]) =>
      execFileSync('git', args, { cwd: path.join(here, '..'), encoding: 'utf8' }).trim();
    return { commit: git('rev-parse', 'HEAD'), changedFiles: git('status', '--porcelain').split('\n').filter(Boolean) };
  } catch {
    return undefined;
  }
}

const log = (line: string) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}`);

// ---------------------------------------------------------------- the micro-benches, as child processes

async function child(script: string, extraEnv: Record<string, string>): Promise<void> {
  log(`${script} …`);
  await new Promise<void>((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', path.join(here, script)], {
      stdio: 'inherit',
      env: { ...env, ...extraEnv },
    });
    proc.on('error', reject);
    proc.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${script} exited with ${code}`))));
  });
}

function readResult<T>(name: string): T {
  return JSON.parse(readFileSync(path.join(resultsDir, name), 'utf8')) as T;
}

// ---------------------------------------------------------------- PostgreSQL: a fresh database

async function freshPostgres(): Promise<{ url: string; drop(): Promise<void> } | { skipped: string }> {
  const admin = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 5000 });
  try {
    await admin.connect();
  } catch (error) {
    return {
      skipped: `PostgreSQL unreachable at ${redact(ADMIN_URL)}: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
  const name = `steward_bench_${randomBytes(6).toString('hex')}`;
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } catch (error) {
    await admin.end();
    return {
      skipped: `could not create a database on ${redact(ADMIN_URL)}: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
  await admin.end();
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const again = new pg.Client({ connectionString: ADMIN_URL });
      await again.connect();
      try {
        await again.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await again.end();
      }
    },
  };
}

function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '<invalid URL>';
  }
}

// ---------------------------------------------------------------- memory growth over the soak

interface SoakGrowth {
  /** Samples before this are the warm-up, not compared. */
  warmupSeconds: number;
  windowSeconds: number;
  /** Median RSS in [warmup, warmup + window] and in the last window. */
  earlyMb: number;
  lateMb: number;
  growth: number;
  /** Least-squares slope of RSS after the warm-up. */
  slopeMbPerMinute: number;
  maxMb: number;
}

/**
 * Growth = (median RSS over the last 10% of the soak − median RSS over 10–20%) / the latter. The first
 * 10% (after a warm-up registration per maker) is left out: caches, JIT code and the database's
 * buffers fill then. Medians, not single samples, so a GC's saw-tooth does not decide the result.
 */
function soakGrowth(samples: number[], sampleMs: number, seconds: number): SoakGrowth {
  const at = (second: number) => Math.max(0, Math.min(samples.length, Math.round((second * 1000) / sampleMs)));
  const warmupSeconds = seconds * 0.1;
  const windowSeconds = seconds * 0.1;
  const median = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted.length === 0 ? 0 : sorted[Math.floor(sorted.length / 2)]!;
  };
  const early = median(samples.slice(at(warmupSeconds), at(warmupSeconds + windowSeconds)));
  const late = median(samples.slice(Math.max(at(warmupSeconds + windowSeconds), samples.length - at(windowSeconds))));
  const after = samples.slice(at(warmupSeconds));
  const xs = after.map((_, index) => (index * sampleMs) / 60_000);
  const meanX = xs.reduce((a, b) => a + b, 0) / Math.max(xs.length, 1);
  const meanY = after.reduce((a, b) => a + b, 0) / Math.max(after.length, 1);
  const covariance = xs.reduce((sum, x, index) => sum + (x - meanX) * (after[index]! - meanY), 0);
  const variance = xs.reduce((sum, x) => sum + (x - meanX) ** 2, 0);
  const r = (value: number, digits = 1) => Number(value.toFixed(digits));
  return {
    warmupSeconds: r(warmupSeconds),
    windowSeconds: r(windowSeconds),
    earlyMb: r(early),
    lateMb: r(late),
    growth: r(early > 0 ? (late - early) / early : 0, 4),
    slopeMbPerMinute: r(variance > 0 ? covariance / variance : 0, 2),
    maxMb: r(Math.max(0, ...after)),
  };
}

// ---------------------------------------------------------------- the run

interface RulesResult {
  engine: { perSecond: number };
  baseline: { perSecond: number };
}
interface GuardrailsResult {
  retrievalLatency: { p50Ms: number; p99Ms: number; maxMs: number; queries: number };
  retrievalOnly: { all: { top1: number; top3: number } };
}
interface Cost {
  calls: number;
  promptTokens: number;
  schemaTokens: number;
  completionTokens: number;
}
interface LlmCostResult {
  perRegistration: Cost;
  questions: { onTopic: { perQuestion: Cost }; offTopic: { perQuestion: Cost } };
}

const summary: Record<string, unknown> = {
  benchmark: 'summary',
  at: new Date().toISOString(),
  machine: {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
  },
  code: codeVersion(),
  settings: {
    quick,
    makers: MAKERS,
    registrationsPerMaker: REGISTRATIONS,
    warmupRegistrationsPerMaker: WARMUP,
    soakSeconds: SOAK_SECONDS,
    postgres: redact(ADMIN_URL),
  },
  targets: TARGETS,
  method: {
    load: 'each maker sends the 13 answers of a registration as signed Slack events to a DM, one at a time, each once the previous question has come back through the fake Slack Web API; warm-up registrations are not counted',
    ack: 'time from sending the HTTP request to its response (Bolt acks events before running listeners)',
    turnsPerSecond: 'answers that got their next question back, per second of the measured phase',
    peakRss:
      'lifetime = the server process VmHWM (a restart; the first start that ran initdb and migrations is reported apart); under load = highest 1 s RSS sample during the measured phase',
    soakGrowth:
      '(median RSS over the last 10% of the soak - median RSS over 10-20% of it) / the latter; the first 10% (after a warm-up registration per maker) is left out',
  },
};
mkdirSync(resultsDir, { recursive: true });
const save = () => writeFileSync(path.join(resultsDir, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);

log(
  `settings: ${MAKERS} makers, ${REGISTRATIONS} registration(s) each after ${WARMUP} warm-up, soak ${SOAK_SECONDS} s${quick ? ' (BENCH_QUICK)' : ''}`,
);

// A partial run (BENCH_ONLY) keeps the other parts of the previous summary.
const previous = ((): Record<string, unknown> => {
  if (!env.BENCH_ONLY) return {};
  try {
    return JSON.parse(readFileSync(path.join(resultsDir, 'summary.json'), 'utf8')) as Record<string, unknown>;
  } catch {
    return {};
  }
})();
let rules = ONLY.has('rules') ? undefined : (previous.rules as RulesResult | undefined);
let guardrails = ONLY.has('guardrails') ? undefined : (previous.guardrails as GuardrailsResult | undefined);
let llmCost = ONLY.has('llm') ? undefined : (previous.llmCost as LlmCostResult | undefined);
if (env.BENCH_ONLY) {
  summary.kept = {
    from: previous.at,
    settings: previous.settings,
    parts: ['rules', 'guardrails', 'llm', 'load', 'soak'].filter((part) => !ONLY.has(part)),
    ...(previous.kept ? { previouslyKept: previous.kept } : {}),
  };
  Object.assign(summary, { rules, guardrails, llmCost });
}
if (ONLY.has('rules')) {
  await child('rules.bench.ts', { BENCH_SECONDS: quick ? '1' : (env.BENCH_SECONDS ?? '3') });
  rules = readResult<RulesResult>('rules.json');
  summary.rules = rules;
}
if (ONLY.has('guardrails')) {
  await child('guardrails.bench.ts', { BENCH_ROUNDS: quick ? '10' : (env.BENCH_ROUNDS ?? '60') });
  guardrails = readResult<GuardrailsResult>('guardrails.json');
  summary.guardrails = guardrails;
}
if (ONLY.has('llm')) {
  await child('llm-cost.bench.ts', { BENCH_LLM_REGISTRATIONS: quick ? '3' : (env.BENCH_LLM_REGISTRATIONS ?? '10') });
  llmCost = readResult<LlmCostResult>('llm-cost.json');
  summary.llmCost = llmCost;
}
if (ONLY.has('understanding')) {
  // Read makers' answers without an LLM: corpus accuracy and re-asks per registration (bench/understanding.bench.ts).
  await child('understanding.bench.ts', {});
  summary.understanding = readResult<Record<string, unknown>>('understanding.json');
}
interface CliResult {
  runs: number;
  seconds: Record<'nodeBare' | 'help' | 'schema' | 'classify' | 'pgliteOpen' | 'appsList', number>;
}
let cli = previous.cli as CliResult | undefined;
if (cli) summary.cli = cli;
if (ONLY.has('cli')) {
  // The `steward` command's wall-clock time next to `node -e 0` and a bare PGlite open (bench/cli.bench.ts).
  await child('cli.bench.ts', quick ? { BENCH_CLI_RUNS: '3' } : {});
  cli = readResult<CliResult>('cli.json');
  summary.cli = cli;
}
save();

interface DashboardResult {
  apps: number;
  targetMs: number;
  results: Array<{ database: string; pages: Record<string, { medianMs: number; p95Ms: number }> }>;
}
let dashboard = previous.dashboard as DashboardResult | undefined;
if (dashboard) summary.dashboard = dashboard;
if (ONLY.has('dashboard')) {
  // Each dashboard page's server time with 10,000 apps (bench/dashboard.ts).
  await child('dashboard.ts', {});
  dashboard = readResult<DashboardResult>('dashboard.json');
  summary.dashboard = dashboard;
}
save();

const loads: Record<string, LoadResult> = ONLY.has('load')
  ? {}
  : ((previous.load as Record<string, LoadResult> | undefined) ?? {});
if (!ONLY.has('load') && previous.load) summary.load = loads;
const notices: string[] = ((previous.notices as string[] | undefined) ?? []).filter((notice) =>
  notice.startsWith('soak') ? !ONLY.has('soak') : !ONLY.has('load'),
);
const describeLoad = (result: LoadResult) =>
  `${result.turns} turns in ${result.seconds} s = ${result.turnsPerSecond}/s; ack p50/p95/p99 ${result.ackMs.p50}/${result.ackMs.p95}/${result.ackMs.p99} ms; ` +
  `turn p50/p99 ${result.turnMs.p50}/${result.turnMs.p99} ms; CPU ${result.cpuPercent}% (generator ${result.generatorCpuSeconds} s, PostgreSQL ${result.postgresCpuSeconds} s, ` +
  `interrupts ${result.interruptCpuSeconds} s, other processes ${result.otherCpuSeconds} s, machine ${result.machineBusyPercent}% busy); RSS idle/start/peak-under-load/lifetime-peak ${result.idleRssMb}/${result.startRssMb}/${result.loadPeakRssMb}/${result.peakRssMb} MB` +
  `${result.firstStartPeakRssMb ? ` (first start ${result.firstStartPeakRssMb} MB)` : ''}; errors ${result.errors}` +
  (result.metrics?.end
    ? `; at the end: V8 heap ${result.metrics.end.heapUsedMb}/${result.metrics.end.heapTotalMb} MB used/total, external ${result.metrics.end.externalMb} MB, event-loop delay p99 ${result.metrics.end.eventLoopLagMs.p99} ms`
    : '');

/** Other work on the machine (another test run, a build) skews a benchmark: say so when it took over 10% of a core. */
function contention(name: string, result: LoadResult): void {
  const share = result.otherCpuSeconds / result.seconds;
  if (share > 0.1) {
    notices.push(
      `${name}: other processes used ${(share * 100).toFixed(0)}% of a core during the run (the machine was ${result.machineBusyPercent}% busy); its figures are pessimistic.`,
    );
    log(notices.at(-1)!);
  }
}

async function load(name: string, options: Omit<LoadOptions, 'makers'>): Promise<LoadResult> {
  log(`load: ${name}, ${MAKERS} makers …`);
  const result = await runLoad({ makers: MAKERS, warmupRegistrations: WARMUP, ...options });
  log(`load: ${name}: ${describeLoad(result)}`);
  contention(name, result);
  loads[name] = result;
  summary.load = loads;
  save();
  return result;
}

if (ONLY.has('load')) {
  await load('steward-pglite', { target: 'steward', database: { kind: 'pglite' }, registrations: REGISTRATIONS });
  const postgres = await freshPostgres();
  if ('skipped' in postgres) {
    notices.push(`Steward on PostgreSQL skipped: ${postgres.skipped}`);
    log(notices.at(-1)!);
  } else {
    try {
      await load('steward-postgres', {
        target: 'steward',
        database: { kind: 'postgres', url: postgres.url },
        registrations: REGISTRATIONS,
      });
    } finally {
      await postgres.drop();
    }
  }
  await load('bare-bolt', { target: 'bare-bolt', registrations: REGISTRATIONS });
}

/** Where the memory is early and late in the soak (same windows as soakGrowth), from Steward's /metrics. */
function soakBreakdown(result: LoadResult) {
  const samples = result.metrics?.samples ?? [];
  const window = (from: number, to: number) => {
    const inside = samples.filter((sample) => sample.atSeconds >= from && sample.atSeconds <= to);
    const median = (pick: (sample: (typeof samples)[number]) => number) => {
      const sorted = inside.map(pick).sort((a, b) => a - b);
      return sorted.length === 0 ? undefined : sorted[Math.floor(sorted.length / 2)];
    };
    return {
      samples: inside.length,
      rssMb: median((x) => x.rssMb),
      heapUsedMb: median((x) => x.heapUsedMb),
      heapTotalMb: median((x) => x.heapTotalMb),
      externalMb: median((x) => x.externalMb),
    };
  };
  return {
    early: window(result.seconds * 0.1, result.seconds * 0.2),
    late: window(result.seconds * 0.9, result.seconds),
  };
}

let soak = ONLY.has('soak')
  ? undefined
  : (previous.soak as (LoadResult & { growth: SoakGrowth; breakdown: ReturnType<typeof soakBreakdown> }) | undefined);
if (soak) summary.soak = soak;
if (ONLY.has('soak')) {
  log(`soak: Steward on PGlite, ${MAKERS} makers for ${SOAK_SECONDS} s …`);
  const result = await runLoad({
    target: 'steward',
    database: { kind: 'pglite' },
    makers: MAKERS,
    warmupRegistrations: WARMUP,
    seconds: SOAK_SECONDS,
    rssSampleMs: 1000,
    metricsEveryMs: Math.max(1000, (SOAK_SECONDS * 1000) / 60),
  });
  soak = {
    ...result,
    growth: soakGrowth(result.rssSamplesMb, result.rssSampleMs, result.seconds),
    breakdown: soakBreakdown(result),
  };
  log(`soak: ${describeLoad(result)}`);
  contention('soak', result);
  log(
    `soak: RSS ${soak.growth.earlyMb} MB early -> ${soak.growth.lateMb} MB late (${(soak.growth.growth * 100).toFixed(1)}%), slope ${soak.growth.slopeMbPerMinute} MB/min`,
  );
  log(`soak: /metrics early ${JSON.stringify(soak.breakdown.early)}, late ${JSON.stringify(soak.breakdown.late)}`);
  summary.soak = soak;
  save();
}

// ---------------------------------------------------------------- the table

interface Row {
  metric: string;
  target: string;
  measured: string;
  bare: string;
  ratio: string;
  result: 'PASS' | 'MISS' | '';
}
const rows: Row[] = [];
const verdict = (pass: boolean): Row['result'] => (pass ? 'PASS' : 'MISS');
const fmt = (value: number, unit = '') => `${value.toLocaleString('en-US', { maximumFractionDigits: 1 })}${unit}`;
const bare = loads['bare-bolt'];

if (rules)
  rows.push({
    metric: 'Rule assessments per second',
    target: `> ${fmt(TARGETS.rulesPerSecond)}`,
    measured: fmt(rules.engine.perSecond),
    bare: '',
    ratio: '',
    result: verdict(rules.engine.perSecond > TARGETS.rulesPerSecond),
  });
if (guardrails)
  rows.push({
    metric: 'Guardrail retrieval p99',
    target: `< ${TARGETS.retrievalP99Ms} ms`,
    measured: fmt(guardrails.retrievalLatency.p99Ms, ' ms'),
    bare: '',
    ratio: '',
    result: verdict(guardrails.retrievalLatency.p99Ms < TARGETS.retrievalP99Ms),
  });
for (const [name, label] of [
  ['steward-pglite', 'PGlite'],
  ['steward-postgres', 'PostgreSQL'],
] as const) {
  const result = loads[name];
  if (!result) continue;
  const ratio = (mine: number, theirs: number | undefined) => (theirs ? `${(mine / theirs).toFixed(2)}×` : '');
  rows.push({
    metric: `Ack p99, ${result.makers} conversations (${label})`,
    target: `< ${TARGETS.ackP99Ms} ms`,
    measured: fmt(result.ackMs.p99, ' ms'),
    bare: bare ? fmt(bare.ackMs.p99, ' ms') : '',
    ratio: ratio(result.ackMs.p99, bare?.ackMs.p99),
    result: verdict(result.ackMs.p99 < TARGETS.ackP99Ms),
  });
  rows.push({
    metric: `Ack p50 / p95 (${label})`,
    target: '',
    measured: `${fmt(result.ackMs.p50)} / ${fmt(result.ackMs.p95)} ms`,
    bare: bare ? `${fmt(bare.ackMs.p50)} / ${fmt(bare.ackMs.p95)} ms` : '',
    ratio: '',
    result: '',
  });
  rows.push({
    metric: `Turns per second (${label})`,
    target: `≥ ${TARGETS.turnsPerSecondShareOfBare[label]}× bare Bolt`,
    measured: fmt(result.turnsPerSecond),
    bare: bare ? fmt(bare.turnsPerSecond) : '',
    ratio: ratio(result.turnsPerSecond, bare?.turnsPerSecond),
    result: bare
      ? verdict(result.turnsPerSecond >= TARGETS.turnsPerSecondShareOfBare[label] * bare.turnsPerSecond)
      : '',
  });
  rows.push({
    metric: `Server CPU under load (${label})`,
    target: '',
    measured: `${fmt(result.cpuPercent)}% of a core`,
    bare: bare ? `${fmt(bare.cpuPercent)}%` : '',
    ratio: '',
    result: '',
  });
  rows.push({
    metric: `Peak RSS, lifetime (${label})`,
    target: `< ${TARGETS.peakRssMb} MB`,
    measured: fmt(result.peakRssMb, ' MB'),
    bare: bare ? fmt(bare.peakRssMb, ' MB') : '',
    ratio: ratio(result.peakRssMb, bare?.peakRssMb),
    result: verdict(result.peakRssMb < TARGETS.peakRssMb),
  });
  if (result.firstStartPeakRssMb)
    rows.push({
      metric: `Peak RSS of the first start (new database, migrations) (${label})`,
      target: `< ${TARGETS.peakRssMb} MB`,
      measured: fmt(result.firstStartPeakRssMb, ' MB'),
      bare: '',
      ratio: '',
      result: verdict(result.firstStartPeakRssMb < TARGETS.peakRssMb),
    });
  rows.push({
    metric: `RSS idle after start (${label})`,
    target: `< ${TARGETS.idleRssMb} MB`,
    measured: fmt(result.idleRssMb, ' MB'),
    bare: bare ? fmt(bare.idleRssMb, ' MB') : '',
    ratio: ratio(result.idleRssMb, bare?.idleRssMb),
    result: verdict(result.idleRssMb < TARGETS.idleRssMb),
  });
  rows.push({
    metric: `Peak RSS under load (${label})`,
    target: `< ${TARGETS.peakRssMb} MB`,
    measured: fmt(result.loadPeakRssMb, ' MB'),
    bare: bare ? fmt(bare.loadPeakRssMb, ' MB') : '',
    ratio: ratio(result.loadPeakRssMb, bare?.loadPeakRssMb),
    result: verdict(result.loadPeakRssMb < TARGETS.peakRssMb),
  });
}
if (soak) {
  rows.push({
    metric: `Memory growth, ${Math.round(soak.seconds)} s soak (PGlite)`,
    target: `< ${TARGETS.soakGrowth * 100}%`,
    measured: `${(soak.growth.growth * 100).toFixed(1)}% (${fmt(soak.growth.earlyMb)} → ${fmt(soak.growth.lateMb)} MB)`,
    bare: '',
    ratio: '',
    result: verdict(soak.growth.growth < TARGETS.soakGrowth),
  });
  rows.push({
    metric: 'Soak: turns, errors, ack p99',
    target: '',
    measured: `${fmt(soak.turns)} turns, ${soak.errors} errors, ${fmt(soak.ackMs.p99)} ms`,
    bare: '',
    ratio: '',
    result: '',
  });
}
if (llmCost) {
  const cost = (item: Cost) =>
    `${fmt(item.calls)} call${item.calls === 1 ? '' : 's'}, ${fmt(item.promptTokens + item.schemaTokens)} in / ${fmt(item.completionTokens)} out tokens`;
  rows.push({
    metric: 'LLM per registration',
    target: '',
    measured: cost(llmCost.perRegistration),
    bare: '',
    ratio: '',
    result: '',
  });
  rows.push({
    metric: 'LLM per on-topic question',
    target: '',
    measured: cost(llmCost.questions.onTopic.perQuestion),
    bare: '',
    ratio: '',
    result: '',
  });
  rows.push({
    metric: 'LLM per off-topic question',
    target: '',
    measured: cost(llmCost.questions.offTopic.perQuestion),
    bare: '',
    ratio: '',
    result: '',
  });
}

if (cli) {
  const { seconds } = cli;
  const second = (value: number) => fmt(value, ' s');
  for (const [command, key, limit] of [
    ['help', 'help', TARGETS.cliFastSeconds],
    ['schema', 'schema', TARGETS.cliFastSeconds],
    ['classify (one profile)', 'classify', TARGETS.classifySeconds],
  ] as const)
    rows.push({
      metric: `\`steward ${command}\`, median of ${cli.runs} (bare: \`node -e 0\`)`,
      target: `< ${limit} s`,
      measured: second(seconds[key]),
      bare: second(seconds.nodeBare),
      ratio: '',
      result: verdict(seconds[key] < limit),
    });
  rows.push({
    metric: `\`steward apps list\`, existing embedded database (bare: PGlite open)`,
    target: `≤ open + ${TARGETS.appsListOverPGliteOpenSeconds} s`,
    measured: second(seconds.appsList),
    bare: second(seconds.pgliteOpen),
    ratio: `+${fmt(seconds.appsList - seconds.pgliteOpen, ' s')}`,
    result: verdict(seconds.appsList <= seconds.pgliteOpen + TARGETS.appsListOverPGliteOpenSeconds),
  });
}

if (dashboard) {
  const { targetMs, apps } = dashboard;
  for (const run of dashboard.results)
    for (const [page, result] of Object.entries(run.pages)) {
      // Exports stream the whole inventory: reported, with no target.
      const exported = page.startsWith('export');
      rows.push({
        metric: `dashboard ${page}, ${apps.toLocaleString('en-US')} apps, ${run.database} (median server time)`,
        target: exported ? '' : `< ${targetMs} ms`,
        measured: `${fmt(result.medianMs, ' ms')} (p95 ${fmt(result.p95Ms, ' ms')})`,
        bare: '',
        ratio: '',
        result: exported ? '' : verdict(result.medianMs < targetMs),
      });
    }
}

const columns: Array<[keyof Row, string]> = [
  ['metric', 'Metric'],
  ['target', 'Target'],
  ['measured', 'Steward'],
  ['bare', 'Bare Bolt'],
  ['ratio', 'Ratio'],
  ['result', 'Result'],
];
const widths = columns.map(([key, title]) => Math.max(title.length, ...rows.map((row) => row[key].length)));
const line = (cells: string[]) => `| ${cells.map((cell, index) => cell.padEnd(widths[index]!)).join(' | ')} |`;
const table = [
  line(columns.map(([, title]) => title)),
  `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`,
  ...rows.map((row) => line(columns.map(([key]) => row[key]))),
].join('\n');

console.log('');
console.log(
  `Steward benchmarks, ${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} cores, Node ${process.version}${quick ? ' (BENCH_QUICK smoke run)' : ''}`,
);
console.log(table);
for (const notice of notices) console.log(`Note: ${notice}`);
const missed = rows.filter((row) => row.result === 'MISS').length;
console.log(
  `${rows.filter((row) => row.result === 'PASS').length} targets met, ${missed} missed. Details: ${path.relative(process.cwd(), path.join(resultsDir, 'summary.json'))}`,
);

summary.table = rows;
summary.notices = notices;
summary.finishedAt = new Date().toISOString();
save();
