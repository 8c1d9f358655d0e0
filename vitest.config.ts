import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // PGlite instances are heavy (wasm); keep parallelism to the machine's 2 cores.
    maxWorkers: 2,
    // As bin/steward.js runs Steward: WebAssembly (PGlite, Prisma's compiler) on V8's baseline tier only.
    execArgv: ['--liftoff-only'],
  },
});
