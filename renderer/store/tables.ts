// The live tables as data, and the one function that moves them forward: applyBatch takes the tables and the
// stream messages that arrived since the last frame and returns the next tables plus what to tell the host
// (a resync for a sequence gap, an ack per dataset advanced). No store, no client, no clock: data.ts wires it
// to those, and the unit tests call it directly.
import type { DiffMessage, SnapshotMessage, StreamMessage, TickInfo } from '../../shared/protocol.js';
import {
  CONNECTION_QUIET_FIELDS,
  DATASETS,
  type Dataset,
  type Diagnostics,
  type RowTypes,
} from '../../shared/types.js';
import { applyDiff, onlyFields } from '../../shared/diff.js';
import type { TableChange } from '../../shared/sorted-view.js';
import { OwnerLists } from './owner-lists.js';

/** How long new and changed rows stay highlighted. */
export const HIGHLIGHT_MS = 3000;

/** How many versions of changes to keep: views more than this far behind rebuild from the table. */
export const MAX_CHANGES = 16;

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
  /** Rows added or changed recently (client-side arrival time), for TCPView-style highlights. Kept in the order
   *  they were marked (a mark set again moves to the end), so that expiry reads only the marks it drops. */
  marks: Map<string, Mark>;
  /** What each recent version changed, so views can follow incrementally (SortedView); a snapshot
   *  clears it, which tells views to rebuild. */
  changes: { version: number; change: TableChange<Row> }[];
  /** Each row's ordinal, in the order rows arrived (a snapshot's in its order, then each new id the next number):
   *  sorted views break ties by it. A removed row keeps its number while a change that removed it is kept in
   *  `changes` (a view following that change looks for the row by it); updated in place, like `rows`. */
  ordinals: Map<string, number>;
  /** The ordinal of the next new id. */
  nextOrdinal: number;
}

export type Tables = { [D in Dataset]: DatasetState<RowTypes[D]> };

export type StreamData = SnapshotMessage | DiffMessage;

/** What applying a batch asks of the host, in the order to send it. */
export type Reply = { type: 'resync'; dataset: Dataset } | { type: 'ack'; dataset: Dataset; seq: number };

/** The replies as messages to send: resyncs first, each on its own; the acks in one message (a tick's datasets
 *  are applied together, and each message crosses the page, the host and its worker). */
export function replyMessages(replies: readonly Reply[]): StreamMessage[] {
  const out: StreamMessage[] = [];
  const acks: { dataset: Dataset; seq: number }[] = [];
  for (const r of replies) {
    if (r.type === 'ack') acks.push({ dataset: r.dataset, seq: r.seq });
    else out.push(r);
  }
  if (acks.length === 1) out.push({ type: 'ack', ...acks[0]! });
  else if (acks.length > 1) out.push({ type: 'acks', acks });
  return out;
}

export function emptyDataset<Row>(): DatasetState<Row> {
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
    ordinals: new Map(),
    nextOrdinal: 0,
  };
}

/** Ordinals for a table's rows, in their order (a snapshot, a capture). */
export function ordinalsOf(rows: readonly { id: string }[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const r of rows) if (!out.has(r.id)) out.set(r.id, out.size);
  return out;
}

export function emptyTables(): Tables {
  return Object.fromEntries(DATASETS.map((d) => [d, emptyDataset()])) as Tables;
}

/** After a reconnect every dataset starts again from a snapshot: diffs until then are ignored. */
export function awaitSnapshots(tables: Tables): Tables {
  return Object.fromEntries(DATASETS.map((d) => [d, { ...tables[d], seq: null }])) as Tables;
}

/** Fields whose change is not news to a person (TCPView marks state changes, not queue churn). */
const QUIET_FIELDS: Partial<Record<Dataset, ReadonlySet<string>>> = { connections: CONNECTION_QUIET_FIELDS };
/** Datasets whose rows get new/changed highlights. Counters change every tick: they show rates instead. */
const MARKED: ReadonlySet<Dataset> = new Set(['connections', 'routes', 'multicast']);

