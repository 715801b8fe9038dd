// One client's view of one dataset: its sequence numbers, what it acknowledged, and the diff it has not been
// sent yet. Beyond MAX_UNACKED unacknowledged diffs nothing more is sent; further diffs are folded into one
// keyed PendingDiff (never a queue), sent when an ack makes room. A stalled client costs at most one pending
// entry per row. A quiet diff (one that moves nothing but NetLens's own connection to the page: quiet.ts)
// is held the same way, at most QUIET_MAX_MS after the last diff sent, for a client that asked.
import { PendingDiff } from '../../shared/diff.js';
import type { Diff, ServerMessage, TickInfo } from '../../shared/protocol.js';
import type { AnyRow, Dataset, Diagnostics } from '../../shared/types.js';

export const MAX_UNACKED = 2;
/** The longest a quiet diff waits: the page still hears from the host this often, with the tick's facts. */
export const QUIET_MAX_MS = 5000;

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
  /** What is pending waits only because it is quiet: an ack does not send it; a diff that is not quiet, the
   *  monitor's `release` or QUIET_MAX_MS do. */
  private quietOnly = false;
  /** The tick of the last snapshot or diff sent. */
  private sentAt = -Infinity;

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
    this.quietOnly = false;
    this.sentAt = tick?.at ?? -Infinity;
    this.awaitingSnapshot = false;
    this.send({ type: 'snapshot', dataset: this.dataset, seq: this.seq, rows, diagnostics, tick } as ServerMessage);
  }

  /** `quiet`: the diff moves nothing but what the client's own messages move (the monitor says so only for a
   *  client that asked): it waits, folded, until a diff that is not quiet comes or QUIET_MAX_MS have passed since
   *  the last one sent. */
  diff(diff: Diff<AnyRow>, diagnostics: Diagnostics, tick: TickInfo, quiet = false): void {
    if (this.awaitingSnapshot) return;
    const holdQuiet = quiet && tick.at >= this.sentAt && tick.at - this.sentAt < QUIET_MAX_MS;
    if (this.pending === null && !this.held && this.unacked < MAX_UNACKED && !holdQuiet) {
      this.emit(diff, diagnostics, tick);
      return;
    }
    if (this.pending === null) this.quietOnly = holdQuiet;
    else if (!holdQuiet) this.quietOnly = false;
    (this.pending ??= new PendingDiff<AnyRow>()).push(diff);
    this.pendingMeta = { diagnostics, tick };
    this.flush();
  }

  /** Sends a diff held only because it was quiet, where it is of the tick that started at `at` (another dataset of
   *  that tick was not quiet: the page gets the whole tick together). One held from an earlier tick waits for this
   *  tick's diff of its dataset, which the monitor sends, not held, with it. */
  release(at: number): void {
    if (!this.quietOnly || this.pendingMeta?.tick.at !== at) return;
    this.quietOnly = false;
    this.flush();
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
    if (
      !this.held &&
      !this.quietOnly &&
      this.pending !== null &&
      this.pendingMeta !== null &&
      this.unacked < MAX_UNACKED
    ) {
      const diff = this.pending.take();
      const { diagnostics, tick } = this.pendingMeta;
      this.pending = null;
      this.pendingMeta = null;
      this.emit(diff, diagnostics, tick);
    }
  }

  private emit(diff: Diff<AnyRow>, diagnostics: Diagnostics, tick: TickInfo): void {
    this.seq++;
    this.sentAt = tick.at;
    this.send({ type: 'diff', dataset: this.dataset, seq: this.seq, diff, diagnostics, tick } as ServerMessage);
  }
}
