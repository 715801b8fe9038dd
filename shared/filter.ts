// The Connections filter language. Terms are separated by spaces and all must match (there is no OR: a list is the
// way to say either, and a bare OR, AND or NOT is refused, where it was a word that matched nothing):
//   firefox                 free text: any column contains it (case-insensitive)
//   proc:firefox            process name contains
//   pid:1234                owning process id
//   port:443  port:8000-8100  port:80,443  port:https   local or remote port (ranges, lists, service names)
//   lport:22  rport:443     local / remote port only
//   addr:10.0.0.0/8         local or remote address in a network, or equal to an address
//   laddr:  raddr:          local / remote address only
//   state:established       state begins with (listen, est, time_wait...)
//   user:root  proto:tcp  cmd:--port  inode:12345  path:/run
//   host:github.com         remote host name contains (reverse DNS, when names are resolved)
//   country:US  country:LAN remote address's country code or range label
//   asn:15169  org:google   remote address's autonomous system number / organisation
//   bytes:>10M  sent:>1G  recv:<1K  rate:>1MB  rtt:>100ms  retrans:>0
//                           traffic (TCP): a comparison (> >= < <= =; none means >=) and a number with a unit;
//                           sizes are binary as the columns show them (K = 1024); rows without counters
//                           (UDP, unix, traffic not collected) never match
//   -term                   negates any term;  "quoted values" may hold spaces
//   state:listen,established  a comma lists values, any of which matches, in every field but the traffic ones (whose
//                           comparisons take one number each); a comma inside quotes is part of a name (proc:"a,b")
import {
  hostPort,
  ipInCidr,
  isLoopback,
  isUnspecified,
  parseCidr,
  parseIp,
  type Cidr,
  type ParsedIp,
} from './address.js';
import { groupDigits } from './format.js';
import {
  countriesNamed,
  countryCodeOf,
  countryName,
  NO_NAMES,
  remoteEntry,
  serviceName,
  type NameLookup,
  type ServiceIndex,
} from './names.js';
import { RANGE_LABELS } from './ranges.js';
import { KNOWN_STATES, shownState, unixName, type Connection } from './types.js';
import { inertExcerpt, inertText } from './inert-text.js';

export const FILTER_FIELDS = {
  proc: 'process name contains',
  pid: 'owning process id',
  port: 'local or remote port (80, 8000-8100, 80,443, >1024) or service name (https)',
  lport: 'local port (sport: too, as ss says)',
  rport: 'remote (foreign) port (dport: too)',
  addr: 'local or remote address, or a network in CIDR form (10.0.0.0/8)',
  laddr: 'local address or network',
  raddr: 'remote (foreign) address or network',
  state: 'state begins with (listen, established, time_wait, closed, unconn...)',
  user: 'user name or uid',
  proto: 'protocol: tcp, udp, udplite, raw, unix (tcp6, udp6 for IPv6 only)',
  cmd: 'command line contains',
  inode: 'socket inode',
  path: 'unix socket path contains',
  host: 'remote host name contains (when names are resolved)',
  country: 'remote country code (US) or range (LAN, loopback, link-local, CGNAT, multicast...)',
  asn: 'remote autonomous system number (15169, AS15169)',
  org: 'remote autonomous system organisation contains',
  bytes: 'bytes sent + received (>10M, <=512K)',
  sent: 'bytes sent (>1G)',
  recv: 'bytes received (>100M)',
  rate: 'send + receive rate per second (>1MB)',
  rtt: 'round-trip time (>100ms, <1s)',
  retrans: 'segments retransmitted (>0)',
} as const;

/** Fields whose answer depends on the names dataset: a view filtered by them follows name changes. */
const NAME_FIELDS: ReadonlySet<string> = new Set(['host', 'country', 'asn', 'org', 'port', 'lport', 'rport']);

export type FilterField = keyof typeof FILTER_FIELDS;

export type Predicate = (row: Connection) => boolean;

export type ParsedFilter =
  | { ok: true; predicate: Predicate; terms: number; usesNames: boolean }
  | { ok: false; error: string; at: number };

interface Token {
  negate: boolean;
  field: string | null;
  value: string;
  /** Written in quotes: a comma in it is part of a name, not a list's separator. */
  quoted: boolean;
  at: number;
}

