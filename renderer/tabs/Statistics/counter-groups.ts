// How netstat -s orders and names its sections, and the per-row facts the Statistics tab derives on each
// tick: the delta since the user's baseline, whether the counter moved, whether an error counter rose.
import type { Counter } from '../../../shared/types.js';
import { sameFields } from '../../store/keep-same.js';

/** netstat -s prints /proc/net/snmp (Ip, Icmp, IcmpMsg, Tcp, Udp, UdpLite), then /proc/net/netstat
 *  (TcpExt, IpExt, MPTcpExt); IPv6 and socket summaries follow. */
export const GROUP_ORDER = [
  'Ip',
  'Icmp',
  'IcmpMsg',
  'Tcp',
  'Udp',
  'UdpLite',
  'TcpExt',
  'IpExt',
  'MPTcpExt',
  'Ip6',
  'Icmp6',
  'Udp6',
  'UdpLite6',
  'Sockets',
  'Sockets6',
] as const;

export const GROUP_TITLE: Record<string, string> = {
  Ip: 'IPv4',
  Icmp: 'ICMP',
  IcmpMsg: 'ICMP messages by type',
  Tcp: 'TCP',
  Udp: 'UDP',
  UdpLite: 'UDP-Lite',
  TcpExt: 'TCP extensions',
  IpExt: 'IP extensions',
  MPTcpExt: 'Multipath TCP',
  Ip6: 'IPv6',
  Icmp6: 'ICMPv6',
  Udp6: 'UDP over IPv6',
  UdpLite6: 'UDP-Lite over IPv6',
  Sockets: 'Sockets in use (sockstat)',
  Sockets6: 'IPv6 sockets in use (sockstat6)',
};

const RANK = new Map<string, number>(GROUP_ORDER.map((g, i) => [g, i]));

/** Known sections in netstat's order, unknown ones after them alphabetically. */
export function compareGroups(a: string, b: string): number {
  const ra = RANK.get(a) ?? GROUP_ORDER.length;
  const rb = RANK.get(b) ?? GROUP_ORDER.length;
  return ra - rb || (a < b ? -1 : a > b ? 1 : 0);
}

export interface StatRow extends Counter {
  /** value − baseline value; null without a baseline (a capture) and for gauges. */
  delta: number | null;
  /** Changed since the previous tick. */
  moved: boolean;
  /** An error counter that rose within the last few seconds. */
  alarm: boolean;
}

export interface Baseline {
  at: number;
  values: Map<string, number>;
}

export function takeBaseline(rows: Iterable<Counter>, at: number): Baseline {
  const values = new Map<string, number>();
  for (const r of rows) values.set(r.id, r.value);
  return { at, values };
}

/** Counters first seen after the baseline (a module loaded later) start their delta where they appeared. */
export function extendBaseline(b: Baseline, rows: Iterable<Counter>): void {
  for (const r of rows) if (!b.values.has(r.id)) b.values.set(r.id, r.value);
}

/** Case-insensitive match on the name, the section or the description. */
export function counterMatches(row: Counter, needle: string): boolean {
  if (!needle) return true;
  const n = needle.toLowerCase();
  return (
    row.name.toLowerCase().includes(n) ||
    row.group.toLowerCase().includes(n) ||
    (GROUP_TITLE[row.group]?.toLowerCase().includes(n) ?? false) ||
    (row.description?.toLowerCase().includes(n) ?? false)
  );
}

/** How long an error counter's rise stays highlighted: long enough to be seen at any refresh interval. */
export const ALARM_MS = 10_000;
/** Readings further apart than this many refresh intervals are not compared (CounterWatch.observe). */
const GAP_TICKS = 3;

/**
 * Follows the counters tick by tick: what moved since the previous tick and when each error counter last
 * rose. Keyed on the tick time so a re-render never counts as a tick.
 */
export class CounterWatch {
  private previous = new Map<string, number>();
  private movedIds = new Set<string>();
  private roseAt = new Map<string, number>();
  private lastTick = -Infinity;

