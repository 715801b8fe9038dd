// The recorder's open connections, held by slot in arrays rather than one object each. An object per
// connection was 176 bytes (19 fields) and a box of 16 for its firstSeen, beside its entry in the id Map: about
// 230 bytes a socket, 22 MB of the monitor worker's heap at 100,000 sockets (docs/performance.md, "What the
// worker holds per socket, fewer copies"). Here a connection is a slot: its strings and process list (the
// row's own, shared) in plain arrays, its numbers in typed arrays (no boxes), and its protocol, family and
// owner status as small codes: about 100 bytes a slot. What the recorder's writes, first sightings and alerts
// read of it (a RecordedRow) is made when asked (`row`), at the flush that writes it or its close.
import type { Connection, ProcessInfo } from '../../../shared/types.js';
import { doubledLength, grown } from '../../../shared/grown.js';
import { MapRoom } from '../../../shared/map-room.js';

/**
 * What the recorder keeps of an open connection's row: the fields its writes, first sightings and alerts read.
 * A whole row also carries queues, traffic (17 fields while recording asks for it) and the monitor's
 * lifecycle, and once the table replaces it with a newer row the recorder's would be a copy of its own: at
 * 20,000 sockets a second set of 20,000 rows, about 10 MB of the worker's heap (docs/performance.md, "The
 * host's memory"). The strings and the process list are the row's own, shared, not copied.
 */
export type RecordedRow = Pick<
  Connection,
  | 'id'
  | 'proto'
  | 'family'
  | 'localAddress'
  | 'localPort'
  | 'remoteAddress'
  | 'remotePort'
  | 'state'
  | 'user'
  | 'processes'
  | 'ownerStatus'
  | 'path'
  | 'firstSeen'
  | 'inode'
>;

/** NaN in a Float64Array: null (or undefined, for firstSeen). No field it stands for is ever NaN: byte totals
 *  are finite or null (bytesOf), times and row numbers are integers. */
const NONE = Number.NaN;
const orNull = (x: number): number | null => (Number.isNaN(x) ? null : x);

/** A slot's first state alone (most connections keep theirs), else its states in order (the first states and
 *  the latest, bounded by the caller). */
export type States = string | string[];

/** Codes past the last: the slot's names are in `uncoded`. */
const UNCODED = 0xffff;

/** Strings of few values (protocols, families, owner statuses) as small codes, both ways; at most UNCODED of
 *  them (the three vocabularies have a handful: a name past that is kept as it is, by slot). */
class Codes {
  private readonly codes = new Map<string, number>();
  private readonly names: string[] = [];
  code(name: string): number {
    let c = this.codes.get(name);
    if (c === undefined) {
      if (this.names.length >= UNCODED) return UNCODED;
      c = this.names.length;
      this.codes.set(name, c);
      this.names.push(name);
    }
    return c;
  }
  name(code: number): string {
    return this.names[code]!;
  }
}

const INITIAL = 256;

export class OpenConnections {
  /** Each open connection's slot by row id (a connection closed and not written yet keeps its id until the
   *  flush, unless it reopened: see `add`); copied when its deletions would have V8 double its table. */
  private slots = new Map<string, number>();
  private readonly slotsRoom = new MapRoom();
  private readonly free: number[] = [];
  private readonly codes = new Codes();
  /** By slot. A free slot holds empty strings and an empty list (nothing kept alive). */
  private ids: string[] = [];
  private localAddresses: string[] = [];
  private remoteAddresses: string[] = [];
  private users: (string | null)[] = [];
  private processLists: ProcessInfo[][] = [];
  private stateLists: States[] = [];
  /** Unix sockets' paths, by slot (other rows have none). */
  private readonly paths = new Map<number, string>();
  /** The names of slots whose protocol, family or owner status has no code (none in practice). */
  private readonly uncoded = new Map<number, Pick<RecordedRow, 'proto' | 'family' | 'ownerStatus'>>();
  private protoAt = new Uint16Array(INITIAL);
  private familyAt = new Uint16Array(INITIAL);
  private ownerStatusAt = new Uint16Array(INITIAL);
  private pendingAt = new Uint8Array(INITIAL);
  private localPortAt = new Int32Array(INITIAL);
  private remotePortAt = new Int32Array(INITIAL);
  private firstSeenAt = new Float64Array(INITIAL);
  private rowidAt = new Float64Array(INITIAL);
  private closedAtAt = new Float64Array(INITIAL);
  private bytesSentAt = new Float64Array(INITIAL);
  private bytesReceivedAt = new Float64Array(INITIAL);
  private inodeAt = new Float64Array(INITIAL);

