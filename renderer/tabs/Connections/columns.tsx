// The Connections grid's columns, in netstat's order and conventions: `*` for an unspecified address or
// port, protoN for IPv6, numeric addresses, and the owning process.
import type { ReactNode } from 'react';
import { MiddleCut } from '../../components/MiddleCut.js';
import { clampText, inertLabel, isolated, TOOLTIP_MAX } from '../../components/Inert.js';
import { addressSortKey, hostPort, isUnspecified } from '../../../shared/address.js';
import { inertText } from '../../../shared/inert-text.js';
import {
  formatAddress,
  formatBytes,
  formatClock,
  formatCount,
  formatDateTime,
  formatMs,
  formatPort,
  formatRate,
  isoTime,
  rateValue,
} from '../../../shared/format.js';
import {
  countryName,
  hasRemoteAddress,
  networkText,
  remoteEntry,
  serviceName,
  shortHost,
  type NameLookup,
} from '../../../shared/names.js';
import type { ExportValue } from '../../../shared/export.js';
import {
  OWNER_NOT_LISTED,
  shownState,
  unixName,
  ownersText,
  type CollectExtra,
  type Connection,
  type SocketMemory,
} from '../../../shared/types.js';
import { isColumnVisible, type ExportField, type GridColumn } from '../../store/grid-model.js';
import type { GridSettings } from '../../store/settings.js';

export function protoLabel(r: Connection): string {
  return r.family === 'inet6' ? `${r.proto}6` : r.proto;
}

/** A unix socket's local address is its name (unixName: an unnamed one's inode); its data (exports, copies) stays
 *  the path, empty for an unnamed one. */
export function localText(r: Connection): string {
  return r.proto === 'unix' ? unixName(r) : formatAddress(r.localAddress);
}

/** Whether a socket's owners are there but not shown: another user's (this user may not see them), or past a remote
 *  host's cap. */
const ownersHidden = (r: Connection) => r.ownerStatus === 'denied' || r.ownerStatus === 'capped';

export function pidsText(r: Connection): string {
  if (ownersHidden(r)) return '?';
  return ownersText(pidList(r.processes.map((p) => p.pid)), r.ownerStatus);
}

/** PIDs written out in a cell's text and tooltip, at most: a listener shared by a thousand forked workers, or a name
 *  a thousand processes run under, would make a tooltip of thousands (the data, its export, keeps every one). As
 *  many as a remote host's socket lists (electron/remote/, its owners past 64 are "more not listed"). */
const PIDS_LISTED = 64;

/** PIDs as a cell's text: all of them, or the first PIDS_LISTED and how many more. */
export function pidList(pids: readonly number[]): string {
  return pids.length > PIDS_LISTED
    ? `${pids.slice(0, PIDS_LISTED).join(', ')} and ${pids.length - PIDS_LISTED} more`
    : pids.join(', ');
}

/** A PID cell: its text, or its short form ("6670 +3") with the text as its tooltip. One for every grid of PIDs. */
export function pidsCell(text: string, short: string): ReactNode {
  return short === text ? text : <span title={text}>{short}</span>;
}

/** What a PID cell shows: a socket's one PID, or the first of several and how many more ("25849 +1"), whose whole
 *  list is the cell's tooltip (the whole list, cut by its column, showed "2584…": a new user's review of 12-05). */
export function pidsShort(r: Connection): string {
  if (ownersHidden(r) || r.processes.length < 2) return pidsText(r);
  return `${r.processes[0]!.pid} +${r.ownerStatus === 'partial' ? 'more' : r.processes.length - 1}`;
}

/** The PIDs as data: the one PID as a number, several as a list, none (or hidden) null. A list that is not all of
 *  them (a remote host's socket of more than 64 owners, ownerStatus 'partial') is a text that says so, as the grid's
 *  cell does: a list of numbers would read as complete. */
export function pidsValue(r: Connection): ExportValue {
  if (ownersHidden(r) || r.processes.length === 0) return null;
  if (r.ownerStatus === 'partial') return ownersText(r.processes.map((p) => p.pid).join('; '), 'partial');
  return r.processes.length === 1 ? r.processes[0]!.pid : r.processes.map((p) => p.pid);
}

/** The names of a socket's processes, each once, in PID order. */
const processNames = (r: Connection): string[] => [...new Set(r.processes.map((p) => p.name))];

