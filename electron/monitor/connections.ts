// What the monitor adds to connections: when each was first seen and last changed, and closed rows that
// linger a few seconds (marked closedAt) so the UI can show them leaving, as TCPView shows them in red.
// Traffic (bytes, rates, TCP health) rides along when the collector reads it: the rates come from the change
// of each row's counters between two reads, and counters moving are not news (they do not touch lastChanged).
import { RowComparer, valueEqual } from '../../shared/diff.js';
import type { Diff } from '../../shared/protocol.js';
import { assignTraffic, TRAFFIC_FIELDS, type ClosedSocket, type Connection } from '../../shared/types.js';
import { MAX_BYTES_PER_SEC, perSecond } from './rates.js';

export const CLOSED_LINGER_MS = 5000;

/** Fields whose change does not move lastChanged: the monitor's own, and traffic, which moves all the time. */
const DERIVED_FIELDS = new Set<string>([
  'id',
  'firstSeen',
  'lastChanged',
  'closedAt',
  'sendRate',
  'recvRate',
  ...TRAFFIC_FIELDS,
]);

interface Entry {
  row: Connection;
  /** The last update that saw this connection in a read. */
  seen: number;
  /** Its position in the last read, or -1 when it was not in it. */
  index: number;
}

/**
 * The published connections table, updated in place from each read, producing the diff as it goes. At 50,000
 * rows the cost of a tick is mostly hash lookups and objects kept alive, so each row costs one lookup, and a
 * row that did not change keeps its old object.
 * - A row still open keeps its firstSeen; lastChanged moves to `now` when its own fields changed.
 * - A new row, or one that reappears after closing, is first seen now.
 * - A vanished row stays, with closedAt set, until `lingerMs` after it closed; then it is removed.
 * Duplicate ids in one read (collectors avoid them): the first wins.
 */
export class ConnectionTable {
  private readonly entries = new Map<string, Entry>();
  /** The entries in the order of the last read. */
  private order: Entry[] = [];
  private readonly compare = new RowComparer();
  private generation = 0;
  /** When the previous read was applied: the rates' time base. */
  private lastUpdate: number | null = null;

  constructor(private readonly lingerMs = CLOSED_LINGER_MS) {}

  get size(): number {
    return this.entries.size;
  }

  get(id: string): Connection | undefined {
    return this.entries.get(id)?.row;
  }

  rows(): Connection[] {
    const out: Connection[] = new Array(this.entries.size);
    let i = 0;
    for (const e of this.entries.values()) out[i++] = e.row;
    return out;
  }

  /** `closed`: sockets that closed since the last read with their final traffic (see DatasetResult). */
  update(fresh: readonly Connection[], now: number, closed?: readonly ClosedSocket[]): Diff<Connection> {
    const gen = ++this.generation;
    const diff: Diff<Connection> = { added: [], removed: [], changed: [] };
    const sizeBefore = this.entries.size;
    let seenBefore = 0;
    // A kernel lists sockets in much the same order from one read to the next, so the row expected next is
    // usually the one after the last match: checking it first saves most hash lookups (the bulk of the cost).
    const previous = this.order;
    const order: Entry[] = new Array(fresh.length);
    let expected = 0;
    let count = 0;
    const dt = this.lastUpdate === null ? 0 : now - this.lastUpdate;
    this.lastUpdate = now;
    for (const f of fresh) {
      let e: Entry | undefined = previous[expected];
      if (e !== undefined && e.seen !== gen && e.row.id === f.id) {
        expected++;
      } else {
        e = this.entries.get(f.id);
        if (e !== undefined && e.seen !== gen && e.index >= 0) expected = e.index + 1;
      }
      if (e === undefined) {
        const row = withLifecycle(f, now, now);
        this.entries.set(row.id, (e = { row, seen: gen, index: count }));
        order[count++] = e;
        diff.added.push(row);
        continue;
      }
      if (e.seen === gen) continue;
      e.seen = gen;
      e.index = count;
      order[count++] = e;
      seenBefore++;
      const before = e.row;
      const open = before.closedAt == null && before.firstSeen !== undefined;
      let sendRate: number | null = null;
      let recvRate: number | null = null;
      if (open && f.bytesSent !== undefined) {
        sendRate = rateOf(before.bytesSent, f.bytesSent, dt);
        recvRate = rateOf(before.bytesReceived, f.bytesReceived, dt);
      }
      if (open && sameConnection(before, f) && sameTraffic(before, f, sendRate, recvRate)) continue;
      const row = open
        ? withLifecycle(f, before.firstSeen!, before.lastChanged ?? before.firstSeen!)
        : withLifecycle(f, now, now);
      if (row.bytesSent !== undefined) {
        row.sendRate = sendRate;
        row.recvRate = recvRate;
      }
      const patch = this.compare.patch(before, row);
      if (patch === null) continue;
      e.row = row;
      if (ownFieldsChanged(patch)) row.lastChanged = patch.lastChanged = now;
      diff.changed.push(patch);
    }
    order.length = count;
    this.order = order;
    if (seenBefore !== sizeBefore) {
      for (const [id, e] of this.entries) {
        if (e.seen === gen) continue;
        e.index = -1;
        const before = e.row;
        if (before.closedAt == null) {
          e.row = { ...before, closedAt: now };
          diff.changed.push({ id, closedAt: now });
        } else if (now - before.closedAt >= this.lingerMs) {
          this.entries.delete(id);
          diff.removed.push(id);
        }
      }
    }
    if (closed) for (const c of closed) this.closeWith(c, now, gen, diff);
    return diff;
  }

