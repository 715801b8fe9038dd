// The typed rows every collector produces and every client receives, whatever the OS or the host.
// Collectors fill the plain fields; the monitor adds the derived ones (rates, first-seen, closed).

export const DATASETS = [
  'connections',
  'routes',
  'interfaces',
  'statistics',
  'multicast',
  'names',
  'processes',
] as const;
export type Dataset = (typeof DATASETS)[number];

/** Rows read from a remote host over ssh (electron/remote/) say which; rows of this machine have no host.
 *  Their ids are prefixed with it (shared/remote.ts remoteRowId), so they never meet this machine's. */
export interface RemoteTagged {
  host?: string;
}

/** What a collector could not read or parse. Never thrown: counted and shown. */
export interface Diagnostics {
  /** Lines (or records) skipped because they were malformed, truncated or of an unknown format. */
  skipped: number;
  /** Up to a handful of examples of skipped input, with the reason, for the UI and bug reports. */
  samples: { source: string; line: string; reason: string }[];
  /** Sources that do not exist here (a kernel without IPv6, no raw tables) and why. */
  missing: { source: string; reason: string }[];
  /** Other facts worth showing ("process information limited: not root"). */
  notes: string[];
}

export interface DatasetResult<Row> {
  rows: Row[];
  diagnostics: Diagnostics;
  /** Connections only: sockets that closed since the last read, with their final traffic (Linux destroy
   *  events). `row` is set for a socket no read ever listed (it opened and closed between two reads). */
  closed?: ClosedSocket[];
  /** Connections only: a socket whose record did not change since the collector's previous read is given as
   *  the very row object that read gave, and no row is changed once given. The monitor then knows such a row
   *  unchanged by reference, without comparing its fields (electron/monitor/connections.ts). */
  keptRows?: boolean;
  /** Rows read at a time of their own rather than the tick's: a remote host's, whose frames come at their own
   *  pace (electron/remote/fleet.ts). From row `from` on, up to the next entry's `from`, the rows are those of
   *  reading `key` (one per host) made at `at` (ms since the epoch, this machine's clock). The monitor measures
   *  their rates between their readings' times, and a reading given again (no new frame yet) keeps them. Rows
   *  before the first entry (this machine's) are read at the tick. */
  readAt?: ReadingTime[];
}

/** See DatasetResult.readAt. */
export interface ReadingTime {
  from: number;
  key: string;
  at: number;
}

export interface ClosedSocket {
  id: string;
  traffic: ConnectionTraffic;
  row: Connection | null;
}

export function emptyDiagnostics(): Diagnostics {
  return { skipped: 0, samples: [], missing: [], notes: [] };
}

/** Keeps the sample list short: the count is what matters, samples help explain it. */
export const MAX_DIAGNOSTIC_SAMPLES = 5;

/** Counts `count` skipped lines or messages alike, with one sample of them. */
export function recordSkip(d: Diagnostics, source: string, line: string, reason: string, count = 1): void {
  d.skipped += count;
  if (d.samples.length < MAX_DIAGNOSTIC_SAMPLES) d.samples.push({ source, line: line.slice(0, 200), reason });
}

export function mergeDiagnostics(into: Diagnostics, from: Diagnostics): Diagnostics {
  into.skipped += from.skipped;
  for (const s of from.samples) if (into.samples.length < MAX_DIAGNOSTIC_SAMPLES) into.samples.push(s);
  into.missing.push(...from.missing);
  into.notes.push(...from.notes);
  return into;
}

// ---------------------------------------------------------------------------------------------
// Connections

export type Protocol = 'tcp' | 'udp' | 'udplite' | 'raw' | 'unix';
export type Family = 'inet' | 'inet6' | 'unix';

export interface ProcessInfo {
  pid: number;
  /** Short name (Linux comm, Windows image name). */
  name: string;
  /** Full command line, arguments joined by spaces; '' when unreadable. A longer one than MAX_CMDLINE_BYTES is cut
   *  there and ends with CMDLINE_CUT. */
  cmdline: string;
  /** Executable path, or null when unreadable (other users' processes without privileges). */
  exe: string | null;
  user: string | null;
  /** Process start time in ms since the epoch; used to refuse a kill when the PID was reused. */
  startTime: number | null;
}

