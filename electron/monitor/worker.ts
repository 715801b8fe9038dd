// The monitor worker's entry (bundled to out/main/worker.cjs): the real collectors for this OS, served to the
// host through worker-runtime.ts. All collector I/O happens on this thread.
import { parentPort } from 'node:worker_threads';
import { createCollectors } from '../collectors/index.js';
import { serveMonitor } from './worker-runtime.js';

if (!parentPort) throw new Error('the monitor worker must run as a worker thread (see electron/monitor/host.ts)');
serveMonitor(parentPort, createCollectors());
