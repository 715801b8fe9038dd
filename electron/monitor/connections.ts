// What the monitor adds to connections: when each was first seen and last changed, and closed rows that
// linger a few seconds (marked closedAt) so the UI can show them leaving, as TCPView shows them in red.
// Traffic (bytes, rates, TCP health) rides along when the collector reads it: the rates come from the change
// of each row's counters between two reads, and counters moving are not news (they do not touch lastChanged).
// A remote host's rows (the read's readAt) are measured between its frames' times, not the reads'; a read that
// gives the host's last frame again keeps their rates.
import { sameTrafficFields, valueEqual } from '../../shared/diff.js';
import type { Diff, RowPatch } from '../../shared/protocol.js';
import {
  assignTraffic,
  TRAFFIC_FIELDS,
  type ClosedSocket,
  type Connection,
  type ReadingTime,
} from '../../shared/types.js';
import { doubledLength, grown } from '../../shared/grown.js';
import { MapRoom } from '../../shared/map-room.js';
import { MAX_BYTES_PER_SEC, perSecond, readingEnd } from './rates.js';

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

/** No closedAt (an open row), or no rate (null), in the table's Float64Arrays. */
const NONE = Number.NaN;

const orNull = (x: number): number | null => (Number.isNaN(x) ? null : x);

const NO_READINGS: readonly ReadingTime[] = [];

/**
 * The published connections table, updated in place from each read, producing the diff as it goes. At 50,000
 * rows the cost of a tick is memory: the fresh rows, the table's rows and their ids are no longer in cache
 * when a read arrives, so each row costs one comparison with the row it replaces and nothing else touched:
 * the table keeps its per-row state in arrays indexed by a slot number, the read is matched by position before
 * any hash lookup, and a row that did not change costs nothing more.
 * What the table holds of a row is its collected fields, in an object, and its lifecycle (firstSeen,
 * lastChanged, closedAt) and rates in typed arrays by slot; the published row (the diff's added rows, rows(),
 * get()) is made from both when asked. A collector that gives the rows of unchanged sockets as the objects of
 * its previous read (`keptRows`, see DatasetResult: such a row is never changed once given) holds them anyway:
 * the table holds that very object, so each socket has one row in the worker's heap and not two (at 20,000
 * sockets about 8 MB: docs/performance.md, "The host's memory"), and a read that gives the same object again
 * is known unchanged by reference, without a comparison (only its rates may need to settle to zero). Rows of
 * reads without that promise are copied (the table's own row, as built for the diff).
 * - A row still open keeps its firstSeen; lastChanged moves to `now` when its own fields changed.
 * - A new row, or one that reappears after closing, is first seen now.
 * - A vanished row stays, with closedAt set, until `lingerMs` after it closed; then it is removed.
 * Duplicate ids in one read (collectors avoid them): the first wins.
 */
export class ConnectionTable {
  /** Each row's slot, in the order rows were first seen (the order of rows()); copied when its deletions would
   *  have V8 double its table (slotsRoom). */
  private slots = new Map<string, number>();
  private readonly slotsRoom = new MapRoom();
  /** By slot: the row's collected fields (the collector's object, or the table's own row: see keptAt), its id
   *  (read without touching the row), the last update that saw it in a read, and its position in the last read
   *  (-1 when it was not in it). A free slot holds no row. */
  private rowAt: (Connection | undefined)[] = [];
  private idAt: string[] = [];
  private seenAt = new Int32Array(256);
  private indexAt = new Int32Array(256);
  /** By slot: 1 when rowAt holds the collector's row as a read with `keptRows` gave it and the row is open: that
   *  very object given again is unchanged. 0 for a closed row, and for every row of reads without keptRows. */
  private keptAt = new Uint8Array(256);
  /** By slot: whether that row has traffic counters (1), so an unchanged kept row is never read. */
  private countersAt = new Uint8Array(256);
  /** By slot, the lifecycle: when first seen and last changed, and when closed (NONE while open). */
  private firstSeenAt = new Float64Array(256);
  /** When a socket of the first read was seen before this NetLens started (the record's row it continues,
   *  recorder.ts continuedSince), or null: its First seen then (a restart made every socket new: a new user's review of
   *  12-07). */
  earlierSighting: ((row: Connection) => number | null) | null = null;
  private lastChangedAt = new Float64Array(256);
  private closedAtAt = new Float64Array(256);
  /** By slot, the rates (NONE for null); a row without traffic counters has none. */
  private sendRateAt = new Float64Array(256);
  private recvRateAt = new Float64Array(256);
  private holdsKept = false;
  /** By slot: the collector's row whose traffic the table carried over from the row before it (carry), so that
   *  that very row given again is known unchanged. */
  private carriedFrom: (Connection | undefined)[] = [];
  private readonly free: number[] = [];
  /** The slots in the order of the last read. */
  private order = new Int32Array(0);
  private generation = 0;
  /** When the previous read was applied: the rates' time base. */
  private lastUpdate: number | null = null;
  /** The time of each reading (readAt's key) in the previous read: the rates' time base for its rows. */
  private readingsAt = new Map<string, number>();

