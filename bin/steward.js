#!/usr/bin/env node
// Entry point of the `steward` command. Runs the compiled code in dist/ (built by `npm install` and
// `npm run build`); when a source file is newer than that build, runs the sources through tsx instead,
// so an edit takes effect without a build step.
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

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

let main;
if (fresh) {
  ({ main } = await import('../dist/src/cli/main.js'));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../src/cli/main.ts'));
}
process.exitCode = await main(process.argv.slice(2));