function tokenize(query: string): Token[] | { error: string; at: number } {
  const tokens: Token[] = [];
  let i = 0;
  while (i < query.length) {
    while (i < query.length && /\s/.test(query[i]!)) i++;
    if (i >= query.length) break;
    const at = i;
    let negate = false;
    if (query[i] === '-' && i + 1 < query.length && !/\s/.test(query[i + 1]!)) {
      negate = true;
      i++;
    }
    let field: string | null = null;
    const m = /^([a-zA-Z]+):/.exec(query.slice(i));
    if (m) {
      field = m[1]!.toLowerCase();
      field = FIELD_ALIASES[field] ?? field;
      i += m[0].length;
    }
    let value = '';
    const quoted = query[i] === '"' || query[i] === "'";
    if (quoted) {
      // Inside quotes a backslash before a quote or a backslash stands for it (a name holding both kinds of quote:
      // an attacker's review of 12-06); before anything else it is itself (C:\Program Files, \u202e as shown).
      const quote = query[i]!;
      const start = i;
      i++;
      while (i < query.length && query[i] !== quote) {
        const next = query[i + 1];
        if (query[i] === '\\' && (next === '"' || next === "'" || next === '\\')) i++;
        value += query[i];
        i++;
      }
      if (i >= query.length) return { error: `unterminated ${quote} quote`, at: start };
      i++;
    } else {
      const start = i;
      while (i < query.length && !/\s/.test(query[i]!)) i++;
      value = query.slice(start, i);
    }
    if (field !== null && value === '') return { error: `${field}: needs a value`, at };
    tokens.push({ negate, field, value, quoted, at });
  }
  return tokens;
}

type Range = [number, number];

/** Values in one term's list, at most: each row is tested against each value, so a pasted list of 100,000 names or
 *  PIDs would have held the table's filter for minutes. */
const MAX_LIST = 1000;
const TOO_MANY_VALUES = `${groupDigits(MAX_LIST)} values`;
const TOO_LONG = `a list holds at most ${TOO_MANY_VALUES}`;
/** Terms in one filter, at most. */
const MAX_TERMS = 64;

/** Numbers and ranges, comma-separated (`80,8000-8100`), each at most `max`; null where one is not, or why where a
 *  range is written backwards (`443-80`: what was meant is plain, and it would match nothing). */
function parseRanges(value: string, max: number): Range[] | string | null {
  const out: Range[] = [];
  const parts = value.split(',');
  if (parts.length > MAX_LIST) return TOO_LONG;
  for (const part of parts) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) return null;
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    if (lo > max || hi > max) return null;
    if (lo > hi) return `'${m[1]}-${m[2]}' is a range backwards: ${m[2]}-${m[1]}`;
    out.push([lo, hi]);
  }
  return out;
}

const inRanges = (n: number, ranges: Range[]) => ranges.some(([lo, hi]) => n >= lo && n <= hi);

/** Whether some IPv4 address begins with `value` (digits and dots): at most four parts, each a number to 255. */
function ipv4Prefix(value: string): boolean {
  const parts = value.split('.');
  if (parts.length > 4) return false;
  return parts.every((p, i) => (p === '' ? i === parts.length - 1 && i > 0 : p.length <= 3 && Number(p) <= 255));
}

function addressMatcher(value: string): ((a: string, ip: ParsedIp | null) => boolean) | null {
  if (value.includes('/')) {
    const cidr: Cidr | null = parseCidr(value);
    return cidr ? (_, ip) => inNetwork(ip, cidr) : null;
  }
  if (parseIp(value)) {
    const cidr = parseCidr(value)!;
    return (_, ip) => inNetwork(ip, cidr);
  }
  // A partial address ("192.168.", "fe80:") matches as a prefix; one no IPv4 address begins with (999.1, 1.2.3.4.5)
  // is an error, not a filter that matches nothing.
  if (value.includes('.') && /^[0-9.]+$/.test(value) && !ipv4Prefix(value)) return null;
  if (/^[0-9a-fA-F:.]+$/.test(value)) {
    const v = value.toLowerCase();
    return (a) => a.toLowerCase().startsWith(v);
  }
  return null;
}

const inNetwork = (ip: ParsedIp | null, cidr: Cidr) => ip !== null && ipInCidr(ip, cidr);

const lower = (s: string | null | undefined) => (s ?? '').toLowerCase();

/** Answers kept per text by one term, at most: rows share their texts (a process's name and command line on each of its
 *  sockets, an address on both ends' rows), so a term's list is tested once per distinct text rather than per row. */
const KEPT_ANSWERS = 20_000;

/** A function of a text, each text's answer kept (up to KEPT_ANSWERS, then forgotten and kept again). */
function keptPerText<T>(answer: (text: string) => T): (text: string | null | undefined) => T {
  const kept = new Map<string, T>();
  return (text) => {
    const t = text ?? '';
    let a = kept.get(t);
    if (a === undefined && !kept.has(t)) {
      a = answer(t);
      if (kept.size >= KEPT_ANSWERS) kept.clear();
      kept.set(t, a);
    }
    return a as T;
  };
}

/** Whether a text holds any of `values` (in lower case), as holdsLower reads one: a 1,000-name list over 50,000 rows of
 *  4 KB command lines took 28 s with a row's text lower-cased and searched once per value (an attack review). */
