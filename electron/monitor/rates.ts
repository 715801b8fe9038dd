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

/** Sets `rates` on each interface from the previous call's counters; null where there is no sound rate. */
export class InterfaceRateTracker {
  private prev = new Map<string, Sample<InterfaceCounters, InterfaceRates | null>>();

  apply(rows: NetInterface[], at: number, readAt?: readonly ReadingTime[]): void {
    const next = new Map<string, Sample<InterfaceCounters, InterfaceRates | null>>();
    eachReadAt(rows, at, readAt, (row, t, ofReading) => {
      const before = this.prev.get(row.id);
      if (ofReading && before?.at === t) {
        row.rates = before.rates;
        next.set(row.id, before);
        return;
      }
      row.rates = before ? interfaceRates(before.value, row.counters, t - before.at) : null;
      next.set(row.id, { at: t, value: row.counters, rates: row.rates });
    });
    this.prev = next;
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

/** Sets `rate` on statistics counters (kind 'counter'); gauges get null: a rate of a current value means nothing. */
export class CounterRateTracker {
  private prev = new Map<string, Sample<number, number | null>>();

  apply(rows: Counter[], at: number, readAt?: readonly ReadingTime[]): void {
    const next = new Map<string, Sample<number, number | null>>();
    eachReadAt(rows, at, readAt, (row, t, ofReading) => {
      if (row.kind !== 'counter') {
        row.rate = null;
        return;
      }
      const before = this.prev.get(row.id);
      if (ofReading && before?.at === t) {
        row.rate = before.rates;
        next.set(row.id, before);
        return;
      }
      row.rate = before ? perSecond(before.value, row.value, t - before.at, MAX_COUNTER_PER_SEC) : null;
      next.set(row.id, { at: t, value: row.value, rates: row.rate });
    });
    this.prev = next;
  }
}

/** Sets each process's send and receive rates from the growth of its byte totals. */
/** A process's byte totals when last read, and the rates they gave. */
interface ProcessSample {
  at: number;
  sent: number | null;
  received: number | null;
  sendRate: number | null;
  recvRate: number | null;
}

export class ProcessRateTracker {
  private prev = new Map<string, ProcessSample>();

  apply(rows: ProcessTraffic[], at: number, readAt?: readonly ReadingTime[]): void {
    const next = new Map<string, ProcessSample>();
    eachReadAt(rows, at, readAt, (row, t, ofReading) => {
      const before = this.prev.get(row.id);
      if (ofReading && before?.at === t) {
        row.sendRate = before.sendRate;
        row.recvRate = before.recvRate;
        next.set(row.id, before);
        return;
      }
      const dt = before ? t - before.at : 0;
      row.sendRate =
        before && before.sent !== null && row.bytesSent !== null
          ? perSecond(before.sent, row.bytesSent, dt, MAX_BYTES_PER_SEC)
          : null;
      row.recvRate =
        before && before.received !== null && row.bytesReceived !== null
          ? perSecond(before.received, row.bytesReceived, dt, MAX_BYTES_PER_SEC)
          : null;
      next.set(row.id, {
        at: t,
        sent: row.bytesSent,
        received: row.bytesReceived,
        sendRate: row.sendRate,
        recvRate: row.recvRate,
      });
    });
    this.prev = next;
  }
}
