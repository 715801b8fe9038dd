// One client's view of one dataset: its sequence numbers, what it acknowledged, and the diff it has not been
// sent yet. Beyond MAX_UNACKED unacknowledged diffs nothing more is sent; further diffs are folded into one
// keyed PendingDiff (never a queue), sent when an ack makes room. A stalled client costs at most one pending
// entry per row.
import { PendingDiff } from '../../shared/diff.js';
import type { Diff, ServerMessage, TickInfo } from '../../shared/protocol.js';
import type { AnyRow, Dataset, Diagnostics } from '../../shared/types.js';

export const MAX_UNACKED = 2;

export class DatasetStream {
  /** The last sequence number sent. */
  seq = 0;
  /** The highest sequence number the client says it applied. */
  acked = 0;
  /** Subscribed before the dataset was ever read: the first read brings the snapshot. */
  awaitingSnapshot = true;
  /** The client's window is hidden: diffs are folded, as for a client that does not ack, and sent (one)
   *  when it shows again. A hidden window then does no work per tick for data nobody sees. */
  private held = false;
  private pending: PendingDiff<AnyRow> | null = null;
  private pendingMeta: { diagnostics: Diagnostics; tick: TickInfo } | null = null;

  constructor(
    readonly dataset: Dataset,
    private readonly send: (message: ServerMessage) => void,
  ) {}

  /** Rows held for this client while it is behind. */
  get pendingSize(): number {
    return this.pending?.size ?? 0;
  }

  get unacked(): number {
    return this.seq - this.acked;
  }

  /** A snapshot resets the stream: nothing pending, nothing outstanding (the client starts over from it). */
  snapshot(rows: AnyRow[], diagnostics: Diagnostics, tick: TickInfo | null): void {
    this.seq++;
    this.acked = this.seq;
    this.pending = null;
    this.pendingMeta = null;
    this.awaitingSnapshot = false;
    this.send({ type: 'snapshot', dataset: this.dataset, seq: this.seq, rows, diagnostics, tick } as ServerMessage);
  }

  diff(diff: Diff<AnyRow>, diagnostics: Diagnostics, tick: TickInfo): void {
    if (this.awaitingSnapshot) return;
    if (this.held || this.pending !== null || this.unacked >= MAX_UNACKED) {
      (this.pending ??= new PendingDiff<AnyRow>()).push(diff);
      this.pendingMeta = { diagnostics, tick };
      return;
    }
    this.emit(diff, diagnostics, tick);
  }

  ack(seq: number): void {
    // An ack for something never sent (a stale one from before a restart) acknowledges only what was sent.
    const upTo = Math.min(seq, this.seq);
    if (upTo > this.acked) this.acked = upTo;
    this.flush();
  }

  /** Holds diffs while the client is hidden; showing again sends what was folded meanwhile. */
  hold(held: boolean): void {
    this.held = held;
    this.flush();
  }

  private flush(): void {
    if (!this.held && this.pending !== null && this.pendingMeta !== null && this.unacked < MAX_UNACKED) {
      const diff = this.pending.take();
      const { diagnostics, tick } = this.pendingMeta;
      this.pending = null;
      this.pendingMeta = null;
      this.emit(diff, diagnostics, tick);
    }
  }

  private emit(diff: Diff<AnyRow>, diagnostics: Diagnostics, tick: TickInfo): void {
    this.seq++;
    this.send({ type: 'diff', dataset: this.dataset, seq: this.seq, diff, diagnostics, tick } as ServerMessage);
  }
}
