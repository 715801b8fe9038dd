// The side list of processes with their connection counts and traffic ("top talkers"): sortable, searchable;
// selecting one filters the Connections grid to it and charts its last 10 minutes.
import { useCallback, useMemo, useRef, useState, type ReactNode } from 'react';
import { isBucket, keyName, processKey, trafficKey } from '../../../shared/process-key.js';
import {
  NO_PROCESS,
  NO_TCP_TRAFFIC_NOTE,
  OTHER_USERS,
  OWNER_NOT_LISTED,
  type Connection,
  type ProcessTraffic,
} from '../../../shared/types.js';
import { formatBytes, formatCount, formatRate, rateValue } from '../../../shared/format.js';
import { DataGrid } from '../../components/DataGrid.js';
import { MiddleCut } from '../../components/MiddleCut.js';
import { clampText, TOOLTIP_MAX } from '../../components/Inert.js';
import { inertText } from '../../../shared/inert-text.js';
import { pidList, pidsCell } from './columns.js';
import { paneWidthStyle } from '../../components/Splitter.js';
import type { GridColumn } from '../../store/grid-model.js';
import type { Aggregate } from '../../store/live-rows.js';

export interface ProcessEntry {
  /** What the list, the filter and the traffic know the entry by: processKey of its name, or a bucket's label. */
  id: string;
  /** What it shows: the processes' name, or a bucket's label ((no process), (other users)). */
  name: string;
  pids: number[];
  connections: number;
  listening: number;
  /** Traffic of the processes of this name (the processes dataset): undefined while none was read. */
  traffic?: NameTraffic;
}

export interface NameTraffic {
  sendRate: number | null;
  recvRate: number | null;
  bytesSent: number | null;
  bytesReceived: number | null;
  note: string | null;
}

const DENIED = OTHER_USERS;
const NONE = NO_PROCESS;

/** The keys a row counts under in the process list (and filters by). */
function namesOf(r: Connection): readonly string[] {
  if (r.ownerStatus === 'denied') return [DENIED];
  if (r.ownerStatus === 'capped') return [OWNER_NOT_LISTED];
  if (r.processes.length === 0) return [NONE];
  if (r.processes.length === 1) return [processKey(r.processes[0]!.name)];
  return [...new Set(r.processes.map((p) => processKey(p.name)))];
}

export function matchesProcess(r: Connection, name: string): boolean {
  return namesOf(r).includes(name);
}

interface Tally {
  connections: number;
  listening: number;
  pids: Map<number, number>;
  /** The pids in order, kept until one joins or leaves (most ticks change counts, not who is there). */
  sorted: number[] | null;
}

/** Counts sockets per process name, row by row, so a tick costs what it changed (useLiveAggregate). */
export function processTally(
  include: (r: Connection) => boolean,
  isListening: (r: Connection) => boolean,
): Aggregate<Connection, ProcessEntry[]> {
  const byName = new Map<string, Tally>();
  const apply = (r: Connection, sign: 1 | -1) => {
    if (r.closedAt || !include(r)) return;
    const listening = isListening(r) ? sign : 0;
    for (const name of namesOf(r)) {
      let t = byName.get(name);
      if (!t) byName.set(name, (t = { connections: 0, listening: 0, pids: new Map(), sorted: null }));
      t.connections += sign;
      t.listening += listening;
      for (const p of r.processes) {
        if (processKey(p.name) !== name) continue;
        const was = t.pids.get(p.pid) ?? 0;
        const n = was + sign;
        if (n > 0) t.pids.set(p.pid, n);
        else t.pids.delete(p.pid);
        if (was > 0 !== n > 0) t.sorted = null;
      }
      if (t.connections <= 0) byName.delete(name);
    }
  };
  return {
    add: (r) => apply(r, 1),
    remove: (r) => apply(r, -1),
    // The same names and pids (one processes array: a patch that leaves them keeps it), open or closed alike, and
    // included and listening alike.
    same: (a, b) =>
      a.processes === b.processes &&
      a.ownerStatus === b.ownerStatus &&
      !a.closedAt === !b.closedAt &&
      include(a) === include(b) &&
      isListening(a) === isListening(b),
    result: () =>
      [...byName].map(([key, t]) => ({
        id: key,
        name: keyName(key),
        pids: (t.sorted ??= [...t.pids.keys()].sort((a, b) => a - b)),
        connections: t.connections,
        listening: t.listening,
      })),
  };
}

