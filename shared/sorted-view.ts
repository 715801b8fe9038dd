// A filtered, sorted view of a keyed table that follows the table's changes incrementally, at a cost in
// proportion to the rows a change touches, not to the rows the view holds. At 50,000 rows a full filter-and-sort
// costs tens of milliseconds, and even one pass over every row (copying the rows into their new order) costs a
// millisecond and a few megabytes of garbage a tick; a tick that changes 1% of the rows here does a few hundred
// binary searches and splices into chunks of a few hundred rows.
//
// The order is kept in chunks (ids and sort keys, position for position): a row is found by binary search over
// the chunks' last rows, then within its chunk; it joins or leaves by a splice of its chunk. A changed row whose
// sort keys are the same (most changes of a live table: queues, counters, a state under another sort) keeps its
// place with no search at all: the view holds the rows by id, and replaces the object. Ties are broken by the
// rows' ordinals when the table gives them (a number per row: a live table numbers its rows as they arrive, so
// equal keys keep their order of arrival, and a tie costs a comparison of two numbers where two ids cost a string
// comparison of their long shared prefixes from cold memory), else by id; either way the order is total and the
// incremental result equals a full rebuild exactly.
//
// A rebuild (a click on a header, a new filter) can put only the first rows in order at once, about a screen of a
// grid at its top (resetFirst: a bounded heap picks them in one pass), and the rest in a task after the frame that
// shows them, or at the first read that needs them; at 50,000 rows the whole sort and its chunks wait.
//
// Sort keys are computed once per row (rows are immutable: a changed row is a new object) and kept beside the
// ids; a comparison reads array slots, not the rows (a Map of keys by row cost more than the comparisons).

export type SortKey = number | string | null;

export interface SortSpec {
  /** Key of a row for this sort level. */
  key?: (row: never) => SortKey;
  /** Or a comparator of its own (addresses in address order). */
  compare?: (a: never, b: never) => number;
  desc: boolean;
}

export interface TableChange<Row> {
  /** Rows added or changed (their new objects). */
  upserts: Row[];
  /** Ids of rows removed (an id is in `upserts` or here, not both). */
  removed: string[];
  /** The objects the changed and removed rows had before this change (for views that need them; SortedView
   *  knows its own rows by id). */
  previous?: Row[];
  /** The same by id, when the table has them so (a view need not make the map itself). */
  previousById?: ReadonlyMap<string, Row>;
}

/** Rows in order, read by position: what a grid draws from (it reads only the rows on screen). */
export interface RowList<Row> {
  readonly length: number;
  /** The row at `index` (0 ≤ index < length). */
  at(index: number): Row | undefined;
  /** The position of the row with this id, or -1. */
  indexOfId(id: string): number;
  /** Whether the row with this id is in the list (no search of its place: a selection's count at each tick). */
  has(id: string): boolean;
  /** Every row, in order (a pass over all of them: for an export, a selection, a copy). */
  all(): Row[];
}

/** A RowList over an array. */
export function arrayList<Row extends { id: string }>(rows: readonly Row[]): RowList<Row> {
  let ids: Set<string> | null = null;
  return {
    length: rows.length,
    at: (i) => rows[i],
    indexOfId: (id) => rows.findIndex((r) => r.id === id),
    has: (id) => (ids ??= new Set(rows.map((r) => r.id))).has(id),
    all: () => rows as Row[],
  };
}

/** A run of the view's order: ids[i], ords[i] (the rows' ordinals; empty without them) and keys[level][i] (empty
 *  for a level with a comparator) of its rows. */
interface Chunk {
  ids: string[];
  ords: number[];
  keys: SortKey[][];
}

/** A row being placed: its id, keys by level, and the row (for levels with a comparator). */
interface Probe<Row> {
  id: string;
  /** Its ordinal (0 without them). */
  ord: number;
  keys: SortKey[];
  row: Row;
}

/** Rows being put in order: their keys by level, ids and ordinals (null without them) by position in `rows`, and
 *  the comparator of two positions (total: ties end at the ids). */
interface Prepared<Row> {
  rows: Row[];
  keys: SortKey[][];
  ids: string[];
  ords: number[] | null;
  order: (x: number, y: number) => number;
}

/** The rows a view holds, in no particular order, with their ids and ordinals (null without them) position for
 *  position: what a view of another sort over the same rows and filter starts from. Never changed in place. */
export interface HeldRows<Row> {
  rows: readonly Row[];
  ids: readonly string[];
  ords: readonly number[] | null;
}

