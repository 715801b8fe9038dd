// Per-second rates from cumulative counters, computed once in the monitor so every client sees the same
// numbers. A counter that went down (a reset: the interface was re-created, the module reloaded; or a 32-bit
// wrap) gives no rate for that tick rather than a negative or absurd one.
// Rows of a remote host (DatasetResult.readAt) are measured between the times of the frames that carried their
// counters, not the ticks': its frames come at their own pace (an interval plus the time to make one), so a tick
// often sees the frame the last one saw (which keeps its rates) and the next one two frames' worth of bytes.
import type {
  ProcessTraffic,
  Counter,
  InterfaceCounters,
  InterfaceRates,
  NetInterface,
  ReadingTime,
} from '../../shared/types.js';

/** Beyond these a delta is not traffic but a counter jumping (a wrap misread, a re-created device). */
export const MAX_BYTES_PER_SEC = 1e12;
export const MAX_PACKETS_PER_SEC = 1e10;
export const MAX_COUNTER_PER_SEC = 1e10;

export function perSecond(prev: number | undefined, cur: number, dtMs: number, max: number): number | null {
  if (prev === undefined || !(dtMs > 0) || !Number.isFinite(prev) || !Number.isFinite(cur)) return null;
  const delta = cur - prev;
  if (delta < 0) return null;
  const rate = (delta * 1000) / dtMs;
  return rate > max ? null : rate;
}

const NO_READINGS: readonly ReadingTime[] = [];

/** Where the rows of `readAt[s]` end (s = -1: the rows read at the tick), from row `i` on in a read of `n` rows:
 *  where the next entry begins, kept within the read and never behind `i`. */
export function readingEnd(readAt: readonly ReadingTime[], s: number, i: number, n: number): number {
  return s + 1 < readAt.length ? Math.min(Math.max(readAt[s + 1]!.from, i), n) : n;
}

/**
 * Calls `each` with every row and the time it was read: the tick's (`at`) for rows outside `readAt` (this
 * machine's), else its reading's, with `ofReading` true (such a reading may come again unchanged at the next tick).
 */
export function eachReadAt<R>(
  rows: readonly R[],
  at: number,
  readAt: readonly ReadingTime[] | undefined,
  each: (row: R, at: number, ofReading: boolean) => void,
): void {
  const times = readAt ?? NO_READINGS;
  let i = 0;
  for (let s = -1; s < times.length; s++) {
    const end = readingEnd(times, s, i, rows.length);
    const t = s < 0 ? at : times[s]!.at;
    for (; i < end; i++) each(rows[i]!, t, s >= 0);
  }
}

interface Sample<T, R> {
  at: number;
  value: T;
  /** The rates it gave, kept while its reading comes again. */
  rates: R;
}

/**
 * Each row's last value and the rates it gave, by row id, from one tick to the next: the rates of a row read at `t`
 * are `measure`d from its previous value over the time between (`none` for its first reading), or, where its
 * reading comes again (`ofReading`, the same stamp as before: a remote host's frame seen by a second tick), the
 * rates that reading gave. Rows not seen in a tick are forgotten at its `end`.
 */
class Samples<T, R> {
  private prev = new Map<string, Sample<T, R>>();
  private next = new Map<string, Sample<T, R>>();

  constructor(
    private readonly measure: (before: T, cur: T, dtMs: number) => R,
    private readonly none: R,
  ) {}

  rates(id: string, t: number, ofReading: boolean, value: T): R {
    const before = this.prev.get(id);
    if (ofReading && before?.at === t) {
      this.next.set(id, before);
      return before.rates;
    }
    const rates = before ? this.measure(before.value, value, t - before.at) : this.none;
    this.next.set(id, { at: t, value, rates });
    return rates;
  }

  end(): void {
    this.prev = this.next;
    this.next = new Map();
  }
}

/** Sets `rates` on each interface from the previous call's counters; null where there is no sound rate. */
export class InterfaceRateTracker {
  private samples = new Samples<InterfaceCounters, InterfaceRates | null>(interfaceRates, null);

  apply(rows: NetInterface[], at: number, readAt?: readonly ReadingTime[]): void {
    eachReadAt(rows, at, readAt, (row, t, ofReading) => {
      row.rates = this.samples.rates(row.id, t, ofReading, row.counters);
    });
    this.samples.end();
  }
}

export function interfaceRates(prev: InterfaceCounters, cur: InterfaceCounters, dtMs: number): InterfaceRates | null {
  const rx = perSecond(prev.rxBytes, cur.rxBytes, dtMs, MAX_BYTES_PER_SEC);
  const tx = perSecond(prev.txBytes, cur.txBytes, dtMs, MAX_BYTES_PER_SEC);
  const rxp = perSecond(prev.rxPackets, cur.rxPackets, dtMs, MAX_PACKETS_PER_SEC);
  const txp = perSecond(prev.txPackets, cur.txPackets, dtMs, MAX_PACKETS_PER_SEC);
  // One counter going backwards means the whole set was reset: none of the four is trustworthy this tick.
  if (rx === null || tx === null || rxp === null || txp === null) return null;
  return { rxBytesPerSec: rx, txBytesPerSec: tx, rxPacketsPerSec: rxp, txPacketsPerSec: txp };
}

const counterRate = (before: number, cur: number, dtMs: number): number | null =>
  perSecond(before, cur, dtMs, MAX_COUNTER_PER_SEC);

/** Sets `rate` on statistics counters (kind 'counter'); gauges get null: a rate of a current value means nothing. */
export class CounterRateTracker {
  private samples = new Samples<number, number | null>(counterRate, null);

  apply(rows: Counter[], at: number, readAt?: readonly ReadingTime[]): void {
    eachReadAt(rows, at, readAt, (row, t, ofReading) => {
      row.rate = row.kind === 'counter' ? this.samples.rates(row.id, t, ofReading, row.value) : null;
    });
    this.samples.end();
  }
}

/** A process's byte totals (null: not known), and the rates they give. */
interface ProcessBytes {
  sent: number | null;
  received: number | null;
}
interface ProcessRates {
  sendRate: number | null;
  recvRate: number | null;
}

const NO_PROCESS_RATES: ProcessRates = { sendRate: null, recvRate: null };

const byteRate = (before: number | null, cur: number | null, dtMs: number): number | null =>
  before !== null && cur !== null ? perSecond(before, cur, dtMs, MAX_BYTES_PER_SEC) : null;

function processRates(before: ProcessBytes, cur: ProcessBytes, dtMs: number): ProcessRates {
  return { sendRate: byteRate(before.sent, cur.sent, dtMs), recvRate: byteRate(before.received, cur.received, dtMs) };
}

/** Sets each process's send and receive rates from the growth of its byte totals. */
export class ProcessRateTracker {
  private samples = new Samples<ProcessBytes, ProcessRates>(processRates, NO_PROCESS_RATES);

  apply(rows: ProcessTraffic[], at: number, readAt?: readonly ReadingTime[]): void {
    eachReadAt(rows, at, readAt, (row, t, ofReading) => {
      const rates = this.samples.rates(row.id, t, ofReading, { sent: row.bytesSent, received: row.bytesReceived });
      row.sendRate = rates.sendRate;
      row.recvRate = rates.recvRate;
    });
    this.samples.end();
  }
}