  /** `intervalMs`: the refresh interval. Two readings more than GAP_TICKS intervals apart (the reading a page is sent
   *  as it starts showing the counters is the host's last, made whenever a page last showed them; a pause) are not
   *  compared: a rise over that gap would be highlighted as rising while the figures on screen, counted from the
   *  baseline the next reading makes, say 0 (new user's review of 12-05). */
  observe(tickAt: number, rows: Iterable<Counter>, intervalMs = Number.POSITIVE_INFINITY): void {
    if (tickAt <= this.lastTick) return;
    const first = this.previous.size === 0 || tickAt - this.lastTick > GAP_TICKS * intervalMs;
    this.lastTick = tickAt;
    this.movedIds = new Set();
    const next = new Map<string, number>();
    for (const r of rows) {
      next.set(r.id, r.value);
      const before = this.previous.get(r.id);
      if (first || before === undefined || before === r.value) continue;
      this.movedIds.add(r.id);
      if (r.isError && r.value > before) this.roseAt.set(r.id, tickAt);
    }
    this.previous = next;
    for (const [id, at] of this.roseAt) if (tickAt - at > ALARM_MS) this.roseAt.delete(id);
  }

  moved(id: string): boolean {
    return this.movedIds.has(id);
  }

  alarm(id: string, now: number): boolean {
    const at = this.roseAt.get(id);
    return at !== undefined && now - at <= ALARM_MS;
  }
}

/**
 * Rows derived tick after tick from a tick's rows, by id: `step` gets each row with its id's entry of the last tick
 * (undefined for a new id) and returns the entry, the same one updated in place where it can; the ids a tick no
 * longer holds are forgotten, and the previous array comes back when no derived row (`out`) changed, so memoised
 * grids skip what did not (issue 15: at rest a tick allocates and compares only the counters that moved).
 */
class KeptById<Src extends { id: string }, Entry extends object, Out> {
  private byId = new Map<string, { entry: Entry; seen: number }>();
  private last: Out[] = [];
  private round = 0;

  constructor(private readonly out: (entry: Entry) => Out) {}

  map(rows: readonly Src[], step: (row: Src, entry: Entry | undefined) => Entry): Out[] {
    const round = ++this.round;
    let unchanged = rows.length === this.last.length;
    const out = rows.map((r, i) => {
      const slot = this.byId.get(r.id);
      const entry = step(r, slot?.entry);
      if (slot === undefined) this.byId.set(r.id, { entry, seen: round });
      else {
        slot.entry = entry;
        slot.seen = round;
      }
      const o = this.out(entry);
      if (o !== this.last[i]) unchanged = false;
      return o;
    });
    if (this.byId.size > rows.length) for (const [id, e] of this.byId) if (e.seen !== round) this.byId.delete(id);
    if (unchanged) return this.last;
    this.last = out;
    return out;
  }
}

/**
 * The rows tick after tick, keeping each row's object while its counter's object (the table replaces only
 * the rows a diff changed) and its delta, moved and alarm say the same, and the previous array itself when no
 * row changed: at rest a tick then allocates and compares only the counters that moved, not all ~400 (issue
 * 15). A counter whose new object says the same as before (a snapshot after a reconnect) keeps its row too.
 */
export class RowDeriver {
  private kept = new KeptById<Counter, { src: Counter; row: StatRow }, StatRow>((e) => e.row);

  derive(rows: readonly Counter[], watch: CounterWatch | null, baseline: Baseline | null, now: number): StatRow[] {
    return this.kept.map(rows, (r, entry) => {
      const base = baseline?.values.get(r.id);
      const delta = baseline && r.kind === 'counter' ? r.value - (base ?? r.value) : null;
      const moved = watch?.moved(r.id) ?? false;
      const alarm = watch?.alarm(r.id, now) ?? false;
      if (entry === undefined) return { src: r, row: { ...r, delta, moved, alarm } };
      if (entry.src !== r || entry.row.delta !== delta || entry.row.moved !== moved || entry.row.alarm !== alarm) {
        const row = { ...r, delta, moved, alarm };
        // A new counter object that says the same (a snapshot after a reconnect) keeps its row.
        if (!sameFields(entry.row, row)) entry.row = row;
      }
      entry.src = r;
      return entry;
    });
  }
}

