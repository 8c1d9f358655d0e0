// How long the `steward` command takes, as a person at a terminal feels it: wall-clock medians of
// several runs of `node bin/steward.js ...` (the compiled build when it is current), next to `node -e 0`
// and a bare PGlite open of the same database, measured in the same run. Writes bench/results/cli.json.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const RUNS = Number(process.env.BENCH_CLI_RUNS ?? 5);

const work = mkdtempSync(path.join(os.tmpdir(), 'steward-cli-bench-'));
const env = { ...process.env, PGLITE_DIR: path.join(work, 'db'), LOG_LEVEL: 'silent' };
const profile = path.join(work, 'profile.json');
writeFileSync(
  profile,
  JSON.stringify({
    name: 'Team lunch rota',
    description: 'Keeps track of who orders lunch',
    platform: 'excel',
    department: 'Facilities',
    audience: 'team',
    userCount: 8,
    dataCategories: ['internal'],
    systems: [],
    ai: { used: false },
    criticality: 'low',
    externalSharing: false,
  }),
);
const barePGlite = path.join(work, 'bare-pglite.mjs');
writeFileSync(
  barePGlite,
  `import { PGlite } from ${JSON.stringify(path.join(root, 'node_modules/@electric-sql/pglite/dist/index.js'))};
const db = new PGlite(process.argv[2]); await db.waitReady; await db.query('SELECT 1'); await db.close();`,
);

/** Wall-clock seconds of one run of `node <args>`. */
function timed(args: string[]): number {
  const started = performance.now();
  execFileSync(process.execPath, args, { cwd: work, env, stdio: 'ignore' });
  return (performance.now() - started) / 1000;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

const steward = (...args: string[]) => [path.join(root, 'bin', 'steward.js'), ...args];
// The first start creates the embedded database; everything below runs on an existing one.
timed(steward('migrate'));

const commands: Record<string, string[]> = {
  nodeBare: ['-e', '0'],
  help: steward('help'),
  schema: steward('schema'),
  classify: steward('classify', profile),
  pgliteOpen: [barePGlite, env.PGLITE_DIR],
  appsList: steward('apps', 'list'),
};
const seconds: Record<string, number> = {};
for (const [name, args] of Object.entries(commands)) {
  const runs = Array.from({ length: RUNS }, () => timed(args));
  seconds[name] = Number(median(runs).toFixed(3));
  console.log(`${name}: median ${seconds[name]} s of ${RUNS} (${runs.map((run) => run.toFixed(2)).join(', ')})`);
}
rmSync(work, { recursive: true, force: true });

const results = path.join(here, 'results');
mkdirSync(results, { recursive: true });
writeFileSync(path.join(results, 'cli.json'), `${JSON.stringify({ runs: RUNS, seconds }, null, 2)}\n`);
