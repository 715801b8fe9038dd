// The side list of processes with their connection counts: sortable, searchable; selecting one filters the
// Connections grid to it.
import { useMemo, useState } from 'react';
import type { Connection } from '../../../shared/types.js';
import { DataGrid, type GridColumn } from '../../components/DataGrid.js';

export interface ProcessEntry {
  id: string;
  name: string;
  pids: number[];
  connections: number;
  listening: number;
}

const DENIED = ['(needs privileges)'];
const NONE = ['(no process)'];

export function summarizeProcesses(rows: Connection[], isListening: (r: Connection) => boolean): ProcessEntry[] {
  const byName = new Map<string, ProcessEntry>();
  for (const r of rows) {
    const names =
      r.ownerStatus === 'denied'
        ? DENIED
        : r.processes.length === 0
          ? NONE
          : r.processes.length === 1
            ? [r.processes[0]!.name]
            : [...new Set(r.processes.map((p) => p.name))];
    for (const name of names) {
      let e = byName.get(name);
      if (!e) {
        e = { id: name, name, pids: [], connections: 0, listening: 0 };
        byName.set(name, e);
      }
      e.connections++;
      if (isListening(r)) e.listening++;
      for (const p of r.processes) if (p.name === name && !e.pids.includes(p.pid)) e.pids.push(p.pid);
    }
  }
  return [...byName.values()];
}

const columns: GridColumn<ProcessEntry>[] = [
  { id: 'name', header: 'Process', width: 130, sortValue: (p) => p.name.toLowerCase(), text: (p) => p.name },
  { id: 'pids', header: 'PIDs', width: 70, align: 'right', sortValue: (p) => p.pids[0] ?? null, text: (p) => (p.pids.length > 3 ? `${p.pids.slice(0, 3).join(', ')}…` : p.pids.join(', ')) },
  { id: 'connections', header: 'Conns', width: 56, align: 'right', sortValue: (p) => p.connections, text: (p) => String(p.connections), description: 'Sockets this process holds (as filtered by the toggles)' },
  { id: 'listening', header: 'Listen', width: 52, align: 'right', sortValue: (p) => p.listening, text: (p) => String(p.listening), hiddenByDefault: true },
];

export function ProcessList(props: { entries: ProcessEntry[]; selected: string | null; onSelect: (name: string | null) => void }) {
  const [search, setSearch] = useState('');
  const shown = useMemo(() => {
    const q = search.trim().toLowerCase();
    return q ? props.entries.filter((e) => e.name.toLowerCase().includes(q) || e.pids.some((p) => String(p).startsWith(q))) : props.entries;
  }, [props.entries, search]);
  return (
    <aside className="process-list" aria-label="Processes">
      <input type="text" className="process-search" placeholder="Search processes" aria-label="Search processes" value={search} onChange={(e) => setSearch(e.target.value)} />
      <DataGrid
        gridId="processes"
        label="Processes"
        columns={columns}
        rows={shown}
        defaultSort={[{ id: 'connections', desc: true }]}
        selectedId={props.selected}
        onSelect={(id) => props.onSelect(id)}
        empty={search ? 'No process matches.' : 'No processes.'}
      />
    </aside>
  );
}
