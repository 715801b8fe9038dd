// Rows printed the way netstat prints them: -tanp (plus -x for unix sockets), -rn, -i, -s and -g.
// Shared by `netlens dump` (live rows) and `netlens parse` (rows from a saved file).
import { inertText } from '../../shared/inert-text.js';
import { networkText, remoteEntry, serviceName, shortHost, type NameLookup } from '../../shared/names.js';
import {
  OWNER_NOT_LISTED,
  ownersText,
  type Connection,
  type Counter,
  type Dataset,
  type MulticastGroup,
  type NameEntry,
  type NetInterface,
  type ProcessTraffic,
  type Route,
  type RowTypes,
} from '../../shared/types.js';

/** A column is padded to its widest cell up to this many characters (an IPv6 address with a zone and a port
 *  fits); a longer cell is printed whole and pushes the rest of its own row along, so that one long name in a
 *  file or record cannot pad every other row to its length (2,000 rows and one 100,000-character name once
 *  made 200 MB of spaces, and at 6,000 rows no output at all: "Invalid string length"). */
export const PAD_MAX = 64;

/** Left-aligned columns, each as wide as its widest cell (at most PAD_MAX), two spaces apart; trailing spaces
 *  trimmed. With `rule`, a line of dashes under the header, as wide as each column. */
export function columns(
  header: readonly string[],
  rawBody: readonly (readonly string[])[],
  options: { rule?: boolean } = {},
): string[] {
  // Names and paths come from any user: shown inert (`\x1b`, `\u202e`, `\n`), so no cell can drive the
  // terminal, reorder what is shown or split a row; widths are those of what is printed.
  const body = rawBody.map((r) => r.map(inertText));
  const widths = header.map((h) => h.length);
  for (const r of body) {
    for (let i = 0; i < widths.length; i++) widths[i] = Math.max(widths[i]!, Math.min(r[i]?.length ?? 0, PAD_MAX));
  }
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  const rule = options.rule ? [widths.map((w) => '-'.repeat(w)).join('  ')] : [];
  return [line(header), ...rule, ...body.map(line)];
}

/** netstat's "address:port", with '*' for an unspecified port (so IPv6 any reads ":::*"). */
function endpoint(address: string, port: number, wildcardPort: boolean): string {
  return `${address}:${wildcardPort && port === 0 ? '*' : String(port)}`;
}

function owner(c: Connection): string {
  const p = c.processes[0];
  if (p)
    return ownersText(
      `${p.pid}/${p.name}${c.processes.length > 1 ? ` (+${c.processes.length - 1})` : ''}`,
      c.ownerStatus,
    );
  // A remote host's socket past its owners' cap: not ownerless, not another user's either.
  if (c.ownerStatus === 'capped') return OWNER_NOT_LISTED;
  return c.ownerStatus === 'denied' ? '?' : '-';
}

/** With names (dump --resolve): hosts and services in place of numbers, as netstat without -n. */
export interface TextNames {
  names: NameLookup;
  /** Fully qualified host names; short (the first label) otherwise. */
  fqdn: boolean;
}

function namedEndpoint(r: Connection, local: boolean, names: TextNames): string {
  const address = local ? r.localAddress : r.remoteAddress;
  const port = local ? r.localPort : r.remotePort;
  const host = local ? null : (remoteEntry(names.names, r)?.host ?? null);
  const shown = host === null ? address : names.fqdn ? host : shortHost(host);
  const service = port === 0 ? null : serviceName(names.names, r.proto, port);
  return endpoint(shown, port, true).replace(/:\d+$/, (m) => (service ? `:${service}` : m));
}

function formatConnections(
  rows: readonly Connection[],
  names?: TextNames,
  heading = 'servers and established',
): string {
  const inet = rows.filter((r) => r.proto !== 'unix');
  const unix = rows.filter((r) => r.proto === 'unix');
  const out: string[] = [];
  // As netstat -x: only unix sockets chosen, no empty Internet table above them.
  if (inet.length > 0 || unix.length === 0)
    out.push(
      `Active Internet connections (${heading})`,
      ...columns(
        ['Proto', 'Recv-Q', 'Send-Q', 'Local Address', 'Foreign Address', 'State', 'PID/Program name'],
        inet.map((r) => [
          r.family === 'inet6' ? `${r.proto}6` : r.proto,
          String(r.recvQ),
          String(r.sendQ),
          names && r.proto !== 'raw'
            ? namedEndpoint(r, true, names)
            : endpoint(r.localAddress, r.localPort, r.proto !== 'raw'),
          names && r.proto !== 'raw' ? namedEndpoint(r, false, names) : endpoint(r.remoteAddress, r.remotePort, true),
          r.state,
          owner(r),
        ]),
      ),
    );
  if (unix.length > 0) {
    out.push(`Active UNIX domain sockets (${heading})`);
    out.push(
      ...columns(
        ['Proto', 'Type', 'State', 'I-Node', 'PID/Program name', 'Path'],
        unix.map((r) => [
          'unix',
          r.socketType ?? '',
          r.state,
          r.inode === null ? '-' : String(r.inode),
          owner(r),
          r.path ?? '',
        ]),
      ),
    );
  }
  return out.join('\n');
}

function netmask(prefix: number): string {
  const m = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return `${m >>> 24}.${(m >>> 16) & 0xff}.${(m >>> 8) & 0xff}.${m & 0xff}`;
}

