// How a connection's numbers meet their names: the key of a port's service entry, the lookup that the
// renderer (over the `names` dataset), the CLI and captures (over a local table) all answer, and the JSON
// fields `netlens dump --json` and `netlens parse --json` add to each connection.
import { isUnspecified, parseIp } from './address.js';
import type { Connection, NameEntry, Protocol } from './types.js';

/** The services database has tcp and udp entries; UDP-Lite uses udp's. Raw and unix sockets have none. */
export function serviceProto(proto: Protocol): 'tcp' | 'udp' | null {
  if (proto === 'tcp') return 'tcp';
  if (proto === 'udp' || proto === 'udplite') return 'udp';
  return null;
}

/** The id of a port's entry in the `names` dataset: `tcp/443`; null where a port has no service. */
export function serviceKey(proto: Protocol, port: number): string | null {
  const p = serviceProto(proto);
  return p === null || port <= 0 ? null : `${p}/${port}`;
}

/** The service names a host's database knows, as a filter's `port:` term needs them: each name shown for a port
 *  (lower case), and each other name a port is listed under (an alias, a later entry) with the name shown for it.
 *  The page has it from HostInfo; the CLI makes it from the table it names rows with. */
export interface ServiceVocabulary {
  /** Where the names came from: `/etc/services`, or the bundled registry. */
  source: string;
  names: string[];
  aliases: [word: string, shown: string][];
}

/** A vocabulary as a filter reads it: each word, with the names shown for the ports it stands for. */
export interface ServiceIndex {
  source: string;
  words: Map<string, Set<string>>;
}

type WordPair = readonly [word: string, shown: string];

/** Each word with the names it stands for, from pairs of them (a name shown for a port stands for itself). */
function wordsOf(pairs: readonly WordPair[]): Map<string, Set<string>> {
  const words = new Map<string, Set<string>>();
  for (const [word, shown] of pairs) {
    const set = words.get(word);
    if (set) set.add(shown);
    else words.set(word, new Set([shown]));
  }
  return words;
}

export function serviceIndex(v: ServiceVocabulary): ServiceIndex {
  return { source: v.source, words: wordsOf([...v.names.map((name) => [name, name] as const), ...v.aliases]) };
}

/** A vocabulary from each word a database lists with the name shown for its port (lower-cased, as the filter
 *  compares them; each pair once): the names shown, sorted, then the other words with theirs, in their order. */
export function serviceVocabulary(source: string, pairs: readonly WordPair[]): ServiceVocabulary {
  const names: string[] = [];
  const aliases: [string, string][] = [];
  for (const [word, shown] of wordsOf(pairs.map(([w, s]) => [w.toLowerCase(), s.toLowerCase()] as const)))
    for (const name of shown)
      if (name === word) names.push(word);
      else aliases.push([word, name]);
  return { source, names: names.sort(), aliases };
}

/** Whether a remote address is one the names dataset describes (a real endpoint, not `*`). */
export function hasRemoteAddress(r: Pick<Connection, 'proto' | 'remoteAddress'>): boolean {
  return r.proto !== 'unix' && !isUnspecified(r.remoteAddress);
}

/** Names and places by key: the `names` dataset's entries, wherever they came from. */
export interface NameLookup {
  get(id: string): NameEntry | undefined;
}

export const NO_NAMES: NameLookup = { get: () => undefined };

export function serviceName(names: NameLookup, proto: Protocol, port: number): string | null {
  const key = serviceKey(proto, port);
  return key === null ? null : (names.get(key)?.service ?? null);
}

export function remoteEntry(names: NameLookup, r: Connection): NameEntry | undefined {
  return hasRemoteAddress(r) ? names.get(r.remoteAddress) : undefined;
}

/** The fields `--json` rows of connections carry besides the Connection's own. */
export interface ConnectionNames {
  localService: string | null;
  remoteService: string | null;
  /** null until resolved, when the address has no name, or when resolution is off. */
  remoteHost: string | null;
  /** ISO code or a range label ('LAN', 'loopback'...). */
  remoteCountry: string | null;
  remoteAsn: number | null;
  remoteAsOrg: string | null;
}

