// The Interfaces table's columns: netstat -i and -e, plus live rates and a sparkline of recent activity.
import { inertLabel, isolated } from '../../components/Inert.js';
import type { MulticastGroup, NetInterface } from '../../../shared/types.js';
import { formatBytes, formatCount, formatRate, formatSpeed, rateValue } from '../../../shared/format.js';
import type { ExportField, GridColumn } from '../../store/grid-model.js';
import { Sparkline } from '../../components/Sparkline.js';
import { rateRings } from './rate-series.js';

const num = (n: number | null | undefined) => formatCount(n ?? null);

function addressText(r: NetInterface): string {
  return r.addresses.map((a) => `${a.address}${a.prefixLength !== null ? `/${a.prefixLength}` : ''}`).join(', ');
}

function peak(values: readonly number[]): number {
  let m = 0;
  for (const v of values) if (v > m) m = v;
  return m;
}

function activityText(r: NetInterface): string {
  const ring = rateRings.get(r.id);
  if (ring.t.length < 2) return 'Collecting rate samples…';
  return `Last ${ring.t.length} samples: RX peak ${formatRate(peak(ring.rx))}, TX peak ${formatRate(peak(ring.tx))}`;
}

/** The activity's peak as exports write it (a sparkline is no text): over the samples the sparkline draws, none
 *  until there are two. */
function peakField(dir: 'rx' | 'tx'): ExportField<NetInterface> {
  const value = (r: NetInterface) => {
    const ring = rateRings.get(r.id);
    return ring.t.length < 2 ? null : peak(ring[dir]);
  };
  const header = `${dir.toUpperCase()} peak`;
  return {
    header,
    valueHeader: `${header} (B/s)`,
    align: 'right',
    text: (r) => formatRate(value(r)),
    value: (r) => rateValue(value(r)),
  };
}

const activity: GridColumn<NetInterface> = {
  id: 'activity',
  header: 'Activity',
  description: 'Receive (blue) and transmit (orange) rate over the last minute or so',
  width: 112,
  fixedWidth: true,
  sortValue: (r) => {
    const ring = rateRings.get(r.id);
    return peak(ring.rx) + peak(ring.tx);
  },
  text: activityText,
  exportFields: [peakField('rx'), peakField('tx')],
  render: (r) => {
    const ring = rateRings.get(r.id);
    return (
      <Sparkline rx={ring.rx} tx={ring.tx} label={`${isolated(inertLabel(r.name))} activity: ${activityText(r)}`} />
    );
  },
};

function rateColumn(dir: 'rx' | 'tx'): GridColumn<NetInterface> {
  const key = dir === 'rx' ? 'rxBytesPerSec' : 'txBytesPerSec';
  return {
    id: `${dir}Rate`,
    header: `${dir.toUpperCase()} rate`,
    description: `Bytes ${dir === 'rx' ? 'received' : 'sent'} per second over the last tick`,
    width: 96,
    align: 'right',
    sortValue: (r) => r.rates?.[key] ?? null,
    text: (r) => formatRate(r.rates?.[key]),
    value: (r) => rateValue(r.rates?.[key]),
    valueHeader: `${dir.toUpperCase()} rate (B/s)`,
  };
}

/** A right-aligned column of one of the interface's counters. */
function counterColumn(
  key: keyof NetInterface['counters'],
  header: string,
  width: number,
  format: (n: number) => string,
  more: Pick<GridColumn<NetInterface>, 'description' | 'hiddenByDefault'> = {},
): GridColumn<NetInterface> {
  return {
    id: key,
    header,
    width,
    align: 'right',
    ...more,
    sortValue: (r) => r.counters[key],
    text: (r) => format(r.counters[key]),
    value: (r) => r.counters[key],
  };
}

const base: GridColumn<NetInterface>[] = [
  { id: 'name', header: 'Name', width: 110, sortValue: (r) => r.name, text: (r) => r.name },
  {
    id: 'state',
    header: 'State',
    width: 74,
    sortValue: (r) => r.operState,
    text: (r) => r.operState,
    render: (r) => <span className={`iface-state ${r.operState}`}>{r.operState}</span>,
  },
];

