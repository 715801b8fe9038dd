// Sort keys made ahead of the sort, in idle time, for the rows a live table brings: the first sort by the Foreign
// Address column parses each distinct address once (shared/address.ts keeps the keys), which at 50,000 rows was
// most of that sort's cost. Rows are queued as they arrive (every row of a new table, the changed rows of a diff)
// and their keys made while the page has nothing else to do, a few milliseconds at a time.
import { useEffect, useRef } from 'react';
import type { DatasetState } from './tables.js';

/** How long one idle slice may run (ms), at most. */
const SLICE_MS = 4;
/** Rows queued at most; past that the whole table is gone through again instead. */
export const MAX_QUEUED = 65_536;

/** The rows of a table still to warm, following its versions. */
export class WarmQueue<Row> {
  private seen: { rows: unknown; version: number } | null = null;
  private iter: Iterator<Row> | null = null;
  private queued: Row[] = [];

  constructor(private readonly warm: (row: Row) => void) {}

  /** Queues what the table brought since the last call: every row of a new table, or the rows its changes upserted
   *  (every row again when it no longer holds all of them, or when too many wait). */
  follow(ds: DatasetState<Row>): void {
    const last = this.seen;
    this.seen = { rows: ds.rows, version: ds.version };
    if (last === null || last.rows !== ds.rows) this.all(ds);
    else if (last.version !== ds.version) {
      const missed = ds.changes.filter((c) => c.version > last.version);
      if (missed.length !== ds.version - last.version) this.all(ds);
      else for (const c of missed) for (const r of c.change.upserts) this.queued.push(r);
      if (this.queued.length > MAX_QUEUED) this.all(ds);
    }
  }

  private all(ds: DatasetState<Row>): void {
    this.iter = ds.rows.values();
    this.queued = [];
  }

  get pending(): boolean {
    return this.iter !== null || this.queued.length > 0;
  }

  /** Warms rows until `done()` says to stop or none is left; whether any is left. */
  drain(done: () => boolean): boolean {
    while (!done()) {
      for (let n = 0; n < 64; n++) {
        let r: Row | undefined;
        if (this.iter !== null) {
          const next = this.iter.next();
          if (next.done) this.iter = null;
          else r = next.value;
        }
        if (r === undefined) r = this.queued.pop();
        if (r === undefined) return false;
        this.warm(r);
      }
    }
    return this.pending;
  }
}

type Idle = (cb: (deadline: { timeRemaining(): number }) => void) => unknown;

interface IdleState<Row> {
  queue: WarmQueue<Row>;
  scheduled: boolean;
  /** The tab that follows the table is gone: a slice already asked for does nothing. */
  stopped: boolean;
}

/** Follows a table and calls `warm` (a stable function) on each row it brings, in idle time, while the component
 *  is mounted: a tab switched away from stops warming (its rows are let go with it). */
export function useIdleKeys<Row>(ds: DatasetState<Row>, warm: (row: Row) => void): void {
  const ref = useRef<IdleState<Row> | null>(null);
  ref.current ??= { queue: new WarmQueue(warm), scheduled: false, stopped: false };
  useEffect(() => {
    const st = ref.current!;
    st.stopped = false;
    return () => {
      st.stopped = true;
      st.scheduled = false;
      st.queue = new WarmQueue(warm);
    };
  }, [warm]);
  useEffect(() => {
    const st = ref.current!;
    st.queue.follow(ds);
    if (st.scheduled || !st.queue.pending) return;
    const idle: Idle =
      (globalThis as { requestIdleCallback?: Idle }).requestIdleCallback ??
      ((cb) => setTimeout(() => cb({ timeRemaining: () => SLICE_MS }), 50));
    const queue = st.queue;
    const run = (deadline: { timeRemaining(): number }) => {
      if (st.stopped || st.queue !== queue) return;
      const end = performance.now() + Math.min(SLICE_MS, deadline.timeRemaining());
      if (queue.drain(() => performance.now() >= end)) idle(run);
      else st.scheduled = false;
    };
    st.scheduled = true;
    idle(run);
  }, [ds]);
}