type AnyRow = RowTypes[Dataset];

/** What one dataset's messages in a batch changed, for views that follow changes (SortedView). */
interface PendingChange {
  upserts: Map<string, AnyRow>;
  removed: Set<string>;
  /** Rows as they were before the batch, for the ids it touched. */
  previous: Map<string, AnyRow>;
  /** Ids the batch added that did not exist before it. */
  born: Set<string>;
}

/** One dataset while a batch is applied to it: a copy of its state (sharing the row and mark Maps). */
interface Draft {
  ds: DatasetState<AnyRow>;
  /** Undefined until a diff is applied; 'reset' after a snapshot (views rebuild). */
  change: PendingChange | 'reset' | undefined;
  /** A message was applied (the version moves on). */
  applied: boolean;
}

/**
 * Applies stream messages in order and returns the next tables and the replies for the host. A diff whose
 * sequence number does not follow asks for a resync and is dropped with every later diff of its dataset
 * until the snapshot comes; each dataset a batch advanced gets one new version and one ack.
 *
 * `tables` is not changed, with one exception kept for speed: the row and mark Maps of the datasets the batch
 * touches are updated in place (copying 50,000 rows per diff would cost more than the diff itself) and carried
 * into the result; components follow `version`, not the Maps' identity. A snapshot brings a new Map. When
 * nothing changed, the same `tables` object comes back.
 */
export function applyBatch(
  tables: Tables,
  batch: readonly StreamData[],
  now: number,
): { tables: Tables; replies: Reply[] } {
  const drafts = new Map<Dataset, Draft>();
  const replies: Reply[] = [];
  for (const m of batch) {
    let draft = drafts.get(m.dataset);
    if (!draft) {
      draft = { ds: { ...(tables[m.dataset] as DatasetState<AnyRow>) }, change: undefined, applied: false };
      drafts.set(m.dataset, draft);
    }
    const { ds } = draft;
    if (m.dataset === 'connections') shareOwners(m as SnapshotMessage<'connections'> | DiffMessage<'connections'>);
    if (m.type === 'snapshot') {
      ds.rows = new Map(m.rows.map((r) => [r.id, r]));
      ds.ordinals = ordinalsOf(m.rows);
      ds.nextOrdinal = ds.ordinals.size;
      ds.marks.clear();
      draft.change = 'reset';
    } else {
      if (ds.seq === null) continue; // a resync is on its way
      if (m.seq !== ds.seq + 1) {
        ds.seq = null;
        replies.push({ type: 'resync', dataset: m.dataset });
        continue;
      }
      if (MARKED.has(m.dataset)) markChanges(ds.marks, m, now);
      applyDiffMessage(draft, m);
    }
    ds.seq = m.seq;
    ds.received = true;
    ds.diagnostics = m.diagnostics;
    ds.tick = m.tick;
    ds.error = null;
    draft.applied = true;
  }
  let next: Tables | null = null;
  for (const [d, draft] of drafts) {
    if (draft.applied) {
      finishDraft(draft, now);
      if (draft.ds.seq !== null) replies.push({ type: 'ack', dataset: d, seq: draft.ds.seq });
    } else if (draft.ds.seq === tables[d].seq) continue; // only skipped diffs: nothing changed
    next ??= { ...tables };
    (next as Record<Dataset, DatasetState<AnyRow>>)[d] = draft.ds;
  }
  return { tables: next ?? tables, replies };
}

/** The connections' owner lists, one per distinct list (owner-lists.ts): started again by each snapshot. */
const owners = new OwnerLists();

/** Gives the rows and patches of a connections message the owner lists the page already holds for the same
 *  processes. The message's rows are the store's from here on (parsed for it): their lists are swapped in place. */
function shareOwners(m: SnapshotMessage<'connections'> | DiffMessage<'connections'>): void {
  if (m.type === 'snapshot') {
    owners.clear();
    for (const r of m.rows) r.processes = owners.share(r.processes);
    return;
  }
  for (const r of m.diff.added) r.processes = owners.share(r.processes);
  for (const c of m.diff.changed) if (c.processes !== undefined) c.processes = owners.share(c.processes);
}