export function processText(r: Connection): string {
  if (r.ownerStatus === 'denied') return 'unknown: needs privileges';
  if (r.ownerStatus === 'capped') return OWNER_NOT_LISTED;
  return ownersText(processNames(r).join(', '), r.ownerStatus);
}

/** How many more names a Process cell shows beside its first ("+1"), as PID's cell does; null for a socket of one
 *  name (or none, or hidden owners): its text is drawn whole. */
export function processMore(r: Connection): string | null {
  if (ownersHidden(r) || r.processes.length === 0) return null;
  const names = processNames(r).length;
  return names < 2 ? null : `+${r.ownerStatus === 'partial' ? 'more' : names - 1}`;
}

/** What a Process cell shows: the one name, or the first and how many more ("chromium +1"), whose whole list is the
 *  cell's tooltip. The list cut as one text read "chromium…hpad_handler", a name no process has (a new user's review
 *  of 12-07). */
export function processShort(r: Connection): string {
  const more = processMore(r);
  return more === null ? processText(r) : `${r.processes[0]!.name} ${more}`;
}

/** A socket's names as a tooltip says them: each escaped and isolated (one's right-to-left text does not reorder the
 *  list), clamped as tooltips are. */
function processListLabel(r: Connection): string {
  const list = processNames(r)
    .map((n) => isolated(inertLabel(n)))
    .join(', ');
  return ownersText(clampText(list, TOOLTIP_MAX), r.ownerStatus);
}

/** What the User column means, in the grid, Exposure and What changed alike (the record keeps the same user). */
export const USER_MEANING =
  "The user the process runs as; where no process is known, the socket's owner (which netstat -e shows: a program that opens its socket as root, then runs as another user, as dnsmasq does, is that user here)";

/** The user the owning process runs as (who can do what with the socket), else the socket's owner, else its uid. */
export function userText(r: Connection): string {
  return r.processes[0]?.user ?? r.user ?? (r.uid !== null ? String(r.uid) : '');
}

/** A closed row (lingering, red) says so instead of its last live state (shownState, which the filter reads too). */
export const stateText: (r: Connection) => string = shownState;

