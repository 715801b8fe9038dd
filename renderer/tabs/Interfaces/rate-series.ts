// Interface rates kept in the renderer: a short ring per interface for the table's sparklines (module-level,
// so switching tabs keeps them), and the interface the chart shows by default.
import type { HistoryPoint } from '../../../shared/protocol.js';
import type { NetInterface } from '../../../shared/types.js';

export const SPARK_SAMPLES = 60;

export interface Ring {
  /** Sample times, ms since the epoch. */
  t: readonly number[];
  rx: readonly number[];
  tx: readonly number[];
}

const EMPTY: Ring = { t: [], rx: [], tx: [] };

/**
 * One ring per interface, fed once per tick. Each feed replaces the arrays (copy-on-write, at most 60
 * numbers), so a memoized sparkline redraws exactly when its interface got a sample.
 */
export class RateRings {
  private rings = new Map<string, Ring>();
  private lastAt = -Infinity;

  constructor(private readonly size = SPARK_SAMPLES) {}

  get(id: string): Ring {
    return this.rings.get(id) ?? EMPTY;
  }

  /** Adds the tick's rates; a tick already fed (a re-render, a batch without news) adds nothing. */
  feed(at: number, rows: Iterable<NetInterface>): void {
    if (at <= this.lastAt) return;
    this.lastAt = at;
    const present = new Set<string>();
    for (const row of rows) {
      present.add(row.id);
      const r = row.rates;
      if (!r) continue;
      const ring = this.get(row.id);
      this.rings.set(row.id, {
        t: [...ring.t.slice(1 - this.size), at],
        rx: [...ring.rx.slice(1 - this.size), r.rxBytesPerSec],
        tx: [...ring.tx.slice(1 - this.size), r.txBytesPerSec],
      });
    }
    for (const id of this.rings.keys()) if (!present.has(id)) this.rings.delete(id);
  }

  /** Fills a ring from the host's history (after a tab switch the ring is empty or stale), keeping any live
   *  samples newer than the history. */
  seed(id: string, points: readonly HistoryPoint[]): void {
    if (points.length === 0) return;
    const ring = this.get(id);
    const lastHistory = points[points.length - 1]!.t;
    const keep = ring.t.findIndex((t) => t > lastHistory);
    const liveT = keep < 0 ? [] : ring.t.slice(keep);
    const liveRx = keep < 0 ? [] : ring.rx.slice(keep);
    const liveTx = keep < 0 ? [] : ring.tx.slice(keep);
    const tail = points.slice(-this.size);
    this.rings.set(id, {
      t: [...tail.map((p) => p.t), ...liveT].slice(-this.size),
      rx: [...tail.map((p) => p.rx), ...liveRx].slice(-this.size),
      tx: [...tail.map((p) => p.tx), ...liveTx].slice(-this.size),
    });
  }

  /** Whether this ring's newest sample is older than `ms` (or there is none). */
  staleAfter(id: string, now: number, ms: number): boolean {
    const t = this.get(id).t;
    return t.length === 0 || now - t[t.length - 1]! > ms;
  }
}

export const rateRings = new RateRings();

export function isLoopback(row: NetInterface): boolean {
  return row.type === 'loopback' || row.flags.includes('LOOPBACK') || row.name === 'lo';
}

/** The default chart: the busiest interface that is not loopback, by current rate, else by bytes so far. */
export function busiestInterface(rows: readonly NetInterface[]): NetInterface | null {
  let best: NetInterface | null = null;
  let bestScore = -1;
  for (const row of rows) {
    if (isLoopback(row)) continue;
    const rate = row.rates ? row.rates.rxBytesPerSec + row.rates.txBytesPerSec : 0;
    // Rates outrank totals: anything moving now beats an idle interface with a long past.
    const score = rate > 0 ? Number.MAX_SAFE_INTEGER / 2 + rate : row.counters.rxBytes + row.counters.txBytes;
    if (score > bestScore) {
      best = row;
      bestScore = score;
    }
  }
  return best ?? rows[0] ?? null;
}