/** The positions 0..n-1 of the `k` least by `compare`, in its order: a bounded heap of the best so far (its root
 *  the worst of them), so one comparison for most positions; the same as the first k of a whole sort when
 *  `compare` is a total order. */
export function firstInOrder(n: number, k: number, compare: (x: number, y: number) => number): number[] {
  const heap: number[] = [];
  const down = (from: number) => {
    let i = from;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= heap.length) return;
      const r = l + 1;
      const worse = r < heap.length && compare(heap[r]!, heap[l]!) > 0 ? r : l;
      if (compare(heap[worse]!, heap[i]!) <= 0) return;
      [heap[i], heap[worse]] = [heap[worse]!, heap[i]!];
      i = worse;
    }
  };
  for (let x = 0; x < n; x++) {
    if (heap.length < k) {
      heap.push(x);
      let i = heap.length - 1;
      while (i > 0) {
        const parent = (i - 1) >>> 1;
        if (compare(heap[i]!, heap[parent]!) <= 0) break;
        [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
        i = parent;
      }
    } else if (k > 0 && compare(x, heap[0]!) < 0) {
      heap[0] = x;
      down(0);
    }
  }
  return heap.sort(compare);
}

/** Rows per chunk: a chunk splits in two past twice this, and joins its neighbour when both are small. */
const CHUNK = 256;
/** A change touching more rows than this and more than a quarter of the view sorts what stays and what comes
 *  once, instead of placing each row. */
const BULK = 256;

/** The order of two sort keys of one level: empty values (null) last whatever the direction, as spreadsheets
 *  do; 0 when equal (the next level, then the id, decides). */
function compareKeys(x: SortKey, y: SortKey, desc: boolean): number {
  if (x === y) return 0;
  if (x === null) return 1;
  if (y === null) return -1;
  return x < y !== desc ? -1 : 1;
}

/** The order of two ids: the last tie-break, so that rows with equal keys (and ordinals) keep one order. */
function compareIds(a: string, b: string): number {
  return a === b ? 0 : a < b ? -1 : 1;
}

export class SortedView<Row extends { id: string }> {
  private chunks: Chunk[] = [];
  /** starts[c]: the position of chunks[c]'s first row; valid while !startsDirty. */
  private starts: number[] = [];
  private startsDirty = false;
  /** The rows in the view by id, kept by the view (made at its first change) unless the table's own lookup
   *  was given. */
  private own: Map<string, Row> | null = null;
  /** The row of an id: the table's (given), or the view's own. */
  private readonly rowOf: (id: string) => Row | undefined;
  private readonly tableLookup: boolean;
  private count = 0;
  /** The rows in order, while known without a pass (after a reset, or once asked for). */
  private flat: Row[] | null = [];
  private snapshot: RowList<Row> | null = null;
  /** After `resetFirst`: what the whole order is made from, and the first rows already in order. */
  private pending: { prepared: Prepared<Row>; head: Row[] } | null = null;
  /** What the last sort was made from (the filter's rows in the table's order), until a change: what `held` gives
   *  (another sort then starts from the order a sort from the table would, not from this one's). */
  private sortedFrom: HeldRows<Row> | null = null;
  private readonly keyFns: (((row: Row) => SortKey) | undefined)[];
  private readonly levels: number;
  private readonly keysOnly: boolean;
  private readonly chunkSize: number;
  /** The rows' ordinals by id (given), or null: ties by id. */
  private readonly ordOf: ((id: string) => number) | null;

  constructor(
    private readonly specs: readonly SortSpec[],
    private readonly predicate: (row: Row) => boolean,
    /** Rows per chunk (tests make it small, so that chunks split and join). */
    chunkSize = CHUNK,
    /** The table's rows by id, always at the version the view follows (a live table's Map): the view then keeps no
     *  map of its own (at 50,000 rows, making one cost a sort several milliseconds), and a changed row whose keys
     *  are the same costs nothing. A change must then carry `previous`. Not used with a comparator level (its
     *  searches compare rows, which must be the versions the view placed). */
    lookup?: (id: string) => Row | undefined,
    /** Each row's ordinal, the tie-break of rows with equal keys (a live table's order of arrival): it must give an
     *  id the same number for as long as the view may hold or look for that id (a removed row included, until the
     *  view has followed that change). Ids with equal or no ordinals fall back to the order of their ids. */
    ordinal?: (id: string) => number | undefined,
  ) {
    this.keyFns = specs.map((s) => (s.compare ? undefined : (s.key as ((r: Row) => SortKey) | undefined)));
    this.levels = specs.length;
    this.keysOnly = this.keyFns.every((f) => f !== undefined);
    this.chunkSize = Math.max(2, chunkSize);
    this.tableLookup = lookup !== undefined && this.keysOnly;
    this.rowOf = this.tableLookup ? lookup! : (id) => this.ownMap().get(id);
    this.ordOf = ordinal ? (id) => ordinal(id) ?? -1 : null;
  }

