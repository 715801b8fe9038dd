// The live tables, as the host streams them. Rows live in a mutable Map per dataset (copying 50,000 rows
// per diff would cost more than the diff itself); each applied batch bumps the dataset's `version` once,
// and components subscribe to that number. Sequence numbers are checked: a gap asks the
// host for a fresh snapshot. Acks go back after a batch is applied, which is the host's backpressure signal.
import { createStore, useStore } from 'zustand';
import type { DiffMessage, MonitorStatus, ServerMessage, SnapshotMessage, TickInfo } from '../../shared/protocol.js';
import { DATASETS, TRAFFIC_FIELDS, type Dataset, type Diagnostics, type RowTypes } from '../../shared/types.js';
import { applyDiff } from '../../shared/diff.js';
import { ALERT_TITLES, type Alert } from '../../shared/record.js';
import type { TableChange } from '../../shared/sorted-view.js';
import type { ConnectionState, NetlensClient } from '../api/client.js';

/** How long new and changed rows stay highlighted. */
export const HIGHLIGHT_MS = 3000;

export interface Mark {
  kind: 'new' | 'changed';
  at: number;
}

export interface DatasetState<Row> {
  rows: Map<string, Row>;
  /** Bumped once per applied batch; subscribe to this. */
  version: number;
  /** Sequence number of the last applied message; null while waiting for a snapshot. */
  seq: number | null;
  received: boolean;
  diagnostics: Diagnostics | null;
  tick: TickInfo | null;
  /** The collector's last error, cleared by the next successful message. */
  error: { message: string; at: number } | null;
  /** Rows added or changed recently (client-side arrival time), for TCPView-style highlights. */
  marks: Map<string, Mark>;
  /** What each recent version changed, so views can follow incrementally (SortedView); a snapshot
   *  clears it, which tells views to rebuild. */
  changes: { version: number; change: TableChange<Row> }[];
}

/** How many versions of changes to keep: views more than this far behind rebuild from the table. */
const MAX_CHANGES = 16;

export interface Notice {
  id: number;
  level: 'info' | 'warning' | 'error';
  code: string;
  text: string;
  at: number;
  /** A list the user may expand (the capture formats NetLens knows). */
  details?: { summary: string; items: string[] };
}

const MAX_ALERTS = 100;

export interface DataState {
  datasets: { [D in Dataset]: DatasetState<RowTypes[D]> };
  status: MonitorStatus | null;
  connection: ConnectionState;
  connectionReason: string | null;
  notices: Notice[];
  /** Alerts that arrived while this page was open, newest first (the record keeps them all). */
  alerts: Alert[];
}

function emptyDataset<Row>(): DatasetState<Row> {
  return {
    rows: new Map(),
    version: 0,
    seq: null,
    received: false,
    diagnostics: null,
    tick: null,
    error: null,
    marks: new Map(),
    changes: [],
  };
}

export const dataStore = createStore<DataState>(() => ({
  datasets: Object.fromEntries(DATASETS.map((d) => [d, emptyDataset()])) as DataState['datasets'],
  status: null,
  connection: 'connecting',
  connectionReason: null,
  notices: [],
  alerts: [],
}));

export function useData<T>(selector: (s: DataState) => T): T {
  return useStore(dataStore, selector);
}

/** Fields whose change is news to a person (TCPView marks state changes, not queue churn). */
const QUIET_FIELDS: Partial<Record<Dataset, ReadonlySet<string>>> = {
  connections: new Set(['id', 'recvQ', 'sendQ', 'lastChanged', 'sendRate', 'recvRate', ...TRAFFIC_FIELDS]),
};
/** Datasets whose rows get new/changed highlights. Counters change every tick: they show rates instead. */
const MARKED: ReadonlySet<Dataset> = new Set(['connections', 'routes', 'multicast']);

let noticeId = 0;
/** The monitor's states, each replacing the others: failed (with Retry), retrying, running again. */
const MONITOR_STATES: ReadonlySet<string> = new Set(['monitor-failed', 'monitor-retrying', 'monitor-recovered']);

export function pushNotice(level: Notice['level'], code: string, text: string, details?: Notice['details']): void {
  const notice: Notice = { id: ++noticeId, level, code, text, at: Date.now(), ...(details ? { details } : {}) };
  const replaces = (n: Notice) =>
    (n.code === code && code !== 'rejected') || (MONITOR_STATES.has(code) && MONITOR_STATES.has(n.code));
  dataStore.setState((s) => ({ notices: [...s.notices.filter((n) => !replaces(n)), notice].slice(-5) }));
}

export function dismissNotice(id: number): void {
  dataStore.setState((s) => ({ notices: s.notices.filter((n) => n.id !== id) }));
}

type StreamData = SnapshotMessage | DiffMessage;

interface PendingChange {
  upserts: Map<string, RowTypes[Dataset]>;
  removed: Set<string>;
  /** Rows as they were before the batch, for the ids it touched. */
  previous: Map<string, RowTypes[Dataset]>;
  /** Ids the batch added that did not exist before it. */
  born: Set<string>;
}

