// Endpoint and row helpers shared by the text parsers of netstat-like output (macOS, BSD, Windows, and the
// saved Linux netstat/ss captures). Each OS prints "address + port" its own way; these turn them into the
// numeric address and port the Connection row carries, with the same id scheme as the Linux collector.
import { withoutZone } from '../../../shared/address.js';
import { lookup } from '../lookup.js';
import { connectionState, type Connection, type Family, type Protocol } from '../../../shared/types.js';
import { undoCp1252ReadOfOem850 } from '../oem-codepage.js';
import { inetConnectionKey, unixConnectionKey } from './keys.js';
import { sendQueue } from './kernel-states.js';

export interface Endpoint {
  address: string;
  port: number;
  /** The port column held a service name that is not in SERVICE_PORTS (output without -n). */
  unresolvedPort?: string;
}

// Names that netstat prints instead of the port when it was run without -n. Only the common ones: a name
// that is not here keeps port 0 and the caller notes that the capture has resolved names.
const SERVICE_PORTS: Record<string, number> = {
  ftp: 21,
  ssh: 22,
  telnet: 23,
  smtp: 25,
  domain: 53,
  bootps: 67,
  bootpc: 68,
  tftp: 69,
  http: 80,
  www: 80,
  kerberos: 88,
  pop3: 110,
  sunrpc: 111,
  ident: 113,
  auth: 113,
  ntp: 123,
  epmap: 135,
  'netbios-ns': 137,
  'netbios-dgm': 138,
  'netbios-ssn': 139,
  imap: 143,
  snmp: 161,
  'snmp-trap': 162,
  ldap: 389,
  https: 443,
  'microsoft-ds': 445,
  kpasswd: 464,
  isakmp: 500,
  submission: 587,
  syslog: 514,
  printer: 515,
  ipp: 631,
  ldaps: 636,
  imaps: 993,
  pop3s: 995,
  socks: 1080,
  'ms-sql-s': 1433,
  openvpn: 1194,
  l2tp: 1701,
  'ms-wbt-server': 3389,
  mdns: 5353,
  'ipv6-icmp': 58,
  icmp: 1,
  llmnr: 5355,
  'ws-discovery': 3702,
  ssdp: 1900,
  'msft-gc': 3268,
  'msft-gc-ssl': 3269,
  mysql: 3306,
  postgresql: 5432,
  x11: 6000,
  'http-alt': 8080,
  webcache: 8080,
  sieve: 4190,
  'ipsec-nat-t': 4500,
  'xmpp-client': 5222,
  amqp: 5672,
};

export function portNumber(text: string): { port: number; unresolved?: string } | null {
  if (text === '*' || text === '') return { port: 0 };
  if (/^\d+$/.test(text)) {
    const n = Number(text);
    return n <= 65535 ? { port: n } : null;
  }
  const known = lookup(SERVICE_PORTS, text.toLowerCase());
  if (known !== undefined) return { port: known };
  if (/^[\w.+-]+$/.test(text)) return { port: 0, unresolved: text };
  return null;
}

function endpoint(address: string, portText: string): Endpoint | null {
  const p = portNumber(portText);
  if (!p) return null;
  return p.unresolved === undefined
    ? { address, port: p.port }
    : { address, port: p.port, unresolvedPort: p.unresolved };
}

/** `0.0.0.0:135`, `[::1]:631`, `[fe80::1%6]:1900`, `[fe80::1]%eth0:53731` (ss), `*:*`, `:::22`, `::1:25`,
 *  `127.0.0.53%lo:53`, `host:https`. The port is after the last colon; brackets are removed, an IPv6 zone
 *  is kept on the address (`fe80::1%eth0`). */