  constructor(private readonly lingerMs = CLOSED_LINGER_MS) {}

  get size(): number {
    return this.slots.size;
  }

  /** The published row (a new object at each call). */
  get(id: string): Connection | undefined {
    const slot = this.slots.get(id);
    return slot === undefined ? undefined : this.rowOf(slot);
  }

  /** The published rows (new objects at each call), in the order they were first seen. */
  rows(): Connection[] {
    const out: Connection[] = new Array(this.slots.size);
    let i = 0;
    for (const slot of this.slots.values()) out[i++] = this.rowOf(slot);
    return out;
  }

  /** `closed`: sockets that closed since the last read with their final traffic; `readAt`: rows read at a time
   *  of their own (see DatasetResult). */
  update(
    fresh: readonly Connection[],
    now: number,
    closed?: readonly ClosedSocket[],
    keptRows = false,
    readAt?: readonly ReadingTime[],
  ): Diff<Connection> {
    const gen = ++this.generation;
    const diff: Diff<Connection> = { added: [], removed: [], changed: [] };
    const sizeBefore = this.slots.size;
    let seenBefore = 0;
    // Without keptRows, no row is known unchanged by reference (a collector may give its objects again changed).
    if (keptRows !== this.holdsKept) {
      if (this.holdsKept) this.keptAt.fill(0);
      this.holdsKept = keptRows;
    }
    const { rowAt, idAt } = this;
    // The typed arrays grow (place) only as new rows need slots, not by a read's length ahead of it: at 20,000
    // rows that was room for 65,536 rows in nine arrays, 3 MB; they are taken again after a row is placed.
    let { seenAt, indexAt, keptAt, countersAt, firstSeenAt, lastChangedAt, closedAtAt } = this;
    const kept = keptRows ? 1 : 0;
    // A kernel lists sockets in much the same order from one read to the next, so the row expected next is
    // usually the one after the last match: checking it first saves most hash lookups.
    const previous = this.order;
    const order = new Int32Array(fresh.length);
    let expected = 0;
    let count = 0;
    // A socket open since before NetLens started is in its first read: only then is earlierSighting asked (not for
    // each socket born on every tick after).
    const earlier = this.lastUpdate === null ? this.earlierSighting : null;
    const dt = this.lastUpdate === null ? 0 : now - this.lastUpdate;
    this.lastUpdate = now;
    // The rows read at the tick (this machine's: s = -1), then those of each reading: the time between two reads
    // is theirs (rowDt), and one given again (`again`: the same frame of a host) keeps its rows' rates.
    const readings = readAt ?? NO_READINGS;
    const readingsAt = readings.length > 0 || this.readingsAt.size > 0 ? new Map<string, number>() : this.readingsAt;
    let i = 0;
    for (let s = -1; s < readings.length; s++) {
      let rowDt = dt;
      let again = false;
      if (s >= 0) {
        const { key, at } = readings[s]!;
        const before = this.readingsAt.get(key);
        rowDt = before === undefined ? 0 : at - before;
        again = before === at;
        readingsAt.set(key, at);
      }
      const end = readingEnd(readings, s, i, fresh.length);
      for (; i < end; i++) {
        let f = fresh[i]!;
        let slot = expected < previous.length ? previous[expected]! : -1;
        // A row given again is known by reference, without reading it.
        if (slot >= 0 && seenAt[slot] !== gen && ((keptAt[slot] === 1 && f === rowAt[slot]) || idAt[slot] === f.id)) {
          expected++;
        } else {
          slot = this.slots.get(f.id) ?? -1;
          if (slot >= 0 && seenAt[slot] !== gen && indexAt[slot]! >= 0) expected = indexAt[slot]! + 1;
        }
        if (slot < 0) {
          // First seen now, unless it is a socket NetLens saw before it last started (the record's: earlierSighting).
          const first = earlier?.(f) ?? now;
          // The collector's row under keptRows; else the table's own, which is then the published one.
          const own = keptRows ? f : withLifecycle(f, first, now);
          slot = this.place(own, gen, count, kept, now, first);
          if (seenAt !== this.seenAt)
            ({ seenAt, indexAt, keptAt, countersAt, firstSeenAt, lastChangedAt, closedAtAt } = this);
          order[count++] = slot;
          diff.added.push(keptRows ? this.rowOf(slot) : own);
          continue;
        }
        if (seenAt[slot] === gen) continue;
        seenAt[slot] = gen;
        indexAt[slot] = count;
        order[count++] = slot;
        seenBefore++;
        const before = rowAt[slot]!;
        if (
          f === before &&
          keptAt[slot] === 1 &&
          (countersAt[slot] === 0 || again || this.settled(slot, before, rowDt))
        )
          continue;
        const open = Number.isNaN(closedAtAt[slot]!);
        let carried = false;
        if (
          open &&
          f.bytesSent == null &&
          typeof before.bytesSent === 'number' &&
          f.proto === 'tcp' &&
          f.inode === null
        ) {
          // A connection in TIME_WAIT: the kernel keeps no counters for it (the collector gives none, or nulls with
          // a note), and its row (the same key as when it was open: keys.ts keyedByEndpoints) keeps the last ones it
          // had, final once its destroy event came (closeWith), rather than losing its bytes. The same collector's
          // row given again changed nothing.
          if (this.carriedFrom[slot] === f) continue;
          this.carriedFrom[slot] = f;
          f = { ...f };
          assignTraffic(f, before);
          carried = true;
        }
        let sendRate: number | null = null;
        let recvRate: number | null = null;
        // A carried row's counters are not read: no rates.
        if (open && f.bytesSent !== undefined && !carried) {
          if (again) {
            sendRate = orNull(this.sendRateAt[slot]!);
            recvRate = orNull(this.recvRateAt[slot]!);
          } else {
            sendRate = rateOf(before.bytesSent, f.bytesSent, rowDt);
            recvRate = rateOf(before.bytesReceived, f.bytesReceived, rowDt);
          }
        }
        if (open && sameConnection(before, f) && this.sameTraffic(slot, before, f, sendRate, recvRate)) {
          if (keptRows) this.hold(slot, f, 1);
          continue;
        }
        const firstSeen = open ? firstSeenAt[slot]! : now;
        const lastChanged = open ? lastChangedAt[slot]! : now;
        const patch = this.patchTo(slot, f, firstSeen, lastChanged, null, sendRate, recvRate);
        if (patch === null) {
          if (keptRows) this.hold(slot, f, 1);
          continue;
        }
        const changedAt = ownFieldsChanged(patch) ? (patch.lastChanged = now) : lastChanged;
        this.hold(slot, keptRows ? f : withLifecycle(f, firstSeen, changedAt), kept);
        firstSeenAt[slot] = firstSeen;
        lastChangedAt[slot] = changedAt;
        closedAtAt[slot] = NONE;
        this.sendRateAt[slot] = sendRate ?? NONE;
        this.recvRateAt[slot] = recvRate ?? NONE;
        diff.changed.push(patch as RowPatch<Connection>);
      }
    }
    this.readingsAt = readingsAt;
    this.order = count === order.length ? order : order.slice(0, count);
    if (seenBefore !== sizeBefore) {
      for (const slot of this.slots.values()) {
        if (seenAt[slot] === gen) continue;
        indexAt[slot] = -1;
        keptAt[slot] = 0;
        const closedAt = closedAtAt[slot]!;
        if (Number.isNaN(closedAt)) {
          closedAtAt[slot] = now;
          diff.changed.push({ id: idAt[slot]!, closedAt: now });
        } else if (now - closedAt >= this.lingerMs) {
          diff.removed.push(idAt[slot]!);
          this.vacate(slot);
        }
      }
    }
    if (closed) for (const c of closed) this.closeWith(c, now, gen, diff);
    this.slots = this.slotsRoom.compacted(this.slots);
    return diff;
  }

