// Protocol statistics on Linux (what `netstat -s` and `nstat -a` print): /proc/net/snmp and /proc/net/netstat
// (header line + value line per section, zipped by name), /proc/net/snmp6 (name/value lines) and
// /proc/net/sockstat{,6} (socket counts).
import type { Collector } from '../collector.js';
import type { Counter, DatasetResult } from '../../../shared/types.js';
import { emptyDiagnostics, noteInexactCounter, recordSkip } from '../../../shared/types.js';
import { parseProcNetSources, readProcTextSync, type ProcSource } from '../linux/proc-files.js';
import { describeCounter, type CounterMeta } from './descriptions.js';

/** Each counter's description and kind, looked up once: a tick at rest reads the same ~400 counters again, and
 *  the lookups (tables, then the error patterns) were a fifth of a read's CPU (issue 15, the host at rest).
 *  Bounded: a kernel names a few hundred counters; past the bound the cache starts over. */
const META_CACHE_MAX = 4096;
const metaCache = new Map<string, CounterMeta>();

function counter(group: string, name: string, value: number): Counter {
  const id = `${group}.${name}`;
  let meta = metaCache.get(id);
  if (meta === undefined) {
    if (metaCache.size >= META_CACHE_MAX) metaCache.clear();
    meta = describeCounter(group, name);
    metaCache.set(id, meta);
  }
  return { id, group, name, value, description: meta.description, kind: meta.kind, isError: meta.isError };
}

const INTEGER = /^-?\d+$/;

/** Header/value line pairs ("Tcp: RtoAlgorithm RtoMin ..." then "Tcp: 1 200 ..."), zipped by name. */
function parsePairs(text: string, source: string): DatasetResult<Counter> {
  const diagnostics = emptyDiagnostics();
  const rows: Counter[] = [];
  const seen = new Set<string>();
  let header: { group: string; names: string[]; line: string } | null = null;
  for (const rawLine of text.split('\n')) {
    const line = rawLine.trim();
    if (line === '') continue;
    const colon = line.indexOf(':');
    const group = colon > 0 ? line.slice(0, colon) : '';
    const fields = line
      .slice(colon + 1)
      .trim()
      .split(/\s+/)
      .filter((f) => f !== '');
    if (!group || /\s/.test(group) || fields.length === 0) {
      recordSkip(diagnostics, source, line, 'not a "Section: fields" line');
      header = null;
      continue;
    }
    const isValues = fields.every((f) => INTEGER.test(f));
    if (!isValues) {
      if (header) recordSkip(diagnostics, source, header.line, 'header without a value line');
      header = { group, names: fields, line };
      continue;
    }
    if (!header || header.group !== group) {
      recordSkip(diagnostics, source, line, 'values without a header line');
      header = null;
      continue;
    }
    if (header.names.length !== fields.length) {
      recordSkip(diagnostics, source, line, `${header.names.length} names but ${fields.length} values`);
      header = null;
      continue;
    }
    header.names.forEach((name, i) => {
      const id = `${group}.${name}`;
      if (seen.has(id)) return;
      seen.add(id);
      const value = Number(fields[i]);
      noteInexactCounter(diagnostics, source, id, value);
      rows.push(counter(group, name, value));
    });
    header = null;
  }
  if (header) recordSkip(diagnostics, source, header.line, 'header without a value line');
  return { rows, diagnostics };
}

export function parseSnmp(text: string): DatasetResult<Counter> {
  return parsePairs(text, '/proc/net/snmp');
}

export function parseNetstat(text: string): DatasetResult<Counter> {
  return parsePairs(text, '/proc/net/netstat');
}

/** The section is the name's prefix up to and including the '6' (Ip6, Icmp6, Udp6, UdpLite6). */
const SNMP6_NAME = /^([A-Za-z]+6)([A-Za-z0-9_]+)$/;

/** /proc/net/snmp6: "Ip6InReceives <spaces or tab> 92166" per line. */
export function parseSnmp6(text: string): DatasetResult<Counter> {
  const diagnostics = emptyDiagnostics();
  const rows: Counter[] = [];
  const seen = new Set<string>();
  for (const rawLine of text.split('\n')) {
    const line = rawLine.trim();
    if (line === '') continue;
    const [key, value, extra] = line.split(/\s+/);
    const m = SNMP6_NAME.exec(key ?? '');
    if (!m?.[1] || !m[2] || value === undefined || extra !== undefined || !INTEGER.test(value)) {
      recordSkip(diagnostics, '/proc/net/snmp6', line, 'not a "Name value" line');
      continue;
    }
    const id = `${m[1]}.${m[2]}`;
    if (seen.has(id)) continue;
    seen.add(id);
    rows.push(counter(m[1], m[2], Number(value)));
  }
  return { rows, diagnostics };
}

/**
 * /proc/net/sockstat ("TCP: inuse 35 orphan 0 tw 4 alloc 59 mem 22") and sockstat6. Rows go to section
 * 'Sockets' or 'Sockets6', named PROTO_field ("TCP_inuse", "sockets_used").
 */
export function parseSockstat(text: string, family: 'inet' | 'inet6'): DatasetResult<Counter> {
  const diagnostics = emptyDiagnostics();
  const rows: Counter[] = [];
  const source = family === 'inet6' ? '/proc/net/sockstat6' : '/proc/net/sockstat';
  const group = family === 'inet6' ? 'Sockets6' : 'Sockets';
  for (const rawLine of text.split('\n')) {
    const line = rawLine.trim();
    if (line === '') continue;
    const colon = line.indexOf(':');
    const proto = colon > 0 ? line.slice(0, colon) : '';
    const fields = line
      .slice(colon + 1)
      .trim()
      .split(/\s+/);
    if (!proto || /\s/.test(proto) || fields.length % 2 !== 0 || fields.length === 0) {
      recordSkip(diagnostics, source, line, 'not a "PROTO: name value ..." line');
      continue;
    }
    const pairs: [string, number][] = [];
    for (let i = 0; i < fields.length; i += 2) {
      const name = fields[i] ?? '';
      const value = fields[i + 1] ?? '';
      if (!/^[a-z_]+$/i.test(name) || !INTEGER.test(value)) break;
      pairs.push([name, Number(value)]);
    }
    if (pairs.length !== fields.length / 2) {
      recordSkip(diagnostics, source, line, 'not a "PROTO: name value ..." line');
      continue;
    }
    for (const [name, value] of pairs) rows.push(counter(group, `${proto}_${name}`, value));
  }
  return { rows, diagnostics };
}

export const STATISTICS_SOURCES: readonly ProcSource<Counter>[] = [
  { file: 'snmp', parse: parseSnmp },
  { file: 'netstat', parse: parseNetstat },
  { file: 'snmp6', parse: parseSnmp6 },
  { file: 'sockstat', parse: (t) => parseSockstat(t, 'inet') },
  { file: 'sockstat6', parse: (t) => parseSockstat(t, 'inet6') },
];

export class LinuxStatisticsCollector implements Collector<Counter> {
  constructor(private readonly procRoot = '/proc') {}

  /** Read synchronously, as the socket tables are: five small files through fs.promises (open, fstat, read and
   *  close, each a trip to the thread pool) cost more than the reads themselves, once a second while the tab
   *  shows. The monitor's worker is the only one that waits. */
  async read(): Promise<DatasetResult<Counter>> {
    return parseProcNetSources(STATISTICS_SOURCES, (file) => readProcTextSync(`${this.procRoot}/net/${file}`, 'names'));
  }
}
