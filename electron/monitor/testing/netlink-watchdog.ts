// Run as a process of its own (the test then sees a crash as an exit code, not as its own death): a monitor
// whose worker (netlink-worker.cjs, its path the first argument) runs sock_diag dumps without pause and hangs
// in its third read; the host's watchdog ends it, and a new one starts. Prints the host's log; exits 0 once
// the second worker has answered dumps too and the monitor closed.
import { startMonitor } from '../host.js';
import { TestClient } from './test-client.js';

const [workerPath, mode] = process.argv.slice(2);
const logs: string[] = [];
const monitor = startMonitor({
  workerPath: workerPath!,
  workerData: { rows: 30, churn: 0.1, hangOnRead: 3, inThread: mode === 'in-thread' },
  hangTimeoutMs: 1000,
  log: (line) => {
    logs.push(line);
    console.log(line);
  },
});
const client = new TestClient(monitor);
client.handle({ type: 'setInterval', intervalMs: 500 });
client.handle({ type: 'subscribe', dataset: 'connections' });
const started = Date.now();
const timer = setInterval(async () => {
  const restarted = monitor.restarts >= 1;
  const afterRestart = logs.slice(logs.findIndex((l) => /unresponsive/.test(l)) + 1);
  if (restarted && afterRestart.some((l) => /netlink dumps answered: [1-9]/.test(l))) {
    clearInterval(timer);
    await monitor.close();
    console.log('closed');
    process.exit(0);
  }
  if (Date.now() - started > 30_000) {
    console.log('timed out');
    process.exit(2);
  }
}, 100);
