// Quiet ticks. The browser host's page is sent what moved each tick, over a connection the page's own Connections
// tab shows: each message moves that connection's counters (and its two processes' traffic totals), which the
// next tick finds and sends, which moves them again. On a machine at rest NetLens's page was sent a message every
// second about nothing but itself, and drew it (issue 15: most of Chromium's time at rest on Connections).
//
// A diff is quiet when all it changes is NetLens's own page connections: the counters, queues and rates of the
// rows whose endpoints are a client's transport (either end), and the traffic totals and rates of the processes
// that hold them; or nothing at all, its diagnostics the same as the dataset's last. A client that asks for it
// (`visibility.quiet`, the page) is sent a quiet diff at most once every QUIET_MAX_MS (clients.ts): anything else
// that moves in a tick sends every dataset of that tick at once. Interfaces and statistics are never held: their
// tabs draw one point a tick (sparklines, the counters that moved).
import {
  CONNECTION_QUIET_FIELDS,
  type AnyRow,
  type Connection,
  type Dataset,
  type Diagnostics,
} from '../../shared/types.js';
import type { Diff } from '../../shared/protocol.js';
import { isEmptyDiff, onlyFields } from '../../shared/diff.js';
import type { ClientTransport } from './api.js';

/** What moves on a process when bytes cross one of its connections. */
const PROCESS_QUIET: ReadonlySet<string> = new Set(['id', 'bytesSent', 'bytesReceived', 'sendRate', 'recvRate']);
/** The datasets whose quiet diffs may wait. */
const HOLDABLE: ReadonlySet<Dataset> = new Set(['connections', 'processes', 'names', 'routes', 'multicast']);

/** Whether a dataset's quiet diffs may wait (interfaces and statistics: never). */
export function holdable(d: Dataset): boolean {
  return HOLDABLE.has(d);
}

/** An address as both ends of a socket name it: an IPv4 address mapped into IPv6 is the IPv4 address. */
function plainAddress(address: string): string {
  return address.length > 7 && address.slice(0, 7).toLowerCase() === '::ffff:' && address.includes('.')
    ? address.slice(7)
    : address;
}

function endpointsKey(localAddress: string, localPort: number, remoteAddress: string, remotePort: number): string {
  return `${plainAddress(localAddress)}|${localPort}|${plainAddress(remoteAddress)}|${remotePort}`;
}

export class QuietTicks {
  /** Each client's transport, as the two rows' endpoint keys (the host's end and the page's). */
  private readonly transports = new Map<number, [string, string]>();
  /** Every transport's keys (two sockets never share one: each client's are its own). */
  private readonly keys = new Set<string>();
  /** The processes that hold a transport's connections, as the rows the diffs named show them. */
  private readonly owners = new Set<number>();
  /** The diagnostics of each dataset's last diff, as text. */
  private readonly diagnostics = new Map<Dataset, string>();

  add(client: number, t: ClientTransport): void {
    this.remove(client);
    const ends: [string, string] = [
      endpointsKey(t.localAddress, t.localPort, t.remoteAddress, t.remotePort),
      endpointsKey(t.remoteAddress, t.remotePort, t.localAddress, t.localPort),
    ];
    this.transports.set(client, ends);
    for (const k of ends) this.keys.add(k);
  }

  remove(client: number): void {
    const ends = this.transports.get(client);
    if (!ends) return;
    this.transports.delete(client);
    for (const k of ends) this.keys.delete(k);
    this.owners.clear();
  }

  /** Whether a dataset's diagnostics are those of its last diff (then noted as the last). */
  sameDiagnostics(d: Dataset, diagnostics: Diagnostics): boolean {
    const text = JSON.stringify(diagnostics);
    const same = this.diagnostics.get(d) === text;
    this.diagnostics.set(d, text);
    return same;
  }

  /** Whether a dataset's diff, with the diagnostics of its last, is quiet (see the head of this file). `rowOf`
   *  gives a row as the diff left it. */
  quiet(d: Dataset, diff: Diff<AnyRow>, rowOf: (id: string) => AnyRow | undefined): boolean {
    if (!HOLDABLE.has(d)) return false;
    if (isEmptyDiff(diff)) return true;
    if (diff.added.length > 0 || diff.removed.length > 0) return false;
    if (d === 'connections') return diff.changed.every((patch) => this.ownConnection(patch, rowOf));
    if (d === 'processes')
      return diff.changed.every((patch) => {
        const row = rowOf(patch.id) as { pid?: number | null } | undefined;
        return onlyFields(patch, PROCESS_QUIET) && typeof row?.pid === 'number' && this.owners.has(row.pid);
      });
    return false;
  }

  private ownConnection(patch: object & { id: string }, rowOf: (id: string) => AnyRow | undefined): boolean {
    if (this.keys.size === 0 || !onlyFields(patch, CONNECTION_QUIET_FIELDS)) return false;
    const row = rowOf(patch.id) as Connection | undefined;
    if (!row || row.host !== undefined || row.proto !== 'tcp') return false;
    if (!this.keys.has(endpointsKey(row.localAddress, row.localPort, row.remoteAddress, row.remotePort))) return false;
    for (const p of row.processes) this.owners.add(p.pid);
    return true;
  }
}