export function endpointText(address: string, port: number, proto: string): string {
  return hostPort(formatAddress(address), formatPort(port, proto));
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

/** How host names are shown: not at all (numbers, netstat -n), short, or fully qualified (-f). */
export interface HostDisplay {
  resolve: boolean;
  fqdn: boolean;
}

/** Addresses as numbers (the recorded ones of History, netstat -n). */
export const ADDRESSES_ONLY: HostDisplay = { resolve: false, fqdn: false };

/** A row with no remote port: a unix socket's, or `*` (0) beside no remote address. */
const noRemotePort = (r: Connection): boolean =>
  r.proto === 'unix' || (r.remotePort === 0 && isUnspecified(r.remoteAddress));

/** The remote address as exports carry it: the address itself (the grid shows its name when names are resolved),
 *  and then the name in a column of its own. */
function remoteFields(names: NameLookup, display: HostDisplay): ExportField<Connection>[] {
  const address: ExportField<Connection> = {
    header: 'Foreign Address',
    text: (r) => (r.proto === 'unix' ? '' : formatAddress(r.remoteAddress)),
    // A listener's `*` is no remote end: none, as null (a new user's review of 12-06 found 0.0.0.0 written).
    value: (r) => (hasRemoteAddress(r) ? r.remoteAddress : null),
  };
  if (!display.resolve) return [address];
  const host = (r: Connection) => (r.proto === 'unix' ? null : remoteHostText(names, r, display));
  return [address, { header: 'Foreign Host', text: (r) => host(r) ?? '', value: host }];
}

/** Columns whose values come from the names dataset: a sort by them follows names as they arrive. */
export function nameColumns(display: HostDisplay): ReadonlySet<string> {
  return new Set(display.resolve ? ['country', 'network', 'remoteAddress'] : ['country', 'network']);
}

/** The remote host's name as shown, or null where there is none (or names are off). */
export function remoteHostText(names: NameLookup, r: Connection, display: HostDisplay): string | null {
  if (!display.resolve) return null;
  const host = remoteEntry(names, r)?.host ?? null;
  return host === null ? null : display.fqdn ? host : shortHost(host);
}

/** Keys of unnamed remote addresses kept, at most (cleared past it, as addressSortKey's own). */
const UNNAMED_KEYS_MAX = 65_536;
const unnamedKeys = new Map<string, string>();

/** The Foreign Address column's sort key of an address shown as itself (no name): after every host name (`~`), then in
 *  address order (addressSortKey). One string per address, kept: a sort of 50,000 rows reads it where each row made
 *  its own (a new string to hash and compare a row), and rows to one address share it. */
export function unnamedAddressKey(address: string): string {
  let key = unnamedKeys.get(address);
  if (key === undefined) {
    key = `~${addressSortKey(address)}`;
    if (unnamedKeys.size >= UNNAMED_KEYS_MAX) unnamedKeys.clear();
    unnamedKeys.set(address, key);
  }
  return key;
}

// Caps on the widths fitted to the content (a cut cell keeps its whole text as its tooltip), so that at 1100×700 Proto
// to Process stay on screen whatever one row holds: an address column fits a full IPv6 address (about 290 px), a
// unix socket's path counts up to 240 px of it, PID one or two PIDs, Process a long name: chrome_crashpad_handler whole
// (185 px; at 180 it read "chrome_cr…pad_handler" even at 1920 px: a new user's review of 12-07).
const ADDRESS_MAX = 300;
const PATH_MAX = 240;
const PID_MAX = 96;
const PROCESS_MAX = 192;
/** An unnamed unix socket's name with the largest inode (sockfs numbers them in 32 bits). */
const UNNAMED_WIDEST = unixName({ inode: 0xffff_ffff });

/** `unix`: unix sockets are shown (the UNIX toggle). */
export function connectionColumns(
  onProcessClick: (name: string) => void,
  names: NameLookup,
  display: HostDisplay = ADDRESSES_ONLY,
  unix = false,
): GridColumn<Connection>[] {
  return [
    {
      id: 'proto',
      header: 'Proto',
      width: 64,
      sortValue: protoLabel,
      text: protoLabel,
      description: 'Protocol (tcp6, udp6: IPv6)',
    },
    {
      id: 'localAddress',
      header: 'Local Address',
      width: 170,
      sortValue: (r) => (r.proto === 'unix' ? `~${r.path ?? ''}` : addressSortKey(r.localAddress)),
      text: localText,
      // A unix socket's path cut in the middle where its column is narrow: its file name, at the end, is what tells
      // sockets apart ("/tmp/ux-scripts/…" hid it: a new user's review of 12-06). A path with a character to escape
      // is drawn escaped by the grid, cut at its end.
      // An unnamed unix socket's "(unnamed) #inode" is NetLens's words, not a path: drawn apart (muted, italic), so a
      // socket bound to a path spelled like it ("(unnamed) #1", a relative path) does not pass for one.
      render: (r) =>
        r.proto !== 'unix' ? (
          localText(r)
        ) : r.path ? (
          <MiddleCut text={localText(r)} />
        ) : (
          <span className="muted process-bucket">{localText(r)}</span>
        ),
      renderFitsText: true,
      value: (r) => (r.proto === 'unix' ? (r.path ?? '') : r.localAddress),
      maxWidth: ADDRESS_MAX,
      rowMaxWidth: (r) => (r.proto === 'unix' ? PATH_MAX : undefined),
      // With unix sockets shown, an unnamed one's "(unnamed) #inode" whole, in a narrow window too: its inode is all
      // that tells such rows apart, and at 1366 px beside the process list it read "(unnamed) #961…" while the port and
      // foreign columns, empty on those rows, kept their room (a new user's review). They give it first.
      fitAtLeast: unix ? UNNAMED_WIDEST : undefined,
      keepAtLeast: unix,
      description: 'Local address (* = any); the path for unix sockets',
    },
    {
      id: 'localPort',
      header: 'Local Port',
      width: 110,
      align: 'right',
      sortValue: (r) => (r.proto === 'unix' ? null : r.localPort),
      text: (r) => portText(names, r, r.localPort),
      value: (r) => (r.proto === 'unix' ? null : r.localPort),
      description: 'Local port, with its service name from the services database',
    },
    {
      id: 'remoteAddress',
      header: 'Foreign Address',
      width: 170,
      // Named hosts first, by name; the rest in address order; no remote end (`*`, a unix socket) last, as in Foreign
      // Port (a new user's review of 12-06: `*` came first there and last here).
      sortValue: (r) => {
        if (!hasRemoteAddress(r)) return null;
        const host = remoteHostText(names, r, display);
        return host === null ? unnamedAddressKey(r.remoteAddress) : host.toLowerCase();
      },
      text: (r) => (r.proto === 'unix' ? '' : (remoteHostText(names, r, display) ?? formatAddress(r.remoteAddress))),
      exportFields: remoteFields(names, display),
      render: (r) => {
        const host = r.proto === 'unix' ? null : remoteHostText(names, r, display);
        return host === null ? (
          r.proto === 'unix' ? (
            ''
          ) : (
            formatAddress(r.remoteAddress)
          )
        ) : (
          <span title={`${host} (${inertText(r.remoteAddress)})`}>{host}</span>
        );
      },
      renderFitsText: true,
      maxWidth: ADDRESS_MAX,
      description: 'Remote address (* = any), or its host name when names are resolved (Ctrl+R)',
    },
    {
      id: 'remotePort',
      header: 'Foreign Port',
      width: 110,
      align: 'right',
      // No remote end (a listener's `*`): none, sorted last and exported as null, as Foreign Address's.
      sortValue: (r) => (noRemotePort(r) ? null : r.remotePort),
      text: (r) => (hasRemoteAddress(r) ? portText(names, r, r.remotePort) : formatPort(r.remotePort, r.proto)),
      value: (r) => (noRemotePort(r) ? null : r.remotePort),
      description: 'Remote port, with its service name from the services database',
    },
    { id: 'state', header: 'State', width: 110, sortValue: stateText, text: stateText, fitAtLeast: 'ESTABLISHED' },
    {
      id: 'pid',
      header: 'PID',
      // The least it gives back to where Process needs room: a shared socket's "18247 +1" whole (at 70 its "+1" was
      // cut beside the process list at 1400 px: a new user's review of 12-06).
      width: 80,
      align: 'right',
      sortValue: (r) => r.processes[0]?.pid ?? null,
      text: pidsText,
      value: pidsValue,
      // A socket shared by many processes shows its first and how many more, and lists them all in its tooltip;
      // the column fits one or two in full. Digits and "?" alone: nothing to escape.
      render: (r) => pidsCell(pidsText(r), pidsShort(r)),
      renderFitsText: true,
      maxWidth: PID_MAX,
      // A PID is never cut, in a narrow window too: Linux's largest (pid_max 4194304), seven digits.
      fitAtLeast: '4194304',
    },
    {
      id: 'process',
      header: 'Process',
      width: 150,
      sortValue: (r) => (ownersHidden(r) ? '\uffff' : (r.processes[0]?.name.toLowerCase() ?? null)),
      text: processText,
      maxWidth: PROCESS_MAX,
      // At 1100×700, Proto to Process stay on screen whatever the content: the columns before it give back width.
      keepInView: true,
      fitText: processShort,
      render: (r) => {
        if (r.processes.length === 0) return <span className="muted">{processText(r)}</span>;
        const first = r.processes[0]!.name;
        const more = processMore(r);
        const filter = `Filter to ${isolated(inertLabel(first))}`;
        return (
          <button
            type="button"
            className="link"
            // The grid is one Tab stop: Enter on the row filters to its process, as a click here does (DataGrid
            // presses the one control a row names as its action).
            tabIndex={-1}
            data-row-action=""
            // A shared socket's whole list of names above what a click does (the cell shows the first alone).
            title={more === null ? filter : `${processListLabel(r)}\n${filter}`}
            onMouseDown={(e) => e.stopPropagation()}
            onClick={() => onProcessClick(first)}
          >
            <MiddleCut text={first} more={more ?? undefined} />
          </button>
        );
      },
      renderFitsText: true,
      renderInert: true,
      description: 'Owning process; click a name to filter to it',
    },
    { id: 'user', header: 'User', width: 90, sortValue: userText, text: userText, description: USER_MEANING },
    // After the owner: at 1100×700 Proto to Process stay on screen; places follow (users may drag them nearer).
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
      description:
        'Country of the remote address (offline database), or its range: LAN, loopback, link-local, CGNAT, multicast…',
    },
    {
      id: 'network',
      header: 'Network',
      width: 200,
      sortValue: (r) => remoteEntry(names, r)?.asn ?? null,
      text: (r) => networkText(remoteEntry(names, r)),
      description: 'Autonomous system of the remote address: number and organisation (offline database)',
    },
    // Bytes and rates where they are seen without scrolling; the TCP health and memory columns come last.
    ...TRAFFIC_COLUMNS.filter((c) => !c.hiddenByDefault),
    {
      id: 'recvQ',
      header: 'Recv-Q',
      width: 70,
      align: 'right',
      sortValue: (r) => r.recvQ,
      text: (r) => formatCount(r.recvQ),
      value: (r) => r.recvQ,
      valueHeader: 'Recv-Q (bytes)',
      description: 'Bytes received but not yet read by the process',
    },
    {
      id: 'sendQ',
      header: 'Send-Q',
      width: 70,
      align: 'right',
      sortValue: (r) => r.sendQ,
      text: (r) => formatCount(r.sendQ),
      value: (r) => r.sendQ,
      valueHeader: 'Send-Q (bytes)',
      description: 'Bytes sent but not yet acknowledged by the peer',
    },
    {
      id: 'firstSeen',
      header: 'First seen',
      width: 84,
      sortValue: (r) => r.firstSeen ?? null,
      text: (r) => formatClock(r.firstSeen),
      value: (r) => isoTime(r.firstSeen),
      render: (r) => <span title={formatDateTime(r.firstSeen)}>{formatClock(r.firstSeen)}</span>,
      description:
        'When NetLens first saw this connection (before NetLens last started too, where it was recording then and the socket stayed open)',
    },
    {
      id: 'cmdline',
      header: 'Command line',
      width: 320,
      hiddenByDefault: true,
      sortValue: (r) => r.processes[0]?.cmdline ?? null,
      text: (r) => r.processes.map((p) => p.cmdline).join(' | '),
    },
    {
      id: 'inode',
      header: 'Inode',
      width: 90,
      align: 'right',
      hiddenByDefault: true,
      sortValue: (r) => r.inode,
      text: (r) => (r.inode === null ? '' : String(r.inode)),
      value: (r) => r.inode,
    },
    {
      id: 'exe',
      header: 'Executable',
      width: 220,
      hiddenByDefault: true,
      sortValue: (r) => r.processes[0]?.exe ?? null,
      text: (r) => r.processes.map((p) => p.exe ?? '').join(' | '),
    },
    ...TRAFFIC_COLUMNS.filter((c) => c.hiddenByDefault),
  ];
}

