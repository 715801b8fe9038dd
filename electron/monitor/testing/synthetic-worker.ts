// A monitor worker serving synthetic collectors (testing/synthetic.ts), for the host tests and the pipeline
// benchmark. workerData: { rows, churn, exitOnRead?, generation }: with exitOnRead, the first worker
// (generation 0) exits abruptly on that connections read, the way a crash would end it.
import { parentPort, workerData } from 'node:worker_threads';
import { serveMonitor } from '../worker-runtime.js';
import { SyntheticConnections, syntheticCollectors } from './synthetic.js';

const data = (workerData ?? {}) as { rows?: number; churn?: number; exitOnRead?: number; generation?: number };
const collectors = syntheticCollectors(new SyntheticConnections(data.rows ?? 100, data.churn ?? 0.05));
if (data.exitOnRead !== undefined && data.generation === 0) {
  const read = collectors.connections.read.bind(collectors.connections);
  collectors.connections.read = async () => {
    if (collectors.connections.reads + 1 >= data.exitOnRead!) process.exit(7);
    return read();
  };
}
if (!parentPort) throw new Error('run as a worker thread');
serveMonitor(parentPort, collectors);
