// The database layer on every available target: PGlite always, PostgreSQL when TEST_DATABASE_URL is set.
import { createHash } from 'node:crypto';
import { execFile } from 'node:child_process';
import { cp, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { applyMigrations, DEFAULT_MIGRATIONS_DIR, DEFAULT_SCHEMA_PATH, migrationStatus } from '../src/db/migrate.ts';
import { describeTarget, redactUrl } from '../src/db/connect.ts';
import { openDatabase } from '../src/db/open.ts';
import { openTestDatabase, pgliteOnly, pgliteTestDir, testLabels } from './support/databases.ts';
import type { TestDatabase } from './support/databases.ts';

const TABLES = [
  'App',
  'AppExternalId',
  'AppVersion',
  'Assessment',
  'AuditEvent',
  'Conversation',
  'DiscoveredItem',
  'Handoff',
  'Leaver',
  'OutboxMessage',
  'PlatformReference',
  'PolicyVersion',
  'ProcessedEvent',
  'Recertification',
  'ReviewDecision',
  '_prisma_migrations',
];

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.allSettled(cleanups.splice(0).map((c) => c()));
});

async function open(label: TestDatabase['label'], opts: Parameters<typeof openTestDatabase>[1] = {}) {
  const t = await openTestDatabase(label, opts);
  cleanups.push(t.cleanup);
  return t;
}

async function tmp() {
  const t = await pgliteTestDir();
  cleanups.push(t.cleanup);
  return t.dir;
}

async function localMigrations(dir = DEFAULT_MIGRATIONS_DIR): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}

async function tableNames({ db }: TestDatabase): Promise<string[]> {
  const rows = await db.prisma.$queryRaw<{ table_name: string }[]>`
    SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`;
  return rows.map((r) => r.table_name);
}

function audit(actorId: string) {
  return { actorPlatform: 'slack', actorId, action: 'app.registered' };
}

