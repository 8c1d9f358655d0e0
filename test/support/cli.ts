// The `steward` command run in the test's own process, on a directory of its own: an embedded database
// and the test policy, as an admin's shell would have them.
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { memoryIO } from '../../src/cli/io.ts';
import { main } from '../../src/cli/main.ts';
import { writeTestPolicy } from './policy.ts';

export interface CliRun {
  code: number;
  out: string;
  err: string;
}

/** A new directory with PGLITE_DIR and STEWARD_POLICY in it; `extraEnv` adds or overrides. */
export async function cliWorkspace(
  prefix: string,
  extraEnv: Record<string, string> = {},
): Promise<{ dir: string; env: Record<string, string> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  const env = {
    PGLITE_DIR: path.join(dir, 'db'),
    STEWARD_POLICY: await writeTestPolicy(dir),
    LOG_LEVEL: 'silent',
    ...extraEnv,
  };
  return { dir, env };
}

/** Runs `steward <argv>` with this environment, relative to `cwd`, and returns what it printed. */
export async function runCli(argv: string[], where: { env: Record<string, string>; cwd: string }): Promise<CliRun> {
  const io = memoryIO({ env: where.env, cwd: where.cwd });
  const code = await main(argv, io);
  return { code, out: io.out, err: io.err };
}