// ---------------------------------------------------------------------------------------------
// Traffic: counters the kernel keeps per TCP socket. A row without them (UDP, raw, unix, listening) shows
// "n/a" with the reason as its tooltip, never a zero; a row read while traffic was off shows nothing.

type Numeric = number | null | undefined;

function trafficText(r: Connection, value: Numeric, format: (n: number) => string): string {
  if (value === undefined) return '';
  if (value === null) return r.trafficNote ? 'n/a' : '';
  return format(value);
}

/** How a traffic column writes its value as data: bytes, a rate or a duration as the number it is (the header says
 *  the unit), a moment in ISO 8601. */
interface TrafficData {
  /** The header with the unit the cells' texts carried: "Sent (bytes)". */
  header?: string;
  moment?: boolean;
  /** A rate: data in whole bytes per second. */
  rate?: boolean;
}

function trafficColumn(
  id: string,
  header: string,
  width: number,
  value: (r: Connection) => Numeric,
  format: (n: number) => string,
  description: string,
  hiddenByDefault = false,
  data: TrafficData = {},
): GridColumn<Connection> {
  const text = (r: Connection) => trafficText(r, value(r), format);
  return {
    id,
    header,
    width,
    align: 'right',
    hiddenByDefault,
    description,
    sortValue: (r) => value(r) ?? null,
    text,
    value: (r) => {
      const v = value(r) ?? null;
      return data.moment ? isoTime(v) : data.rate ? rateValue(v) : v;
    },
    ...(data.header ? { valueHeader: data.header } : {}),
    render: (r): ReactNode =>
      value(r) === null && r.trafficNote ? (
        <span className="muted" title={r.trafficNote}>
          n/a
        </span>
      ) : (
        text(r)
      ),
    renderFitsText: true,
  };
}