describe.each(testLabels())('database layer on %s', (label) => {
  it('migrates a fresh database, records the stock checksums, and re-applying is a no-op', async () => {
    const t = await open(label, { pristine: true });
    expect(await tableNames(t)).toEqual(TABLES);

    const rows = await t.db.prisma.$queryRaw<
      {
        migration_name: string;
        checksum: string;
        finished_at: Date | null;
        rolled_back_at: Date | null;
        applied_steps_count: number;
      }[]
    >`SELECT migration_name, checksum, finished_at, rolled_back_at, applied_steps_count
      FROM "_prisma_migrations" ORDER BY migration_name`;
    const names = await localMigrations();
    expect(rows.map((r) => r.migration_name)).toEqual(names);
    for (const row of rows) {
      const sql = await readFile(path.join(DEFAULT_MIGRATIONS_DIR, row.migration_name, 'migration.sql'));
      expect(row.checksum).toBe(createHash('sha256').update(sql).digest('hex'));
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.rolled_back_at).toBeNull();
      expect(row.applied_steps_count).toBe(1);
    }

    await t.db.close(); // PGlite: one instance per directory
    expect(await applyMigrations(t.target)).toEqual({ applied: [] });
    expect(await migrationStatus(t.target)).toEqual({
      pending: [],
      applied: names,
      failed: [],
      edited: [],
      notInFolder: [],
    });
  }, 60_000);

  it('opens without migrating when asked, and reports what is pending', async () => {
    const t = await open(label, { migrate: false, pristine: true });
    expect(await tableNames(t)).toEqual([]);
    await t.db.close();
    const status = await migrationStatus(t.target);
    expect(status.pending).toEqual(await localMigrations());
    expect(status.applied).toEqual([]);
  }, 60_000);

  it('keeps AuditEvent append-only: UPDATE and DELETE raise, TRUNCATE is allowed', async () => {
    const { db } = await open(label);
    const first = await db.prisma.auditEvent.create({ data: audit('U1') });
    await db.prisma.auditEvent.create({ data: audit('U2') });

    await expect(db.prisma.auditEvent.update({ where: { id: first.id }, data: { action: 'x' } })).rejects.toThrow(
      'AuditEvent is append-only',
    );
    await expect(db.prisma.auditEvent.deleteMany({})).rejects.toThrow('AuditEvent is append-only');
    await expect(db.prisma.$executeRaw`UPDATE "AuditEvent" SET "action" = 'x'`).rejects.toThrow(
      'AuditEvent is append-only',
    );
    await expect(db.prisma.$executeRaw`DELETE FROM "AuditEvent" WHERE id = ${first.id}`).rejects.toThrow(
      'AuditEvent is append-only',
    );
    // Statement-level: even a statement that matches no row is refused.
    await expect(db.prisma.$executeRaw`DELETE FROM "AuditEvent" WHERE false`).rejects.toThrow(
      'AuditEvent is append-only',
    );
    const rows = await db.prisma.auditEvent.findMany({ orderBy: { id: 'asc' } });
    expect(rows.map((r) => [r.actorId, r.action])).toEqual([
      ['U1', 'app.registered'],
      ['U2', 'app.registered'],
    ]);

    await db.prisma.$executeRaw`TRUNCATE "AuditEvent"`;
    expect(await db.prisma.auditEvent.count()).toBe(0);
  });

  it('rolls back an interactive transaction that throws, and commits one that returns', async () => {
    const { db } = await open(label);
    const app = await db.prisma.app.create({
      data: { name: 'Expenses', nameKey: 'expenses', ownerPlatform: 'slack', ownerUserId: 'U1' },
    });

    await expect(
      db.prisma.$transaction(async (tx) => {
        await tx.app.update({ where: { id: app.id }, data: { name: 'Renamed' } });
        await tx.$executeRaw`INSERT INTO "ProcessedEvent" (id) VALUES ('ev-1')`;
        await tx.auditEvent.create({ data: audit('U1') });
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect((await db.prisma.app.findUniqueOrThrow({ where: { id: app.id } })).name).toBe('Expenses');
    expect(await db.prisma.processedEvent.count()).toBe(0);
    expect(await db.prisma.auditEvent.count()).toBe(0);

    // A database error inside the transaction rolls it back too.
    await expect(
      db.prisma.$transaction(async (tx) => {
        await tx.app.update({ where: { id: app.id }, data: { name: 'Renamed' } });
        await tx.$executeRaw`INSERT INTO "ProcessedEvent" (id) VALUES ('ev-2'), ('ev-2')`;
      }),
    ).rejects.toThrow();
    expect((await db.prisma.app.findUniqueOrThrow({ where: { id: app.id } })).name).toBe('Expenses');

    const result = await db.prisma.$transaction(
      async (tx) => {
        await tx.app.update({ where: { id: app.id }, data: { name: 'Renamed' } });
        const [level] = await tx.$queryRaw<{ transaction_isolation: string }[]>`SHOW transaction_isolation`;
        return level?.transaction_isolation;
      },
      { isolationLevel: 'Serializable' },
    );
    expect(result).toBe('serializable');
    expect((await db.prisma.app.findUniqueOrThrow({ where: { id: app.id } })).name).toBe('Renamed');
  });

  it('claims outbox rows with SELECT ... FOR UPDATE SKIP LOCKED inside a transaction', async () => {
    const { db } = await open(label);
    await db.prisma.outboxMessage.createMany({
      data: ['a', 'b', 'c'].map((k) => ({
        dedupeKey: k,
        kind: 'notice',
        platform: 'slack',
        destination: 'C1',
        payload: { k },
      })),
    });
    const claimed = await db.prisma.$transaction(async (tx) => {
      const rows = await tx.$queryRaw<{ id: string; dedupeKey: string }[]>`
        SELECT id, "dedupeKey" FROM "OutboxMessage"
        WHERE status = 'pending' AND "nextAttemptAt" <= now()
        ORDER BY "dedupeKey" LIMIT ${2} FOR UPDATE SKIP LOCKED`;
      const n = await tx.$executeRaw`
        UPDATE "OutboxMessage" SET "lockedUntil" = now() + interval '1 minute', attempts = attempts + 1
        WHERE id = ANY(${rows.map((r) => r.id)})`;
      return { keys: rows.map((r) => r.dedupeKey), n };
    });
    expect(claimed).toEqual({ keys: ['a', 'b'], n: 2 });
    const locked = await db.prisma.outboxMessage.findMany({
      where: { lockedUntil: { not: null } },
      orderBy: { dedupeKey: 'asc' },
    });
    expect(locked.map((m) => [m.dedupeKey, m.attempts])).toEqual([
      ['a', 1],
      ['b', 1],
    ]);
  });

  it('keeps two concurrent claimers apart', async () => {
    const { db } = await open(label);
    await db.prisma.outboxMessage.createMany({
      data: ['a', 'b'].map((k) => ({
        dedupeKey: k,
        kind: 'notice',
        platform: 'slack',
        destination: 'C1',
        payload: {},
      })),
    });
    type Tx = Parameters<Parameters<typeof db.prisma.$transaction>[0]>[0];
    const claimOne = async (tx: Tx) => {
      const rows = await tx.$queryRaw<{ dedupeKey: string }[]>`
        SELECT "dedupeKey" FROM "OutboxMessage" ORDER BY "dedupeKey" LIMIT 1 FOR UPDATE SKIP LOCKED`;
      return rows.map((r) => r.dedupeKey);
    };
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let reportA!: (keys: string[]) => void;
    const claimedA = new Promise<string[]>((resolve) => (reportA = resolve));
    const txA = db.prisma.$transaction(async (tx) => {
      reportA(await claimOne(tx));
      await held; // keep the row lock
    });
    expect(await claimedA).toEqual(['a']);
    const txB = db.prisma.$transaction(claimOne);
    if (label === 'postgres') {
      // Row locks: B skips A's row while A is still open.
      expect(await txB).toEqual(['b']);
      release();
    } else {
      // PGlite has a single connection: B starts only once A has finished, then sees row 'a' free again.
      const raced = await Promise.race([txB, new Promise((resolve) => setTimeout(() => resolve('waiting'), 300))]);
      expect(raced).toBe('waiting');
      release();
      expect(await txB).toEqual(['a']);
    }
    await txA;
  });

  it('reports a failing migration and does not record it as applied', async () => {
    const migrationsDir = path.join(await tmp(), 'migrations');
    await cp(DEFAULT_MIGRATIONS_DIR, migrationsDir, { recursive: true });
    await mkdir(path.join(migrationsDir, '29990101000000_broken'));
    await writeFile(
      path.join(migrationsDir, '29990101000000_broken', 'migration.sql'),
      'CREATE TABLE "Half" (id INT);\nSELECT * FROM "NoSuchTable";\n',
    );
    const t = await open(label, { migrate: false, pristine: true });
    await t.db.close();
    await expect(openDatabase(t.target, { migrationsDir })).rejects.toThrow(
      /Migrating .*: Applying migrations failed: migration 29990101000000_broken: .*NoSuchTable/,
    );

    // Deploy stops at a recorded failure, as the stock CLI does (P3009).
    await expect(applyMigrations(t.target, { migrationsDir })).rejects.toThrow(/P3009[\s\S]*29990101000000_broken/);
    const status = await migrationStatus(t.target, { migrationsDir });
    expect(status.failed).toEqual(['29990101000000_broken']);
    expect(status.applied).toEqual(await localMigrations());

    // The failed script ran as one implicit transaction: nothing of it is left behind.
    const again = await openDatabase(t.target, { migrate: false });
    try {
      const rows = await again.prisma.$queryRaw<{ n: number }[]>`
        SELECT count(*)::int AS n FROM information_schema.tables WHERE table_name = 'Half'`;
      expect(rows[0]?.n).toBe(0);
    } finally {
      await again.close();
    }
  }, 90_000);
});

describe('PGlite', () => {
  it('keeps its data after close and reopen', async () => {
    const t = await pgliteOnly();
    cleanups.push(t.cleanup);
    await t.db.prisma.processedEvent.create({ data: { id: 'ev-42' } });
    await t.db.close();

    const again = await openDatabase(t.target);
    try {
      expect((await again.prisma.processedEvent.findMany()).map((e) => e.id)).toEqual(['ev-42']);
    } finally {
      await again.close();
    }
  });

  it('refuses to open a directory twice in one process', async () => {
    const t = await pgliteOnly();
    cleanups.push(t.cleanup);
    await expect(openDatabase(t.target, { migrate: false })).rejects.toThrow(/already open in this process/);
  });

  it('creates missing parent directories', async () => {
    const dir = path.join(await tmp(), 'a', 'b', 'pglite');
    const db = await openDatabase({ kind: 'pglite', dir }, { migrate: false });
    try {
      expect(db.describe).toBe(`PGlite at ${dir}`);
    } finally {
      await db.close();
    }
  });
});

describe('PostgreSQL messages', () => {
  it('describes targets without passwords', () => {
    const url = 'postgresql://steward:s3cr%40t@db.internal:6543/steward?sslmode=require';
    expect(describeTarget({ kind: 'postgres', url })).toBe('PostgreSQL at db.internal:6543/steward');
    expect(describeTarget({ kind: 'postgres', url: 'postgres://u@h/x' })).toBe('PostgreSQL at h:5432/x');
    expect(describeTarget({ kind: 'pglite', dir: './data/pglite' })).toBe('PGlite at ./data/pglite');
    expect(redactUrl(url)).not.toContain('s3cr');
  });

  it('says which server cannot be reached, without the password', async () => {
    const url = 'postgresql://steward:hunter2@127.0.0.1:1/steward';
    const error = await openDatabase({ kind: 'postgres', url }).catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(
      /^Cannot connect to PostgreSQL at 127\.0\.0\.1:1\/steward: .*ECONNREFUSED/,
    );
    expect((error as Error).message).not.toContain('hunter2');
  });
});

describe('scripts/new-migration.ts', () => {
  it('writes a migration for a schema change as a plain Node process that exits by itself, and it applies', async () => {
    const dir = await tmp();
    const migrationsDir = path.join(dir, 'migrations');
    await cp(DEFAULT_MIGRATIONS_DIR, migrationsDir, { recursive: true });
    const schemaPath = path.join(dir, 'schema.prisma');
    const schema = await readFile(DEFAULT_SCHEMA_PATH, 'utf8');
    await writeFile(
      schemaPath,
      `${schema}\nmodel Note {\n  id   Int    @id @default(autoincrement())\n  text String\n}\n`,
    );
    const root = path.resolve(DEFAULT_MIGRATIONS_DIR, '..', '..');
    const run = promisify(execFile);
    const args = [
      '--import',
      'tsx',
      'scripts/new-migration.ts',
      'Add note',
      '--migrations',
      migrationsDir,
      '--schema',
      schemaPath,
    ];
    const { stdout } = await run(process.execPath, args, { cwd: root, timeout: 60_000 });
    expect(stdout).toMatch(/Wrote .*_add_note[/\\]migration\.sql/u);
    const written = (await localMigrations(migrationsDir)).find((name) => name.endsWith('_add_note'))!;
    const sql = await readFile(path.join(migrationsDir, written, 'migration.sql'), 'utf8');
    expect(sql).toContain('CREATE TABLE "Note"');
    expect(sql).not.toMatch(/AuditEvent/); // the hand-written trigger is not touched

    const t = await open('pglite', { migrationsDir });
    expect(await tableNames(t)).toContain('Note');
  }, 90_000);
});