/** Wires a client to the store: queues stream messages and applies them once per frame. */
export function connectStore(client: NetlensClient, now: () => number = Date.now): void {
  const queue: StreamData[] = [];
  let scheduled = false;
  const flushChannel = new MessageChannel();
  flushChannel.port1.onmessage = () => flush();

  const flush = () => {
    scheduled = false;
    const batch = queue.splice(0);
    const touched = new Set<Dataset>();
    const pending = new Map<Dataset, PendingChange | 'reset'>();
    const state = dataStore.getState();
    const t = now();
    for (const m of batch) {
      const ds = state.datasets[m.dataset] as DatasetState<RowTypes[Dataset]>;
      if (m.type === 'snapshot') {
        ds.rows = new Map(m.rows.map((r) => [r.id, r]));
        ds.marks.clear();
        ds.seq = m.seq;
        pending.set(m.dataset, 'reset');
      } else {
        if (ds.seq === null) continue; // a resync is on its way
        if (m.seq !== ds.seq + 1) {
          ds.seq = null;
          client.send({ type: 'resync', dataset: m.dataset });
          continue;
        }
        if (MARKED.has(m.dataset)) markChanges(ds, m, t);
        let p = pending.get(m.dataset);
        if (p === undefined)
          pending.set(
            m.dataset,
            (p = { upserts: new Map(), removed: new Set(), previous: new Map(), born: new Set() }),
          );
        if (p !== 'reset') {
          // Remember each touched row as it was before this batch, so views find it by binary search.
          const before = (id: string) => {
            if (p.previous.has(id) || p.born.has(id)) return;
            const old = ds.rows.get(id);
            if (old) p.previous.set(id, old);
            else p.born.add(id);
          };
          for (const id of m.diff.removed) before(id);
          for (const r of m.diff.added) before(r.id);
          for (const c of m.diff.changed) before(c.id);
        }
        applyDiff(ds.rows, m.diff as never);
        ds.seq = m.seq;
        if (p !== 'reset') {
          for (const id of m.diff.removed) {
            p.upserts.delete(id);
            p.removed.add(id);
          }
          for (const r of m.diff.added) p.upserts.set(r.id, r);
          for (const c of m.diff.changed) {
            const now = ds.rows.get(c.id);
            if (now) p.upserts.set(c.id, now);
          }
        }
      }
      ds.received = true;
      ds.diagnostics = m.diagnostics;
      ds.tick = m.tick;
      ds.error = null;
      touched.add(m.dataset);
    }
    if (touched.size === 0) return;
    const datasets = { ...state.datasets };
    for (const d of touched) {
      const ds = datasets[d] as DatasetState<RowTypes[Dataset]>;
      for (const [id, mark] of ds.marks) if (t - mark.at > HIGHLIGHT_MS) ds.marks.delete(id);
      const version = ds.version + 1;
      const p = pending.get(d);
      if (p === 'reset' || p === undefined) ds.changes = [];
      else {
        ds.changes.push({
          version,
          change: { upserts: [...p.upserts.values()], removed: [...p.removed], previous: [...p.previous.values()] },
        });
        if (ds.changes.length > MAX_CHANGES) ds.changes.shift();
      }
      (datasets as Record<Dataset, DatasetState<RowTypes[Dataset]>>)[d] = { ...ds, version };
      if (ds.seq !== null) client.send({ type: 'ack', dataset: d, seq: ds.seq });
    }
    dataStore.setState({ datasets });
  };

  client.onMessage((m: ServerMessage) => {
    switch (m.type) {
      case 'snapshot':
      case 'diff':
        queue.push(m);
        if (!scheduled) {
          scheduled = true;
          // Apply in the next task, not the next frame: the work then overlaps the wait for the frame
          // instead of adding to it. Messages that arrived meanwhile are applied together.
          flushChannel.port2.postMessage(null);
        }
        break;
      case 'status':
        dataStore.setState({ status: m.status });
        break;
      case 'notice':
        pushNotice(m.level, m.code, m.text);
        break;
      case 'alert':
        dataStore.setState((s) => ({ alerts: [m.alert, ...s.alerts].slice(0, MAX_ALERTS) }));
        pushNotice('warning', `alert-${m.alert.kind}`, m.alert.text);
        // The desktop host notifies through Electron (main.ts); a browser through the Notification API, once
        // the user allowed it (the History tab asks when an alert is switched on).
        if (
          client.hostKind === 'browser' &&
          typeof Notification !== 'undefined' &&
          Notification.permission === 'granted'
        ) {
          new Notification(`NetLens: ${ALERT_TITLES[m.alert.kind]}`, {
            body: m.alert.text,
            tag: `netlens-${m.alert.id}`,
          });
        }
        break;
      case 'collectorError': {
        const s = dataStore.getState();
        const ds = s.datasets[m.dataset];
        dataStore.setState({
          datasets: { ...s.datasets, [m.dataset]: { ...ds, error: { message: m.message, at: m.at } } },
        });
        break;
      }
      default:
        break;
    }
  });
  client.onState((connection, reason) => {
    if (connection === 'open') {
      // After a reconnect every dataset starts again from a snapshot.
      const s = dataStore.getState();
      for (const d of DATASETS) s.datasets[d].seq = null;
    }
    dataStore.setState({ connection, connectionReason: reason ?? null });
  });
}

function markChanges(ds: DatasetState<RowTypes[Dataset]>, m: DiffMessage, t: number): void {
  const quiet = QUIET_FIELDS[m.dataset];
  for (const r of m.diff.added) ds.marks.set(r.id, { kind: 'new', at: t });
  for (const id of m.diff.removed) ds.marks.delete(id);
  for (const patch of m.diff.changed) {
    if (quiet && Object.keys(patch).every((k) => quiet.has(k))) continue;
    if ('closedAt' in patch) continue; // closing shows through row.closedAt, in red
    if (ds.marks.get(patch.id)?.kind === 'new') continue;
    ds.marks.set(patch.id, { kind: 'changed', at: t });
  }
}