const rest: GridColumn<NetInterface>[] = [
  {
    id: 'addresses',
    header: 'Addresses',
    width: 250,
    sortValue: (r) => r.addresses[0]?.address ?? null,
    text: addressText,
  },
  {
    id: 'mtu',
    header: 'MTU',
    width: 64,
    align: 'right',
    sortValue: (r) => r.mtu,
    text: (r) => (r.mtu === null ? '' : String(r.mtu)),
    value: (r) => r.mtu,
  },
  { id: 'mac', header: 'MAC', width: 136, sortValue: (r) => r.mac, text: (r) => r.mac ?? '' },
  {
    id: 'speed',
    header: 'Speed',
    width: 76,
    align: 'right',
    sortValue: (r) => r.speedMbps,
    text: (r) => formatSpeed(r.speedMbps),
    // formatSpeed leaves out what the driver reports as unknown (0, -1).
    value: (r) => (r.speedMbps !== null && r.speedMbps > 0 ? r.speedMbps : null),
    valueHeader: 'Speed (Mb/s)',
  },
  counterColumn('rxBytes', 'RX bytes', 90, formatBytes),
  counterColumn('txBytes', 'TX bytes', 90, formatBytes),
  counterColumn('rxPackets', 'RX packets', 100, num),
  counterColumn('txPackets', 'TX packets', 100, num),
  counterColumn('rxErrors', 'RX errs', 70, num),
  counterColumn('txErrors', 'TX errs', 70, num),
  counterColumn('rxDropped', 'RX drop', 70, num),
  counterColumn('txDropped', 'TX drop', 70, num),
  // The other eight of the kernel's sixteen counters (/proc/net/dev), in Columns…: netstat -i shows the FIFO ones as
  // RX-OVR and TX-OVR, ifconfig and netstat -ie the rest.
  ...(
    [
      ['rxFifo', 'RX overruns', 'Received packets lost to a full FIFO buffer (netstat -i RX-OVR)'],
      ['rxFrame', 'RX frame', 'Received frames with a framing or alignment error (ifconfig "frame")'],
      ['rxCompressed', 'RX compressed', 'Compressed packets received (links that compress, e.g. PPP)'],
      ['rxMulticast', 'RX multicast', 'Multicast packets received'],
      ['txFifo', 'TX overruns', 'Packets not sent for a full FIFO buffer (netstat -i TX-OVR)'],
      ['txCollisions', 'Collisions', 'Collisions on the link while sending (ifconfig "collisions")'],
      ['txCarrier', 'TX carrier', 'Packets not sent for a lost carrier (ifconfig "carrier")'],
      ['txCompressed', 'TX compressed', 'Compressed packets sent (links that compress, e.g. PPP)'],
    ] as const
  ).map(([key, header, description]) =>
    counterColumn(key, header, header.length > 11 ? 110 : 90, num, { description, hiddenByDefault: true }),
  ),
  { id: 'type', header: 'Type', width: 80, hiddenByDefault: true, sortValue: (r) => r.type, text: (r) => r.type ?? '' },
  {
    id: 'flags',
    header: 'Flags',
    width: 220,
    hiddenByDefault: true,
    sortValue: (r) => r.flags.join(','),
    text: (r) => r.flags.join(' '),
  },
  {
    id: 'duplex',
    header: 'Duplex',
    width: 64,
    hiddenByDefault: true,
    sortValue: (r) => r.duplex,
    text: (r) => r.duplex ?? '',
  },
];

/** Live: rates and sparklines up front, since they are what changes. */
export const liveInterfaceColumns: GridColumn<NetInterface>[] = [
  ...base,
  rateColumn('rx'),
  rateColumn('tx'),
  activity,
  ...rest,
];
/** A capture is one reading: no rates. */
export const captureInterfaceColumns: GridColumn<NetInterface>[] = [...base, ...rest];

const FAMILY_LABEL: Record<MulticastGroup['family'], string> = { inet: 'IPv4', inet6: 'IPv6', link: 'Link' };

const multicastBase: GridColumn<MulticastGroup>[] = [
  {
    id: 'family',
    header: 'Family',
    width: 82,
    sortValue: (r) => r.family,
    text: (r) => FAMILY_LABEL[r.family] ?? r.family,
  },
  { id: 'group', header: 'Group', width: 220, sortValue: (r) => r.group, text: (r) => r.group },
  {
    id: 'users',
    header: 'Users',
    width: 60,
    align: 'right',
    sortValue: (r) => r.users,
    text: (r) => (r.users === null ? '' : formatCount(r.users)),
    value: (r) => r.users,
    description: 'Sockets or subsystems that joined the group (netstat -g "RefCnt")',
  },
];

export const multicastColumns = multicastBase;
export const multicastCaptureColumns: GridColumn<MulticastGroup>[] = [
  { id: 'iface', header: 'Interface', width: 100, sortValue: (r) => r.iface, text: (r) => r.iface },
  ...multicastBase,
];
