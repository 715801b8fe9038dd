// Holds the record's lock in a process of its own, for the lock tests (recorder.test.ts, lock.test.ts): opens FILE
// as the record, begins a write transaction (the VFS's lock directory made), prints `holding`, and keeps it until
// killed (`kill` on stdin: kill -9 by itself, for a holder in another pid namespace), or until its stdin closes
// (then commits and leaves): a transaction as long as a migration or a back-fill of millions of rows.
//   node holder.cjs FILE   (bundled by testing/bundle-worker.ts; AS_PLATFORM: see as-platform.ts)
import './as-platform.js';
import { openRecord } from '../database.js';

const [file] = process.argv.slice(2);
if (!file) throw new Error('usage: holder.ts FILE');
const { db } = openRecord(file, { create: false });
db.exec('BEGIN IMMEDIATE');
console.log('holding');
process.stdin.setEncoding('utf8');
process.stdin.on('data', (text: string) => {
  if (text.includes('kill')) process.kill(process.pid, 'SIGKILL');
});
process.stdin.on('end', () => {
  db.exec('COMMIT');
  db.close();
  process.exit(0);
});
