// Keyed diffs of row tables: what the monitor sends instead of whole tables, and how a client applies them.
//
// A Diff is applied in a fixed order: `removed`, then `added`, then `changed`. An id may sit in both
// `removed` and `added` only in a merged diff ("removed, then added again": the row is replaced whole).
// A patch carries the id and the fields that changed; a field whose value is `undefined` in a patch was
// deleted from the row (rows of one table are expected to share their keys, so this is rare, and it does not
// survive JSON: producers that send over JSON keep optional fields present, as null).
import type { Diff, RowPatch } from './protocol.js';
import type { ConnectionTraffic } from './types.js';

export interface Keyed {
  id: string;
}

type Table<Row extends Keyed> = ReadonlyMap<string, Row> | readonly Row[];

/** Structural equality for row field values: primitives, arrays and plain objects (as JSON would see them). */
export function valueEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) {
    // NaN equals NaN here: a counter that stays NaN has not changed.
    return Number.isNaN(a) && Number.isNaN(b);
  }
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!valueEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  let count = 0;
  for (const k in ao) {
    if (!(k in bo) || !valueEqual(ao[k], bo[k])) return false;
    count++;
  }
  for (const _ in bo) count--;
  return count === 0;
}

/** Whether two rows carry the same traffic fields (TRAFFIC_FIELDS; not the rates, which the monitor sets),
 *  compared one by one: the common case of a large table's tick, decided without a generic walk. */
export function sameTrafficFields(a: ConnectionTraffic, b: ConnectionTraffic): boolean {
  return (
    a.bytesSent === b.bytesSent &&
    a.bytesReceived === b.bytesReceived &&
    a.bytesAcked === b.bytesAcked &&
    a.bytesRetrans === b.bytesRetrans &&
    a.rttMs === b.rttMs &&
    a.rttVarMs === b.rttVarMs &&
    a.minRttMs === b.minRttMs &&
    a.retrans === b.retrans &&
    a.cwnd === b.cwnd &&
    a.lastSendAt === b.lastSendAt &&
    a.lastRecvAt === b.lastRecvAt &&
    a.segsOut === b.segsOut &&
    a.segsIn === b.segsIn &&
    a.deliveryRate === b.deliveryRate &&
    a.trafficNote === b.trafficNote &&
    (a.skmem === b.skmem || valueEqual(a.skmem, b.skmem))
  );
}

/** The fields of `next` that differ from `prev`, with the id; null when nothing changed. */
export function rowPatch<Row extends Keyed>(prev: Row, next: Row): RowPatch<Row> | null {
  if (prev === next) return null;
  const p = prev as unknown as Record<string, unknown>;
  const n = next as unknown as Record<string, unknown>;
  let patch: Record<string, unknown> | null = null;
  for (const k in n) {
    const nv = n[k];
    const pv = p[k];
    if (nv !== pv && !valueEqual(pv, nv)) (patch ??= { id: next.id })[k] = nv;
  }
  for (const k in p) if (!(k in n)) (patch ??= { id: next.id })[k] = undefined;
  return patch as RowPatch<Row> | null;
}

/** Compares two rows that both have exactly `keys` (none undefined); null when they do not, so the caller
 *  falls back to rowPatch. */
type ShapeCompare = (prev: unknown, next: unknown) => Record<string, unknown> | null | false;

/**
 * Row comparison specialised to one set of keys. Looking fields up by a name the engine sees as a constant is
 * several times faster than a for-in with dynamic keys (50,000 connections: about 3 ms instead of 20), so for
 * each shape met we build a comparer with those names written out. Where code generation is forbidden (a page
 * with a strict CSP), every row takes the generic path.
 */
