// The privileged agent's answers, kept between ticks: asking it for every hidden socket on every tick cost
// ~100 ms for 20,000 sockets on the 2-core test machine (walk and JSON both ways), so the collector asks only
// about sockets it has not asked about yet, and about all of them again every refreshMs (the same cadence as
// SocketOwners' own full rescans), which catches owners that changed (a process exited and its child kept
// the socket, a socket passed to another process).
import type { ProcessInfo } from '../../../shared/types.js';
import { valueEqual } from '../../../shared/diff.js';
import type { PrivilegedOwners } from './socket-owners.js';

export const PRIVILEGED_REFRESH_MS = 10_000;
const NO_PROCESSES: ProcessInfo[] = Object.freeze([]) as unknown as ProcessInfo[];

export class PrivilegedOwnerCache {
  private owners = new Map<number, ProcessInfo[]>();
  private refreshedAt = -Infinity;
  /** Inodes asked about, in total: for tests and the benchmark. */
  asked = 0;

  constructor(
    private readonly source: PrivilegedOwners,
    private readonly refreshMs = PRIVILEGED_REFRESH_MS,
  ) {}

  /** Owners of each inode (an empty list: no process holds it), or null while the agent cannot answer. */
  async lookup(inodes: readonly number[], now = Date.now()): Promise<ReadonlyMap<number, ProcessInfo[]> | null> {
    if (this.source.available && !this.source.available()) return this.forget();
    const full = now - this.refreshedAt >= this.refreshMs;
    const ask = [...new Set(full ? inodes : inodes.filter((inode) => !this.owners.has(inode)))];
    if (ask.length === 0) return this.owners;
    this.asked += ask.length;
    const answer = await this.source.owners(ask);
    if (!answer) return this.forget();
    const previous = this.owners;
    if (full) {
      this.owners = new Map();
      this.refreshedAt = now;
    }
    const found = new Map(
      answer.owners.map(([inode, indices]) => [inode, indices.map((i) => answer.processes[i]!)] as const),
    );
    for (const inode of ask) {
      const next = found.get(inode) ?? NO_PROCESSES;
      const prev = previous.get(inode);
      // Unchanged owners keep their objects, so unchanged rows stay identical for the monitor's diff.
      this.owners.set(inode, prev !== undefined && valueEqual(prev, next) ? prev : next);
    }
    return this.owners;
  }

  private forget(): null {
    this.owners = new Map();
    this.refreshedAt = -Infinity;
    return null;
  }
}