const memory =
  (pick: (m: SocketMemory) => number) =>
  (r: Connection): Numeric =>
    r.skmem === undefined ? undefined : r.skmem === null ? null : pick(r.skmem);

const BYTES = (header: string): TrafficData => ({ header: `${header} (bytes)` });

export const TRAFFIC_COLUMNS: GridColumn<Connection>[] = [
  trafficColumn(
    'bytesSent',
    'Sent',
    84,
    (r) => r.bytesSent,
    formatBytes,
    'Data bytes sent since the socket opened (retransmissions counted once)',
    false,
    BYTES('Sent'),
  ),
  trafficColumn(
    'bytesReceived',
    'Received',
    84,
    (r) => r.bytesReceived,
    formatBytes,
    'Data bytes received since the socket opened',
    false,
    BYTES('Received'),
  ),
  trafficColumn(
    'sendRate',
    'Send rate',
    90,
    (r) => r.sendRate,
    formatRate,
    'Bytes sent per second over the last tick',
    false,
    { header: 'Send rate (B/s)', rate: true },
  ),
  trafficColumn(
    'recvRate',
    'Receive rate',
    96,
    (r) => r.recvRate,
    formatRate,
    'Bytes received per second over the last tick',
    false,
    { header: 'Receive rate (B/s)', rate: true },
  ),
  trafficColumn('rtt', 'RTT', 70, (r) => r.rttMs, formatMs, 'Smoothed round-trip time the kernel measures', true, {
    header: 'RTT (ms)',
  }),
  trafficColumn(
    'retrans',
    'Retransmits',
    84,
    (r) => r.retrans,
    formatCount,
    'Segments sent again over the socket’s life',
    true,
  ),
  trafficColumn('cwnd', 'Cwnd', 60, (r) => r.cwnd, formatCount, 'Congestion window, in segments', true, {
    header: 'Cwnd (segments)',
  }),
  trafficColumn(
    'lastSend',
    'Last send',
    80,
    (r) => r.lastSendAt,
    formatClock,
    'When data was last sent (to the second)',
    true,
    { moment: true },
  ),
  trafficColumn(
    'lastRecv',
    'Last receive',
    90,
    (r) => r.lastRecvAt,
    formatClock,
    'When data was last received (to the second)',
    true,
    { moment: true },
  ),
  trafficColumn(
    'recvBuffer',
    'Recv mem',
    84,
    memory((m) => m.rmemAlloc),
    formatBytes,
    'Receive queue memory in use (ss -m: r)',
    true,
    BYTES('Recv mem'),
  ),
  trafficColumn(
    'sendBuffer',
    'Send mem',
    84,
    memory((m) => m.wmemAlloc + m.wmemQueued),
    formatBytes,
    'Send memory in use and queued (ss -m: t + w)',
    true,
    BYTES('Send mem'),
  ),
  trafficColumn(
    'rcvBuf',
    'Rcvbuf',
    80,
    memory((m) => m.rcvBuf),
    formatBytes,
    'Receive buffer size (ss -m: rb)',
    true,
    BYTES('Rcvbuf'),
  ),
  trafficColumn(
    'sndBuf',
    'Sndbuf',
    80,
    memory((m) => m.sndBuf),
    formatBytes,
    'Send buffer size (ss -m: tb)',
    true,
    BYTES('Sndbuf'),
  ),
  trafficColumn(
    'drops',
    'Drops',
    64,
    memory((m) => m.drops),
    formatCount,
    'Packets dropped before reaching the socket (ss -m: d)',
    true,
  ),
];

/** Which extra each traffic column needs the monitor to collect. */
const COLUMN_EXTRAS: Record<string, CollectExtra> = Object.fromEntries(
  TRAFFIC_COLUMNS.map((c) => [
    c.id,
    ['recvBuffer', 'sendBuffer', 'rcvBuf', 'sndBuf', 'drops'].includes(c.id) ? 'socketMemory' : 'traffic',
  ]),
);

/** The extras the Connections grid's visible columns need, from its saved column settings. */
export function connectionExtras(grid: GridSettings | undefined): CollectExtra[] {
  const out = new Set<CollectExtra>();
  for (const c of TRAFFIC_COLUMNS) if (isColumnVisible(grid, c)) out.add(COLUMN_EXTRAS[c.id]!);
  return [...out];
}
