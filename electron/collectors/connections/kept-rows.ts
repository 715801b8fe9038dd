// Rows kept from one read to the next. A socket whose kernel record did not change since the previous read is
// given as the very row object that read gave: nothing is built for it (no garbage), and the monitor knows it
// unchanged by reference instead of comparing its fields (DatasetResult.keptRows,
// electron/monitor/connections.ts). That holds only while no row is changed once given: a step of a read that
// would change a kept row (attaching its owners) changes a copy instead, which replaces it (`replace`). The Linux
// collector keeps its TCP rows from sock_diag (linux-diag-rows.ts) and its unix rows from unix_diag
// (linux-unix-rows.ts: found by inode, the search for sockets without one unused) in one of these each: the two
// dumps are read in whichever order they arrive.
import type { Connection } from '../../../shared/types.js';
import { doubledLength, grown } from '../../../shared/grown.js';

/** How many of the previous read's sockets (with an inode, or without for previousUnnamed) past the expected
 *  place are looked at first. */
const LOOKAHEAD = 8;
/** How many of the previous read's rows past the expected place a look-ahead goes through, of any kind, at most:
 *  the rows of the other kind (and those taken) are passed over without counting among the LOOKAHEAD, and a read
 *  after one with thousands of time-wait sockets and few others, or the other way round (connections closed by
 *  the thousand at once), would go through all of them for each socket not found. */
const SCAN = 8 * LOOKAHEAD;

/** How many other sockets on the same two ports the index of sockets without an inode looks at, at most. */
const CHAIN_LOOKS = 32;

/**
 * The previous read's positions by inode, in a table of positions (open addressing, linear probing) that is
 * used again from read to read: a Map of 20,000 inodes made anew at each read's first miss was 1.6 MB of
 * garbage a read at 20,000 sockets, kept through the read and so promoted to the old generation
 * (docs/performance.md, "The worker's Maps at the room their entries need"). The keys are the rows' own inodes
 * (a position's row is read for it), so a table of 65,536 positions is all it holds (256 KB).
 */
class InodePositions {
  private at = new Int32Array(0);
  private mask = 0;
  /** 32 less the table's bits: the hash's top bits are its place. */
  private shift = 32;

  /** Indexes the rows of `rows` that have an inode (a later row of the same inode wins, as Map.set would). */
  build(rows: readonly (Connection | null)[]): void {
    let size = 16;
    while (size < rows.length * 2) size *= 2;
    // Made again only when it must grow, or is 8 times what this read needs (after a drop in sockets).
    if (size > this.at.length || size * 8 <= this.at.length) this.at = new Int32Array(size);
    const at = this.at;
    at.fill(-1);
    const mask = (this.mask = at.length - 1);
    const shift = (this.shift = 32 - Math.log2(at.length));
    for (let i = 0; i < rows.length; i++) {
      const inode = rows[i]?.inode;
      if (inode === null || inode === undefined) continue;
      let h = slotOf(inode, shift);
      for (;;) {
        const p = at[h]!;
        if (p < 0 || rows[p]!.inode === inode) break;
        h = (h + 1) & mask;
      }
      at[h] = i;
    }
  }

  /** The position of the row with this inode in `rows` (the rows built from), or -1; a row taken since (null)
   *  is passed over, so its inode is not found again. */
  get(rows: readonly (Connection | null)[], inode: number): number {
    const { at, mask } = this;
    for (let h = slotOf(inode, this.shift); ; h = (h + 1) & mask) {
      const p = at[h]!;
      if (p < 0) return -1;
      if (rows[p]?.inode === inode) return p;
    }
  }
}

/** An inode's first place in a table of 2^(32 - shift) places (Fibonacci hashing of its low 32 bits). */
function slotOf(inode: number, shift: number): number {
  return Math.imul(inode >>> 0, 0x9e3779b1) >>> shift;
}

