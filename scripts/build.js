// Compiles src/ and adapters/ to dist/, which `npm start`, `npm run chat` and the `steward` command run
// (tests run the sources). Part of `npm install`; run it again with `npm run build` after editing.
// bin/steward.js runs the sources through tsx instead whenever they are newer than the build.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const require = createRequire(import.meta.url);
const tsc = require.resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json')], { stdio: 'inherit', cwd: root });
// Written last: a build that failed half-way is never taken for a fresh one.
writeFileSync(path.join(root, 'dist', 'BUILT'), `${new Date().toISOString()}\n`);