/** The owners listed of one socket: a kernel names a few, but forks share their parent's sockets, and a thousand
 *  processes sharing a thousand sockets made a million owner entries (each row carries its owners). The others
 *  are not listed (ownerStatus 'partial'). */
export const MAX_SOCKET_OWNERS = 64;

/** The `max` owners of the lowest PIDs, in PID order (ties in the order given: the sort is stable), or the list itself
 *  when it has no more: which are listed of a socket with more does not hang on the order a source listed them in. */
export function fewestPids(processes: ProcessInfo[], max: number = MAX_SOCKET_OWNERS): ProcessInfo[] {
  if (processes.length <= max) return processes;
  return processes
    .slice()
    .sort((a, b) => a.pid - b.pid)
    .slice(0, max);
}

/** The bytes of a command line kept (each row carries its owners: a process may make its command line megabytes
 *  long, and share its sockets with many others). Past it the text ends with CMDLINE_CUT. */
export const MAX_CMDLINE_BYTES = 4096;
export const CMDLINE_CUT = ' … [cut at 4,096 bytes]';

/**
 * Whether the owning process is known.
 * - 'known': processes[] lists every process holding the socket.
 * - 'none': no process holds it (TIME_WAIT, kernel sockets, a process that just exited).
 * - 'denied': it belongs to a process this user may not inspect ("unknown: needs privileges").
 * - 'capped': a remote host's socket past the owners NetLens keeps of a host (MAX_REMOTE_ROWS owner entries in
 *   all, electron/remote/datasets.ts): it may have owners, they are not listed (OWNER_NOT_LISTED).
 * - 'partial': a socket with more owners than NetLens keeps of one (MAX_SOCKET_OWNERS): processes[] lists those
 *   kept (the fewest PIDs), the others are not listed (its owners' texts end with MORE_OWNERS_NOT_LISTED).
 */
export type OwnerStatus = 'known' | 'none' | 'denied' | 'capped' | 'partial';

/** Socket memory as `ss -m` prints it (skmem): bytes the kernel holds for this socket. */
export interface SocketMemory {
  /** r: receive queue memory in use; rb: receive buffer size. */
  rmemAlloc: number;
  rcvBuf: number;
  /** t: transmit memory in use; tb: send buffer size. */
  wmemAlloc: number;
  sndBuf: number;
  /** f: forward-allocated; w: queued for sending; o: option memory; bl: backlog; d: packets dropped. */
  fwdAlloc: number;
  wmemQueued: number;
  optMem: number;
  backlog: number;
  drops: number;
}

/**
 * Per-socket traffic and TCP health (Linux tcp_info through `ss -tie`; macOS nettop). Present on a row only
 * while traffic is collected (a traffic column, process rates or the process chart is on screen, or `dump`).
 * null where the OS cannot say; `trafficNote` then says why (UDP and raw sockets have no byte counters).
 */
export interface ConnectionTraffic {
  /** Data bytes sent since the socket opened, retransmissions not counted twice. */
  bytesSent?: number | null;
  /** Bytes the peer acknowledged (the SYN and FIN count one each, as the kernel counts them). */
  bytesAcked?: number | null;
  bytesReceived?: number | null;
  /** Bytes sent again (retransmissions). */
  bytesRetrans?: number | null;
  /** Set by the monitor from the change between ticks (bytes per second); null after a reset or at first sight. */
  sendRate?: number | null;
  recvRate?: number | null;
  /** Smoothed round-trip time, its variance and the minimum seen, in milliseconds. */
  rttMs?: number | null;
  rttVarMs?: number | null;
  minRttMs?: number | null;
  /** Segments retransmitted over the socket's life. */
  retrans?: number | null;
  /** Congestion window, in segments. */
  cwnd?: number | null;
  /** When data was last sent / received (ms since the epoch, to the second: the kernel reports an age,
   *  and a time that stays put keeps idle rows unchanged from tick to tick). */
  lastSendAt?: number | null;
  lastRecvAt?: number | null;
  segsOut?: number | null;
  segsIn?: number | null;
  /** The kernel's estimate of the delivery rate, bytes per second. */
  deliveryRate?: number | null;
  /** Socket memory (`ss -m`); only while a socket-memory column is shown. */
  skmem?: SocketMemory | null;
  /** Why the counters are null ("n/a: the kernel keeps no per-socket UDP byte counts"), else null. */
  trafficNote?: string | null;
}