  /** The view's own map of its rows, made when first needed. */
  private ownMap(): Map<string, Row> {
    this.settle();
    if (this.own === null) {
      const map = new Map<string, Row>();
      // Made when the view holds its rows as an array (after a sort): there is no map to read them from yet.
      for (const r of this.flat ?? []) map.set(r.id, r);
      this.own = map;
    }
    return this.own;
  }

  /** The rows of the view, in order (an array made once per change, when asked for: a pass over every row). */
  get rows(): Row[] {
    this.settle();
    if (this.flat === null) {
      const out = new Array<Row>(this.count);
      let o = 0;
      for (const c of this.chunks) for (const id of c.ids) out[o++] = this.rowOf(id)!;
      this.flat = out;
    }
    return this.flat;
  }

  /** The rows of the view as a RowList: a new object after each change (so that a memoized grid sees it). */
  get list(): RowList<Row> {
    if (this.snapshot === null) {
      const length = this.count;
      this.snapshot = {
        length,
        at: (i) => this.at(i),
        indexOfId: (id) => this.indexOfId(id),
        has: (id) => {
          const row = this.rowOf(id);
          return row !== undefined && this.predicate(row);
        },
        all: () => this.rows,
      };
    }
    return this.snapshot;
  }

  get length(): number {
    return this.count;
  }

