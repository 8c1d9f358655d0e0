// Where a Steward process's memory goes: loads what `steward serve` loads, step by step, and prints RSS
// (and its high-water mark), the V8 heap and external memory (WebAssembly memories, Buffers) after each
// step, after forcing garbage collection.
//   node --expose-gc --import tsx bench/memory.ts pglite [existing PGlite dir]
//   node --expose-gc --import tsx bench/memory.ts postgres postgresql://postgres@127.0.0.1:5432/some_db
// Without a directory, PGlite starts on an empty one (initdb: the first start of a new installation).
// Writes bench/results/memory-<kind>.json.

import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('Run with node --expose-gc --import tsx bench/memory.ts');

interface Step {
  step: string;
  rssMb: number;
  deltaRssMb: number;
  peakRssMb: number;
  heapUsedMb: number;
  heapTotalMb: number;
  externalMb: number;
}

const mb = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;
const statusMb = (key: string) =>
  Math.round(
    Number(
      /\d+/u.exec(
        readFileSync('/proc/self/status', 'utf8')
          .split('\n')
          .find((line) => line.startsWith(key)) ?? '0',
      )![0],
    ) / 102.4,
  ) / 10;
const steps: Step[] = [];
let previous = 0;

async function step(name: string, run: () => unknown): Promise<void> {
  await run();
  for (let round = 0; round < 3; round += 1) {
    gc!();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const usage = process.memoryUsage();
  steps.push({
    step: name,
    rssMb: mb(usage.rss),
    deltaRssMb: mb(usage.rss - previous),
    peakRssMb: statusMb('VmHWM:'),
    heapUsedMb: mb(usage.heapUsed),
    heapTotalMb: mb(usage.heapTotal),
    externalMb: mb(usage.external),
  });
  previous = usage.rss;
}

const kind = process.argv[2] === 'postgres' ? 'postgres' : 'pglite';
const where = process.argv[3];
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

await step('node + tsx (the ESM loader hooks run on their own thread)', () => undefined);
await step('@slack/bolt', () => import('@slack/bolt'));
await step(
  'botbuilder + botframework-connector (Teams; `serve` loads them only when Teams is configured)',
  async () => {
    await import('botbuilder');
    await import('botframework-connector');
  },
);
await step('express, pino, prom-client, openai, zod, yaml, minisearch', async () => {
  for (const name of ['express', 'pino', 'prom-client', 'openai', 'zod', 'yaml', 'minisearch']) await import(name);
});
const client = await import('../src/generated/prisma/client.ts');
await step('the generated Prisma client', () => undefined);
await step("the rest of Steward's modules and their dependencies (pg, PGlite's JS, adapters, CLI)", async () => {
  await import('../src/runtime/services.ts');
  await import('../adapters/index.ts');
  await import('../src/cli/main.ts');
});
const { connect } = await import('../src/db/connect.ts');
const { applyMigrationsOn } = await import('../src/db/migrate.ts');
let temporary: string | undefined;
let connection: Awaited<ReturnType<typeof connect>>;
if (kind === 'pglite') {
  if (!where) temporary = mkdtempSync(path.join(os.tmpdir(), 'steward-memory-'));
  const dir = where ?? path.join(temporary!, 'db');
  await step(
    `PGlite open (${where ? 'existing directory' : 'empty directory: initdb'}, shared_buffers=16MB)`,
    async () => {
      connection = await connect({ kind: 'pglite', dir });
    },
  );
} else {
  if (!where) throw new Error('postgres needs a URL');
  await step('pg pool', async () => {
    connection = await connect({ kind: 'postgres', url: where });
  });
}
await step('migrations (the schema engine, WebAssembly, only when some are pending)', () =>
  applyMigrationsOn(connection!, {}),
);
const prisma = new client.PrismaClient({ adapter: connection!.adapterFactory });
await step("first query (loads Prisma's WebAssembly query compiler)", () => prisma.conversation.findMany({ take: 1 }));
await step('200 more queries', async () => {
  for (let index = 0; index < 200; index += 1) await prisma.conversation.findUnique({ where: { key: `k${index}` } });
});
await prisma.$disconnect();
await connection!.close();
if (temporary) rmSync(temporary, { recursive: true, force: true });

console.table(steps);
const resultsDir = path.join(root, 'bench', 'results');
mkdirSync(resultsDir, { recursive: true });
writeFileSync(
  path.join(resultsDir, `memory-${kind}.json`),
  `${JSON.stringify({ at: new Date().toISOString(), kind, database: where ? 'existing' : 'new', steps }, null, 2)}\n`,
);
