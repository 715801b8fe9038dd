// Rows and stream messages for the renderer's unit tests.
import type { Diff, DiffMessage, SnapshotMessage } from '../../shared/protocol.js';
import { emptyDiagnostics, type Connection, type Dataset, type Route, type RowTypes } from '../../shared/types.js';

export const TICK = { at: 1000, durationMs: 5, lagCount: 0, intervalMs: 2000 } as const;

export function route(id: string, metric: number | null = 100): Route {
  return {
    id,
    family: 'inet',
    destination: id,
    prefixLength: 24,
    gateway: null,
    flags: 'U',
    metric,
    iface: 'eth0',
    table: 'main',
    protocol: 'kernel',
    scope: 'link',
    source: null,
    type: 'unicast',
    isDefault: false,
  };
}

export function conn(id: string, fields: Partial<Connection> = {}): Connection {
  return {
    id,
    proto: 'tcp',
    family: 'inet',
    localAddress: '10.0.0.1',
    localPort: 40000,
    remoteAddress: '10.0.0.2',
    remotePort: 443,
    state: 'ESTABLISHED',
    recvQ: 0,
    sendQ: 0,
    uid: 1000,
    user: 'me',
    inode: 1,
    processes: [],
    ownerStatus: 'known',
    ...fields,
  };
}

export function snapshot<D extends Dataset>(dataset: D, seq: number, rows: RowTypes[D][]): SnapshotMessage<D> {
  return { type: 'snapshot', dataset, seq, rows, diagnostics: emptyDiagnostics(), tick: TICK };
}

export function diff<D extends Dataset>(dataset: D, seq: number, d: Partial<Diff<RowTypes[D]>>): DiffMessage<D> {
  return {
    type: 'diff',
    dataset,
    seq,
    diff: { added: [], removed: [], changed: [], ...d },
    diagnostics: emptyDiagnostics(),
    tick: TICK,
  };
}
