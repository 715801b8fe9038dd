// The monitor worker's entry (bundled to out/main/worker.cjs): the real collectors for this OS, served to the
// host through worker-runtime.ts. All collector I/O happens on this thread.
import { parentPort, workerData } from 'node:worker_threads';
import { DATASETS } from '../../shared/types.js';
import type { Collectors } from '../collectors/collector.js';
import { createCollectors } from '../collectors/index.js';
import { NamesCollector } from '../collectors/names/index.js';
import type { DnsServer } from '../../shared/names.js';
import { serveMonitor } from './worker-runtime.js';
import type { RecordWorkerData } from './record/config.js';
import { WorkerOwnerRelay } from './owner-relay.js';

if (!parentPort) throw new Error('the monitor worker must run as a worker thread (see electron/monitor/host.ts)');

const port = parentPort;
// The Linux connections collector asks the privileged agent (through the host) about sockets it may not inspect.
const relay = new WorkerOwnerRelay((message) => port.postMessage(message));
let collectors: Collectors;
try {
  // Host names are resolved once a client asks (setNames), of the server the host was started with, if any.
  const dnsServer = (workerData as { dnsServer?: DnsServer | null } | null)?.dnsServer ?? null;
  collectors = createCollectors(process.platform, {
    privilegedOwners: relay,
    names: NamesCollector.withResolver({ server: dnsServer }),
  });
} catch (err) {
  // No collectors here (an unsupported OS): every dataset reports why, instead of the worker dying and being
  // restarted over and over.
  const reason = err instanceof Error ? err.message : String(err);
  collectors = Object.fromEntries(
    DATASETS.map((d) => [d, { read: () => Promise.reject(new Error(reason)) }]),
  ) as unknown as Collectors;
}
// The hosts pass where to record and how (electron/monitor/record/config.ts); without it nothing is recorded.
const record = (workerData as { record?: RecordWorkerData } | null)?.record;
serveMonitor(port, collectors, record ? { record } : {}, relay);
