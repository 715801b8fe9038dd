// A monitor worker over synthetic collectors (see serveSynthetic) that also runs sock_diag dumps without pause,
// through the host (netlink-relay.ts) unless workerData.inThread, and logs how many have been answered. With
// hangOnRead it hangs in a read, as a parser in a loop would, for the host's watchdog to end it mid-dump.
import { parentPort, workerData } from 'node:worker_threads';
import { NETLINK_SOCK_DIAG, NetlinkDumper, releaseDump, setNetlinkTransport } from '../../collectors/linux/netlink.js';
import {
  AF_INET,
  INET_DIAG_INFO,
  IPPROTO_TCP,
  SOCK_DIAG_BY_FAMILY,
  TCP_DUMP_STATES,
  extBit,
  inetDiagRequest,
} from '../../collectors/linux/sock-diag.js';
import { WorkerNetlinkRelay } from '../netlink-relay.js';
import type { ToWorker } from '../worker-protocol.js';
import { serveSynthetic } from './synthetic.js';

const port = parentPort!;
if (!(workerData as { inThread?: boolean }).inThread) {
  const relay = new WorkerNetlinkRelay((m) => port.postMessage(m));
  setNetlinkTransport(relay);
  port.on('message', (m: ToWorker) => {
    if (m.type === 'netlink') relay.answer(m.id, m.result);
  });
}
const dumper = new NetlinkDumper(NETLINK_SOCK_DIAG);
let answered = 0;
void (async () => {
  for (;;) {
    const r = await dumper.dump(
      SOCK_DIAG_BY_FAMILY,
      inetDiagRequest(AF_INET, IPPROTO_TCP, extBit(INET_DIAG_INFO), TCP_DUMP_STATES),
      { timeoutMs: 5000, maxBytes: 64 * 1024 * 1024 },
    );
    if (r.ok) answered++;
    // Read: its shared buffer may take the next dump.
    releaseDump(r);
  }
})();
setInterval(() => port.postMessage({ type: 'log', line: `netlink dumps answered: ${answered}` }), 200);
serveSynthetic();
