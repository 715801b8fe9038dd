// A recording monitor in a process of its own, for the live alerts test (alerts.live.test.ts), which runs it
// inside a network namespace: the real Linux connections collector, the names collector's places, network
// alerts on. It prints `ready` once what was open at its start is recorded (the baseline), then each alert as
// a JSON line, and leaves when its stdin closes.
//   node scripts/run-ts.mjs electron/monitor/record/testing/alerts-monitor.ts FILE [KIND,...]
// KINDs: the alert kinds on (network when none is given).
import { ALERT_KINDS, DEFAULT_RECORDING } from '../../../../shared/record.js';
import { LinuxConnectionsCollector } from '../../../collectors/connections/linux.js';
import { NamesCollector } from '../../../collectors/names/index.js';
import { createInThreadMonitor } from '../../monitor.js';
import { SyntheticConnections, syntheticCollectors } from '../../testing/synthetic.js';

const [file, kinds = 'network'] = process.argv.slice(2);
if (!file) throw new Error('usage: alerts-monitor.ts FILE [KIND,...]');
const on = kinds.split(',');
const alerts = Object.fromEntries(ALERT_KINDS.map((k) => [k, on.includes(k)])) as typeof DEFAULT_RECORDING.alerts;
const monitor = createInThreadMonitor({
  collectors: {
    ...syntheticCollectors(new SyntheticConnections(0, 0)),
    connections: new LinuxConnectionsCollector(),
    names: new NamesCollector(),
  },
  log: (line) => console.error(line),
  intervalMs: 500,
  record: {
    file,
    config: { ...DEFAULT_RECORDING, alerts },
    flushMs: 200,
  },
});
monitor.attach((m) => {
  if (m.type === 'alert') console.log(JSON.stringify(m.alert));
});
const ready = setInterval(() => {
  if ((monitor.core.record?.stats.flushes ?? 0) === 0) return;
  clearInterval(ready);
  console.log('ready');
}, 50);
process.stdin.resume();
process.stdin.on('end', () => {
  clearInterval(ready);
  void monitor.close().then(() => process.exit(0));
});