const holdsAnyOf = (values: readonly string[]) => {
  // The values that can only match a text as the grid shows it (an escape typed, `\u202e`): the text's shown form made
  // once for them all, not once per value (999 such values over 5,000 command lines of 4 KB took 20 s).
  const escaped = values.filter((lv) => lv.includes('\\'));
  return keptPerText((text) => {
    const t = text.toLowerCase();
    if (values.some((lv) => t.includes(lv))) return true;
    if (escaped.length === 0) return false;
    const shown = inertText(t);
    return escaped.some((lv) => shown.includes(lv));
  });
};

/** An endpoint as free text finds it: `addr:port`, and an IPv6 one also as Copy writes it and ss prints it,
 *  `[::1]:443` (pasted from the row's menu it found nothing: a new user's review of 12-07). */
function endpointText(address: string, port: number): string {
  return address.includes(':') ? `${address}:${port} ${hostPort(address, port)}` : `${address}:${port}`;
}

/** Everything free text looks at, lower-cased once per row object. */
const haystacks = new WeakMap<Connection, string>();
function haystack(r: Connection): string {
  let h = haystacks.get(r);
  if (h === undefined) {
    const procs = r.processes.map((p) => `${p.name} ${p.pid} ${p.cmdline}`).join(' ');
    // A unix socket's name as the grid shows it (an unnamed one's "(unnamed) #inode"): what is on screen can be typed.
    const path = r.proto === 'unix' ? unixName(r) : (r.path ?? '');
    h =
      `${r.proto} ${endpointText(r.localAddress, r.localPort)} ${endpointText(r.remoteAddress, r.remotePort)} ${r.state}${r.closedAt ? ' closed' : ''} ${r.user ?? ''} ${r.uid ?? ''} ${path} ${procs}`.toLowerCase();
    haystacks.set(r, h);
  }
  return h;
}

/** What free text finds besides the row's own fields: its names and places (they change, so never cached). */
function namesText(r: Connection, names: NameLookup): string {
  const e = remoteEntry(names, r);
  const local = serviceName(names, r.proto, r.localPort);
  const remote = serviceName(names, r.proto, r.remotePort);
  if (!e && local === null && remote === null) return '';
  return `${e?.host ?? ''} ${e?.country ?? ''} ${countryName(e?.country ?? null)} ${e?.asn === null || e?.asn === undefined ? '' : `as${e.asn}`} ${e?.asOrg ?? ''} ${local ?? ''} ${remote ?? ''}`.toLowerCase();
}

/** ss's names for the ports (its filter's `sport` and `dport`): the local and the remote one here. */
const FIELD_ALIASES: Readonly<Record<string, string>> = { sport: 'lport', dport: 'rport' };

/** A port term's value: numbers, ranges, comparisons and service names, comma-separated ("80,https,8000-8100",
 *  ">1024"). */
function parsePortTerm(value: string): { ranges: Range[]; services: Set<string> } | string | null {
  const ranges: Range[] = [];
  const services = new Set<string>();
  const parts = value.split(',');
  if (parts.length > MAX_LIST) return TOO_LONG;
  for (const part of parts) {
    const p = part.trim().toLowerCase();
    const compared = /^(>=|<=|>|<)(\d{1,5})$/.exec(p);
    if (compared) {
      // `>1024`, `<=1023`: a range to the end (or from 0), as ss's `sport > :1024` and the traffic terms read.
      const n = Number(compared[2]);
      const bounds: Record<string, Range> = { '>': [n + 1, 65535], '>=': [n, 65535], '<': [0, n - 1], '<=': [0, n] };
      const [lo, hi] = bounds[compared[1]!]!;
      if (n > 65535 || lo > hi) return `${said(p)} leaves no port (0-65535)`;
      ranges.push([lo, hi]);
    } else if (/^[a-z][a-z0-9._+-]*$/.test(p) && p.length <= 64) services.add(p);
    else {
      const r = parseRanges(p, 65535);
      if (r === null || typeof r === 'string') return r;
      ranges.push(...r);
    }
  }
  return { ranges, services };
}

const SIZE_UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1024,
  m: 1024 ** 2,
  g: 1024 ** 3,
  t: 1024 ** 4,
  p: 1024 ** 5,
};
const TIME_UNITS: Record<string, number> = { '': 1, ms: 1, us: 0.001, µs: 0.001, s: 1000, m: 60_000 };

