// A process that has the record open and waits for its lock, for the lock tests (lock.test.ts). It opens FILE
// (before another process holds the lock) and prints `open`; then, a line on stdin each:
//   wait   tries a write transaction: `free` (it had the lock, and let it go) or, meeting another process's
//          lock, does what every waiter does (clearStaleLock) and prints `waiting`
//   beat   does what it does every few seconds (lock.ts beat) and prints `beaten`
//   clear  prints `cleared true|false`: clearStaleLock with a clock a minute on (the lock old enough)
//   queue  queues for the lock as a waiter whose try met another's lock does (lock.ts Turn), and prints `queued`
// and closes the record and leaves when its stdin closes.
//   node waiter.cjs FILE   (bundled by testing/bundle-worker.ts)
import { clearStaleLock, failureKind, openRecord } from '../database.js';
import { beat, Turn } from '../lock.js';

const [file] = process.argv.slice(2);
if (!file) throw new Error('usage: waiter.ts FILE');
const { db } = openRecord(file, { create: false });
console.log('open');
process.stdin.setEncoding('utf8');
process.stdin.on('data', (text: string) => {
  for (const command of text.split('\n')) {
    if (command === 'wait') {
      try {
        db.exec('BEGIN IMMEDIATE');
        db.exec('COMMIT');
        console.log('free');
      } catch (err) {
        if (failureKind(err) !== 'busy') throw err;
        clearStaleLock(file);
        console.log('waiting');
      }
    } else if (command === 'beat') {
      beat();
      console.log('beaten');
    } else if (command === 'queue') {
      new Turn(file).met();
      console.log('queued');
    } else if (command === 'clear') console.log(`cleared ${clearStaleLock(file, Date.now() + 60_000)}`);
  }
});
process.stdin.on('end', () => {
  db.close();
  process.exit(0);
});