export function splitColonEndpoint(text: string, wildcard: string): Endpoint | null {
  if (text === '*:*' || text === '*') return { address: wildcard, port: 0 };
  const bracket = /^\[([^\]]*)\](%[^:%\s]+)?:(.*)$/.exec(text);
  if (bracket) {
    const inner = bracket[1] ?? '';
    return endpoint(
      inner ? withZone(inner + (inner.includes('%') ? '' : (bracket[2] ?? ''))) : wildcard,
      bracket[3] ?? '',
    );
  }
  const i = text.lastIndexOf(':');
  if (i < 0) return null;
  let address = text.slice(0, i);
  // `*%ens33` (ss): the wildcard bound to a device, which is a binding, not part of the address.
  if (address === '' || withoutZone(address) === '*') address = wildcard;
  return endpoint(withZone(address), text.slice(i + 1));
}

/** BSD style: `192.168.1.221.5486`, `*.*`, `*.80`, `::1.631`, `fe80::1%lo0.5353`. The port is after the
 *  last dot. */
export function splitDotEndpoint(text: string, wildcard: string): Endpoint | null {
  if (text === '*.*') return { address: wildcard, port: 0 };
  const i = text.lastIndexOf('.');
  if (i <= 0) return null;
  let address = text.slice(0, i);
  if (address === '*') address = wildcard;
  return endpoint(withZone(address), text.slice(i + 1));
}

/** An IPv6 address keeps its zone (`fe80::1%eth0`, `fe80::1%6`): a link-local address means nothing
 *  without its link, and the live collector shows it the same way. On an IPv4 address `%lo` is the device
 *  the socket is bound to (ss), not part of the address: it is dropped. */
export function withZone(address: string): string {
  const i = address.indexOf('%');
  if (i < 0) return address;
  return address.slice(0, i).includes(':') ? address : address.slice(0, i);
}

export function familyOfAddress(address: string): 'inet' | 'inet6' {
  return address.includes(':') ? 'inet6' : 'inet';
}

const TCP_STATES: Record<string, string> = {
  ESTABLISHED: 'ESTABLISHED',
  ESTAB: 'ESTABLISHED',
  SYN_SENT: 'SYN_SENT',
  'SYN-SENT': 'SYN_SENT',
  SYN_RECV: 'SYN_RECV',
  'SYN-RECV': 'SYN_RECV',
  SYN_RECEIVED: 'SYN_RECV',
  SYN_RCVD: 'SYN_RECV',
  FIN_WAIT1: 'FIN_WAIT1',
  FIN_WAIT_1: 'FIN_WAIT1',
  'FIN-WAIT-1': 'FIN_WAIT1',
  FIN_WAIT2: 'FIN_WAIT2',
  FIN_WAIT_2: 'FIN_WAIT2',
  'FIN-WAIT-2': 'FIN_WAIT2',
  TIME_WAIT: 'TIME_WAIT',
  'TIME-WAIT': 'TIME_WAIT',
  CLOSE: 'CLOSE',
  CLOSED: 'CLOSE',
  CLOSE_WAIT: 'CLOSE_WAIT',
  'CLOSE-WAIT': 'CLOSE_WAIT',
  LAST_ACK: 'LAST_ACK',
  'LAST-ACK': 'LAST_ACK',
  LISTEN: 'LISTEN',
  LISTENING: 'LISTEN',
  CLOSING: 'CLOSING',
  DELETE_TCB: 'DELETE_TCB',
  BOUND: 'BOUND',
  UNCONN: 'UNCONN',
  NEW_SYN_RECV: 'NEW_SYN_RECV',
  // Windows netstat translates the state column. German, French and Spanish as Windows prints them,
  // compared without accents so a capture decoded with the wrong code page still matches.
  ABHOREN: 'LISTEN',
  HERGESTELLT: 'ESTABLISHED',
  WARTEND: 'TIME_WAIT',
  SCHLIESSEN_WARTEN: 'CLOSE_WAIT',
  SYN_GESENDET: 'SYN_SENT',
  SYN_EMPFANGEN: 'SYN_RECV',
  FIN_WARTEN_1: 'FIN_WAIT1',
  FIN_WARTEN_2: 'FIN_WAIT2',
  LETZTES_ACK: 'LAST_ACK',
  SCHLIESSEND: 'CLOSING',
  GESCHLOSSEN: 'CLOSE',
  ECOUTE: 'LISTEN',
  ETABLI: 'ESTABLISHED',
  ETABLIE: 'ESTABLISHED',
  ATTENTE_FERMETURE: 'CLOSE_WAIT',
  SYN_ENVOYE: 'SYN_SENT',
  SYN_RECU: 'SYN_RECV',
  DERNIER_ACK: 'LAST_ACK',
  FERME: 'CLOSE',
  FERMETURE: 'CLOSING',
  ESCUCHANDO: 'LISTEN',
  ESTABLECIDO: 'ESTABLISHED',
  ESPERA_CIERRE: 'CLOSE_WAIT',
  CERRAR_ESPERA: 'CLOSE_WAIT',
  SYN_ENVIADO: 'SYN_SENT',
  SYN_RECIBIDO: 'SYN_RECV',
  ULTIMO_ACK: 'LAST_ACK',
  CERRADO: 'CLOSE',
  CERRANDO: 'CLOSING',
  TIEMPO_ESPERA: 'TIME_WAIT',
};