export function connectionNames(names: NameLookup, r: Connection): ConnectionNames {
  const remote = remoteEntry(names, r);
  return {
    localService: serviceName(names, r.proto, r.localPort),
    remoteService: hasRemoteAddress(r) ? serviceName(names, r.proto, r.remotePort) : null,
    remoteHost: remote?.host ?? null,
    remoteCountry: remote?.country ?? null,
    remoteAsn: remote?.asn ?? null,
    remoteAsOrg: remote?.asOrg ?? null,
  };
}

/** A host name as netstat shows it without -f: the first label. Addresses stay whole, and so does a name whose first
 *  label alone would read as an address or as this machine (`2130706433.evil.test`, which inet_aton takes for
 *  127.0.0.1; `0x7f000001.x`; `localhost.evil.test`): whoever answers for an address's reverse zone chooses it. */
export function shortHost(host: string): string {
  const dot = host.indexOf('.');
  if (dot <= 0) return host;
  const first = host.slice(0, dot);
  return /^(\d+|0x[0-9a-f]*|localhost)$/i.test(first) ? host : first;
}

/** `AS15169 Google LLC`, or '' when unknown. */
export function networkText(e: NameEntry | undefined): string {
  if (!e || e.asn === null) return '';
  return e.asOrg ? `AS${e.asn} ${e.asOrg}` : `AS${e.asn}`;
}

let regionNames: Intl.DisplayNames | null | undefined;
const countryNames = new Map<string, string>();

/** The English name of an ISO 3166-1 alpha-2 code ('United States'); '' for a range label or an unknown code. */
export function countryName(code: string | null): string {
  if (code === null || !/^[A-Z]{2}$/.test(code)) return '';
  const known = countryNames.get(code);
  if (known !== undefined) return known;
  if (regionNames === undefined) {
    try {
      regionNames = new Intl.DisplayNames(['en'], { type: 'region' });
    } catch {
      regionNames = null; // a runtime without ICU region names: codes alone
    }
  }
  let name = '';
  try {
    name = regionNames?.of(code) ?? '';
  } catch {
    // an unknown code: no name
  }
  if (name === code) name = '';
  countryNames.set(code, name); // at most 26 * 26 codes
  return name;
}

/** Whether this runtime names countries (ICU's region names: Node, Chromium and Electron have them; a runtime built
 *  without them knows none, and then no code can be told from a typo). */
export function countriesNamed(): boolean {
  return countryName('US') !== '';
}

let codesByName: Map<string, string> | null = null;

/** The ISO code of a country given by its English name, in any case (`germany`: DE), or null. */
export function countryCodeOf(name: string): string | null {
  if (codesByName === null) {
    codesByName = new Map();
    for (let a = 65; a <= 90; a++)
      for (let b = 65; b <= 90; b++) {
        const code = String.fromCharCode(a, b);
        const known = countryName(code);
        if (known !== '') codesByName.set(known.toLowerCase(), code);
      }
  }
  return codesByName.get(name.trim().toLowerCase()) ?? null;
}

/** A DNS server the user named (`--dns-server`, the setting): a numeric address and a port. */
export interface DnsServer {
  address: string;
  port: number;
}

/** Parses `ADDR[:PORT]`: `192.0.2.53`, `127.0.0.1:5353`, `::1`, `[::1]:5353`. Numeric addresses only (a
 *  name would need a resolver to find the resolver). null when it is not one. */
export function parseDnsServer(text: string): DnsServer | null {
  const s = text.trim();
  if (s === '' || s.length > 64) return null;
  let address = s;
  let port = 53;
  const bracketed = /^\[([^\]]+)\](?::(\d{1,5}))?$/.exec(s);
  if (bracketed) {
    address = bracketed[1]!;
    if (bracketed[2] !== undefined) port = Number(bracketed[2]);
  } else if (s.split(':').length === 2) {
    const colon = s.indexOf(':');
    address = s.slice(0, colon);
    port = /^\d{1,5}$/.test(s.slice(colon + 1)) ? Number(s.slice(colon + 1)) : -1;
  }
  const ip = parseIp(address);
  if (!ip || address.includes('%') || port < 1 || port > 65535) return null;
  if (bracketed && ip.family !== 6) return null;
  return { address, port };
}

/** How c-ares and people write a server: `127.0.0.1:5353`, `[::1]:5353`, and the address alone on port 53. */
export function formatDnsServer(server: DnsServer): string {
  const host = server.address.includes(':') ? `[${server.address}]` : server.address;
  return server.port === 53 ? server.address : `${host}:${server.port}`;
}