/** Whether a row without an inode is the socket with these endpoints. */
function sameEndpoints(
  row: Connection,
  family: string,
  localAddress: string,
  localPort: number,
  remoteAddress: string,
  remotePort: number,
): boolean {
  return (
    row.inode === null &&
    row.localPort === localPort &&
    row.remotePort === remotePort &&
    row.localAddress === localAddress &&
    row.remoteAddress === remoteAddress &&
    row.family === family
  );
}

/** Two ports as one small integer (a map key V8 keeps unboxed); ports that collide are told apart by the
 *  chain. */
function portsKey(localPort: number, remotePort: number): number {
  return ((localPort << 14) ^ remotePort) & 0x3fffffff;
}

/**
 * The rows of the last read, in the kernel's order. A kernel lists its sockets in much the same order from one
 * read to the next, so the previous row of a socket is looked for just after the last one found, by inode (one
 * open socket at a time has it; the row's fields are then compared with the record): nothing hashed while the
 * order holds. A socket not found near is looked up by inode in an index of the previous read, made once per
 * read at its first such miss, and the search goes on from where it was found: new sockets and closed ones do
 * not lose the order. Sockets without an inode (time-wait ones: about 6,000 among 20,000 on a machine whose
 * connections churn by 1 % a second, each listed for the 60 s it waits) are passed over in that search, and
 * looked for by their endpoints in the same way among the previous read's rows without an inode
 * (`previousUnnamed`), on a search of their own: the kernel holds one socket per four-tuple, and a socket's
 * row key is made of its endpoints when it has no inode, so the row found is the one the monitor would take
 * for it anyway. Each previous row is given at most once. The previous read's rows are let go when the read
 * ends (`end`).
 */
export class KeptRows {
  /** The previous read's rows; a row given again is taken out (null). */
  private previous: (Connection | null)[] = [];
  private current: Connection[] = [];
  /** By position in this read: 1 when the row is the previous read's object (not to be changed). Bytes, used
   *  again from read to read (an array of booleans was 8 bytes a row, made anew each read). */
  private keptAt = new Uint8Array(256);
  private expected = 0;
  /** The previous read's positions by inode (inodes), made at the read's first miss: null until then. */
  private byInode: InodePositions | null = null;
  private readonly inodes = new InodePositions();
  /** Where the search for sockets without an inode goes on. */
  private expectedUnnamed = 0;
  /** This read's first row without an inode (-1: none yet): where the next read's search for them starts, past
   *  the listeners the kernel lists first (more of them than a look-ahead goes through would make an index). */
  private firstUnnamed = -1;
  /** The previous read's rows without an inode: the first position by ports (portsKey), then each one's next
   *  with the same key (-1: none) in `sameUnnamed`; made at the first miss of a read. */
  private byPorts: Map<number, number> | null = null;
  private sameUnnamed: Int32Array | null = null;

  /** Starts a read: the last one's rows become those to compare with. */
  begin(): void {
    this.previous = this.current;
    this.current = [];
    this.expected = 0;
    this.byInode = null;
    this.expectedUnnamed = Math.max(0, this.firstUnnamed);
    this.firstUnnamed = -1;
    this.byPorts = null;
    this.sameUnnamed = null;
  }

  /** A read that gives `rows` again, every one as it was given before (not to be changed), and looks for none: they
   *  are the rows the next read compares with. */
  again(rows: readonly Connection[]): void {
    this.begin();
    for (const row of rows) this.give(row, true);
    this.end();
  }

  /** Ends a read's search: the previous read's rows that this one did not give again are let go. */
  end(): void {
    this.previous = [];
    this.byInode = null;
    this.byPorts = null;
    this.sameUnnamed = null;
  }