/** `>10M`, `<=1.5KiB`, `=0`, `1MB/s`, `>100ms`: a comparison against a number in the field's unit. */
function comparison(value: string, kind: 'size' | 'time' | 'count'): ((n: number) => boolean) | null {
  const m = /^(>=|<=|>|<|=)?(\d+(?:\.\d+)?)([a-zµ]*)(\/s)?$/i.exec(value);
  if (!m) return null;
  let unit = (m[3] ?? '').toLowerCase();
  let scale: number | undefined;
  if (kind === 'size') {
    // K, KB, KiB all mean 1024: the columns print binary units.
    unit = unit.replace(/i?b$/, '');
    scale = unit === '' && /b$/i.test(m[3] ?? '') ? 1 : SIZE_UNITS[unit];
  } else if (kind === 'time') {
    scale = TIME_UNITS[unit];
  } else {
    scale = unit === '' ? 1 : undefined;
  }
  if (scale === undefined || (m[4] && kind !== 'size')) return null;
  const x = Number(m[2]) * scale;
  switch (m[1] ?? '>=') {
    case '>':
      return (n) => n > x;
    case '<':
      return (n) => n < x;
    case '<=':
      return (n) => n <= x;
    case '=':
      return (n) => n === x;
    default:
      return (n) => n >= x;
  }
}

type TrafficValue = (r: Connection) => number | null | undefined;
const TRAFFIC_TERMS: Record<string, { kind: 'size' | 'time' | 'count'; value: TrafficValue; example: string }> = {
  bytes: { kind: 'size', value: (r) => sum(r.bytesSent, r.bytesReceived), example: '>10M' },
  sent: { kind: 'size', value: (r) => r.bytesSent, example: '>1M' },
  recv: { kind: 'size', value: (r) => r.bytesReceived, example: '>1M' },
  rate: { kind: 'size', value: (r) => sum(r.sendRate, r.recvRate), example: '>1MB' },
  rtt: { kind: 'time', value: (r) => r.rttMs, example: '>100ms' },
  retrans: { kind: 'count', value: (r) => r.retrans, example: '>0' },
};

function sum(a: number | null | undefined, b: number | null | undefined): number | null {
  return a === null || a === undefined || b === null || b === undefined ? null : a + b;
}

/** A value as an error quotes it: inert, and cut (a 1 MB value is not repeated whole in a message). */
const said = (v: string) => `'${inertExcerpt(v, 80)}'`;

/** Fields whose values are names or text (a process name may hold a comma): one in quotes is one value. */
const TEXT_FIELDS: ReadonlySet<string> = new Set(['proc', 'cmd', 'path', 'host', 'org', 'user']);

/** A term whose value may be a comma list, any of whose values matches: `make` gives each value's predicate (from the
 *  value and its lower case) or why it cannot. An empty value is an error: in a text field it would match every row. */
function anyOf(t: Token, make: (v: string, lv: string) => Predicate | string): Predicate | string {
  const values = listOf(t);
  if (typeof values === 'string') return values;
  const preds: Predicate[] = [];
  for (const v of values) {
    const p = make(v, v.toLowerCase());
    if (typeof p === 'string') return p;
    preds.push(p);
  }
  return preds.length === 1 ? preds[0]! : (r) => preds.some((p) => p(r));
}

/** A term's values as written: a comma list, or one (a quoted name, whose commas are its own). */
const listValues = (t: Token): string[] =>
  t.quoted && TEXT_FIELDS.has(t.field ?? '') ? [t.value] : t.value.split(',');

/** A term's values (a comma list, or one), or why they are not. */
function listOf(t: Token): string[] | string {
  const values = listValues(t);
  if (values.length > MAX_LIST) return `${t.field}: ${TOO_LONG}`;
  if (values.includes('')) {
    return `${t.field}: ${said(t.value)} has an empty value: a list is values between commas, any of which matches (${t.field}:a,b)`;
  }
  return values;
}

/** A term over texts that holds any of its values: `build` makes the row's test from the texts' test. */
function heldBy(
  t: Token,
  build: (holds: (text: string | null | undefined) => boolean) => Predicate,
): Predicate | string {
  const values = listOf(t);
  return typeof values === 'string' ? values : build(holdsAnyOf(values.map((v) => v.toLowerCase())));
}

const STATES = [...KNOWN_STATES].map((s) => s.toLowerCase());
/** The states a live row can show: the sockets', and CLOSED for a closed row lingering (shownState). */
const SHOWN_STATES = [...STATES, 'closed'];

/** A state as `state:` compares it: in lower case, without its `_` or `-` (ss writes fin-wait-2, netstat FIN_WAIT2,
 *  the grid FIN_WAIT2: each finds the others). Kept per text: a handful of states over every row. */
const stateKeys = new Map<string, string>();
function stateKey(state: string): string {
  let key = stateKeys.get(state);
  if (key === undefined) {
    key = state.toLowerCase().replace(/[-_]/g, '');
    // States are a few known names, and UNKNOWN(…) texts a capture brought: kept within bounds all the same.
    if (stateKeys.size >= 1000) stateKeys.clear();
    stateKeys.set(state, key);
  }
  return key;
}

