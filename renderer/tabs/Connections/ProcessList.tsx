// The side list of processes with their connection counts: sortable, searchable; selecting one filters the
// Connections grid to it.
import { useMemo, useState } from 'react';
import type { Connection } from '../../../shared/types.js';
import { formatCount } from '../../../shared/format.js';
import { DataGrid, type GridColumn } from '../../components/DataGrid.js';
import type { Aggregate } from '../../store/live-rows.js';

export interface ProcessEntry {
  id: string;
  name: string;
  pids: number[];
  connections: number;
  listening: number;
}

const DENIED = '(needs privileges)';
const NONE = '(no process)';

/** The name a row counts under in the process list (and filters by). */
function namesOf(r: Connection): readonly string[] {
  if (r.ownerStatus === 'denied') return [DENIED];
  if (r.processes.length === 0) return [NONE];
  if (r.processes.length === 1) return [r.processes[0]!.name];
  return [...new Set(r.processes.map((p) => p.name))];
}

export function matchesProcess(r: Connection, name: string): boolean {
  return namesOf(r).includes(name);
}

interface Tally {
  connections: number;
  listening: number;
  pids: Map<number, number>;
}

/** Counts sockets per process name, row by row, so a tick costs what it changed (useLiveAggregate). */
export function processTally(include: (r: Connection) => boolean, isListening: (r: Connection) => boolean): Aggregate<Connection, ProcessEntry[]> {
  const byName = new Map<string, Tally>();
  const apply = (r: Connection, sign: 1 | -1) => {
    if (r.closedAt || !include(r)) return;
    const listening = isListening(r) ? sign : 0;
    for (const name of namesOf(r)) {
      let t = byName.get(name);
      if (!t) byName.set(name, (t = { connections: 0, listening: 0, pids: new Map() }));
      t.connections += sign;
      t.listening += listening;
      for (const p of r.processes) {
        if (p.name !== name) continue;
        const n = (t.pids.get(p.pid) ?? 0) + sign;
        if (n > 0) t.pids.set(p.pid, n);
        else t.pids.delete(p.pid);
      }
      if (t.connections <= 0) byName.delete(name);
    }
  };
  return {
    add: (r) => apply(r, 1),
    remove: (r) => apply(r, -1),
    result: () =>
      [...byName].map(([name, t]) => ({ id: name, name, pids: [...t.pids.keys()].sort((a, b) => a - b), connections: t.connections, listening: t.listening })),
  };
}

const columns: GridColumn<ProcessEntry>[] = [
  { id: 'name', header: 'Process', width: 130, maxWidth: 150, sortValue: (p) => p.name.toLowerCase(), text: (p) => p.name },
  { id: 'pids', header: 'PIDs', width: 70, maxWidth: 80, align: 'right', sortValue: (p) => p.pids[0] ?? null, text: (p) => (p.pids.length > 3 ? `${p.pids.slice(0, 3).join(', ')}…` : p.pids.join(', ')) },
  { id: 'connections', header: 'Conns', width: 56, align: 'right', sortValue: (p) => p.connections, text: (p) => formatCount(p.connections), description: 'Sockets this process holds (as filtered by the toggles)' },
  { id: 'listening', header: 'Listen', width: 52, align: 'right', sortValue: (p) => p.listening, text: (p) => formatCount(p.listening), hiddenByDefault: true },
];

export function ProcessList(props: {
  entries: ProcessEntry[];
  selected: string | null;
  onSelect: (name: string | null) => void;
  /** Right click, the Menu key or Shift+F10 on a process. */
  onContextMenu?: (entry: ProcessEntry, at: { x: number; y: number }, copy: () => void) => void;
}) {
  const [search, setSearch] = useState('');
  const shown = useMemo(() => {
    const q = search.trim().toLowerCase();
    return q ? props.entries.filter((e) => e.name.toLowerCase().includes(q) || e.pids.some((p) => String(p).startsWith(q))) : props.entries;
  }, [props.entries, search]);
  return (
    <aside id="process-list" className="process-list" aria-label="Processes">
      <input type="text" className="process-search" placeholder="Search processes" aria-label="Search processes" value={search} onChange={(e) => setSearch(e.target.value)} />
      <DataGrid
        gridId="processes"
        label="Processes"
        columns={columns}
        rows={shown}
        defaultSort={[{ id: 'connections', desc: true }]}
        selectedId={props.selected}
        onSelect={(id) => props.onSelect(id)}
        onContextMenu={(entry, at, _selection, copy) => props.onContextMenu?.(entry, at, copy)}
        empty={search ? 'No process matches.' : 'No processes.'}
      />
    </aside>
  );
}
