// Writes prisma/pglite-template.tar.gz: an embedded database with every migration applied, which a new
// PGLITE_DIR starts from instead of running initdb (half the memory, a third of the time). Run it after
// adding a migration; `npm test` checks that the template has them all. Migrations newer than the
// template are applied at start as usual, so an old template is slower, never wrong.
//
// Usage: node --import tsx scripts/pglite-template.ts
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLITE_TEMPLATE } from '../src/db/connect.ts';
import { openDatabase } from '../src/db/open.ts';

const work = await mkdtemp(path.join(os.tmpdir(), 'steward-template-'));
const dir = path.join(work, 'data');
try {
  // From initdb, not from the previous template: the same migrations give the same template.
  await rm(PGLITE_TEMPLATE, { force: true });
  const database = await openDatabase({ kind: 'pglite', dir });
  await database.close();
  const pglite = new PGlite(dir);
  await pglite.waitReady;
  // Rewritten compactly: the template is shipped, and space left by the migrations is not worth it.
  await pglite.exec('VACUUM FULL');
  const dump = await pglite.dumpDataDir('gzip');
  await pglite.close();
  await writeFile(PGLITE_TEMPLATE, Buffer.from(await dump.arrayBuffer()));
  console.log(`Wrote ${path.relative(process.cwd(), PGLITE_TEMPLATE)} (${Math.round(dump.size / 1024)} KB)`);
} finally {
  await rm(work, { recursive: true, force: true });
}