/** Which rows a filter reads: the live table's (a closed row shows, and is found by, CLOSED), or the record's
 *  (History: a row keeps the last state it was recorded in, and says when it closed in a column of its own). */
export type FilterRows = 'live' | 'recorded';

function termPredicate(
  t: Token,
  names: NameLookup,
  services: ServiceIndex | null,
  rows: FilterRows = 'live',
): Predicate | string {
  const v = t.value;
  switch (t.field) {
    case null: {
      // Free text is matched as typed, comma and all: lists belong to fields.
      const lv = v.toLowerCase();
      return (r) => holdsLower(haystack(r), lv) || namesText(r, names).includes(lv);
    }
    case 'proc':
      return heldBy(t, (held) => (r) => r.processes.some((p) => held(p.name)));
    case 'cmd':
      return heldBy(t, (held) => (r) => r.processes.some((p) => held(p.cmdline)));
    case 'pid': {
      const ranges = parseRanges(v, 2 ** 32);
      if (typeof ranges === 'string') return `pid: ${ranges}`;
      if (!ranges) return `pid: ${said(v)} is not a process id`;
      return (r) => r.processes.some((p) => inRanges(p.pid, ranges));
    }
    case 'port':
    case 'lport':
    case 'rport': {
      const term = parsePortTerm(v);
      if (typeof term === 'string') return `${t.field}: ${term}`;
      if (!term) return `${t.field}: ${said(v)} is not a port, range, list (0-65535) or service name`;
      const { ranges } = term;
      const shown = services ? shownServices(term.services, services) : term.services;
      if (typeof shown === 'string') return `${t.field}: ${shown}`;
      const matches = (r: Connection, port: number) =>
        inRanges(port, ranges) || (shown.size > 0 && shown.has(serviceName(names, r.proto, port)?.toLowerCase() ?? ''));
      if (t.field === 'lport') return (r) => r.proto !== 'unix' && matches(r, r.localPort);
      if (t.field === 'rport') return (r) => r.proto !== 'unix' && matches(r, r.remotePort);
      return (r) => r.proto !== 'unix' && (matches(r, r.localPort) || matches(r, r.remotePort));
    }
    case 'host':
      return heldBy(t, (held) => (r) => held(remoteEntry(names, r)?.host));
    case 'country':
      return anyOf(t, (v, lv) => {
        // A typo or a country's name (`country:germany`) would match nothing and look like no such socket.
        const range = RANGE_LABELS.some((l) => l.toLowerCase() === lv);
        const code = /^[a-z]{2}$/.test(lv) && (!countriesNamed() || countryName(v.toUpperCase()) !== '');
        if (!range && !code) {
          const named = countryCodeOf(v);
          return `country: ${said(v)} is no country code${named ? ` (${inertExcerpt(v, 80)} is ${named})` : ' (US, DE, JP…)'} nor range (${RANGE_LABELS.join(', ')})`;
        }
        return (r) => lower(remoteEntry(names, r)?.country) === lv;
      });
    case 'asn': {
      const ranges = parseRanges(v.toLowerCase().replace(/(^|,)as/g, '$1'), 2 ** 32 - 1);
      if (typeof ranges === 'string') return `asn: ${ranges}`;
      if (!ranges) return `asn: ${said(v)} is not an AS number or list (15169, AS15169)`;
      return (r) => {
        const asn = remoteEntry(names, r)?.asn;
        return asn !== null && asn !== undefined && inRanges(asn, ranges);
      };
    }
    case 'org':
      return heldBy(t, (held) => (r) => held(remoteEntry(names, r)?.asOrg));
    case 'addr':
    case 'laddr':
    case 'raddr': {
      const field = t.field;
      const values = listOf(t);
      if (typeof values === 'string') return values;
      const matchers: ((a: string, ip: ParsedIp | null) => boolean)[] = [];
      for (const v of values) {
        const m = addressMatcher(v);
        if (!m) return `${field}: ${said(v)} is not an address or network`;
        matchers.push(m);
      }
      // Each address parsed and tested against the list once (24 s for 1,000 networks over 50,000 rows, each row's
      // address parsed again for each: an attack review of 12-07).
      const within = keptPerText((a) => {
        const ip = parseIp(a);
        return matchers.some((m) => m(a, ip));
      });
      if (field === 'laddr') return (r) => within(r.localAddress);
      if (field === 'raddr') return (r) => within(r.remoteAddress);
      return (r) => within(r.localAddress) || within(r.remoteAddress);
    }
    case 'state': {
      const words = rows === 'live' ? SHOWN_STATES : STATES;
      const of = rows === 'live' ? shownState : (r: Connection) => r.state;
      return anyOf(t, (v, lv) => {
        const want = stateKey(lv);
        // A typo (state:establshed) would match nothing and look like no such socket: it is an error instead.
        if (!words.some((s) => stateKey(s).startsWith(want))) {
          const near = nearestWord(lv.replace(/-/g, '_'), words);
          return `state: ${said(v)} begins no state${near ? ` (did you mean ${near}?)` : ''}: listen, established, time_wait, close_wait, unconn, connected…`;
        }
        // What the State column shows: a closed row lingering is CLOSED, not the state it had (on main
        // `state:established` listed rows reading CLOSED, and `state:closed` was refused: a new user's review).
        return (r) => stateKey(of(r)).startsWith(want);
      });
    }
    case 'user': {
      const values = listOf(t);
      if (typeof values === 'string') return values;
      // Names compared whole, so a set of them (uids as written).
      const named = new Set(values.map((v) => v.toLowerCase()));
      const uids = new Set(values);
      return (r) =>
        named.has(lower(r.user)) || uids.has(String(r.uid ?? '')) || r.processes.some((p) => named.has(lower(p.user)));
    }
    case 'proto':
      return anyOf(t, (v, lv) => {
        const m = /^(tcp|udp|udplite|raw|unix)(6|4)?$/.exec(lv);
        if (!m) {
          const near = nearestWord(lv, ['tcp', 'udp', 'udplite', 'raw', 'unix', 'tcp4', 'tcp6', 'udp4', 'udp6']);
          return `proto: ${said(v)} is not one of tcp, udp, udplite, raw, unix (add 4 or 6 for a family)${near ? `: did you mean ${near}?` : ''}`;
        }
        const family = m[2] === '6' ? 'inet6' : m[2] === '4' ? 'inet' : null;
        return (r) => r.proto === m[1] && (family === null || r.family === family);
      });
    case 'inode':
      return anyOf(t, (v) => {
        if (!/^\d+$/.test(v)) return `inode: ${said(v)} is not a number`;
        const n = Number(v);
        return (r) => r.inode === n;
      });
    case 'path':
      return heldBy(t, (held) => (r) => held(r.path));
    case 'bytes':
    case 'sent':
    case 'recv':
    case 'rate':
    case 'rtt':
    case 'retrans': {
      const term = TRAFFIC_TERMS[t.field]!;
      // A list of comparisons would read a thousands separator (>1,000) or a range (>1K,<2K) as either of two.
      if (v.includes(',')) {
        return `${t.field}: ${said(v)} holds a comma: a comparison takes one number, without thousands separators; for a range write two terms (${t.field}:>1K ${t.field}:<2K)`;
      }
      const test = comparison(v, term.kind);
      if (!test) return `${t.field}: ${said(v)} is not a comparison such as ${t.field}:${term.example}`;
      return (r) => {
        const n = term.value(r);
        return n !== null && n !== undefined && test(n);
      };
    }
    default:
      return `unknown field ${said(`${t.field}:`)} (known: ${Object.keys(FILTER_FIELDS).join(', ')})`;
  }
}