  /** Connections under an id (open, or closed and not written yet). */
  get size(): number {
    return this.slots.size;
  }

  /** The slot of the connection with this id, or -1. */
  slotOf(id: string): number {
    return this.slots.get(id) ?? -1;
  }

  /**
   * A connection seen open (or closed: `closedAt`) for the first time, with its first state and byte totals.
   * It takes the id: a connection of that id still in a slot (closed, waiting for its write) keeps its slot
   * until `release`.
   */
  add(row: RecordedRow, closedAt: number | null, bytesSent: number | null, bytesReceived: number | null): number {
    this.slots = this.slotsRoom.compacted(this.slots);
    let slot = this.free.pop();
    if (slot === undefined) {
      slot = this.ids.length;
      this.reserve(slot + 1);
      this.ids.push(row.id);
      this.localAddresses.push(row.localAddress);
      this.remoteAddresses.push(row.remoteAddress);
      this.users.push(row.user);
      this.processLists.push(row.processes);
      this.stateLists.push(row.state);
    } else {
      this.ids[slot] = row.id;
      this.localAddresses[slot] = row.localAddress;
      this.remoteAddresses[slot] = row.remoteAddress;
      this.users[slot] = row.user;
      this.processLists[slot] = row.processes;
      this.stateLists[slot] = row.state;
    }
    if (row.path !== undefined) this.paths.set(slot, row.path);
    const proto = this.codes.code(row.proto);
    const family = this.codes.code(row.family);
    const ownerStatus = this.codes.code(row.ownerStatus);
    this.protoAt[slot] = proto;
    this.familyAt[slot] = family;
    this.ownerStatusAt[slot] = ownerStatus;
    if (proto === UNCODED || family === UNCODED || ownerStatus === UNCODED)
      this.uncoded.set(slot, { proto: row.proto, family: row.family, ownerStatus: row.ownerStatus });
    this.localPortAt[slot] = row.localPort;
    this.remotePortAt[slot] = row.remotePort;
    this.firstSeenAt[slot] = row.firstSeen ?? NONE;
    this.rowidAt[slot] = NONE;
    this.closedAtAt[slot] = closedAt ?? NONE;
    this.bytesSentAt[slot] = bytesSent ?? NONE;
    this.bytesReceivedAt[slot] = bytesReceived ?? NONE;
    this.inodeAt[slot] = row.inode ? row.inode : NONE;
    this.pendingAt[slot] = 0;
    this.slots.set(row.id, slot);
    return slot;
  }

  /** Lets a slot go (its connection closed and written, or dropped): its id too, while it is this slot's. */
  release(slot: number): void {
    const id = this.ids[slot]!;
    if (this.slots.get(id) === slot && this.slots.delete(id)) this.slotsRoom.deleted();
    this.ids[slot] = '';
    this.localAddresses[slot] = '';
    this.remoteAddresses[slot] = '';
    this.users[slot] = null;
    this.processLists[slot] = NO_PROCESSES;
    this.stateLists[slot] = '';
    this.paths.delete(slot);
    this.uncoded.delete(slot);
    this.free.push(slot);
  }

  /** Every slot under an id (open, or closed and not written yet). */
  forEachSlot(f: (slot: number) => void): void {
    for (const slot of this.slots.values()) f(slot);
  }

  clear(): void {
    this.slots.clear();
    this.free.length = 0;
    this.ids = [];
    this.localAddresses = [];
    this.remoteAddresses = [];
    this.users = [];
    this.processLists = [];
    this.stateLists = [];
    this.paths.clear();
    this.uncoded.clear();
  }