  /** A closed socket's final counters land on its row; one no read listed gets a closed row of its own. */
  private closeWith(c: ClosedSocket, now: number, gen: number, diff: Diff<Connection>): void {
    const e = this.entries.get(c.id);
    if (c.row) {
      if (e) return;
      const row = withLifecycle(c.row, now, now);
      row.closedAt = now;
      this.entries.set(row.id, { row, seen: gen, index: -1 });
      diff.added.push(row);
      return;
    }
    if (!e) return;
    const row = { ...e.row };
    assignTraffic(row, c.traffic);
    const patch = this.compare.patch(e.row, row);
    if (patch === null) return;
    e.row = row;
    diff.changed.push(patch);
  }
}

function ownFieldsChanged(patch: object): boolean {
  for (const k in patch) if (!DERIVED_FIELDS.has(k)) return true;
  return false;
}

/** Every field a collector fills. withLifecycle and sameConnection name each one; the check below makes a
 *  field added to Connection a type error here until it is handled. */
type CollectedField = Exclude<keyof Connection, 'firstSeen' | 'lastChanged' | 'closedAt' | 'sendRate' | 'recvRate'>;
const COLLECTED_FIELDS = [
  'id',
  'proto',
  'family',
  'localAddress',
  'localPort',
  'remoteAddress',
  'remotePort',
  'state',
  'recvQ',
  'sendQ',
  'uid',
  'user',
  'inode',
  'processes',
  'ownerStatus',
  'path',
  'socketType',
  'host',
  ...TRAFFIC_FIELDS,
] as const satisfies readonly CollectedField[];
type Unhandled = Exclude<CollectedField, (typeof COLLECTED_FIELDS)[number]>;
const allFieldsHandled: [Unhandled] extends [never] ? true : Unhandled = true;
void allFieldsHandled;

/**
 * The row with its lifecycle fields, built as one literal: every row then has the same shape with all fields
 * stored inline, which makes the per-tick diff of a large table about twice as fast as adding the fields to
 * the collector's objects afterwards.
 */
function withLifecycle(r: Connection, firstSeen: number, lastChanged: number): Connection {
  const row: Connection = {
    id: r.id,
    proto: r.proto,
    family: r.family,
    localAddress: r.localAddress,
    localPort: r.localPort,
    remoteAddress: r.remoteAddress,
    remotePort: r.remotePort,
    state: r.state,
    recvQ: r.recvQ,
    sendQ: r.sendQ,
    uid: r.uid,
    user: r.user,
    inode: r.inode,
    processes: r.processes,
    ownerStatus: r.ownerStatus,
    firstSeen,
    lastChanged,
    closedAt: null,
  };
  // Unix sockets only: inet rows keep the smaller shape.
  if (r.path !== undefined) row.path = r.path;
  if (r.socketType !== undefined) row.socketType = r.socketType;
  if (r.host !== undefined) row.host = r.host;
  // Traffic only while it is collected: without it, rows keep the smaller shape and the tick costs nothing more.
  if (r.bytesSent !== undefined) assignTraffic(row, r);
  return row;
}

/** Bytes per second between two readings; null at first sight, without counters, or when the counter went
 *  back (a socket reused under the same key). */
function rateOf(before: number | null | undefined, now: number | null | undefined, dtMs: number): number | null {
  if (before === null || before === undefined || now === null || now === undefined) return null;
  return perSecond(before, now, dtMs, MAX_BYTES_PER_SEC);
}

/** Whether the traffic of a fresh read (with the rates it gives) is what the row already shows. */
function sameTraffic(a: Connection, b: Connection, sendRate: number | null, recvRate: number | null): boolean {
  if (b.bytesSent === undefined) return a.bytesSent === undefined;
  return (
    a.bytesSent === b.bytesSent &&
    a.bytesReceived === b.bytesReceived &&
    a.sendRate === sendRate &&
    a.recvRate === recvRate &&
    a.bytesAcked === b.bytesAcked &&
    a.bytesRetrans === b.bytesRetrans &&
    a.rttMs === b.rttMs &&
    a.rttVarMs === b.rttVarMs &&
    a.minRttMs === b.minRttMs &&
    a.retrans === b.retrans &&
    a.cwnd === b.cwnd &&
    a.lastSendAt === b.lastSendAt &&
    a.lastRecvAt === b.lastRecvAt &&
    a.segsOut === b.segsOut &&
    a.segsIn === b.segsIn &&
    a.deliveryRate === b.deliveryRate &&
    a.trafficNote === b.trafficNote &&
    (a.skmem === b.skmem || valueEqual(a.skmem, b.skmem))
  );
}

/** Whether a fresh read of a connection says the same as the row in the table: the common case, decided
 *  without building a row. */
function sameConnection(a: Connection, b: Connection): boolean {
  return (
    a.state === b.state &&
    a.recvQ === b.recvQ &&
    a.sendQ === b.sendQ &&
    a.localAddress === b.localAddress &&
    a.localPort === b.localPort &&
    a.remoteAddress === b.remoteAddress &&
    a.remotePort === b.remotePort &&
    a.proto === b.proto &&
    a.family === b.family &&
    a.uid === b.uid &&
    a.user === b.user &&
    a.inode === b.inode &&
    a.ownerStatus === b.ownerStatus &&
    a.path === b.path &&
    a.socketType === b.socketType &&
    a.host === b.host &&
    (a.processes === b.processes || valueEqual(a.processes, b.processes))
  );
}