  /** The published row at a slot: its collected fields with its lifecycle and rates. */
  private rowOf(slot: number): Connection {
    const row = withLifecycle(this.rowAt[slot]!, this.firstSeenAt[slot]!, this.lastChangedAt[slot]!);
    row.closedAt = orNull(this.closedAtAt[slot]!);
    if (row.bytesSent !== undefined) {
      row.sendRate = orNull(this.sendRateAt[slot]!);
      row.recvRate = orNull(this.recvRateAt[slot]!);
    }
    return row;
  }

  /**
   * What changes from the published row at a slot to the one the collected row `f` with this lifecycle and
   * these rates gives: the fields that differ, with the id (a field the new row lacks is undefined), or null.
   * The same as rowPatch (shared/diff.ts) gives of the two rows, without making either.
   */
  private patchTo(
    slot: number,
    f: Connection,
    firstSeen: number,
    lastChanged: number,
    closedAt: number | null,
    sendRate: number | null,
    recvRate: number | null,
  ): Patch | null {
    const p = this.rowAt[slot]! as unknown as Record<string, unknown>;
    const n = f as unknown as Record<string, unknown>;
    let patch: Patch | null = null;
    for (const k of ROW_FIELDS) patch = changed(patch, f.id, k, p[k], n[k]);
    patch = changed(patch, f.id, 'firstSeen', this.firstSeenAt[slot]!, firstSeen);
    patch = changed(patch, f.id, 'lastChanged', this.lastChangedAt[slot]!, lastChanged);
    patch = changed(patch, f.id, 'closedAt', orNull(this.closedAtAt[slot]!), closedAt);
    const had = p.bytesSent !== undefined;
    if (f.bytesSent !== undefined) {
      for (const k of TRAFFIC_FIELDS) patch = changed(patch, f.id, k, had ? p[k] : undefined, n[k]);
      patch = changed(patch, f.id, 'sendRate', had ? orNull(this.sendRateAt[slot]!) : undefined, sendRate);
      patch = changed(patch, f.id, 'recvRate', had ? orNull(this.recvRateAt[slot]!) : undefined, recvRate);
    } else if (had) {
      // The published row loses its traffic fields.
      patch ??= { id: f.id };
      for (const k of TRAFFIC_FIELDS) patch[k] = undefined;
      patch.sendRate = patch.recvRate = undefined;
    }
    return patch;
  }

