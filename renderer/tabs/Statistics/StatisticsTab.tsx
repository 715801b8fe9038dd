// The Statistics tab: netstat -s made live.
import { useEffect, useMemo, useState } from 'react';
import type { Counter } from '../../../shared/types.js';
import { formatCount, formatPerSecond } from '../../../shared/format.js';
import { DataGrid, type GridColumn } from '../../components/DataGrid.js';
import { CaptureBanner } from '../../components/CaptureBanner.js';
import { useData } from '../../store/data.js';
import { reportPanel } from '../../store/view.js';
import { useCaptureFor } from '../../store/capture.js';

const columns: GridColumn<Counter>[] = [
  { id: 'group', header: 'Group', width: 90, sortValue: (r) => r.group, text: (r) => r.group },
  { id: 'name', header: 'Counter', width: 200, sortValue: (r) => r.name, text: (r) => r.name },
  { id: 'description', header: 'Description', width: 380, sortValue: (r) => r.description, text: (r) => r.description ?? '' },
  { id: 'value', header: 'Value', width: 110, align: 'right', sortValue: (r) => r.value, text: (r) => formatCount(r.value) },
  { id: 'rate', header: 'Per second', width: 90, align: 'right', sortValue: (r) => r.rate ?? null, text: (r) => (r.kind === 'counter' ? formatPerSecond(r.rate) : '') },
];

export function StatisticsTab() {
  const live = useData((s) => s.datasets.statistics);
  const capture = useCaptureFor('statistics');
  const [selected, setSelected] = useState<string | null>(null);
  const all = useMemo(
    () => (capture ? (capture.rows as Counter[]) : Array.from(live.rows.values())),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [live.version, capture],
  );
  useEffect(() => reportPanel({ shown: all.length, total: all.length, noun: 'counters' }), [all.length]);
  useEffect(() => () => reportPanel(null), []);
  return (
    <div className="tab-body">
      {capture ? <CaptureBanner capture={capture} /> : null}
      <DataGrid gridId="statistics" label="Statistics" columns={columns} rows={all} selectedId={selected} onSelect={setSelected} empty={!capture && !live.received ? 'Reading protocol statistics…' : 'No counters.'} />
    </div>
  );
}