/** Sums each name's processes, as the list shows names (several pids of one program are one entry). */
export function trafficByName(rows: Iterable<ProcessTraffic>): Map<string, NameTraffic> {
  const add = (a: number | null, b: number | null | undefined) =>
    a === null || b === null || b === undefined ? (a ?? b ?? null) : a + b;
  const out = new Map<string, NameTraffic>();
  for (const r of rows) {
    // The host's buckets have no pid; a process of a bucket's name has its own key.
    const key = trafficKey(r);
    const t = out.get(key);
    if (!t) {
      out.set(key, {
        sendRate: r.sendRate ?? null,
        recvRate: r.recvRate ?? null,
        bytesSent: r.bytesSent,
        bytesReceived: r.bytesReceived,
        note: r.note,
      });
      continue;
    }
    t.sendRate = add(t.sendRate, r.sendRate);
    t.recvRate = add(t.recvRate, r.recvRate);
    t.bytesSent = add(t.bytesSent, r.bytesSent);
    t.bytesReceived = add(t.bytesReceived, r.bytesReceived);
  }
  return out;
}

/** The tally's entries with their traffic, and the names whose sockets all closed but whose totals remain
 *  (`all`: every name, even without bytes: a capture of per-process totals). */
export function withTraffic(
  entries: ProcessEntry[],
  traffic: Map<string, NameTraffic> | null,
  all = false,
): ProcessEntry[] {
  if (!traffic) return entries;
  const seen = new Set<string>();
  const out = entries.map((e) => {
    seen.add(e.id);
    const t = traffic.get(e.id);
    // A process the host has no traffic row for holds no TCP, UDP or raw socket (unix sockets alone): n/a, as the
    // host says of one with UDP or raw ones, not blank beside them (a new user's review of 12-06).
    return { ...e, traffic: t ?? NO_TCP_TRAFFIC };
  });
  for (const [key, t] of traffic) {
    if (seen.has(key) || (!all && (t.bytesSent ?? 0) + (t.bytesReceived ?? 0) === 0)) continue;
    out.push({ id: key, name: keyName(key), pids: [], connections: 0, listening: 0, traffic: t });
  }
  return out;
}

/** The traffic of a process that holds no TCP connection. */
const NO_TCP_TRAFFIC: NameTraffic = {
  sendRate: null,
  recvRate: null,
  bytesSent: null,
  bytesReceived: null,
  note: NO_TCP_TRAFFIC_NOTE,
};

/** A process's PIDs as its cell draws them: the first and how many more. */
const shortPids = (p: ProcessEntry): string =>
  p.pids.length < 2 ? pidList(p.pids) : `${p.pids[0]} +${p.pids.length - 1}`;

function trafficColumn(
  id: string,
  header: string,
  width: number,
  value: (t: NameTraffic) => number | null,
  format: (n: number) => string,
  description: string,
  /** The header of the value as data: it says the unit ("Sent (bytes)"). */
  valueHeader: string,
  /** The value as data from the value (a rate: whole bytes per second). */
  asData: (n: number | null) => number | null = (n) => n,
): GridColumn<ProcessEntry> {
  const text = (p: ProcessEntry) => {
    const v = p.traffic ? value(p.traffic) : undefined;
    return v === undefined ? '' : v === null ? (p.traffic?.note ? 'n/a' : '') : format(v);
  };
  return {
    id,
    header,
    width,
    align: 'right',
    description,
    sortValue: (p) => (p.traffic ? value(p.traffic) : null),
    text,
    value: (p) => (p.traffic ? asData(value(p.traffic)) : null),
    valueHeader,
    // A figure's usual longest text, whole even where the list is narrowed to keep its last column on screen: a rate
    // in MiB/s (GiB/s is narrower; at "99.9 KiB/s" one read "1.04 Mi…" at 1366 px, a new user's review of 12-07).
    fitAtLeast: format === formatRate ? '99.9 MiB/s' : '99.9 MiB',
    render: (p) =>
      p.traffic && value(p.traffic) === null && p.traffic.note ? (
        <span className="muted" title={p.traffic.note}>
          n/a
        </span>
      ) : (
        text(p)
      ),
    renderFitsText: true,
  };
}

