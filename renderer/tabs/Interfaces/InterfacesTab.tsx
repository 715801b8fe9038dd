// The Interfaces tab: netstat -i and -e made live.
import { useEffect, useMemo, useState } from 'react';
import type { NetInterface } from '../../../shared/types.js';
import { formatBytes, formatCount, formatRate, formatSpeed } from '../../../shared/format.js';
import { DataGrid, type GridColumn } from '../../components/DataGrid.js';
import { CaptureBanner } from '../../components/CaptureBanner.js';
import { useData } from '../../store/data.js';
import { reportPanel } from '../../store/view.js';
import { useCaptureFor } from '../../store/capture.js';
import { updateSettings, useSettings } from '../../store/settings.js';

const num = (n: number | null | undefined) => formatCount(n ?? null);

export const interfaceColumns: GridColumn<NetInterface>[] = [
  { id: 'name', header: 'Name', width: 110, sortValue: (r) => r.name, text: (r) => r.name },
  { id: 'state', header: 'State', width: 80, sortValue: (r) => r.operState, text: (r) => r.operState },
  { id: 'mtu', header: 'MTU', width: 64, align: 'right', sortValue: (r) => r.mtu, text: (r) => (r.mtu === null ? '' : String(r.mtu)) },
  { id: 'mac', header: 'MAC', width: 140, sortValue: (r) => r.mac, text: (r) => r.mac ?? '' },
  { id: 'addresses', header: 'Addresses', width: 240, sortValue: (r) => r.addresses[0]?.address ?? null, text: (r) => r.addresses.map((a) => `${a.address}${a.prefixLength !== null ? `/${a.prefixLength}` : ''}`).join(', ') },
  { id: 'speed', header: 'Speed', width: 80, align: 'right', sortValue: (r) => r.speedMbps, text: (r) => formatSpeed(r.speedMbps) },
  { id: 'rxRate', header: 'RX rate', width: 90, align: 'right', sortValue: (r) => r.rates?.rxBytesPerSec ?? null, text: (r) => formatRate(r.rates?.rxBytesPerSec) },
  { id: 'txRate', header: 'TX rate', width: 90, align: 'right', sortValue: (r) => r.rates?.txBytesPerSec ?? null, text: (r) => formatRate(r.rates?.txBytesPerSec) },
  { id: 'rxBytes', header: 'RX bytes', width: 90, align: 'right', sortValue: (r) => r.counters.rxBytes, text: (r) => formatBytes(r.counters.rxBytes) },
  { id: 'txBytes', header: 'TX bytes', width: 90, align: 'right', sortValue: (r) => r.counters.txBytes, text: (r) => formatBytes(r.counters.txBytes) },
  { id: 'rxPackets', header: 'RX packets', width: 100, align: 'right', sortValue: (r) => r.counters.rxPackets, text: (r) => num(r.counters.rxPackets) },
  { id: 'txPackets', header: 'TX packets', width: 100, align: 'right', sortValue: (r) => r.counters.txPackets, text: (r) => num(r.counters.txPackets) },
  { id: 'rxErrors', header: 'RX errs', width: 70, align: 'right', sortValue: (r) => r.counters.rxErrors, text: (r) => num(r.counters.rxErrors) },
  { id: 'txErrors', header: 'TX errs', width: 70, align: 'right', sortValue: (r) => r.counters.txErrors, text: (r) => num(r.counters.txErrors) },
  { id: 'rxDropped', header: 'RX drop', width: 70, align: 'right', sortValue: (r) => r.counters.rxDropped, text: (r) => num(r.counters.rxDropped) },
  { id: 'txDropped', header: 'TX drop', width: 70, align: 'right', sortValue: (r) => r.counters.txDropped, text: (r) => num(r.counters.txDropped) },
];

export function InterfacesTab() {
  const live = useData((s) => s.datasets.interfaces);
  const capture = useCaptureFor('interfaces');
  const selected = useSettings((s) => s.selectedInterface);
  const all = useMemo(
    () => (capture ? (capture.rows as NetInterface[]) : Array.from(live.rows.values())),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [live.version, capture],
  );
  useEffect(() => reportPanel({ shown: all.length, total: all.length, noun: 'interfaces' }), [all.length]);
  useEffect(() => () => reportPanel(null), []);
  const [sel, setSel] = useState<string | null>(selected);
  return (
    <div className="tab-body">
      {capture ? <CaptureBanner capture={capture} /> : null}
      <DataGrid
        gridId="interfaces"
        label="Interfaces"
        columns={interfaceColumns}
        rows={all}
        defaultSort={[{ id: 'name', desc: false }]}
        selectedId={sel}
        onSelect={(id) => {
          setSel(id);
          updateSettings({ selectedInterface: id });
        }}
        empty={!capture && !live.received ? 'Reading interfaces…' : 'No interfaces.'}
      />
    </div>
  );
}