  /** The row at position `index`. */
  at(index: number): Row | undefined {
    if (index < 0 || index >= this.count) return undefined;
    if (this.pending !== null) {
      if (index < this.pending.head.length) return this.pending.head[index];
      this.settle();
    }
    if (this.flat !== null) return this.flat[index];
    const starts = this.chunkStarts();
    // The last chunk starting at or before index.
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (starts[mid]! <= index) lo = mid;
      else hi = mid - 1;
    }
    return this.rowOf(this.chunks[lo]!.ids[index - starts[lo]!]!);
  }

  /** The position of the row with this id in the view, or -1. */
  indexOfId(id: string): number {
    this.settle();
    const row = this.rowOf(id);
    if (row === undefined || !this.predicate(row)) return -1;
    const found = this.find(this.probe(row));
    if (found === null) return -1;
    return this.chunkStarts()[found.c]! + found.i;
  }

  private chunkStarts(): number[] {
    if (this.startsDirty || this.starts.length !== this.chunks.length) {
      const starts = new Array<number>(this.chunks.length);
      let s = 0;
      for (let c = 0; c < this.chunks.length; c++) {
        starts[c] = s;
        s += this.chunks[c]!.ids.length;
      }
      this.starts = starts;
      this.startsDirty = false;
    }
    return this.starts;
  }

  private probe(row: Row): Probe<Row> {
    const keys = new Array<SortKey>(this.levels);
    for (let l = 0; l < this.levels; l++) {
      const f = this.keyFns[l];
      keys[l] = f ? f(row) : null;
    }
    return { id: row.id, ord: this.ordOf ? this.ordOf(row.id) : 0, keys, row };
  }

  /** The order of the view's row at chunks[c] position i against the probe p: < 0 before it, > 0 after. */
  private compareAt(chunk: Chunk, i: number, p: Probe<Row>): number {
    for (let l = 0; l < this.levels; l++) {
      const s = this.specs[l]!;
      if (s.compare) {
        const d = (s.compare as (x: Row, y: Row) => number)(this.rowOf(chunk.ids[i]!)!, p.row);
        if (d !== 0) return s.desc ? -d : d;
        continue;
      }
      const d = compareKeys(chunk.keys[l]![i]!, p.keys[l]!, s.desc);
      if (d !== 0) return d;
    }
    if (this.ordOf !== null) {
      const o = chunk.ords[i]!;
      if (o !== p.ord) return o < p.ord ? -1 : 1;
    }
    return compareIds(chunk.ids[i]!, p.id);
  }

  /** Where the probe goes: the chunk and the position in it of the first row not ordered before it. */
  private lowerBound(p: Probe<Row>): { c: number; i: number } {
    const chunks = this.chunks;
    // The first chunk whose last row is not before the probe.
    let lo = 0;
    let hi = chunks.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const ch = chunks[mid]!;
      if (this.compareAt(ch, ch.ids.length - 1, p) < 0) lo = mid + 1;
      else hi = mid;
    }
    if (lo === chunks.length) {
      // After every row: the end of the last chunk.
      const c = chunks.length - 1;
      return { c, i: c < 0 ? 0 : chunks[c]!.ids.length };
    }
    const ch = chunks[lo]!;
    let a = 0;
    let b = ch.ids.length - 1;
    while (a < b) {
      const mid = (a + b) >>> 1;
      if (this.compareAt(ch, mid, p) < 0) a = mid + 1;
      else b = mid;
    }
    return { c: lo, i: a };
  }

  /** The place of the view's row `p` stands for (its id, with the keys it had when it joined), or null when it
   *  is not where those keys put it (keys that read something else than the row, such as host names, moved). */
  private find(p: Probe<Row>): { c: number; i: number } | null {
    const at = this.lowerBound(p);
    const ch = this.chunks[at.c];
    if (ch !== undefined && ch.ids[at.i] === p.id) return at;
    // Not where its keys say: look for it row by row.
    for (let c = 0; c < this.chunks.length; c++) {
      const i = this.chunks[c]!.ids.indexOf(p.id);
      if (i >= 0) return { c, i };
    }
    return null;
  }

  private insert(p: Probe<Row>): void {
    if (this.chunks.length === 0) {
      this.chunks.push({
        ids: [p.id],
        ords: this.ordOf ? [p.ord] : [],
        keys: p.keys.map((k, l) => (this.keyFns[l] ? [k] : [])),
      });
      this.own?.set(p.id, p.row);
      this.count = 1;
      this.startsDirty = true;
      return;
    }
    const { c, i } = this.lowerBound(p);
    const ch = this.chunks[c]!;
    ch.ids.splice(i, 0, p.id);
    if (this.ordOf) ch.ords.splice(i, 0, p.ord);
    for (let l = 0; l < this.levels; l++) if (this.keyFns[l]) ch.keys[l]!.splice(i, 0, p.keys[l]!);
    this.own?.set(p.id, p.row);
    this.count++;
    if (ch.ids.length > 2 * this.chunkSize) {
      // Split in two.
      const half = ch.ids.length >>> 1;
      const next: Chunk = {
        ids: ch.ids.splice(half),
        ords: ch.ords.splice(half),
        keys: ch.keys.map((k) => k.splice(half)),
      };
      this.chunks.splice(c + 1, 0, next);
    }
    this.startsDirty = true;
  }

  private removeAt(c: number, i: number): void {
    const ch = this.chunks[c]!;
    const id = ch.ids[i]!;
    ch.ids.splice(i, 1);
    if (this.ordOf) ch.ords.splice(i, 1);
    for (let l = 0; l < this.levels; l++) if (this.keyFns[l]) ch.keys[l]!.splice(i, 1);
    this.own?.delete(id);
    this.count--;
    if (ch.ids.length === 0) this.chunks.splice(c, 1);
    else if (ch.ids.length < this.chunkSize >>> 2) {
      // Join a small chunk to a neighbour when the two fit in one.
      const n = c + 1 < this.chunks.length ? c + 1 : c - 1;
      const other = this.chunks[n];
      if (other !== undefined && other.ids.length + ch.ids.length <= this.chunkSize) {
        const [first, second] = n > c ? [ch, other] : [other, ch];
        first.ids.push(...second.ids);
        first.ords.push(...second.ords);
        for (let l = 0; l < first.keys.length; l++) first.keys[l]!.push(...second.keys[l]!);
        this.chunks.splice(Math.max(c, n), 1);
      }
    }
    this.startsDirty = true;
  }

  /** Takes the view's row `old` out. */
  private remove(old: Row): void {
    const at = this.find(this.probe(old));
    if (at !== null) this.removeAt(at.c, at.i);
    else this.own?.delete(old.id);
  }

  /** The keys, ids and ordinals of `rows`, and the comparator of their positions that orders them (the ids and
   *  ordinals of another view's `held` when given, position for position). */
  private prepare(rows: Row[], given?: HeldRows<Row>): Prepared<Row> {
    const n = rows.length;
    const keys = this.keyFns.map((f) => (f ? rows.map(f) : []));
    const ids = (given?.ids as string[] | undefined) ?? rows.map((r) => r.id);
    const ordOf = this.ordOf;
    const ords = ordOf ? ((given?.ords as number[] | null | undefined) ?? ids.map(ordOf)) : null;
    // The tie-break before the ids: the ordinals, or all equal without them (one comparator either way).
    const ties: ArrayLike<number> = ords ?? new Uint8Array(n);
    const only = this.levels === 1 && this.keysOnly ? this.specs[0]! : null;
    let order: (x: number, y: number) => number;
    if (only) {
      // One level with keys, what a click on a header makes: compareKeys written out, since this comparator runs
      // about 800,000 times at 50,000 rows (the call measured 5-16 % slower here, bench of 12-01).
      const k = keys[0]!;
      const desc = only.desc;
      order = (x, y) => {
        const p = k[x]!;
        const q = k[y]!;
        if (p === q) return ties[x]! - ties[y]! || compareIds(ids[x]!, ids[y]!);
        if (p === null) return 1;
        if (q === null) return -1;
        return p < q !== desc ? -1 : 1;
      };
    } else
      order = (x, y) => {
        for (let l = 0; l < this.levels; l++) {
          const s = this.specs[l]!;
          let d: number;
          if (s.compare) {
            d = (s.compare as (p: Row, q: Row) => number)(rows[x]!, rows[y]!);
            if (s.desc) d = -d;
          } else d = compareKeys(keys[l]![x]!, keys[l]![y]!, s.desc);
          if (d !== 0) return d;
        }
        return ties[x]! - ties[y]! || compareIds(ids[x]!, ids[y]!);
      };
    return { rows, keys, ids, ords, order };
  }

  /** `rows` sorted, with their keys, as chunks; with `first` well below their number, only the first `first`
   *  rows are put in order now (what a grid at its top draws) and the rest when `settle` is called or a read
   *  needs them. */
  private build(rows: Row[], first = Number.POSITIVE_INFINITY, given?: HeldRows<Row>): void {
    const prepared = this.prepare(rows, given);
    this.own = null;
    this.count = rows.length;
    this.startsDirty = true;
    this.snapshot = null;
    if (first * 4 <= rows.length) {
      this.chunks = [];
      this.flat = null;
      this.sortedFrom = null;
      this.pending = { prepared, head: firstInOrder(rows.length, first, prepared.order).map((i) => rows[i]!) };
      return;
    }
    this.pending = null;
    this.place(prepared);
  }

  /** Sorts what `prepare` made and keeps it as chunks. */
  private place({ rows, keys, ids, ords, order: compare }: Prepared<Row>): void {
    const n = rows.length;
    const order = new Array<number>(n);
    for (let i = 0; i < n; i++) order[i] = i;
    order.sort(compare);
    this.sortedFrom = { rows, ids, ords };
    const sorted = new Array<Row>(n);
    const chunks: Chunk[] = [];
    for (let from = 0; from < n; from += this.chunkSize) {
      const to = Math.min(n, from + this.chunkSize);
      const ch: Chunk = {
        ids: new Array(to - from),
        ords: ords ? new Array(to - from) : [],
        keys: this.keyFns.map((f) => (f ? new Array(to - from) : [])),
      };
      for (let i = from; i < to; i++) {
        const j = order[i]!;
        const r = rows[j]!;
        sorted[i] = r;
        ch.ids[i - from] = ids[j]!;
        if (ords) ch.ords[i - from] = ords[j]!;
        for (let l = 0; l < this.levels; l++) if (this.keyFns[l]) ch.keys[l]![i - from] = keys[l]![j]!;
      }
      chunks.push(ch);
    }
    this.chunks = chunks;
    this.startsDirty = true;
    this.flat = sorted;
  }

  /** Whether rows past the first few wait to be put in order (after `resetFirst`). */
  get unsettled(): boolean {
    return this.pending !== null;
  }

  /** Puts every row in order, if `resetFirst` left some waiting (reads that need them do it themselves). */
  settle(): void {
    const p = this.pending;
    if (p === null) return;
    this.pending = null;
    this.place(p.prepared);
  }

  /** Rebuilds from every row of the table: what a click on a header costs. */
  reset(all: Iterable<Row>): Row[] {
    this.build(this.shownOf(all));
    return this.flat!;
  }

  /** The same, but only the first `first` rows are put in order now (about a screen of a grid at its top): the
   *  rest wait for `settle`, or for the first read that needs them (a row past them, a row's place, every row,
   *  a change). At 50,000 rows the whole sort and its chunks are about half of a click on a header, and the
   *  first frame shows only the first rows. */
  resetFirst(all: Iterable<Row>, first: number): void {
    this.build(this.shownOf(all), Math.max(1, first));
  }

  /** `resetFirst` from another view's `held` rows, taken as they are: that view's table, filter and ordinals must
   *  be this one's (a new sort of the same rows). No pass of the filter over the table, no ordinal looked up:
   *  at 50,000 rows about a third of what a click on a header costs before its frame. */
  resetFirstFrom(held: HeldRows<Row>, first: number): void {
    this.build(held.rows as Row[], Math.max(1, first), held);
  }

  /** The rows the view holds, in no particular order, with their ids and ordinals: as its last sort took them,
   *  until a change; after one, in their order (a pass over the chunks, with no lookup of an ordinal). */
  held(): HeldRows<Row> {
    if (this.pending !== null) {
      const { rows, ids, ords } = this.pending.prepared;
      return { rows, ids, ords };
    }
    if (this.sortedFrom !== null) return this.sortedFrom;
    const n = this.count;
    const rows = this.flat ?? new Array<Row>(n);
    const fill = this.flat === null;
    const ids = new Array<string>(n);
    const ords = this.ordOf ? new Array<number>(n) : null;
    let o = 0;
    for (const c of this.chunks) {
      for (let i = 0; i < c.ids.length; i++, o++) {
        const id = c.ids[i]!;
        ids[o] = id;
        if (ords) ords[o] = c.ords[i]!;
        if (fill) rows[o] = this.rowOf(id)!;
      }
    }
    return { rows, ids, ords };
  }

  private shownOf(all: Iterable<Row>): Row[] {
    const rows: Row[] = [];
    for (const r of all) if (this.predicate(r)) rows.push(r);
    return rows;
  }

  /** Follows one change of the table; returns the new rows array (a new object when anything changed). */
  update(change: TableChange<Row>): Row[] {
    this.follow(change);
    return this.rows;
  }

  /** Follows one change of the table, at a cost in proportion to the rows it touches; `list` is then a new
   *  object when anything changed. */
  follow(change: TableChange<Row>): void {
    const { upserts, removed } = change;
    if (upserts.length === 0 && removed.length === 0) return;
    this.settle();
    // The version of a touched row the view holds, if it holds one: its own map's, or (with the table's lookup,
    // which already has the new versions) the previous version, when the filter kept it.
    let held: (id: string) => Row | undefined;
    if (this.tableLookup) {
      if (change.previous === undefined) {
        this.rebuild(change);
        return;
      }
      let before = change.previousById;
      if (before === undefined) {
        const made = new Map<string, Row>();
        for (const r of change.previous) made.set(r.id, r);
        before = made;
      }
      const was = before;
      held = (id) => {
        const r = was.get(id);
        return r !== undefined && this.predicate(r) ? r : undefined;
      };
    } else {
      const own = this.ownMap();
      held = (id) => own.get(id);
    }
    const touched = upserts.length + removed.length;
    if (touched > BULK && touched * 4 > this.count) {
      this.rebuild(change);
      return;
    }
    this.flat = null;
    this.snapshot = null;
    this.sortedFrom = null;
    for (const id of removed) {
      const old = held(id);
      if (old !== undefined) this.remove(old);
    }
    for (const r of upserts) {
      const old = held(r.id);
      if (old !== undefined) {
        if (this.keysOnly && this.predicate(r) && this.sameKeys(old, r)) {
          // Same keys, same id: the same place.
          this.own?.set(r.id, r);
          continue;
        }
        this.remove(old);
      }
      if (this.predicate(r)) this.insert(this.probe(r));
    }
  }

  /** Follows a change of a good part of the table (or one that does not say what its rows were): one sort of what
   *  stays and what comes. */
  private rebuild(change: TableChange<Row>): void {
    const gone = new Set(change.removed);
    for (const r of change.upserts) gone.add(r.id);
    const rows: Row[] = [];
    for (const c of this.chunks) {
      for (const id of c.ids) {
        if (gone.has(id)) continue;
        // The table's lookup is at the last of the changes a view behind by several follows: a row a later one
        // removes is gone from it already (that change then finds nothing to take out).
        const r = this.rowOf(id);
        if (r !== undefined) rows.push(r);
      }
    }
    for (const r of change.upserts) if (this.predicate(r)) rows.push(r);
    this.build(rows);
  }

  private sameKeys(a: Row, b: Row): boolean {
    for (let l = 0; l < this.levels; l++) {
      const f = this.keyFns[l]!;
      if (f(a) !== f(b)) return false;
    }
    return true;
  }
}
