#!/usr/bin/env node
// Entry point of the `steward` command. Runs the compiled code in dist/ (built by `npm install` and
// `npm run build`); when a source file is newer than that build, runs the sources through tsx instead,
// so an edit takes effect without a build step.
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import v8 from 'node:v8';

const root = path.resolve(import.meta.dirname, '..');

/** Newest modification time of the .ts files under `dir` (0 when there are none). */
function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
    newest = Math.max(newest, statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

function builtAt() {
  try {
    return statSync(path.join(root, 'dist', 'BUILT')).mtimeMs;
  } catch {
    return 0;
  }
}

const built = builtAt();
const fresh =
  built > 0 &&
  process.env.STEWARD_FROM_SOURCES !== '1' &&
  ['src', 'adapters'].every((dir) => newestSource(path.join(root, dir)) <= built);

// WebAssembly (PGlite's Postgres, Prisma's query compiler) runs on V8's baseline compiler only. Its
// optimising tier recompiles those large modules in the background: a command then takes ~0.25 s and
// ~70 MB more (it waits for that work before exiting), and the embedded server peaks ~80 MB higher, for
// ~5% more turns per second. A server on PostgreSQL, which loads no PGlite, keeps the optimising tier.
const command = process.argv[2];
if (!(command === 'serve' && process.env.DATABASE_URL)) v8.setFlagsFromString('--liftoff-only');

let main;
if (fresh) {
  ({ main } = await import('../dist/src/cli/main.js'));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../src/cli/main.ts'));
}
process.exitCode = await main(process.argv.slice(2));
