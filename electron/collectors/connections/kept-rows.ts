// Rows kept from one read to the next. A socket whose kernel record did not change since the previous read is
// given as the very row object that read gave: nothing is built for it (no garbage), and the monitor knows it
// unchanged by reference instead of comparing its fields (DatasetResult.keptRows,
// electron/monitor/connections.ts). That holds only while no row is changed once given: a step of a read that
// would change a kept row (attaching its owners) changes a copy instead, which replaces it (`replace`).
import type { Connection } from '../../../shared/types.js';

/** How far past the expected place the previous read's row of a socket is looked for. */
const LOOKAHEAD = 8;

/**
 * The rows of the last read, in the kernel's order. A kernel lists its sockets in much the same order from one
 * read to the next, so the previous row of a socket is looked for just after the last one found, by inode (one
 * open socket at a time has it; the row's fields are then compared with the record): no map, and nothing
 * hashed. A socket found nowhere near (or without an inode: time-wait, request sockets) is built afresh.
 */
export class KeptRows {
  private previous: Connection[] = [];
  private current: Connection[] = [];
  /** By position in this read: whether the row is the previous read's object (not to be changed). */
  private keptAt: boolean[] = [];
  private expected = 0;

  /** Starts a read: the last one's rows become those to compare with. */
  begin(): void {
    this.previous = this.current;
    this.current = [];
    this.keptAt = [];
    this.expected = 0;
  }

  /** The row the previous read gave the socket with this inode, where the kernel's order puts it. */
  previousRow(inode: number): Connection | undefined {
    if (inode === 0) return undefined;
    const previous = this.previous;
    const end = Math.min(previous.length, this.expected + LOOKAHEAD);
    for (let i = this.expected; i < end; i++) {
      if (previous[i]!.inode === inode) {
        this.expected = i + 1;
        return previous[i];
      }
    }
    return undefined;
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