/** The names shown for the ports a `port:` term's words stand for (`www` is shown as `http`), or why a word stands
 *  for none: a typo (`port:htps`) would match nothing and look like no such socket, so it is an error, with the
 *  known name nearest to it. */
function shownServices(words: ReadonlySet<string>, index: ServiceIndex): Set<string> | string {
  const shown = new Set<string>();
  for (const word of words) {
    const names = index.words.get(word);
    if (!names) {
      const near = nearestWord(word, index.words.keys());
      return `no service is named '${word}' in ${index.source}${near ? ` (did you mean ${near}?)` : ''}; a port, range or list (443, 8000-8100, 80,443) works too`;
    }
    for (const n of names) shown.add(n);
  }
  return shown;
}

/** The word nearest to `word` within two edits (a letter left out, added or changed); of the nearest, one that holds
 *  the letters typed in their order (`htps`: `https` rather than `ftps`, letters left out being the usual slip), then
 *  the first; null when none is within two. Only words within two letters of its length are compared, each with its
 *  work cut off past the best distance so far. */
function nearestWord(word: string, words: Iterable<string>): string | null {
  let best: string | null = null;
  // Twice the distance, less one for a word that holds the typed letters in order.
  let bestScore = 5;
  for (const w of words) {
    if (Math.abs(w.length - word.length) * 2 - 1 >= bestScore) continue;
    const d = editDistance(word, w, Math.min(2, Math.floor(bestScore / 2)));
    const score = d * 2 - (holdsInOrder(w, word) ? 1 : 0);
    if (d <= 2 && score < bestScore) {
      best = w;
      bestScore = score;
    }
  }
  return best;
}

