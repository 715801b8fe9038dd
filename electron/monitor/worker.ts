// The monitor worker's entry (bundled to out/main/worker.cjs): the real collectors for this OS, served to the
// host through worker-runtime.ts. All collector I/O happens on this thread.
import { parentPort, workerData } from 'node:worker_threads';
import { DATASETS } from '../../shared/types.js';
import type { Collectors } from '../collectors/collector.js';
import { createCollectors } from '../collectors/index.js';
import { NamesCollector } from '../collectors/names/index.js';
import type { DnsServer } from '../../shared/names.js';
import { serveMonitor } from './worker-runtime.js';
import type { ToWorker } from './worker-protocol.js';
import { setNetlinkTransport } from '../collectors/linux/netlink.js';
import { WorkerNetlinkRelay } from './netlink-relay.js';
import type { RecordWorkerData } from './record/config.js';
import { WorkerOwnerRelay } from './owner-relay.js';
import { RemoteFleet } from '../remote/fleet.js';
import type { RemoteRequest } from './api.js';
import { DEFAULT_INTERVAL_MS } from '../../shared/protocol.js';
import { limitHeapGrowth } from './heap.js';

if (!parentPort) throw new Error('the monitor worker must run as a worker thread (see electron/monitor/host.ts)');

const port = parentPort;
// Before the collectors start filling the heap (heap.ts says why and what it costs).
limitHeapGrowth();
// The Linux connections collector asks the privileged agent (through the host) about sockets it may not inspect.
const relay = new WorkerOwnerRelay((message) => port.postMessage(message));
// Its sock_diag dumps run on the host's thread: this thread must never hold a netlink socket
// (electron/monitor/netlink-relay.ts says why).
const netlink = new WorkerNetlinkRelay((message) => port.postMessage(message));
setNetlinkTransport(netlink);
port.on('message', (message: ToWorker) => {
  if (message.type === 'netlink') netlink.answer(message.id, message.result);
});
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
// Remote hosts the user adds are read here too, beside this machine (electron/remote/fleet.ts); `sshConfig`
// is the host's --ssh-config.
const { sshConfig, sshControlPrefix } = (workerData ?? {}) as { sshConfig?: string; sshControlPrefix?: string };
// Its hosts' ControlMaster folders carry this worker's prefix: the host removes them if it has to end this worker.
const fleet = new RemoteFleet({
  intervalMs: DEFAULT_INTERVAL_MS,
  ...(sshConfig ? { sshConfig } : {}),
  ...(sshControlPrefix ? { controlPrefix: sshControlPrefix } : {}),
});
collectors = fleet.wrap(collectors);
async function remote(request: RemoteRequest) {
  switch (request.op) {
    case 'list':
      return fleet.list();
    case 'add':
      return fleet.add(request.destination);
    case 'remove':
      return fleet.remove(request.destination);
    case 'set':
      for (const d of request.destinations) fleet.add(d);
      return fleet.list();
    case 'route':
      return fleet.route(request.destination);
  }
}
// The hosts pass where to record and how (electron/monitor/record/config.ts); without it nothing is recorded.
const record = (workerData as { record?: RecordWorkerData } | null)?.record;
serveMonitor(port, collectors, record ? { record } : {}, relay, remote);
// The hosts' ssh children end with the monitor.
port.on('message', (message: { type?: string }) => {
  if (message.type === 'close') void fleet.close();
});
