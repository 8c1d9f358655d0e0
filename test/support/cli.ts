// The `steward` command run in the test's own process, on a directory of its own: an embedded database
// and the test policy, as an admin's shell would have them.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { memoryIO } from '../../src/cli/io.ts';
import { main } from '../../src/cli/main.ts';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import type { Services } from '../../src/runtime/services.ts';
import { openServices } from '../../src/runtime/services.ts';
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

/**
 * Runs `steward <argv>` with this environment, relative to `cwd`, and returns what it printed. With
 * `services`, the command runs on them as it would inside a running Steward (through its control socket),
 * instead of opening the database itself: a test of many commands then opens it once.
 */
export async function runCli(
  argv: string[],
  where: { env: Record<string, string>; cwd: string; services?: Services | undefined },
): Promise<CliRun> {
  const io = memoryIO({ env: where.env, cwd: where.cwd });
  const code = await main(argv, io, where.services);
  return { code, out: io.out, err: io.err };
}

/** The database and policy of the workspace, held open as a running Steward holds them (close them after). */
export function holdServices(where: { env: Record<string, string>; cwd: string }): Promise<Services> {
  return openServices({
    config: loadConfig(where.env),
    env: where.env,
    cwd: where.cwd,
    logger: createLogger('silent', 'stderr'),
    purpose: 'steward (test)',
    deliveryPlatforms: ['console'],
    defaultMetrics: false,
  });
}

/**
 * A workspace whose commands run on services held open, as inside a running Steward (through its
 * control socket): the database opens once for the whole file. `open` in beforeAll, `close` in afterAll.
 */
export class HeldCli {
  dir = '';
  env: Record<string, string> = {};
  private held: Services | undefined;

  get services(): Services {
    if (!this.held) throw new Error('HeldCli.open() first');
    return this.held;
  }

  /** Creates the workspace and, given `apps` (CSV lines, header first), imports them, which must succeed. */
  async open(prefix: string, options: { env?: Record<string, string>; apps?: string[] } = {}): Promise<void> {
    ({ dir: this.dir, env: this.env } = await cliWorkspace(prefix, options.env));
    this.held = await holdServices({ env: this.env, cwd: this.dir });
    if (!options.apps) return;
    await writeFile(path.join(this.dir, 'apps.csv'), options.apps.join('\n'));
    const imported = await this.run('apps', 'import', 'apps.csv');
    if (imported.code !== 0) throw new Error(`apps import failed: ${imported.err}`);
  }

  readonly run = (...argv: string[]): Promise<CliRun> =>
    runCli(argv, { env: this.env, cwd: this.dir, services: this.services });

  async close(): Promise<void> {
    await this.held?.close();
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** The header of an `apps import` CSV whose rows name each owner's platform, user id and address. */
export const APPS_CSV_HEADER =
  'name,description,platform,department,audience,userCount,dataCategories,systems,aiUsed,criticality,externalSharing,ownerPlatform,ownerUserId,ownerEmail';
