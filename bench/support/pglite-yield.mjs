// An experiment, not a fix (bench/profile.ts --pglite-yield): PGlite runs SQL synchronously on the main
// thread and its promises settle as microtasks, so a turn's chain of queries never lets the event loop
// read new requests. This preload yields to the event loop (setImmediate) before every query and
// transaction, to measure what that does to ack latency.
import { setImmediate } from 'node:timers/promises';
import { PGlite } from '@electric-sql/pglite';

const proto = PGlite.prototype;
const runExclusive = proto._runExclusiveTransaction;
proto._runExclusiveTransaction = async function (callback) {
  await setImmediate();
  return runExclusive.call(this, callback);
};
