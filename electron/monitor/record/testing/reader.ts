// A process that reads the record back to back, for the lock's fairness tests (lock.test.ts): the History tab of a
// NetLens not recording, refreshed nonstop (one connection kept open, each read a snapshot retried with whenFree),
// or a script reading the record in a loop. Each read holds the lock for some 30 ms of SQL. It prints `reading`
// after its first read, and reads until its stdin closes, then prints `read N busy M` (M: reads that gave up
// waiting) and leaves.
//   node reader.cjs FILE   (bundled by testing/bundle-worker.ts)
import { openRecord, type RecordDatabase, snapshot, whenFree } from '../database.js';

const [file] = process.argv.slice(2);
if (!file) throw new Error('usage: reader.ts FILE');

/** A read that keeps the lock a while: every row, and some arithmetic. */
const read = (db: RecordDatabase) => {
  db.all('SELECT * FROM conns');
  return db.get(
    'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 100000) SELECT sum(x) FROM c',
  );
};

let open = true;
process.stdin.on('data', () => {});
process.stdin.on('end', () => {
  open = false;
});

const { db } = openRecord(file, { create: false });
let reads = 0;
let busy = 0;
(async () => {
  while (open) {
    try {
      await whenFree(file, () => snapshot(db, read));
      reads++;
    } catch (err) {
      if (!/busy/.test(String(err))) throw err;
      busy++;
    }
    if (reads + busy === 1) console.log('reading');
    // Back to back: a turn of the event loop only (to hear stdin close).
    await new Promise((resolve) => setImmediate(resolve));
  }
  db.close();
  console.log(`read ${reads} busy ${busy}`);
  process.exit(0);
})();