/** The traffic fields a collector fills (the rates are the monitor's). */
export const TRAFFIC_FIELDS = [
  'bytesSent',
  'bytesAcked',
  'bytesReceived',
  'bytesRetrans',
  'rttMs',
  'rttVarMs',
  'minRttMs',
  'retrans',
  'cwnd',
  'lastSendAt',
  'lastRecvAt',
  'segsOut',
  'segsIn',
  'deliveryRate',
  'skmem',
  'trafficNote',
] as const satisfies readonly (keyof ConnectionTraffic)[];

/** What moves on a connection when bytes cross it, and nothing else: news to no one (the page marks no change for
 *  it, as TCPView marks state changes and not queue churn; the monitor holds it for a quiet client: quiet.ts). */
export const CONNECTION_QUIET_FIELDS: ReadonlySet<string> = new Set([
  'id',
  'recvQ',
  'sendQ',
  'lastChanged',
  'sendRate',
  'recvRate',
  ...TRAFFIC_FIELDS,
]);

/** Copies a reading's traffic onto a row, field by field (every row then has the same shape, which keeps a
 *  large table's diff fast); the rates start null: the monitor sets them. The fields are named one by one, as
 *  sameTrafficFields names them: a loop over TRAFFIC_FIELDS stores by a key that changes at each step, which V8
 *  does through its slowest (megamorphic) path, and every unix and UDP row of a tick read with traffic gets its
 *  gap this way (about 0.1 ms a tick for 300 rows; docs/performance.md, _The host at rest: the Routes tab forks it_). */
export function assignTraffic(row: ConnectionTraffic, t: ConnectionTraffic): void {
  row.bytesSent = t.bytesSent;
  row.bytesAcked = t.bytesAcked;
  row.bytesReceived = t.bytesReceived;
  row.bytesRetrans = t.bytesRetrans;
  row.rttMs = t.rttMs;
  row.rttVarMs = t.rttVarMs;
  row.minRttMs = t.minRttMs;
  row.retrans = t.retrans;
  row.cwnd = t.cwnd;
  row.lastSendAt = t.lastSendAt;
  row.lastRecvAt = t.lastRecvAt;
  row.segsOut = t.segsOut;
  row.segsIn = t.segsIn;
  row.deliveryRate = t.deliveryRate;
  row.skmem = t.skmem;
  row.trafficNote = t.trafficNote;
  row.sendRate = null;
  row.recvRate = null;
}

/** Optional extras a client may ask the monitor to collect for the rows it shows (visibility message). */
export const COLLECT_EXTRAS = ['traffic', 'socketMemory'] as const;
export type CollectExtra = (typeof COLLECT_EXTRAS)[number];

/** The kernel's TCP states (include/net/tcp_states.h, in its order: code = index + 1) as Linux netstat names
 *  them: every OS's spelling is normalized to these (electron/collectors/connections/endpoints.ts
 *  normalizeTcpState). Then DELETE_TCB, Windows' own, and BOUND, a socket bound and not listening (Windows, BSD). */
export const TCP_STATES = [
  'ESTABLISHED',
  'SYN_SENT',
  'SYN_RECV',
  'FIN_WAIT1',
  'FIN_WAIT2',
  'TIME_WAIT',
  'CLOSE',
  'CLOSE_WAIT',
  'LAST_ACK',
  'LISTEN',
  'CLOSING',
  'NEW_SYN_RECV',
  'BOUND_INACTIVE',
  'DELETE_TCB',
  'BOUND',
] as const;
export type TcpState = (typeof TCP_STATES)[number];
/** The TCP states of a connection Close connection… can reset: one still open at an end (a peer to reset, a process
 *  that may still hold it: a CLOSE_WAIT its process never closes is the classic case), not a listener nor the
 *  TIME_WAIT the kernel keeps after both ends closed. Linux resets them with sock_diag (`ss -K`), Windows with
 *  SetTcpEntry, as TCPView does. */