/** Applies one diff to the draft's rows, remembering what it changed for the views. */
function applyDiffMessage(draft: Draft, m: DiffMessage): void {
  const rows = draft.ds.rows;
  if (draft.change === undefined)
    draft.change = { upserts: new Map(), removed: new Set(), previous: new Map(), born: new Set() };
  const p = draft.change;
  if (p !== 'reset') {
    // Remember each touched row as it was before this batch, so views find it by binary search.
    const before = (id: string) => {
      if (p.previous.has(id) || p.born.has(id)) return;
      const old = rows.get(id);
      if (old) p.previous.set(id, old);
      else p.born.add(id);
    };
    for (const id of m.diff.removed) before(id);
    for (const r of m.diff.added) before(r.id);
    for (const c of m.diff.changed) before(c.id);
  }
  applyDiff(rows, m.diff as never);
  const ordinals = draft.ds.ordinals;
  for (const r of m.diff.added) if (!ordinals.has(r.id)) ordinals.set(r.id, draft.ds.nextOrdinal++);
  if (p === 'reset') return;
  for (const id of m.diff.removed) {
    p.upserts.delete(id);
    p.removed.add(id);
  }
  for (const r of m.diff.added) {
    // Removed by an earlier diff of the batch and back: a row the change replaces, not one it removes.
    p.removed.delete(r.id);
    p.upserts.set(r.id, r);
  }
  for (const c of m.diff.changed) {
    const row = rows.get(c.id);
    if (row) p.upserts.set(c.id, row);
  }
}

/** A new version: expired highlights dropped, the batch's change recorded (or the list cleared after a reset). */
function finishDraft(draft: Draft, now: number): void {
  const ds = draft.ds;
  // The oldest marks first: stop at the first still shown (at 500 changes a tick some 3,000 marks are live, and
  // reading them all every tick cost more than the tick's own marks). A mark from after `now` (the clock went
  // back) goes too, so that it cannot hold back the expiry of those behind it.
  for (const [id, mark] of ds.marks) {
    const age = now - mark.at;
    if (age >= 0 && age <= HIGHLIGHT_MS) break;
    ds.marks.delete(id);
  }
  ds.version += 1;
  const p = draft.change;
  // (A snapshot brought new ordinals: the changes before it were of the old rows.)
  let dropped: DatasetState<AnyRow>['changes'] = p === 'reset' ? [] : ds.changes;
  if (p === 'reset' || p === undefined) ds.changes = [];
  else {
    const change = {
      upserts: [...p.upserts.values()],
      removed: [...p.removed],
      previous: [...p.previous.values()],
      previousById: p.previous,
    };
    const kept = [...ds.changes, { version: ds.version, change }];
    dropped = kept.slice(0, Math.max(0, kept.length - MAX_CHANGES));
    ds.changes = kept.slice(-MAX_CHANGES);
  }
  // The ordinals of rows removed by a change no longer kept go: no view looks for those rows any more.
  for (const c of dropped) for (const id of c.change.removed) if (!ds.rows.has(id)) ds.ordinals.delete(id);
}

/** Marks the diff's rows, each moved to the end of `marks` (their order is the order of their times). */
function markChanges(marks: Map<string, Mark>, m: DiffMessage, t: number): void {
  const quiet = QUIET_FIELDS[m.dataset];
  for (const r of m.diff.added) {
    marks.delete(r.id);
    marks.set(r.id, { kind: 'new', at: t });
  }
  for (const id of m.diff.removed) marks.delete(id);
  for (const patch of m.diff.changed) {
    if (quiet && onlyFields(patch, quiet)) continue;
    if ('closedAt' in patch) continue; // closing shows through row.closedAt, in red
    const was = marks.get(patch.id);
    if (was?.kind === 'new') continue;
    if (was !== undefined) marks.delete(patch.id);
    marks.set(patch.id, { kind: 'changed', at: t });
  }
}