  /** The row the previous read gave the socket with this inode (taken: it is not given again). */
  previousRow(inode: number): Connection | undefined {
    if (inode === 0) return undefined;
    const previous = this.previous;
    let looked = 0;
    const end = Math.min(previous.length, this.expected + SCAN);
    for (let i = this.expected; i < end && looked < LOOKAHEAD; i++) {
      const row = previous[i];
      if (!row || row.inode === null) continue;
      if (row.inode === inode) return this.take(i);
      looked++;
    }
    if (this.byInode === null) {
      this.inodes.build(previous);
      this.byInode = this.inodes;
    }
    const i = this.byInode.get(previous, inode);
    return i < 0 ? undefined : this.take(i);
  }

  private take(i: number): Connection {
    const row = this.previous[i]!;
    this.previous[i] = null;
    this.expected = i + 1;
    return row;
  }

  /**
   * The row the previous read gave the socket without an inode with these endpoints (taken: it is not given
   * again). Looked for after the last one found, then in an index by ports made at the read's first miss.
   */
  previousUnnamed(
    family: string,
    localAddress: string,
    localPort: number,
    remoteAddress: string,
    remotePort: number,
  ): Connection | undefined {
    const previous = this.previous;
    let looked = 0;
    const end = Math.min(previous.length, this.expectedUnnamed + SCAN);
    for (let i = this.expectedUnnamed; i < end && looked < LOOKAHEAD; i++) {
      const row = previous[i];
      if (!row || row.inode !== null) continue;
      if (sameEndpoints(row, family, localAddress, localPort, remoteAddress, remotePort)) return this.takeUnnamed(i);
      looked++;
    }
    if (this.byPorts === null) {
      const byPorts = new Map<number, number>();
      const next = new Int32Array(previous.length).fill(-1);
      // Backwards, so that each key's chain runs in the read's order.
      for (let i = previous.length - 1; i >= 0; i--) {
        const row = previous[i];
        if (!row || row.inode !== null) continue;
        const key = portsKey(row.localPort, row.remotePort);
        next[i] = byPorts.get(key) ?? -1;
        byPorts.set(key, i);
      }
      this.byPorts = byPorts;
      this.sameUnnamed = next;
    }
    // A chain holds every time-wait socket on these two ports: one local user can make tens of thousands (one
    // local address after another), and a walk of all of them for each socket not found near made a read
    // quadratic. Rows already taken are unlinked as they are met (each at most once a read), and past
    // CHAIN_LOOKS other sockets the row is built afresh.
    const key = portsKey(localPort, remotePort);
    const next = this.sameUnnamed!;
    let before = -1;
    let looks = 0;
    for (let i = this.byPorts.get(key) ?? -1; i >= 0 && looks < CHAIN_LOOKS; i = next[i]!) {
      const row = previous[i];
      if (row === null) {
        if (before < 0) this.byPorts.set(key, next[i]!);
        else next[before] = next[i]!;
        continue;
      }
      if (row && sameEndpoints(row, family, localAddress, localPort, remoteAddress, remotePort))
        return this.takeUnnamed(i);
      before = i;
      looks++;
    }
    return undefined;
  }

  private takeUnnamed(i: number): Connection {
    const row = this.previous[i]!;
    this.previous[i] = null;
    this.expectedUnnamed = i + 1;
    return row;
  }

  /** The row this read gives next; `kept`: it is the previous read's object. */
  give(row: Connection, kept: boolean): void {
    const at = this.current.length;
    if (this.firstUnnamed < 0 && row.inode === null) this.firstUnnamed = at;
    if (at === this.keptAt.length) this.keptAt = grown(this.keptAt, doubledLength(at, at + 1));
    this.keptAt[at] = kept ? 1 : 0;
    this.current.push(row);
  }

  /** Whether this read's row at `index` is the previous read's object (not to be changed). */
  isKept(index: number): boolean {
    return index < this.current.length && this.keptAt[index] === 1;
  }

  /** The kept row at `index` is replaced by a copy (changed): the next read compares with the copy. */
  replace(index: number, copy: Connection): void {
    if (index >= this.current.length) return;
    this.current[index] = copy;
    this.keptAt[index] = 0;
  }
}