export const CLOSABLE_TCP_STATES: ReadonlySet<string> = new Set<TcpState>([
  'ESTABLISHED',
  'SYN_SENT',
  'SYN_RECV',
  'FIN_WAIT1',
  'FIN_WAIT2',
  'CLOSE_WAIT',
  'LAST_ACK',
  'CLOSING',
]);

/** A UDP, UDP-Lite or raw socket that is not connected (ss and netstat say UNCONN). */
export type UnconnectedState = 'UNCONN';
/** Unix sockets (include/uapi/linux/net.h socket_state, with LISTENING for a listening one). */
export type UnixState = 'LISTENING' | 'UNCONNECTED' | 'CONNECTING' | 'CONNECTED' | 'DISCONNECTING';
/** A state this NetLens has no name for, kept as the source gave it (UNKNOWN(0x0E) from the kernel, the text
 *  of a capture); bare UNKNOWN where the source gives none. */
export type UnknownState = 'UNKNOWN' | `UNKNOWN(${string})`;
export type ConnectionState = TcpState | UnconnectedState | UnixState | UnknownState;

export const KNOWN_STATES: ReadonlySet<string> = new Set<ConnectionState>([
  ...TCP_STATES,
  'UNCONN',
  'LISTENING',
  'UNCONNECTED',
  'CONNECTING',
  'CONNECTED',
  'DISCONNECTING',
  'UNKNOWN',
]);

/** The state a live row shows: CLOSED for a closed one lingering (red), else its socket's state. The grid's State
 *  column and the filter's `state:` read this one. */
export function shownState(r: Pick<Connection, 'state' | 'closedAt'>): string {
  return r.closedAt ? 'CLOSED' : r.state;
}

/** A state as a tool printed it, once normalized: a name NetLens knows stays itself, any other text is kept
 *  inside UNKNOWN(…). */
export function connectionState(text: string): ConnectionState {
  if (KNOWN_STATES.has(text) || (text.startsWith('UNKNOWN(') && text.endsWith(')'))) return text as ConnectionState;
  return `UNKNOWN(${text})`;
}

export interface Connection extends ConnectionTraffic, RemoteTagged {
  /** Stable key: protocol, family, local and remote endpoint, and the inode unless it is a TCP connection from SYN to
   *  the end of TIME_WAIT (electron/collectors/connections/keys.ts keyedByEndpoints): it keeps its key as its process
   *  closes it and it loses its inode. */
  id: string;
  proto: Protocol;
  family: Family;
  /** Numeric address ('0.0.0.0', '::', '::ffff:10.0.2.15'); for unix sockets, ''. */
  localAddress: string;
  /** Port; 0 when unspecified. For raw sockets the IP protocol number, as netstat prints it. */
  localPort: number;
  remoteAddress: string;
  remotePort: number;
  /** TCP: ESTABLISHED, LISTEN...; UDP: UNCONN or ESTABLISHED; unix: LISTENING, CONNECTED, UNCONNECTED...;
   *  unknown codes kept as UNKNOWN(0xNN). */
  state: ConnectionState;
  recvQ: number;
  sendQ: number;
  uid: number | null;
  user: string | null;
  inode: number | null;
  processes: ProcessInfo[];
  ownerStatus: OwnerStatus;
  /** Unix sockets: the path ('@name' for abstract sockets), or '' when unnamed. */
  path?: string;
  /** Unix sockets: STREAM, DGRAM, SEQPACKET. */
  socketType?: string;
  /** Set by the monitor: when this connection was first seen and last changed (ms since epoch). */
  firstSeen?: number;
  lastChanged?: number;
  /** Set by the monitor: when the connection disappeared; closed rows linger a few seconds. */
  closedAt?: number | null;
}

// ---------------------------------------------------------------------------------------------
// Routes

