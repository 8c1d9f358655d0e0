// A new embedded database starts from prisma/pglite-template.tar.gz instead of running initdb (half the
// memory and time of a first start): the template must hold every migration, and a directory made
// from it must open, migrated, and keep what is written to it.
import { mkdir, mkdtemp, readdir, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PGLITE_TEMPLATE } from '../src/db/connect.ts';
import { DEFAULT_MIGRATIONS_DIR, migrationStatus } from '../src/db/migrate.ts';
import { openDatabase } from '../src/db/open.ts';
import { restoreTemplate } from '../src/db/restore-template.ts';

async function localMigrations(): Promise<string[]> {
  const entries = await readdir(DEFAULT_MIGRATIONS_DIR, { withFileTypes: true });
  return entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

describe('the embedded database template', () => {
  let work: string;
  beforeAll(async () => {
    work = await mkdtemp(path.join(os.tmpdir(), 'steward-template-test-'));
  });
  afterAll(async () => rm(work, { recursive: true, force: true }));

  it('holds every migration in prisma/migrations (else run: node --import tsx scripts/pglite-template.ts)', async () => {
    const template = new PGlite({ loadDataDir: new Blob([await readFile(PGLITE_TEMPLATE)]) });
    try {
      const applied = await template.query<{ migration_name: string }>(
        'SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL ORDER BY migration_name',
      );
      expect(applied.rows.map((row) => row.migration_name)).toEqual(await localMigrations());
    } finally {
      await template.close();
    }
  });

  it('starts a new directory from it: migrated, writable, and still there after a restart', async () => {
    const dir = path.join(work, 'new', 'data');
    const first = await openDatabase({ kind: 'pglite', dir });
    try {
      await first.store.audit.record({ actor: { platform: 'console', userId: 'ana' }, action: 'template.check' });
    } finally {
      await first.close();
    }
    expect((await migrationStatus({ kind: 'pglite', dir })).pending).toEqual([]);
    const again = await openDatabase({ kind: 'pglite', dir }, { migrate: false });
    try {
      expect(await again.store.audit.count('template.check')).toBe(1);
    } finally {
      await again.close();
    }
  });

  it('restores a start that was interrupted mid-way (files written, PG_VERSION not yet) instead of failing', async () => {
    const dir = path.join(work, 'interrupted');
    await restoreTemplate(PGLITE_TEMPLATE, dir);
    await unlink(path.join(dir, 'PG_VERSION'));
    await writeFile(path.join(dir, 'global', 'pg_control'), 'torn write');
    const database = await openDatabase({ kind: 'pglite', dir });
    try {
      await database.store.audit.record({ actor: { platform: 'console', userId: 'ana' }, action: 'template.again' });
      expect(await database.store.audit.count('template.again')).toBe(1);
    } finally {
      await database.close();
    }
  });

  it('refuses an archive entry that would be written outside the directory', async () => {
    const header = Buffer.alloc(512);
    header.write('../escaped', 0);
    header.write('0000644\0', 100);
    header.write('00000000001\0', 124);
    header.write('0', 156);
    header.write('ustar\u000000', 257);
    const archive = path.join(work, 'hostile.tar.gz');
    await writeFile(archive, gzipSync(Buffer.concat([header, Buffer.alloc(512), Buffer.alloc(1024)])));
    const dir = path.join(work, 'hostile', 'data');
    await mkdir(dir, { recursive: true });
    await expect(restoreTemplate(archive, dir)).rejects.toThrow(/outside the directory/);
    expect(await readdir(path.join(work, 'hostile'))).toEqual(['data']);
  });
});