/** A name cell's tooltip where it has notes (no sockets now, why its traffic is unknown): the whole name first, then
 *  them; none else (the grid titles a cut name itself). */
function nameNotes(p: ProcessEntry): string | undefined {
  const notes = [p.connections === 0 ? NO_SOCKETS_NOW : null, p.traffic?.note].filter(Boolean);
  return notes.length === 0 ? undefined : [clampText(inertText(p.name), TOOLTIP_MAX), ...notes].join('\n');
}

/** The tooltip of a process listed for its traffic alone. */
export const NO_SOCKETS_NOW =
  'No open sockets now (closed, or the process ended): listed for its traffic since NetLens started';

export const processListColumns: GridColumn<ProcessEntry>[] = [
  {
    id: 'name',
    header: 'Process',
    // The least it gives back where the list narrows its columns to end in its pane (the name is cut in its middle,
    // whole in its tooltip): at 1366 px the rates take the 5 px more they need whole from it.
    width: 95,
    // A long name whole where the list has the room (chrome_crashpad_handler, 185 px, at 1920 px; at 150 it read
    // "ch…pad_handler" there: a new user's review of 12-07), Process in the grid as wide.
    maxWidth: 192,
    // A Linux process name's longest (15 bytes): whole where the list narrows its columns to end in the pane.
    fitAtLeast: 'systemd-resolve',
    sortValue: (p) => p.name.toLowerCase(),
    text: (p) => p.name,
    // A bucket is drawn apart (muted, italic): a process named "(no process)" is drawn as any other.
    render: (p) =>
      isBucket(p.id) ? (
        <span className="muted process-bucket" title={p.traffic?.note ?? undefined}>
          {p.name}
        </span>
      ) : (
        // One listed for its traffic alone (its sockets closed, or it ended) is drawn muted and says so.
        <span
          className={p.connections === 0 ? 'muted' : undefined}
          // The whole name first where a note takes the tooltip: the cell may show it cut in its middle (an ended
          // process's tooltip said only that it had ended: a new user's review of 12-07).
          title={nameNotes(p)}
        >
          <MiddleCut text={p.name} />
        </span>
      ),
    renderFitsText: true,
    renderInert: true,
  },
  {
    id: 'pids',
    header: 'PIDs',
    width: 50,
    maxWidth: 100,
    align: 'right',
    sortValue: (p) => p.pids[0] ?? null,
    // All of them as its text (tooltip, copy, export); the cell shows the first and how many more, as the
    // Connections grid's PID column does (a cut list read "6670, 7667, 7669…" with no way to see the rest).
    text: (p) => pidList(p.pids),
    fitText: shortPids,
    // A process's first PID and a count (a server and its workers) whole where the list narrows its columns to end
    // in it, whatever the rows at the fit: "18152 +1" was cut at 1366 px where this was a PID alone ("4194304", as
    // long as Linux makes them: that one whole still, and a longer first PID and count as fitted, the others giving
    // first).
    fitAtLeast: '99999 +9',
    keepFitted: true,
    value: (p) => p.pids,
    render: (p) => pidsCell(pidList(p.pids), shortPids(p)),
    renderFitsText: true,
  },
  {
    id: 'connections',
    header: 'Conns',
    width: 44,
    align: 'right',
    sortValue: (p) => p.connections,
    text: (p) => formatCount(p.connections),
    value: (p) => p.connections,
    description: 'Sockets this process holds (as filtered by the toggles)',
  },
  trafficColumn(
    'recvRate',
    'Recv/s',
    78,
    (t) => t.recvRate,
    formatRate,
    'Bytes received per second over the last tick (TCP)',
    'Recv/s (B/s)',
    rateValue,
  ),
  trafficColumn(
    'sendRate',
    'Send/s',
    78,
    (t) => t.sendRate,
    formatRate,
    'Bytes sent per second over the last tick (TCP)',
    'Send/s (B/s)',
    rateValue,
  ),
  trafficColumn(
    'bytesReceived',
    'Recv',
    70,
    (t) => t.bytesReceived,
    formatBytes,
    'TCP bytes received by the connections NetLens has seen, including those that closed since it started',
    'Recv (bytes)',
  ),
  {
    ...trafficColumn(
      'bytesSent',
      'Sent',
      70,
      (t) => t.bytesSent,
      formatBytes,
      'TCP bytes sent by the connections NetLens has seen, including those that closed since it started',
      'Sent (bytes)',
    ),
    // The list is narrower than its columns at its default width below about 1700 px (35 % of the window): its
    // columns give back what they were fitted wider than their least, so that the last one shown ends in the pane
    // where they can (the totals ran past its edge, cut mid-figure, at 1366 px: a new user's review).
    keepInView: true,
  },
  {
    id: 'listening',
    header: 'Listen',
    width: 52,
    align: 'right',
    sortValue: (p) => p.listening,
    text: (p) => formatCount(p.listening),
    value: (p) => p.listening,
    hiddenByDefault: true,
    keepInView: true,
  },
];