  /** The recorded fields of a slot, as an object (made at each call). */
  row(slot: number): RecordedRow {
    const states = this.stateLists[slot]!;
    const uncoded = this.uncoded.get(slot);
    return {
      id: this.ids[slot]!,
      proto: uncoded?.proto ?? (this.codes.name(this.protoAt[slot]!) as RecordedRow['proto']),
      family: uncoded?.family ?? (this.codes.name(this.familyAt[slot]!) as RecordedRow['family']),
      localAddress: this.localAddresses[slot]!,
      localPort: this.localPortAt[slot]!,
      remoteAddress: this.remoteAddresses[slot]!,
      remotePort: this.remotePortAt[slot]!,
      state: (typeof states === 'string' ? states : states[0]!) as RecordedRow['state'],
      user: this.users[slot]!,
      processes: this.processLists[slot]!,
      ownerStatus: uncoded?.ownerStatus ?? (this.codes.name(this.ownerStatusAt[slot]!) as RecordedRow['ownerStatus']),
      path: this.paths.get(slot),
      firstSeen: Number.isNaN(this.firstSeenAt[slot]!) ? undefined : this.firstSeenAt[slot]!,
      inode: orNull(this.inodeAt[slot]!),
    };
  }

  id(slot: number): string {
    return this.ids[slot]!;
  }
  processes(slot: number): ProcessInfo[] {
    return this.processLists[slot]!;
  }
  user(slot: number): string | null {
    return this.users[slot]!;
  }
  /** A late owner: the processes found for it, and their user (or the one it had). */
  setOwner(slot: number, processes: ProcessInfo[], user: string | null): void {
    this.processLists[slot] = processes;
    this.users[slot] = user;
  }
  states(slot: number): States {
    return this.stateLists[slot]!;
  }
  setStates(slot: number, states: States): void {
    this.stateLists[slot] = states;
  }
  /** The row number in conns, or null until a flush inserts it. */
  rowid(slot: number): number | null {
    return orNull(this.rowidAt[slot]!);
  }
  setRowid(slot: number, rowid: number): void {
    this.rowidAt[slot] = rowid;
  }
  closedAt(slot: number): number | null {
    return orNull(this.closedAtAt[slot]!);
  }
  setClosedAt(slot: number, at: number): void {
    this.closedAtAt[slot] = at;
  }
  bytesSent(slot: number): number | null {
    return orNull(this.bytesSentAt[slot]!);
  }
  bytesReceived(slot: number): number | null {
    return orNull(this.bytesReceivedAt[slot]!);
  }
  setBytes(slot: number, sent: number | null | undefined, received: number | null | undefined): void {
    if (sent !== undefined) this.bytesSentAt[slot] = sent ?? NONE;
    if (received !== undefined) this.bytesReceivedAt[slot] = received ?? NONE;
  }
  /** States or byte totals not yet written: they go with the close, or the next checkpoint. */
  pending(slot: number): boolean {
    return this.pendingAt[slot] === 1;
  }
  setPending(slot: number, pending: boolean): void {
    this.pendingAt[slot] = pending ? 1 : 0;
  }

  /** Room for `slots` slots in the typed arrays. */
  private reserve(slots: number): void {
    if (slots <= this.protoAt.length) return;
    const size = doubledLength(this.protoAt.length, slots);
    this.protoAt = grown(this.protoAt, size);
    this.familyAt = grown(this.familyAt, size);
    this.ownerStatusAt = grown(this.ownerStatusAt, size);
    this.pendingAt = grown(this.pendingAt, size);
    this.localPortAt = grown(this.localPortAt, size);
    this.remotePortAt = grown(this.remotePortAt, size);
    this.firstSeenAt = grown(this.firstSeenAt, size);
    this.rowidAt = grown(this.rowidAt, size);
    this.closedAtAt = grown(this.closedAtAt, size);
    this.bytesSentAt = grown(this.bytesSentAt, size);
    this.bytesReceivedAt = grown(this.bytesReceivedAt, size);
    this.inodeAt = grown(this.inodeAt, size);
  }
}

const NO_PROCESSES: ProcessInfo[] = [];