export interface Route extends RemoteTagged {
  /** Stable key: table, family, destination/prefix, gateway, interface, metric. */
  id: string;
  family: 'inet' | 'inet6';
  /** Destination network address without the prefix ('0.0.0.0' for default). */
  destination: string;
  prefixLength: number;
  gateway: string | null;
  /** netstat -r letters: U G H R D M A C ! (and more on BSD). */
  flags: string;
  /** The kernel's metric, unsigned 32-bit: 4294967295 where Linux route prints -1 (reject routes), as /proc
   *  and ip show it; null where the tool shows none. */
  metric: number | null;
  iface: string | null;
  /** Routing table name or number ('main', 'local', '255'...). */
  table: string;
  /** Who installed it: kernel, boot, static, dhcp, ra... */
  protocol: string | null;
  scope: string | null;
  /** Preferred source address. */
  source: string | null;
  /** unicast, local, broadcast, multicast, unreachable, prohibit, blackhole, anycast, throw, nat. */
  type: string;
  isDefault: boolean;
  mtu?: number | null;
}

// ---------------------------------------------------------------------------------------------
// Interfaces

export interface InterfaceCounters {
  rxBytes: number;
  rxPackets: number;
  rxErrors: number;
  rxDropped: number;
  rxFifo: number;
  rxFrame: number;
  rxCompressed: number;
  rxMulticast: number;
  txBytes: number;
  txPackets: number;
  txErrors: number;
  txDropped: number;
  txFifo: number;
  txCollisions: number;
  txCarrier: number;
  txCompressed: number;
}

export const INTERFACE_COUNTER_NAMES: readonly (keyof InterfaceCounters)[] = [
  'rxBytes',
  'rxPackets',
  'rxErrors',
  'rxDropped',
  'rxFifo',
  'rxFrame',
  'rxCompressed',
  'rxMulticast',
  'txBytes',
  'txPackets',
  'txErrors',
  'txDropped',
  'txFifo',
  'txCollisions',
  'txCarrier',
  'txCompressed',
];

export interface InterfaceAddress {
  family: 'inet' | 'inet6';
  address: string;
  prefixLength: number | null;
  /** global, link, host, site. */
  scope: string | null;
}

export interface InterfaceRates {
  rxBytesPerSec: number;
  txBytesPerSec: number;
  rxPacketsPerSec: number;
  txPacketsPerSec: number;
}

export interface NetInterface extends RemoteTagged {
  /** The interface name. */
  id: string;
  name: string;
  index: number | null;
  /** up, down, unknown, dormant, lowerlayerdown, notpresent, testing. */
  operState: string;
  carrier: boolean | null;
  mtu: number | null;
  mac: string | null;
  speedMbps: number | null;
  duplex: string | null;
  /** ether, loopback, ppp, tunnel, ... (from the ARPHRD type) */
  type: string | null;
  /** IFF_* flag names: UP, BROADCAST, LOOPBACK, RUNNING, MULTICAST, ... */
  flags: string[];
  addresses: InterfaceAddress[];
  /** Counters as the OS reports them; null where the OS has no such counter. */
  counters: InterfaceCounters;
  /** Set by the monitor: per-second rates over the last tick; null until two samples exist. */
  rates?: InterfaceRates | null;
}

// ---------------------------------------------------------------------------------------------
// Statistics

export interface Counter extends RemoteTagged {
  /** Stable key: `${group}.${name}`. */
  id: string;
  /** The section as netstat -s shows it: Ip, Icmp, IcmpMsg, Tcp, Udp, UdpLite, TcpExt, IpExt, MPTcpExt,
   *  Ip6, Icmp6, Udp6, UdpLite6, Sockets... */
  group: string;
  name: string;
  value: number;
  /** Plain-English description, as netstat -s would say it; null where netstat -s has none. */
  description: string | null;
  /** 'counter' only grows (rates make sense); 'gauge' is a current value (sockets in use, RtoMin). */
  kind: 'counter' | 'gauge';
  /** Errors, drops, retransmissions: highlighted when they rise. */
  isError: boolean;
  /** Set by the monitor: per-second rate over the last tick (counters only); null until two samples. */
  rate?: number | null;
}

// ---------------------------------------------------------------------------------------------
// Multicast

export interface MulticastGroup extends RemoteTagged {
  /** Stable key: interface, family, group. */
  id: string;
  iface: string;
  ifindex: number | null;
  /** 'inet' (IGMP), 'inet6' (MLD) or 'link' (link-layer groups from dev_mcast). */
  family: 'inet' | 'inet6' | 'link';
  group: string;
  users: number | null;
}