/** Whether `text` holds the letters of `letters` in their order. */
function holdsInOrder(text: string, letters: string): boolean {
  let at = 0;
  for (let i = 0; i < text.length && at < letters.length; i++) if (text[i] === letters[at]) at++;
  return at === letters.length;
}

/** Levenshtein's distance between `a` and `b`, or more than `limit` when it is more (the rows stop there). */
function editDistance(a: string, b: string, limit: number): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let lowest = i;
    for (let j = 1; j <= b.length; j++) {
      const d = Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      row.push(d);
      if (d < lowest) lowest = d;
    }
    if (lowest > limit) return limit + 1;
    previous = row;
  }
  return previous[b.length]!;
}

/** Why the i-th term, a bare OR, AND or NOT (or a term after a !), is refused, or null when it is none: each was a word that matched
 *  nothing (rport:8765 OR rport:9911 gave no rows without a word: a new user's review). OR is refused rather than
 *  read: terms join by AND, with no parentheses to say how the two would group, and a comma list already says either
 *  of a field's values; a term that is either of two fields' has no way to be written. Quoted, each is a word. */
function operatorWord(tokens: Token[], i: number): string | null {
  const t = tokens[i]!;
  if (t.field !== null || t.negate || t.quoted) return null;
  const word = t.value.toLowerCase();
  const quote = `quote it ("${t.value}")`;
  const prev = tokens[i - 1];
  const next = tokens[i + 1];
  // A term the error may repeat as it is: short, plain and a list may hold it.
  const plain = (u: Token | undefined): u is Token & { field: string } =>
    u !== undefined &&
    u.field !== null &&
    !u.quoted &&
    !(u.field in TRAFFIC_TERMS) &&
    u.value.length <= 40 &&
    /^[^"'\\]+$/.test(u.value);
  if (word === 'or') {
    const list =
      plain(prev) && plain(next) && prev.field === next.field && !prev.negate && !next.negate
        ? inertText(`${prev.field}:${prev.value},${next.value}`)
        : null;
    return list
      ? `'${t.value}' is no operator: all terms must match; for any of several values list them with commas (${list})`
      : `'${t.value}' is no operator: all terms must match; for any of several values list them with commas (port:80,443, proc:sshd,nginx); to find the word, ${quote}`;
  }
  if (word === 'and') {
    return `'${t.value}' is no operator: all terms must match already, so leave it out; to find the word, ${quote}`;
  }
  if (word === 'not') {
    const term = plain(next) && !next.negate ? inertText(`-${next.field}:${next.value}`) : '-state:listen';
    return `'${t.value}' is no operator: a - before a term negates it (${term}); to find the word, ${quote}`;
  }
  // `!proc:x`, as other tools negate, was a word of free text that matched nothing.
  if (t.value.length > 1 && t.value.startsWith('!')) {
    const rest = t.value.slice(1);
    return `'!' does not negate: a - before a term does (${said(`-${rest}`)}); to find the text, quote it (${said(`"${t.value}"`)})`;
  }
  return null;
}

/** Parses a query. `names` answers the terms about names and places (host:, country:, port:https, free
 *  text); it is read when the predicate runs, so the same predicate follows names as they arrive. `services`, the
 *  host's services database, makes a `port:` term's name an error when the database has no such name, and lets an
 *  alias (`www`) find the ports of the name shown for them (`http`); without it a name matches the name shown. */
export function parseFilter(
  query: string,
  names: NameLookup = NO_NAMES,
  services: ServiceIndex | null = null,
  rows: FilterRows = 'live',
): ParsedFilter {
  const tokens = tokenize(query);
  if (!Array.isArray(tokens)) return { ok: false, ...tokens };
  // Each row is tested against each term and each value of its list: a pasted query of 100,000 terms held the
  // table's filter for an hour (an attack review of 12-07).
  if (tokens.length > MAX_TERMS) {
    return { ok: false, error: `a filter holds at most ${MAX_TERMS} terms`, at: tokens[MAX_TERMS]!.at };
  }
  let values = 0;
  for (const t of tokens) {
    values += t.field === null ? 1 : listValues(t).length;
    if (values > MAX_LIST) return { ok: false, error: `a filter holds at most ${TOO_MANY_VALUES}`, at: t.at };
  }
  const preds: Predicate[] = [];
  for (const [i, t] of tokens.entries()) {
    const operator = operatorWord(tokens, i);
    if (operator !== null) return { ok: false, error: operator, at: t.at };
    // `port:80, 443`: the list ends at the space, and its empty last value or a value alone in the next term said
    // nothing of the space (a new user's review of 12-07).
    const next = tokens[i + 1];
    if (
      t.field !== null &&
      !t.quoted &&
      t.value.endsWith(',') &&
      next !== undefined &&
      next.field === null &&
      !next.negate
    ) {
      return {
        ok: false,
        error: `${t.field}: a list takes no spaces (${said(`${t.field}:${t.value}${next.value}`)})`,
        at: t.at,
      };
    }
    const p = termPredicate(t, names, services, rows);
    if (typeof p === 'string') return { ok: false, error: p, at: t.at };
    preds.push(t.negate ? (r) => !p(r) : p);
  }
  const usesNames = tokens.some((t) => t.field === null || NAME_FIELDS.has(t.field));
  if (preds.length === 0) return { ok: true, predicate: () => true, terms: 0, usesNames: false };
  return { ok: true, predicate: (r) => preds.every((p) => p(r)), terms: preds.length, usesNames };
}

/** Quotes a value for the filter box when it holds spaces or quotes (a process name like "Web Content"), a quote or
 *  backslash inside it escaped. */
function quoteFilterValue(value: string): string {
  // A comma too: unquoted, `a,b` would be a list finding the processes named like either part.
  if (/^[^\s"',]+$/.test(value)) return value;
  return `"${value.replace(/["\\]/g, '\\$&')}"`;
}

/** The query with one more term, `field:value`, its value as the grid shows it (a control or bidi character as its
 *  escape, which the terms match: the box never holds a raw U+202E that turns what it shows around) and quoted as it
 *  needs (a "Filter to" menu item, History's process links). A query that holds that very term already is left as
 *  it is: a second "Filter to" the same process or address added it again, changing nothing but the box. */
export function withTerm(query: string, field: string, value: string): string {
  const shown = inertText(value);
  const tokens = tokenize(query);
  if (Array.isArray(tokens) && tokens.some((t) => !t.negate && t.field === field && t.value === shown)) return query;
  return `${query.trim()} ${field}:${quoteFilterValue(shown)}`.trim();
}

/** Whether a text in lower case holds `lv` (lower case), as the OS gave it or as the grid shows it (a control or bidi
 *  character drawn as its escape, `\u202e`): what the user sees can be typed. */
function holdsLower(t: string, lv: string): boolean {
  return t.includes(lv) || (lv.includes('\\') && inertText(t).includes(lv));
}

/** The Connections tab's protocol and family toggles, in the toolbar's order: the one list the toolbar, its
 *  menu, the saved settings and an export's description follow. */
export const SOCKET_TOGGLES = [
  { key: 'tcp', label: 'TCP', title: 'Show TCP sockets' },
  { key: 'udp', label: 'UDP', title: 'Show UDP and UDP-Lite sockets' },
  { key: 'raw', label: 'RAW', title: 'Show raw sockets' },
  { key: 'unix', label: 'UNIX', title: 'Show unix domain sockets' },
  { key: 'inet', label: 'IPv4', title: 'Show IPv4 sockets' },
  { key: 'inet6', label: 'IPv6', title: 'Show IPv6 sockets' },
] as const;

export type SocketToggle = (typeof SOCKET_TOGGLES)[number]['key'];

/** All sockets, only those waiting for peers, or only the others. */
export const CONNECTION_MODES = [
  { mode: 'all', label: 'All' },
  { mode: 'listening', label: 'Listening' },
  { mode: 'connected', label: 'Connected' },
] as const;

export type ConnectionMode = (typeof CONNECTION_MODES)[number]['mode'];

/** The Connections tab's quick toggles: protocols, families, listening/connected, loopback. */
export type ConnectionToggles = Record<SocketToggle, boolean> & {
  mode: ConnectionMode;
  hideLoopback: boolean;
};

const LISTENING_STATES = new Set(['LISTEN', 'LISTENING', 'UNCONN']);

/** A socket "listens" when it waits for peers: TCP LISTEN, unix LISTENING, and unconnected UDP/raw. */
export function isListening(r: Connection): boolean {
  if (r.proto === 'unix') return r.state === 'LISTENING';
  return LISTENING_STATES.has(r.state);
}

export function togglesPredicate(t: ConnectionToggles): Predicate {
  return (r) => {
    if (
      r.proto === 'tcp'
        ? !t.tcp
        : r.proto === 'udp' || r.proto === 'udplite'
          ? !t.udp
          : r.proto === 'raw'
            ? !t.raw
            : !t.unix
    )
      return false;
    if (r.family === 'inet' && !t.inet) return false;
    if (r.family === 'inet6' && !t.inet6) return false;
    if (t.mode === 'listening' && !isListening(r)) return false;
    if (t.mode === 'connected' && isListening(r)) return false;
    if (
      t.hideLoopback &&
      r.proto !== 'unix' &&
      isLoopback(r.localAddress) &&
      (isLoopback(r.remoteAddress) || isUnspecified(r.remoteAddress))
    )
      return false;
    return true;
  };
}
