// Per-second rates from cumulative counters, computed once in the monitor so every client sees the same
// numbers. A counter that went down (a reset: the interface was re-created, the module reloaded; or a 32-bit
// wrap) gives no rate for that tick rather than a negative or absurd one.
import type { ProcessTraffic, Counter, InterfaceCounters, InterfaceRates, NetInterface } from '../../shared/types.js';

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

interface Sample<T> {
  at: number;
  value: T;
}

/** Sets `rates` on each interface from the previous call's counters; null where there is no sound rate. */
export class InterfaceRateTracker {
  private prev = new Map<string, Sample<InterfaceCounters>>();

  apply(rows: NetInterface[], at: number): void {
    const next = new Map<string, Sample<InterfaceCounters>>();
    for (const row of rows) {
      const before = this.prev.get(row.id);
      row.rates = before ? interfaceRates(before.value, row.counters, at - before.at) : null;
      next.set(row.id, { at, value: row.counters });
    }
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
  private prev = new Map<string, Sample<number>>();

  apply(rows: Counter[], at: number): void {
    const next = new Map<string, Sample<number>>();
    for (const row of rows) {
      if (row.kind !== 'counter') {
        row.rate = null;
        continue;
      }
      const before = this.prev.get(row.id);
      row.rate = before ? perSecond(before.value, row.value, at - before.at, MAX_COUNTER_PER_SEC) : null;
      next.set(row.id, { at, value: row.value });
    }
    this.prev = next;
  }
}

/** Sets each process's send and receive rates from the growth of its byte totals. */
export class ProcessRateTracker {
  private prev = new Map<string, Sample<{ sent: number | null; received: number | null }>>();

  apply(rows: ProcessTraffic[], at: number): void {
    const next = new Map<string, Sample<{ sent: number | null; received: number | null }>>();
    for (const row of rows) {
      const before = this.prev.get(row.id);
      const dt = before ? at - before.at : 0;
      row.sendRate =
        before && before.value.sent !== null && row.bytesSent !== null
          ? perSecond(before.value.sent, row.bytesSent, dt, MAX_BYTES_PER_SEC)
          : null;
      row.recvRate =
        before && before.value.received !== null && row.bytesReceived !== null
          ? perSecond(before.value.received, row.bytesReceived, dt, MAX_BYTES_PER_SEC)
          : null;
      next.set(row.id, { at, value: { sent: row.bytesSent, received: row.bytesReceived } });
    }
    this.prev = next;
  }
}
