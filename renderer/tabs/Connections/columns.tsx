// The Connections grid's columns, in netstat's order and conventions: `*` for an unspecified address or
// port, protoN for IPv6, numeric addresses, and the owning process.
import { Inert, inertLabel, isolated } from '../../components/Inert.js';
import { addressSortKey } from '../../../shared/address.js';
import { formatAddress, formatClock, formatCount, formatDateTime, formatPort } from '../../../shared/format.js';
import { countryName, hasRemoteAddress, networkText, remoteEntry, serviceName, type NameLookup } from '../../../shared/names.js';
import type { Connection } from '../../../shared/types.js';
import type { GridColumn } from '../../components/DataGrid.js';

export function protoLabel(r: Connection): string {
  return r.family === 'inet6' ? `${r.proto}6` : r.proto;
}

export function localText(r: Connection): string {
  return r.proto === 'unix' ? (r.path ?? '') : formatAddress(r.localAddress);
}

export function pidsText(r: Connection): string {
  if (r.ownerStatus === 'denied') return '?';
  return r.processes.map((p) => p.pid).join(', ');
}

export function processText(r: Connection): string {
  if (r.ownerStatus === 'denied') return 'unknown: needs privileges';
  return [...new Set(r.processes.map((p) => p.name))].join(', ');
}

export function userText(r: Connection): string {
  return r.user ?? r.processes[0]?.user ?? (r.uid !== null ? String(r.uid) : '');
}

/** A closed row (lingering, red) says so instead of its last live state. */
export function stateText(r: Connection): string {
  return r.closedAt ? 'CLOSED' : r.state;
}

export function endpointText(address: string, port: number, proto: string): string {
  const a = formatAddress(address);
  const p = formatPort(port, proto);
  return a.includes(':') ? `[${a}]:${p}` : `${a}:${p}`;
}

/** A port with its service name, as `443 (https)`; the number alone where there is none. */
export function portText(names: NameLookup, r: Connection, port: number): string {
  const text = formatPort(port, r.proto);
  const service = serviceName(names, r.proto, port);
  return service === null ? text : `${text} (${service})`;
}

function countryText(names: NameLookup, r: Connection): string {
  return remoteEntry(names, r)?.country ?? '';
}

/** Columns whose values come from the names dataset: a sort by them follows names as they arrive. */
export const NAME_COLUMNS: ReadonlySet<string> = new Set(['country', 'network']);

export function connectionColumns(onProcessClick: (name: string) => void, names: NameLookup): GridColumn<Connection>[] {
  return [
    { id: 'proto', header: 'Proto', width: 64, sortValue: protoLabel, text: protoLabel, description: 'Protocol (tcp6, udp6: IPv6)' },
    {
      id: 'localAddress',
      header: 'Local Address',
      width: 170,
      sortValue: (r) => (r.proto === 'unix' ? `~${r.path ?? ''}` : addressSortKey(r.localAddress)),
      text: localText,
      description: 'Local address (* = any); the path for unix sockets',
    },
    {
      id: 'localPort',
      header: 'Local Port',
      width: 110,
      align: 'right',
      sortValue: (r) => (r.proto === 'unix' ? null : r.localPort),
      text: (r) => portText(names, r, r.localPort),
      description: 'Local port, with its service name from the services database',
    },
    {
      id: 'remoteAddress',
      header: 'Foreign Address',
      width: 170,
      sortValue: (r) => (r.proto === 'unix' ? null : addressSortKey(r.remoteAddress)),
      text: (r) => (r.proto === 'unix' ? '' : formatAddress(r.remoteAddress)),
    },
    {
      id: 'remotePort',
      header: 'Foreign Port',
      width: 110,
      align: 'right',
      sortValue: (r) => (r.proto === 'unix' ? null : r.remotePort),
      text: (r) => (hasRemoteAddress(r) ? portText(names, r, r.remotePort) : formatPort(r.remotePort, r.proto)),
      description: 'Remote port, with its service name from the services database',
    },
    {
      id: 'country',
      header: 'Country',
      width: 150,
      sortValue: (r) => countryText(names, r) || null,
      text: (r) => countryText(names, r),
      render: (r) => {
        const code = countryText(names, r);
        const name = countryName(code);
        // Flag emoji are not drawn everywhere (Windows shows letters, Linux without an emoji font boxes):
        // the code and the name are.
        return name ? (
          <span title={name}>
            {code} <span className="muted">{name}</span>
          </span>
        ) : (
          <span className="muted">{code}</span>
        );
      },
      description: 'Country of the remote address (offline database), or its range: LAN, loopback, link-local, CGNAT, multicast…',
    },
    {
      id: 'network',
      header: 'Network',
      width: 200,
      sortValue: (r) => remoteEntry(names, r)?.asn ?? null,
      text: (r) => networkText(remoteEntry(names, r)),
      description: 'Autonomous system of the remote address: number and organisation (offline database)',
    },
    { id: 'state', header: 'State', width: 110, sortValue: stateText, text: stateText },
    { id: 'pid', header: 'PID', width: 70, align: 'right', sortValue: (r) => r.processes[0]?.pid ?? null, text: pidsText },
    {
      id: 'process',
      header: 'Process',
      width: 150,
      sortValue: (r) => (r.ownerStatus === 'denied' ? '\uffff' : (r.processes[0]?.name.toLowerCase() ?? null)),
      text: processText,
      render: (r) =>
        r.processes.length === 0 ? (
          <span className="muted">{processText(r)}</span>
        ) : (
          <button type="button" className="link" title={`Filter to ${isolated(inertLabel(r.processes[0]!.name))}`} onMouseDown={(e) => e.stopPropagation()} onClick={() => onProcessClick(r.processes[0]!.name)}>
            <Inert text={processText(r)} />
          </button>
        ),
      description: 'Owning process; click a name to filter to it',
    },
    { id: 'user', header: 'User', width: 90, sortValue: userText, text: userText },
    { id: 'recvQ', header: 'Recv-Q', width: 70, align: 'right', sortValue: (r) => r.recvQ, text: (r) => formatCount(r.recvQ), description: 'Bytes received but not yet read by the process' },
    { id: 'sendQ', header: 'Send-Q', width: 70, align: 'right', sortValue: (r) => r.sendQ, text: (r) => formatCount(r.sendQ), description: 'Bytes sent but not yet acknowledged by the peer' },
    {
      id: 'firstSeen',
      header: 'First seen',
      width: 84,
      sortValue: (r) => r.firstSeen ?? null,
      text: (r) => formatClock(r.firstSeen),
      render: (r) => <span title={formatDateTime(r.firstSeen)}>{formatClock(r.firstSeen)}</span>,
      description: 'When NetLens first saw this connection',
    },
    { id: 'cmdline', header: 'Command line', width: 320, hiddenByDefault: true, sortValue: (r) => r.processes[0]?.cmdline ?? null, text: (r) => r.processes.map((p) => p.cmdline).join(' | ') },
    { id: 'inode', header: 'Inode', width: 90, align: 'right', hiddenByDefault: true, sortValue: (r) => r.inode, text: (r) => (r.inode === null ? '' : String(r.inode)) },
    { id: 'exe', header: 'Executable', width: 220, hiddenByDefault: true, sortValue: (r) => r.processes[0]?.exe ?? null, text: (r) => r.processes.map((p) => p.exe ?? '').join(' | ') },
  ];
}
