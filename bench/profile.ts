// Where the server's CPU goes under load: runs the load generator against a server started with
// --cpu-prof, then sums the profile's self time by package (the innermost package frame of each
// sample's stack: WebAssembly and Node internals are charged to the package that called them) and
// by function.
//   node --import tsx bench/profile.ts [pglite|postgres|bare-bolt] [--trace]   (BENCH_MAKERS=50, BENCH_REGISTRATIONS=3)
// --trace (PGlite): also counts PGlite's statements and times its lock (bench/support/pglite-trace.mjs).
// --pglite-yield: yields to the event loop before every PGlite query (bench/support/pglite-yield.mjs).
// --node=<option>: passes a node option to the server, e.g. --node=--max-old-space-size=160.
// postgres uses BENCH_DATABASE_URL's server (default postgresql://postgres@127.0.0.1:5432/postgres) and
// a fresh database on it. Writes bench/results/profile-<target>.json.

import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import pg from 'pg';
import { runLoad } from './load.ts';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  seconds: number;
  /** Share of sampled time, by package (or "steward", "node internals", "(garbage collector)", "(idle)"). */
  byPackage: Array<{ name: string; ms: number; share: number }>;
  /** The functions with the most self time. */
  topFunctions: Array<{ name: string; where: string; ms: number; share: number }>;
}

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function packageOf(url: string): string | undefined {
  if (!url) return undefined;
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/u.exec(url);
  if (modules) return modules[1]!;
  if (url.startsWith('wasm://')) return undefined;
  if (url.startsWith('node:') || !url.includes('/')) return undefined;
  const file = url.replace(/^file:\/\//u, '');
  if (file.startsWith(projectRoot))
    return `steward ${path.relative(projectRoot, file).split('/').slice(0, 2).join('/')}`;
  return undefined;
}

/** Sums self time of samples taken during the last `windowSeconds` of the profile (all of it when undefined). */
export function summariseProfile(profile: CpuProfile, windowSeconds?: number): ProfileSummary {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const from = windowSeconds === undefined ? profile.startTime : profile.endTime - windowSeconds * 1e6;
  const packages = new Map<string, number>();
  const functions = new Map<string, { name: string; where: string; ms: number }>();
  let time = profile.startTime;
  let total = 0;
  for (let index = 0; index < profile.samples.length; index += 1) {
    time += profile.timeDeltas[index] ?? 0;
    const delta = (profile.timeDeltas[index + 1] ?? 0) / 1000;
    if (time < from || delta <= 0) continue;
    const leaf = byId.get(profile.samples[index]!)!;
    total += delta;
    const special = /^\((?:garbage collector|idle|program)\)$/u.test(leaf.callFrame.functionName)
      ? leaf.callFrame.functionName
      : undefined;
    let owner = special;
    for (let id: number | undefined = leaf.id; owner === undefined && id !== undefined; id = parent.get(id))
      owner = packageOf(byId.get(id)!.callFrame.url);
    owner ??= leaf.callFrame.url.startsWith('wasm://') ? 'wasm (caller unknown)' : 'node internals';
    packages.set(owner, (packages.get(owner) ?? 0) + delta);
    const where = leaf.callFrame.url.startsWith('wasm://')
      ? `wasm in ${owner}`
      : `${leaf.callFrame.url.replace(/^.*node_modules\//u, '').replace(`file://${projectRoot}/`, '')}:${leaf.callFrame.lineNumber + 1}`;
    const key = `${leaf.callFrame.functionName}@${where}`;
    const entry = functions.get(key) ?? { name: leaf.callFrame.functionName || '(anonymous)', where, ms: 0 };
    entry.ms += delta;
    functions.set(key, entry);
  }
  const share = (ms: number) => Math.round((ms / total) * 1000) / 10;
  return {
    seconds: Math.round(total / 100) / 10,
    byPackage: [...packages.entries()]
      .sort((a, b) => b[1] - a[1])
      .map(([name, ms]) => ({ name, ms: Math.round(ms), share: share(ms) })),
    topFunctions: [...functions.values()]
      .sort((a, b) => b.ms - a.ms)
      .slice(0, 25)
      .map((entry) => ({ ...entry, ms: Math.round(entry.ms), share: share(entry.ms) })),
  };
}

async function main(): Promise<void> {
  const target = process.argv.slice(2).find((arg) => !arg.startsWith('--')) ?? 'pglite';
  const trace = process.argv.includes('--trace')
    ? path.join(mkdtempSync(path.join(os.tmpdir(), 'steward-trace-')), 'trace.json')
    : undefined;
  const makers = Number(process.env.BENCH_MAKERS ?? 50);
  const registrations = Number(process.env.BENCH_REGISTRATIONS ?? 3);
  const profileDir = mkdtempSync(path.join(os.tmpdir(), 'steward-cpu-prof-'));
  let drop: (() => Promise<void>) | undefined;
  let database: { kind: 'pglite' } | { kind: 'postgres'; url: string } = { kind: 'pglite' };
  if (target === 'postgres') {
    const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
    const name = `steward_bench_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    database = { kind: 'postgres', url: url.toString() };
    drop = async () => {
      const again = new pg.Client({ connectionString: adminUrl });
      await again.connect();
      await again.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await again.end();
    };
  }
  try {
    const started = Date.now();
    const result = await runLoad({
      target: target === 'bare-bolt' ? 'bare-bolt' : 'steward',
      database,
      makers,
      registrations,
      warmupRegistrations: 1,
      nodeArgs: [
        '--cpu-prof',
        `--cpu-prof-dir=${profileDir}`,
        ...(trace
          ? ['--import', pathToFileURL(path.join(projectRoot, 'bench', 'support', 'pglite-trace.mjs')).href]
          : []),
        ...(process.argv.includes('--pglite-yield')
          ? ['--import', pathToFileURL(path.join(projectRoot, 'bench', 'support', 'pglite-yield.mjs')).href]
          : []),
        ...process.argv.filter((arg) => arg.startsWith('--node=')).map((arg) => arg.slice('--node='.length)),
      ],
      ...(trace ? { serverEnv: { PGLITE_TRACE_FILE: trace } } : {}),
    });
    // The measured server's profile is the newest one (a PGlite run also profiles the first start).
    const newest = readdirSync(profileDir)
      .map((name) => path.join(profileDir, name))
      .filter((file) => statSync(file).mtimeMs >= started)
      .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
    if (!newest) throw new Error('no profile was written');
    const summary = summariseProfile(JSON.parse(readFileSync(newest, 'utf8')) as CpuProfile, result.seconds);
    console.log(
      `${target}: ${result.turns} turns in ${result.seconds} s (${result.turnsPerSecond}/s), ack p50/p99 ${result.ackMs.p50}/${result.ackMs.p99} ms, turn p50 ${result.turnMs.p50} ms; ` +
        `CPU s: server ${result.cpuSeconds} (${result.cpuPercent}%), PostgreSQL ${result.postgresCpuSeconds}, generator ${result.generatorCpuSeconds}, other ${result.otherCpuSeconds}; machine ${result.machineBusyPercent}% busy`,
    );
    if (result.metrics)
      console.log(
        `server /metrics at start and end of the measured phase: ${JSON.stringify(result.metrics.start)}\n${JSON.stringify(result.metrics.end)}`,
      );
    console.log(`Self time over the measured ${result.seconds} s, by package:`);
    console.table(summary.byPackage.slice(0, 20));
    console.log('Top functions by self time:');
    console.table(summary.topFunctions);
    let pglite: unknown;
    if (trace) {
      const traced = JSON.parse(readFileSync(trace, 'utf8')) as {
        lock: unknown;
        statements: Array<{ sql: string; count: number; ms: number; rows: number; maxRows: number }>;
      };
      const turns = result.turns + result.warmupTurns;
      const perTurn = (value: number) => Math.round((value / turns) * 100) / 100;
      const statements = traced.statements.map((entry) => ({
        sql: entry.sql.slice(0, 90),
        perTurn: perTurn(entry.count),
        msPerTurn: perTurn(entry.ms),
        rowsPerCall: Math.round((entry.rows / entry.count) * 10) / 10,
        maxRows: entry.maxRows,
      }));
      console.log(`PGlite lock (the whole server run, ${turns} turns incl. warm-up), ms:`);
      console.log(JSON.stringify(traced.lock, null, 2));
      console.log(
        `PGlite statements per turn: ${perTurn(traced.statements.reduce((sum, entry) => sum + entry.count, 0))}`,
      );
      console.table(statements.slice(0, 20));
      pglite = { turns, lock: traced.lock, statements };
      rmSync(path.dirname(trace), { recursive: true, force: true });
    }
    const resultsDir = path.join(projectRoot, 'bench', 'results');
    mkdirSync(resultsDir, { recursive: true });
    writeFileSync(
      path.join(resultsDir, `profile-${target}.json`),
      `${JSON.stringify({ at: new Date().toISOString(), target, load: { ...result, rssSamplesMb: undefined }, profile: summary, ...(pglite ? { pglite } : {}) }, null, 2)}\n`,
    );
  } finally {
    await drop?.();
    rmSync(profileDir, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