  private hold(slot: number, row: Connection, kept: number): void {
    this.rowAt[slot] = row;
    this.keptAt[slot] = kept;
    this.countersAt[slot] = row.bytesSent === undefined ? 0 : 1;
  }

  /** Whether a row whose collector's row did not change (its counters then did not move) already shows the
   *  rates that gives: none without counters or without time between the reads, else zero. */
  private settled(slot: number, row: Connection, dt: number): boolean {
    return (
      orNull(this.sendRateAt[slot]!) === rateOf(row.bytesSent, row.bytesSent, dt) &&
      orNull(this.recvRateAt[slot]!) === rateOf(row.bytesReceived, row.bytesReceived, dt)
    );
  }

  /** Whether the traffic of a fresh read (with the rates it gives) is what the row at a slot already shows. */
  private sameTraffic(
    slot: number,
    a: Connection,
    b: Connection,
    sendRate: number | null,
    recvRate: number | null,
  ): boolean {
    if (b.bytesSent === undefined) return a.bytesSent === undefined;
    return (
      a.bytesSent !== undefined &&
      orNull(this.sendRateAt[slot]!) === sendRate &&
      orNull(this.recvRateAt[slot]!) === recvRate &&
      sameTrafficFields(a, b)
    );
  }

  /** Room for `rows` slots in the typed arrays (update takes them again when they grew). */
  private reserve(rows: number): void {
    if (rows <= this.seenAt.length) return;
    const size = doubledLength(this.seenAt.length, rows);
    this.keptAt = grown(this.keptAt, size);
    this.countersAt = grown(this.countersAt, size);
    this.seenAt = grown(this.seenAt, size);
    this.indexAt = grown(this.indexAt, size);
    this.firstSeenAt = grown(this.firstSeenAt, size);
    this.lastChangedAt = grown(this.lastChangedAt, size);
    this.closedAtAt = grown(this.closedAtAt, size);
    this.sendRateAt = grown(this.sendRateAt, size);
    this.recvRateAt = grown(this.recvRateAt, size);
  }

