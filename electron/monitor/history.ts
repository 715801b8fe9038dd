// Ten minutes of per-second receive/transmit byte rates per interface, so a chart opened later has history.
// Fed by the interfaces read once a second even when nobody shows them (then only their counters where the
// collector can: /proc/net/dev on Linux), rates measured between samples at least SAMPLE_MS apart. The process chart keeps one more, fed
// with each process name's byte totals. A remote host's interfaces are measured between its frames' times
// (DatasetResult.readAt): a sample that sees its last frame again adds no point.
import type { HistoryPoint } from '../../shared/protocol.js';
import type { InterfaceCounters, NetInterface, ReadingTime } from '../../shared/types.js';
import { eachReadAt, MAX_BYTES_PER_SEC, perSecond } from './rates.js';

export const HISTORY_MS = 10 * 60 * 1000;
export const SAMPLE_MS = 1000;
/** Reads come from two timers; one a little early still counts as the next second. */
const SAMPLE_SLACK_MS = 100;

interface Series {
  last: { at: number; counters: Pick<InterfaceCounters, 'rxBytes' | 'txBytes'> };
  points: HistoryPoint[];
}

/** Cumulative received and sent bytes of one thing (an interface, a process name). */
export interface ByteTotals {
  id: string;
  rxBytes: number;
  txBytes: number;
  /** When they were read, if not at the sample's time (a remote host's frame). */
  at?: number;
}

export class InterfaceHistory {
  private series = new Map<string, Series>();
  private lastRecordAt = -Infinity;
  /** Whether the sampler's own read made the last record, and whether a tick's read came after it (see overdue). */
  private sampledLast = false;
  private tickOffered = false;

  constructor(private readonly spanMs = HISTORY_MS) {}

  /** Whether a read at `at` would add a point (lets the scheduler skip a redundant read). */
  due(at: number): boolean {
    return at - this.lastRecordAt >= SAMPLE_MS - SAMPLE_SLACK_MS;
  }

  /**
   * Whether the sampler should read at `at` although the ticks' reads record the samples: the last one is late (a
   * tick's read came too early to be due, or none came), or the sampler took the last one itself and no tick has
   * offered one since (the ticks have stopped: the sampler keeps a sample a second until they come back).
   */
  overdue(at: number): boolean {
    if (!this.due(at)) return false;
    return at - this.lastRecordAt >= SAMPLE_MS + SAMPLE_SLACK_MS || (this.sampledLast && !this.tickOffered);
  }

  /** `by`: the sampler's own read, or a tick's (the interfaces table's update). */
  record(
    at: number,
    rows: readonly NetInterface[],
    readAt?: readonly ReadingTime[],
    by: 'tick' | 'sampler' = 'tick',
  ): void {
    if (!this.due(at)) {
      if (by === 'tick') this.tickOffered = true;
      return;
    }
    this.sampledLast = by === 'sampler';
    this.tickOffered = false;
    const totals: ByteTotals[] = [];
    eachReadAt(rows, at, readAt, (r, t, ofReading) => {
      const total: ByteTotals = { id: r.id, rxBytes: r.counters.rxBytes, txBytes: r.counters.txBytes };
      if (ofReading) total.at = t;
      totals.push(total);
    });
    this.recordTotals(at, totals);
  }

  recordTotals(at: number, rows: Iterable<ByteTotals>): void {
    if (!this.due(at)) return;
    this.lastRecordAt = at;
    for (const row of rows) {
      const s = this.series.get(row.id);
      const counters = { rxBytes: row.rxBytes, txBytes: row.txBytes };
      const t = row.at ?? at;
      if (!s) {
        this.series.set(row.id, { last: { at: t, counters }, points: [] });
        continue;
      }
      const dt = t - s.last.at;
      if (dt < SAMPLE_MS - SAMPLE_SLACK_MS) continue;
      const rx = perSecond(s.last.counters.rxBytes, counters.rxBytes, dt, MAX_BYTES_PER_SEC);
      const tx = perSecond(s.last.counters.txBytes, counters.txBytes, dt, MAX_BYTES_PER_SEC);
      // A reset leaves a gap in the chart rather than a spike or a dip below zero.
      if (rx !== null && tx !== null) s.points.push({ t, rx, tx });
      s.last = { at: t, counters };
    }
    this.trim(at);
  }

  get(iface: string): HistoryPoint[] {
    return this.series.get(iface)?.points.slice() ?? [];
  }

  private trim(now: number): void {
    const oldest = now - this.spanMs;
    for (const [name, s] of this.series) {
      let drop = 0;
      while (drop < s.points.length && s.points[drop]!.t < oldest) drop++;
      if (drop > 0) s.points.splice(0, drop);
      // An interface gone for the whole span has nothing left to show.
      if (s.points.length === 0 && s.last.at < oldest) this.series.delete(name);
    }
  }
}