function foldAccents(s: string): string {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toUpperCase();
}

/** One spelling per TCP state across OSes (Linux /proc names: LISTEN, SYN_RECV, FIN_WAIT1, CLOSE). Returns
 *  null for text that is no state at all, so callers can tell a missing state column from an odd one. */
export function normalizeTcpState(text: string): string | null {
  const known = lookup(TCP_STATES, text.toUpperCase()) ?? lookup(TCP_STATES, foldAccents(text));
  if (known || /^[\x20-\x7e]*$/.test(text)) return known ?? null;
  // A German or French capture saved through a code-page mix-up (ABH™REN): read it back as OEM 850.
  const repaired = undoCp1252ReadOfOem850(text);
  return (repaired && lookup(TCP_STATES, foldAccents(repaired))) ?? null;
}

/** The Linux collector's key, so a capture and a live table key the same socket alike. */
export function connectionId(
  c: Pick<
    Connection,
    'proto' | 'family' | 'localAddress' | 'localPort' | 'remoteAddress' | 'remotePort' | 'inode' | 'path' | 'state'
  >,
): string {
  if (c.proto === 'unix') return unixConnectionKey(c.path ?? '', c.inode);
  return inetConnectionKey(
    c.proto,
    c.family,
    c.localAddress,
    c.localPort,
    c.remoteAddress,
    c.remotePort,
    c.inode,
    c.state,
  );
}

export interface ConnectionFields {
  proto: Protocol;
  family: Family;
  local: Endpoint;
  remote: Endpoint;
  /** Normalized where the caller could (normalizeTcpState); other text ends up inside UNKNOWN(…). */
  state: string;
  recvQ?: number;
  sendQ?: number;
  inode?: number | null;
  uid?: number | null;
  user?: string | null;
  pid?: number | null;
  processName?: string;
  /** 'denied' when the tool printed '-' for a socket it could not attribute. */
  ownerStatus?: Connection['ownerStatus'];
  path?: string;
  socketType?: string;
}

export function makeConnection(f: ConnectionFields): Connection {
  const pid = f.pid ?? null;
  const state = connectionState(f.state);
  const row: Connection = {
    id: '',
    proto: f.proto,
    family: f.family,
    localAddress: f.local.address,
    localPort: f.local.port,
    remoteAddress: f.remote.address,
    remotePort: f.remote.port,
    state,
    recvQ: f.recvQ ?? 0,
    sendQ: sendQueue(state, f.sendQ ?? 0),
    uid: f.uid ?? null,
    user: f.user ?? null,
    inode: f.inode ?? null,
    processes:
      pid !== null && pid > 0
        ? [{ pid, name: f.processName ?? '', cmdline: '', exe: null, user: f.user ?? null, startTime: null }]
        : [],
    ownerStatus: f.ownerStatus ?? (pid !== null && pid > 0 ? 'known' : 'none'),
  };
  if (f.path !== undefined) row.path = f.path;
  if (f.socketType !== undefined) row.socketType = f.socketType;
  row.id = connectionId(row);
  return row;
}