function compileShape(keys: readonly string[]): ShapeCompare | null {
  const lines = keys.map((k) => {
    const key = JSON.stringify(k);
    return `a = p[${key}]; b = n[${key}];
      if (a === undefined || b === undefined) return false;
      if (a !== b && !eq(a, b)) (c ??= { id: n.id })[${key}] = b;`;
  });
  const count = `let pk = 0; for (const _ in p) pk++; let nk = 0; for (const _ in n) nk++;
    if (pk !== ${keys.length} || nk !== ${keys.length}) return false;`;
  try {
    return new Function('eq', `return function (p, n) { let a, b, c = null; ${lines.join('\n')} ${count} return c; };`)(
      valueEqual,
    ) as ShapeCompare;
  } catch {
    return null;
  }
}

const shapeCache = new Map<string, ShapeCompare | null>();
const MAX_SHAPES = 64;

function shapeOf(row: object): ShapeCompare | null {
  const keys = Object.keys(row);
  const signature = keys.join('\u0000');
  let compare = shapeCache.get(signature);
  if (compare === undefined) {
    if (shapeCache.size >= MAX_SHAPES) return null;
    compare = compileShape(keys);
    shapeCache.set(signature, compare);
  }
  return compare;
}

/**
 * rowPatch, fast for tables whose rows share a few shapes: it keeps the comparer that fitted the last row
 * (rows of one shape come in runs) and looks for another only when that one does not fit.
 */
export class RowComparer {
  private shape: ShapeCompare | null = null;

  patch<Row extends Keyed>(prev: Row, next: Row): RowPatch<Row> | null {
    if (prev === next) return null;
    let patch = this.shape ? this.shape(prev, next) : false;
    if (patch === false) {
      this.shape = shapeOf(next);
      patch = this.shape ? this.shape(prev, next) : false;
      if (patch === false) return rowPatch(prev, next);
    }
    return patch as RowPatch<Row> | null;
  }
}

function toMap<Row extends Keyed>(table: Table<Row>): ReadonlyMap<string, Row> {
  if (!Array.isArray(table)) return table as ReadonlyMap<string, Row>;
  const m = new Map<string, Row>();
  for (const row of table as readonly Row[]) m.set(row.id, row);
  return m;
}

/**
 * What turns `prev` into `next`. Rows are matched by id; a row object that is the same reference in both is
 * taken as unchanged without looking inside. Duplicate ids in an array: the last one wins.
 */
export function diffRows<Row extends Keyed>(prev: Table<Row>, next: Table<Row>): Diff<Row> {
  const before = toMap(prev);
  const after = toMap(next);
  const added: Row[] = [];
  const changed: RowPatch<Row>[] = [];
  const removed: string[] = [];
  let matched = 0;
  const compare = new RowComparer();
  // values() and row.id rather than entries: no [key, value] pair allocated per row.
  for (const row of after.values()) {
    const old = before.get(row.id);
    if (old === undefined) {
      added.push(row);
      continue;
    }
    matched++;
    const patch = compare.patch(old, row);
    if (patch !== null) changed.push(patch);
  }
  if (matched !== before.size) for (const old of before.values()) if (!after.has(old.id)) removed.push(old.id);
  return { added, removed, changed };
}

/** Whether every field a patch names is one of `fields`. */
export function onlyFields(patch: object, fields: ReadonlySet<string>): boolean {
  for (const k in patch) if (!fields.has(k)) return false;
  return true;
}

export function isEmptyDiff(diff: Diff<unknown>): boolean {
  return diff.added.length === 0 && diff.removed.length === 0 && diff.changed.length === 0;
}

/** A new row: `row` with the patch's fields set (and its undefined fields deleted). */
export function patchRow<Row extends Keyed>(row: Row, patch: RowPatch<Row>): Row {
  const out = { ...row } as Record<string, unknown>;
  for (const k in patch) {
    const v = (patch as Record<string, unknown>)[k];
    if (v === undefined) delete out[k];
    else out[k] = v;
  }
  return out as unknown as Row;
}