/** The figures of a row, the part of it that moves from tick to tick. */
type Figures = 'value' | 'rate' | 'delta' | 'moved';

/** What the grids hold of a counter: all but its figures, which the cells that show them read by id (CounterFigures),
 *  so that a tick that moves counters gives the grids no new row; and the shape of those figures as its grid draws
 *  them (FactRows), which renders the row again when it changes (a row rendered for it and nothing else held the same
 *  fields as before: a render that seemed for nothing, to the tests that count them). */
export type CounterFacts = Omit<StatRow, Figures> & { shape?: string };

const FIGURES: ReadonlySet<string> = new Set<Figures>(['value', 'rate', 'delta', 'moved']);

/**
 * The tick's rows by id, for the cells that show a counter's figures: each cell hears only of its own counter, so a
 * tick redraws the cells whose counter changed, and renders neither the sections nor their grids (issue 15: a tick
 * that moved ~14 counters rendered five sections' grids, and each made and compared an element for every row of its
 * section, 207 a tick).
 */
export class CounterFigures {
  private rows = new Map<string, StatRow>();
  private listeners = new Map<string, Set<() => void>>();
  /** Counters taken but not yet told: a set, so that it stays within the counters however often take runs. */
  private changed = new Set<string>();

  get(id: string): StatRow | undefined {
    return this.rows.get(id);
  }

  /** Takes the tick's rows, while the tab renders (the grids read the texts of this tick); their cells hear of the
   *  ones that changed at notify, once the render is committed (a listener may not be called during a render). */
  take(rows: readonly StatRow[]): void {
    for (const r of rows)
      if (this.rows.get(r.id) !== r) {
        this.rows.set(r.id, r);
        this.changed.add(r.id);
      }
    if (this.rows.size > rows.length) {
      const ids = new Set(rows.map((r) => r.id));
      for (const id of this.rows.keys()) if (!ids.has(id)) this.rows.delete(id);
    }
  }

  notify(): void {
    const ids = this.changed;
    this.changed = new Set();
    for (const id of ids) for (const listener of this.listeners.get(id) ?? []) listener();
  }

  subscribe(id: string, listener: () => void): () => void {
    let set = this.listeners.get(id);
    if (!set) this.listeners.set(id, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(id);
    };
  }
}

/** Whether two rows of a counter say the same but for their figures. */
function sameFacts(a: StatRow, b: StatRow): boolean {
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  const ra = a as unknown as Record<string, unknown>;
  const rb = b as unknown as Record<string, unknown>;
  return ka.every((k) => FIGURES.has(k) || ra[k] === rb[k]);
}

/**
 * The grids' rows tick after tick: a counter keeps its row while its facts stay the same (its alarm included) and so
 * does its `shape` (what its grid draws of its figures itself), and the previous array comes back when no row changed.
 */
export class FactRows {
  private kept = new KeptById<StatRow, { src: StatRow; facts: CounterFacts; shape: string }, CounterFacts>(
    (e) => e.facts,
  );

  /** `shape`: what of a row's figures its grid draws itself (a text that may need a clip: its length). */
  facts(rows: readonly StatRow[], shape: (row: StatRow) => string): CounterFacts[] {
    return this.kept.map(rows, (r, entry) => {
      if (entry === undefined) {
        const now = shape(r);
        return { src: r, facts: factsOf(r, now), shape: now };
      }
      if (entry.src !== r) {
        const now = shape(r);
        if (now !== entry.shape || !sameFacts(entry.src, r)) {
          entry.facts = factsOf(r, now);
          entry.shape = now;
        }
        entry.src = r;
      }
      return entry;
    });
  }
}

function factsOf(row: StatRow, shape: string): CounterFacts {
  const { value: _value, rate: _rate, delta: _delta, moved: _moved, ...facts } = row;
  return { ...facts, shape };
}