const DEFAULT_SORT = [{ id: 'connections', desc: true }];

/** What a width the user gives the list leaves the connections grid at least. */
export const GRID_KEEP = 400;

export function ProcessList(props: {
  /** Entries that say the same as before keep their object (keepSame), so only changed ones re-render. */
  entries: ProcessEntry[];
  selected: string | null;
  onSelect: (name: string | null) => void;
  /** Right click, the Menu key or Shift+F10 on a process. */
  onContextMenu?: (entry: ProcessEntry, at: { x: number; y: number }, copy: () => void) => void;
  /** Shown under the list: the selected process's chart. */
  chart?: ReactNode;
  /** The user's width in px (the splitter beside the list); null for the default share of the window. */
  width: number | null;
}) {
  const [search, setSearch] = useState('');
  const shown = useMemo(() => {
    const q = search.trim().toLowerCase();
    return q
      ? props.entries.filter((e) => e.name.toLowerCase().includes(q) || e.pids.some((p) => String(p).startsWith(q)))
      : props.entries;
  }, [props.entries, search]);
  // The grid re-renders only when its rows or the selection change, not with every render of the tab.
  const latest = useRef(props);
  latest.current = props;
  const onSelect = useCallback((id: string | null) => latest.current.onSelect(id), []);
  const onContextMenu = useCallback(
    (entry: ProcessEntry, at: { x: number; y: number }, _selection: ProcessEntry[], copy: () => void) =>
      latest.current.onContextMenu?.(entry, at, copy),
    [],
  );
  // The same element while the search says the same: React then leaves the input alone on a tick (each render
  // of an input rewrites its type and name attributes, a style recalculation a tick at rest).
  const searchBox = useMemo(
    () => (
      <input
        type="text"
        className="process-search"
        placeholder="Search processes"
        aria-label="Search processes"
        value={search}
        onChange={(e) => setSearch(e.target.value)}
      />
    ),
    [search],
  );
  return (
    <aside
      id="process-list"
      className="process-list"
      aria-label="Processes"
      style={props.width === null ? undefined : { width: paneWidthStyle(props.width, GRID_KEEP) }}
    >
      {searchBox}
      <DataGrid
        gridId="processes"
        label="Processes"
        columns={processListColumns}
        rows={shown}
        defaultSort={DEFAULT_SORT}
        rowsByPlace
        selectedId={props.selected}
        onSelect={onSelect}
        onContextMenu={onContextMenu}
        empty={search ? 'No process matches.' : 'No processes.'}
      />
      {props.chart}
    </aside>
  );
}
