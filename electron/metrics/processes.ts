// Per-process TCP traffic for /metrics with a bounded number of series, whatever runs on the machine.
// - Series are per process name (comm), not per PID: a name outlives its processes (a web server's workers, a
//   cron job every minute), so its counter keeps growing instead of a new series per PID.
// - Only the TOP_PROCESSES names that moved the most bytes since `netlens metrics` started get a series; the
//   bytes of every other name go to one "others" counter. A name that climbs into the top gets its series with
//   its whole total (a counter that says what its name says), so while it was among the others its earlier
//   bytes are in both: sum rates, not raw totals, across the two families.
// - Each counter only grows: a name's total is the sum of what its processes' totals grew by (the processes
//   dataset keeps a process's totals after it ends), and "others" adds what the names outside the top grew
//   by at each reading, so a name leaving or joining the top never makes it go back.
// - At most MAX_NAMES names are remembered; beyond that the smallest is forgotten (its bytes stay counted
//   where they were counted, and it starts again from zero if it comes back).
import type { ProcessTraffic } from '../../shared/types.js';

export const TOP_PROCESSES = 20;
export const MAX_NAMES = 1000;

export interface Bytes {
  sent: number;
  received: number;
}

export interface ProcessSeries extends Bytes {
  name: string;
}

export interface ProcessTrafficView {
  /** How many names may have a series. */
  limit: number;
  /** The top names, most bytes first. */
  top: ProcessSeries[];
  /** Bytes of the names outside the top, since `netlens metrics` started. */
  others: Bytes;
  /** How many names are outside the top now. */
  otherNames: number;
}

const total = (b: Bytes) => b.sent + b.received;

export class ProcessTrafficMetrics {
  /** Each process's totals at the last reading, by its row id (pid@start). */
  private last = new Map<string, Bytes>();
  private readonly byName = new Map<string, Bytes>();
  private readonly others: Bytes = { sent: 0, received: 0 };

  constructor(
    private readonly topN = TOP_PROCESSES,
    private readonly maxNames = MAX_NAMES,
  ) {}

  /** How many names it remembers now (at most maxNames after each update). */
  get names(): number {
    return this.byName.size;
  }

  update(rows: readonly ProcessTraffic[]): ProcessTrafficView {
    const next = new Map<string, Bytes>();
    const grown = new Map<string, Bytes>();
    for (const row of rows) {
      if (row.bytesSent === null || row.bytesReceived === null) continue;
      const now = { sent: row.bytesSent, received: row.bytesReceived };
      next.set(row.id, now);
      const before = this.last.get(row.id) ?? { sent: 0, received: 0 };
      // Totals only grow; one that went back was restarted, and what it shows now is new.
      const sent = now.sent >= before.sent ? now.sent - before.sent : now.sent;
      const received = now.received >= before.received ? now.received - before.received : now.received;
      if (sent === 0 && received === 0) continue;
      const g = grown.get(row.name) ?? { sent: 0, received: 0 };
      g.sent += sent;
      g.received += received;
      grown.set(row.name, g);
    }
    this.last = next;
    for (const [name, g] of grown) {
      const b = this.byName.get(name) ?? { sent: 0, received: 0 };
      b.sent += g.sent;
      b.received += g.received;
      this.byName.set(name, b);
    }
    const ranked = [...this.byName].sort((a, b) => total(b[1]) - total(a[1]) || (a[0] < b[0] ? -1 : 1));
    const top = new Set(ranked.slice(0, this.topN).map(([name]) => name));
    for (const [name, g] of grown) {
      if (top.has(name)) continue;
      this.others.sent += g.sent;
      this.others.received += g.received;
    }
    for (const [name] of ranked.slice(this.maxNames)) this.byName.delete(name);
    return {
      limit: this.topN,
      top: ranked.slice(0, this.topN).map(([name, b]) => ({ name, sent: b.sent, received: b.received })),
      others: { ...this.others },
      otherNames: Math.max(0, Math.min(ranked.length, this.maxNames) - this.topN),
    };
  }
}
