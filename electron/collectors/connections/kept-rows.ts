// Rows kept from one read to the next. A socket whose kernel record did not change since the previous read is
// given as the very row object that read gave: nothing is built for it (no garbage), and the monitor knows it
// unchanged by reference instead of comparing its fields (DatasetResult.keptRows,
// electron/monitor/connections.ts). That holds only while no row is changed once given: a step of a read that
// would change a kept row (attaching its owners) changes a copy instead, which replaces it (`replace`).
import type { Connection } from '../../../shared/types.js';

/** How many of the previous read's sockets with an inode past the expected place are looked at first. */
const LOOKAHEAD = 8;

/**
 * The rows of the last read, in the kernel's order. A kernel lists its sockets in much the same order from one
 * read to the next, so the previous row of a socket is looked for just after the last one found, by inode (one
 * open socket at a time has it; the row's fields are then compared with the record): nothing hashed while the
 * order holds. Sockets without an inode (time-wait, request sockets: thousands of them among the others on a
 * machine whose connections churn) are always built afresh, and passed over without counting. A socket not
 * found near is looked up by inode in an index of the previous read, made once per read at its first such
 * miss, and the search goes on from where it was found: new sockets and closed ones do not lose the order.
 * Each previous row is given at most once. The previous read's rows are let go when the read ends (`end`).
 */
export class KeptRows {
  /** The previous read's rows; a row given again is taken out (null). */
  private previous: (Connection | null)[] = [];
  private current: Connection[] = [];
  /** By position in this read: whether the row is the previous read's object (not to be changed). */
  private keptAt: boolean[] = [];
  private expected = 0;
  /** The previous read's positions by inode, made at the read's first miss. */
  private byInode: Map<number, number> | null = null;

  /** Starts a read: the last one's rows become those to compare with. */
  begin(): void {
    this.previous = this.current;
    this.current = [];
    this.keptAt = [];
    this.expected = 0;
    this.byInode = null;
  }

  /** Ends a read's search: the previous read's rows that this one did not give again are let go. */
  end(): void {
    this.previous = [];
    this.byInode = null;
  }

  /** The row the previous read gave the socket with this inode (taken: it is not given again). */
  previousRow(inode: number): Connection | undefined {
    if (inode === 0) return undefined;
    const previous = this.previous;
    let looked = 0;
    for (let i = this.expected; i < previous.length && looked < LOOKAHEAD; i++) {
      const row = previous[i];
      if (!row || row.inode === null) continue;
      if (row.inode === inode) return this.take(i);
      looked++;
    }
    if (this.byInode === null) {
      this.byInode = new Map();
      for (let i = 0; i < previous.length; i++) {
        const at = previous[i]?.inode;
        if (at !== null && at !== undefined) this.byInode.set(at, i);
      }
    }
    const i = this.byInode.get(inode);
    return i === undefined || previous[i] === null ? undefined : this.take(i);
  }

  private take(i: number): Connection {
    const row = this.previous[i]!;
    this.previous[i] = null;
    this.expected = i + 1;
    return row;
  }

  /** The row this read gives next; `kept`: it is the previous read's object. */
  give(row: Connection, kept: boolean): void {
    this.current.push(row);
    this.keptAt.push(kept);
  }

  /** Whether this read's row at `index` is the previous read's object (not to be changed). */
  isKept(index: number): boolean {
    return this.keptAt[index] === true;
  }

  /** The kept row at `index` is replaced by a copy (changed): the next read compares with the copy. */
  replace(index: number, copy: Connection): void {
    if (index >= this.current.length) return;
    this.current[index] = copy;
    this.keptAt[index] = false;
  }
}