/**
 * Applies a diff. A Map is updated in place and returned (clients keep one mutable Map per table); an array
 * gives a new array, in the old order with added rows at the end. Row objects are never mutated: a patched row
 * is a new object, so reference checks (React memo) see exactly the rows that changed. An added id that is
 * already present replaces the row; a patch for an unknown id is ignored.
 */
export function applyDiff<Row extends Keyed>(table: Map<string, Row>, diff: Diff<Row>): Map<string, Row>;
export function applyDiff<Row extends Keyed>(table: readonly Row[], diff: Diff<Row>): Row[];
export function applyDiff<Row extends Keyed>(
  table: Map<string, Row> | readonly Row[],
  diff: Diff<Row>,
): Map<string, Row> | Row[] {
  const map = table instanceof Map ? table : new Map(table.map((r) => [r.id, r] as const));
  for (const id of diff.removed) map.delete(id);
  for (const row of diff.added) map.set(row.id, row);
  for (const patch of diff.changed) {
    const old = map.get(patch.id);
    if (old !== undefined) map.set(patch.id, patchRow(old, patch));
  }
  return table instanceof Map ? map : Array.from(map.values());
}

type PendingEntry<Row> =
  | { kind: 'add'; row: Row }
  | { kind: 'remove' }
  | { kind: 'change'; patch: Record<string, unknown> }
  /** Present before, removed, then added again: sent as removed + added. */
  | { kind: 'replace'; row: Row };

/**
 * Diffs folded into one, keyed by row id: what a slow client gets instead of a queue. Its size is the number
 * of distinct rows touched, so it never exceeds the rows present before plus the rows present now, however
 * many diffs went in. Input diffs are never mutated (the monitor shares one diff between clients).
 */
export class PendingDiff<Row extends Keyed> {
  private entries = new Map<string, PendingEntry<Row>>();

  /** Rows touched (what bounds the memory). */
  get size(): number {
    return this.entries.size;
  }

  push(diff: Diff<Row>): void {
    for (const id of diff.removed) this.remove(id);
    for (const row of diff.added) this.add(row);
    for (const patch of diff.changed) this.change(patch);
  }

  private remove(id: string): void {
    const e = this.entries.get(id);
    // An add followed by a remove cancels out: the base never had the row.
    if (e?.kind === 'add') this.entries.delete(id);
    else this.entries.set(id, { kind: 'remove' });
  }

  private add(row: Row): void {
    const e = this.entries.get(row.id);
    if (e === undefined || e.kind === 'add') this.entries.set(row.id, { kind: 'add', row });
    // The base had this row: the new one replaces it whole (a patch could not say which fields went away).
    else this.entries.set(row.id, { kind: 'replace', row });
  }

  private change(patch: RowPatch<Row>): void {
    const e = this.entries.get(patch.id);
    if (e === undefined) this.entries.set(patch.id, { kind: 'change', patch: { ...patch } });
    else if (e.kind === 'change') Object.assign(e.patch, patch);
    else if (e.kind === 'add' || e.kind === 'replace') e.row = patchRow(e.row, patch);
    // A change to a removed row cannot come from a consistent sequence: nothing to apply it to.
  }

  /** The merged diff; the pending state is emptied. */
  take(): Diff<Row> {
    const diff: Diff<Row> = { added: [], removed: [], changed: [] };
    for (const [id, e] of this.entries) {
      if (e.kind === 'add') diff.added.push(e.row);
      else if (e.kind === 'remove') diff.removed.push(id);
      else if (e.kind === 'change') diff.changed.push(e.patch as RowPatch<Row>);
      else {
        diff.removed.push(id);
        diff.added.push(e.row);
      }
    }
    this.entries.clear();
    return diff;
  }
}

/** One diff with the effect of applying `a` then `b` (last state wins; an add then a remove cancels out). */
export function mergeDiffs<Row extends Keyed>(a: Diff<Row>, b: Diff<Row>): Diff<Row> {
  const pending = new PendingDiff<Row>();
  pending.push(a);
  pending.push(b);
  return pending.take();
}
