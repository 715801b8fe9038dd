// A client as the renderer behaves: keeps one Map per dataset, applies snapshots and diffs, checks that
// sequence numbers are contiguous, and acknowledges (unless told to stall). Used by tests and the benchmark.
import { applyDiff } from '../../../shared/diff.js';
import type { ServerMessage, StreamMessage } from '../../../shared/protocol.js';
import type { AnyRow, Dataset } from '../../../shared/types.js';
import type { ClientTransport, Monitor, MonitorClient } from '../api.js';

export class TestClient {
  readonly messages: ServerMessage[] = [];
  readonly tables = new Map<Dataset, Map<string, AnyRow>>();
  readonly seqs = new Map<Dataset, number>();
  readonly gaps: { dataset: Dataset; expected: number; got: number }[] = [];
  /** When set, diffs are applied but not acknowledged (a stalled renderer). */
  stalled = false;
  /** Called after each snapshot or diff is applied. */
  onApplied: ((message: Extract<ServerMessage, { type: 'snapshot' | 'diff' }>) => void) | null = null;
  /** The monitor's handle when attached directly; null on another transport (a WebSocket). */
  readonly client: MonitorClient | null;
  private readonly send: (message: StreamMessage) => void;

  /** Attaches to a monitor (reached over `transport`, where given), or sends through the given function (and gets
   *  messages via receive()). */
  constructor(target: Monitor | ((message: StreamMessage) => void), transport?: ClientTransport) {
    if (typeof target === 'function') {
      this.client = null;
      this.send = target;
    } else {
      const client = target.attach((m) => this.receive(m), transport);
      this.client = client;
      this.send = (m) => client.handle(m);
    }
  }

  handle(message: StreamMessage): void {
    this.send(message);
  }

  of<T extends ServerMessage['type']>(type: T): Extract<ServerMessage, { type: T }>[] {
    return this.messages.filter((m): m is Extract<ServerMessage, { type: T }> => m.type === type);
  }

  receive(message: ServerMessage): void {
    this.messages.push(message);
    if (message.type === 'snapshot') {
      this.tables.set(message.dataset, new Map(message.rows.map((r: AnyRow) => [r.id, r])));
      this.seqs.set(message.dataset, message.seq);
      this.onApplied?.(message);
    } else if (message.type === 'diff') {
      const last = this.seqs.get(message.dataset);
      const table = this.tables.get(message.dataset);
      if (last === undefined || table === undefined || message.seq !== last + 1) {
        this.gaps.push({ dataset: message.dataset, expected: (last ?? 0) + 1, got: message.seq });
        this.send({ type: 'resync', dataset: message.dataset });
        return;
      }
      applyDiff(table, message.diff as Parameters<typeof applyDiff<AnyRow>>[1]);
      this.seqs.set(message.dataset, message.seq);
      this.onApplied?.(message);
      if (!this.stalled) this.send({ type: 'ack', dataset: message.dataset, seq: message.seq });
    }
  }

  ackAll(): void {
    for (const [dataset, seq] of this.seqs) this.send({ type: 'ack', dataset, seq });
  }
}
