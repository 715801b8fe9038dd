// A recorder under load in a process of its own, for the crash tests (recorder.test.ts): synthetic
// connections through the monitor's table into a Recorder flushing every few milliseconds. After each flush
// it prints the number of connection rows committed, so the test knows what must survive a kill -9.
//   node scripts/run-ts.mjs electron/monitor/record/testing/writer.ts FILE [ROWS] [CHURN]
import { ConnectionTable } from '../../connections.js';
import { SyntheticConnections } from '../../testing/synthetic.js';
import { Recorder } from '../recorder.js';
import { DEFAULT_RECORDING } from '../../../../shared/record.js';

const [file, rows = '2000', churn = '0.2'] = process.argv.slice(2);
if (!file) throw new Error('usage: writer.ts FILE [ROWS] [CHURN]');
const source = new SyntheticConnections(Number(rows), Number(churn), 7);
const table = new ConnectionTable(0);
const recorder = new Recorder({
  file,
  config: DEFAULT_RECORDING,
  liveRows: () => table.rows(),
  notify: (level, code, text) => console.error(`${level} ${code} ${text}`),
  flushMs: 1_000_000,
});
let at = Date.now();
setInterval(() => {
  at += 1000;
  recorder.connections(table.update(source.next(), at), (id) => table.get(id));
  recorder.flush();
  const db = recorder.database;
  if (db) console.log(`committed ${String((db.get('SELECT count(*) AS n FROM conns') as { n: number }).n)}`);
}, 5);