  /** A slot for a new row (a free one when there is one), seen `at` (first seen `firstSeen`), open, without rates. */
  private place(row: Connection, gen: number, index: number, kept: number, at: number, firstSeen = at): number {
    let slot = this.free.pop();
    if (slot === undefined) {
      slot = this.rowAt.length;
      this.reserve(slot + 1);
      this.rowAt.push(row);
      this.idAt.push(row.id);
    } else {
      this.idAt[slot] = row.id;
    }
    this.hold(slot, row, kept);
    this.carriedFrom[slot] = undefined;
    this.seenAt[slot] = gen;
    this.indexAt[slot] = index;
    this.firstSeenAt[slot] = firstSeen;
    this.lastChangedAt[slot] = at;
    this.closedAtAt[slot] = NONE;
    this.sendRateAt[slot] = NONE;
    this.recvRateAt[slot] = NONE;
    this.slots.set(row.id, slot);
    return slot;
  }

  private vacate(slot: number): void {
    this.slots.delete(this.idAt[slot]!);
    this.slotsRoom.deleted();
    this.rowAt[slot] = undefined;
    this.carriedFrom[slot] = undefined;
    this.keptAt[slot] = 0;
    this.idAt[slot] = '';
    this.indexAt[slot] = -1;
    this.free.push(slot);
  }

  /** A closed socket's final counters land on its row; one no read listed gets a closed row of its own, unless
   *  the table has a row of that id (such a socket is named by its row's id: the collector's `c.id` is empty). */
  private closeWith(c: ClosedSocket, now: number, gen: number, diff: Diff<Connection>): void {
    const slot = this.slots.get(c.row ? c.row.id : c.id);
    if (c.row) {
      if (slot !== undefined) return;
      const row = withLifecycle(c.row, now, now);
      row.closedAt = now;
      this.closedAtAt[this.place(row, gen, -1, 0, now)] = now;
      diff.added.push(row);
      return;
    }
    if (slot === undefined) return;
    // Its traffic is no longer the collector's row's: the table's own copy has it.
    const own = { ...this.rowAt[slot]! };
    assignTraffic(own, c.traffic);
    const closedAt = orNull(this.closedAtAt[slot]!);
    const patch = this.patchTo(slot, own, this.firstSeenAt[slot]!, this.lastChangedAt[slot]!, closedAt, null, null);
    this.hold(slot, own, 0);
    this.sendRateAt[slot] = NONE;
    this.recvRateAt[slot] = NONE;
    if (patch !== null) diff.changed.push(patch as RowPatch<Connection>);
  }
}

type Patch = Record<string, unknown> & { id: string; lastChanged?: number };

/** `patch` with field `k` set to `b` when it differs from `a` (made when the first field differs). */
function changed(patch: Patch | null, id: string, k: string, a: unknown, b: unknown): Patch | null {
  if (a === b || valueEqual(a, b)) return patch;
  patch ??= { id };
  patch[k] = b;
  return patch;
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
/** The collected fields of a published row besides its id and traffic (path, socketType and host are there
 *  only when set). */
const ROW_FIELDS: readonly string[] = COLLECTED_FIELDS.filter(
  (k) => k !== 'id' && !(TRAFFIC_FIELDS as readonly string[]).includes(k),
);
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