function formatRoutes(rows: readonly Route[]): string {
  const v4 = rows.filter((r) => r.family === 'inet');
  const v6 = rows.filter((r) => r.family === 'inet6');
  const out: string[] = ['Kernel IP routing table'];
  out.push(
    ...columns(
      ['Destination', 'Gateway', 'Genmask', 'Flags', 'Metric', 'Iface', 'Table', 'Type'],
      v4.map((r) => [
        r.destination,
        r.gateway ?? '0.0.0.0',
        netmask(r.prefixLength),
        r.flags,
        String(r.metric ?? 0),
        r.iface ?? '*',
        r.table,
        r.type,
      ]),
    ),
  );
  if (v6.length > 0) {
    out.push('Kernel IPv6 routing table');
    out.push(
      ...columns(
        ['Destination', 'Next Hop', 'Flag', 'Met', 'If', 'Table', 'Type'],
        v6.map((r) => [
          `${r.destination}/${r.prefixLength}`,
          r.gateway ?? '::',
          r.flags,
          String(r.metric ?? 0),
          r.iface ?? '*',
          r.table,
          r.type,
        ]),
      ),
    );
  }
  return out.join('\n');
}

// netstat -i's Flg letters.
const FLAG_LETTERS: [string, string][] = [
  ['ALLMULTI', 'A'],
  ['BROADCAST', 'B'],
  ['LOOPBACK', 'L'],
  ['MULTICAST', 'M'],
  ['NOARP', 'O'],
  ['POINTOPOINT', 'P'],
  ['RUNNING', 'R'],
  ['UP', 'U'],
];

function formatInterfaces(rows: readonly NetInterface[]): string {
  const out = ['Kernel Interface table'];
  out.push(
    ...columns(
      ['Iface', 'MTU', 'RX-OK', 'RX-ERR', 'RX-DRP', 'RX-OVR', 'TX-OK', 'TX-ERR', 'TX-DRP', 'TX-OVR', 'Flg'],
      rows.map((r) => {
        const c = r.counters;
        const flg = FLAG_LETTERS.filter(([name]) => r.flags.includes(name))
          .map(([, l]) => l)
          .join('');
        return [
          r.name,
          r.mtu === null ? '-' : String(r.mtu),
          c.rxPackets,
          c.rxErrors,
          c.rxDropped,
          c.rxFifo,
          c.txPackets,
          c.txErrors,
          c.txDropped,
          c.txFifo,
        ]
          .map(String)
          .concat(flg);
      }),
    ),
  );
  return out.join('\n');
}

function formatStatistics(rows: readonly Counter[]): string {
  const out: string[] = [];
  let group: string | null = null;
  for (const r of rows) {
    if (r.group !== group) {
      group = r.group;
      out.push(`${group}:`);
    }
    out.push(r.description ? `    ${r.value} ${r.description}` : `    ${r.name}: ${r.value}`);
  }
  return out.join('\n');
}

function formatMulticast(rows: readonly MulticastGroup[]): string {
  const out = ['IPv6/IPv4 Group Memberships'];
  out.push(
    ...columns(
      ['Interface', 'RefCnt', 'Group'],
      rows.map((r) => [r.iface, r.users === null ? '-' : String(r.users), r.group]),
      { rule: true },
    ),
  );
  return out.join('\n');
}

/** The names dataset: service names of ports in use, then what is known of each remote address. */
function formatNames(rows: readonly NameEntry[]): string {
  const services = rows.filter((r) => r.service !== null);
  const addresses = rows.filter((r) => r.service === null);
  return [
    ...columns(
      ['Port', 'Service'],
      services.map((r) => [r.id, r.service ?? '']),
    ),
    '',
    ...columns(
      ['Address', 'Host', 'Country', 'Network'],
      addresses.map((r) => [r.id, r.host ?? '-', r.country ?? '-', networkText(r) || '-']),
    ),
  ].join('\n');
}

/** Top talkers first: most bytes moved. */
function formatProcesses(rows: readonly ProcessTraffic[]): string {
  const total = (r: ProcessTraffic) => (r.bytesSent ?? -1) + (r.bytesReceived ?? -1);
  const sorted = [...rows].sort((a, b) => total(b) - total(a) || a.name.localeCompare(b.name));
  const n = (v: number | null) => (v === null ? '-' : String(v));
  return columns(
    ['PID', 'Process', 'User', 'Conns', 'Sent', 'Received', 'Closed'],
    sorted.map((r) => [
      r.pid === null ? '-' : String(r.pid),
      r.name,
      r.user ?? '-',
      String(r.connections),
      n(r.bytesSent),
      n(r.bytesReceived),
      String(r.closedConnections),
    ]),
  ).join('\n');
}

/** `heading`: netstat's words for which sockets a connections table holds ("only servers" for -l). */
export function formatRows<D extends Dataset>(
  dataset: D,
  rows: RowTypes[D][],
  names?: TextNames,
  heading?: string,
): string {
  // Lines outside the tables (group titles, notes) are made inert too; table cells already are.
  return tableText(dataset, rows, names, heading).split('\n').map(inertText).join('\n');
}

function tableText<D extends Dataset>(dataset: D, rows: RowTypes[D][], names?: TextNames, heading?: string): string {
  switch (dataset) {
    case 'connections':
      return formatConnections(rows as Connection[], names, heading);
    case 'routes':
      return formatRoutes(rows as Route[]);
    case 'interfaces':
      return formatInterfaces(rows as NetInterface[]);
    case 'statistics':
      return formatStatistics(rows as Counter[]);
    case 'multicast':
      return formatMulticast(rows as MulticastGroup[]);
    case 'names':
      return formatNames(rows as NameEntry[]);
    case 'processes':
      return formatProcesses(rows as ProcessTraffic[]);
    default:
      return '';
  }
}
