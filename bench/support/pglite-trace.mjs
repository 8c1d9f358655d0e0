// A diagnostic preload for the server under load (bench/profile.ts --trace): counts PGlite's queries and
// times its one lock. PGlite runs every query and every transaction under one mutex; an interactive
// transaction holds it across the awaits between its statements, so all other queries wait.
//   node --import ./bench/support/pglite-trace.mjs bin/steward.js serve      (PGLITE_TRACE_FILE=out.json)
// On exit, writes per-statement counts, rows and times, and the lock's wait and hold times.
import { AsyncLocalStorage } from 'node:async_hooks';
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { PGlite } from '@electric-sql/pglite';

const statements = new Map();
const lock = { waits: [], holds: { query: [], transaction: [] } };
const kind = new AsyncLocalStorage();

function normalise(sql) {
  return sql.replace(/\s+/gu, ' ').replace(/\$\d+/gu, '?').slice(0, 160);
}

function record(sql, ms, rows) {
  const key = normalise(sql);
  const entry = statements.get(key) ?? { sql: key, count: 0, ms: 0, rows: 0, maxRows: 0 };
  entry.count += 1;
  entry.ms += ms;
  entry.rows += rows;
  entry.maxRows = Math.max(entry.maxRows, rows);
  statements.set(key, entry);
}

const proto = PGlite.prototype;
const runExclusive = proto._runExclusiveTransaction;
proto._runExclusiveTransaction = async function (callback) {
  const held = kind.getStore() ?? 'query';
  const called = performance.now();
  return runExclusive.call(this, async () => {
    const started = performance.now();
    lock.waits.push(started - called);
    try {
      return await callback();
    } finally {
      (lock.holds[held] ??= []).push(performance.now() - started);
    }
  });
};

const query = proto.query;
proto.query = async function (sql, params, options) {
  const started = performance.now();
  const result = await query.call(this, sql, params, options);
  record(sql, performance.now() - started, result?.rows?.length ?? 0);
  return result;
};

const transaction = proto.transaction;
proto.transaction = function (callback) {
  return kind.run('transaction', () =>
    transaction.call(this, async (tx) => {
      const wrapped = Object.create(tx);
      wrapped.query = async (sql, params, options) => {
        const started = performance.now();
        const result = await tx.query(sql, params, options);
        record(`[tx] ${sql}`, performance.now() - started, result?.rows?.length ?? 0);
        return result;
      };
      return kind.run('in-transaction', () => callback(wrapped));
    }),
  );
};

function summary(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0;
  const round = (value) => Math.round(value * 100) / 100;
  return {
    count: sorted.length,
    totalMs: round(sorted.reduce((a, b) => a + b, 0)),
    p50: round(at(50)),
    p99: round(at(99)),
    max: round(sorted.at(-1) ?? 0),
  };
}

process.on('exit', () => {
  const file = process.env.PGLITE_TRACE_FILE;
  if (!file) return;
  writeFileSync(
    file,
    JSON.stringify(
      {
        lock: {
          waitMs: summary(lock.waits),
          holdMs: Object.fromEntries(Object.entries(lock.holds).map(([held, values]) => [held, summary(values)])),
        },
        statements: [...statements.values()].sort((a, b) => b.ms - a.ms),
      },
      null,
      2,
    ),
  );
});