// ---------------------------------------------------------------------------------------------
// Names and places: what the connections' numbers stand for, kept apart from the rows (a name arriving
// changes one entry, not every row that shows the address).

/**
 * One entry of the `names` dataset. Either an address seen as a remote endpoint (its id is the numeric
 * address) or a port with a service name (its id is `tcp/443` or `udp/53`, see serviceKey()).
 */
export interface NameEntry {
  id: string;
  /** Service entries: the name from the services database ('https'); null for address entries. */
  service: string | null;
  /** Reverse DNS name, fully qualified without the trailing dot; null until resolved, when the address
   *  has no name, or while resolution is off. */
  host: string | null;
  /** ISO 3166-1 alpha-2 code of a public address, or the label of a special range ('LAN', 'loopback'...);
   *  null when unknown. */
  country: string | null;
  /** Autonomous system number and organisation of a public address; null when unknown. */
  asn: number | null;
  asOrg: string | null;
}

// ---------------------------------------------------------------------------------------------
// Processes: traffic per process ("top talkers")

/** The process rows that gather sockets no single process can be named for. */
export const OTHER_USERS = '(other users)';
export const NO_PROCESS = '(no process)';
/** The sockets of a remote host whose owners were past the cap (ownerStatus 'capped'): the one spelling of the
 *  grid's Process, `dump`'s PID/Program name and the process list's (and processes dataset's) bucket. */
export const OWNER_NOT_LISTED = '(owner not listed: cap reached)';
/** After the owners listed of a socket that has more (ownerStatus 'partial'). */
export const MORE_OWNERS_NOT_LISTED = '+ more not listed';

/** A socket's owners as a text (names, PIDs, `pid/name (+n)`), marked where it has more than are listed: the grid's
 *  cells and their tooltips, and `dump`'s PID/Program name alike. */
export function ownersText(listed: string, status: OwnerStatus): string {
  return status === 'partial' ? `${listed} ${MORE_OWNERS_NOT_LISTED}` : listed;
}

/** A unix socket's name as shown and matched: its path, or for an unnamed one its inode, as `ss` tells them apart (a
 *  process's many unnamed sockets read alike: a new user's review of 12-06). */
export function unixName(r: Pick<Connection, 'path' | 'inode'>): string {
  return r.path || (r.inode ? `(unnamed) #${r.inode}` : '(unnamed)');
}

/** Why a process's traffic is not a number: it holds no TCP connection (the host's rows say it; the page says it of a
 *  process it lists that the host sent no row for, one with unix sockets alone). */
export const NO_TCP_TRAFFIC_NOTE = 'n/a: no TCP connection (UDP, raw and unix sockets have no byte counters)';

export interface ProcessTraffic {
  /** Stable key: `pid@startTime`, or OTHER_USERS / NO_PROCESS. */
  id: string;
  pid: number | null;
  name: string;
  user: string | null;
  /** Sockets it holds now (all protocols). */
  connections: number;
  /** TCP bytes over the lives of the connections NetLens has seen, including those that closed since it
   *  started; null when it has had no TCP connection (UDP and raw sockets have no byte counters). */
  bytesSent: number | null;
  bytesReceived: number | null;
  /** TCP connections of it that closed while NetLens watched. */
  closedConnections: number;
  /** Set by the monitor: bytes per second over the last tick. */
  sendRate?: number | null;
  recvRate?: number | null;
  /** Why the totals are null or partial, else null. */
  note: string | null;
}

export interface RowTypes {
  connections: Connection;
  routes: Route;
  interfaces: NetInterface;
  statistics: Counter;
  multicast: MulticastGroup;
  names: NameEntry;
  processes: ProcessTraffic;
}

export type AnyRow = RowTypes[Dataset];

/** Counters are JavaScript numbers: exact up to 2^53 (9 PB of bytes). Beyond that a value is kept, rounded,
 *  and the diagnostics say so once per read, so nobody mistakes it for an exact count. */
export function noteInexactCounter(d: Diagnostics, source: string, name: string, value: number): void {
  if (value <= Number.MAX_SAFE_INTEGER) return;
  const note = `${source}: ${name} exceeds 2^53 and is shown rounded`;
  if (!d.notes.includes(note)) d.notes.push(note);
}
