// Port -> service name, per protocol, from the OS's services database (services(5): /etc/services, and
// %SystemRoot%\System32\drivers\etc\services on Windows, in the same format), with IANA's registry bundled
// as the fallback where the file is missing or unreadable. Read once, on first use.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { emptyDiagnostics, recordSkip, type Diagnostics } from '../../../shared/types.js';
import { serviceVocabulary, type ServiceVocabulary } from '../../../shared/names.js';
import bundled from './iana-services.json';

export interface ServiceTable {
  tcp: Map<number, string>;
  udp: Map<number, string>;
  /** The names a port is listed under besides the one shown for it: aliases (`http 80/tcp www`) and the names of
   *  later entries for the same port and protocol. A filter's `port:www` finds the port by them. */
  others: { proto: 'tcp' | 'udp'; port: number; name: string }[];
  /** Where the names came from: the file's path, or the bundled registry. */
  source: string;
  diagnostics: Diagnostics;
}

// name  port/proto  [aliases...]  [# comment]; names are letters, digits and . _ + - (services(5)).
const LINE = /^([A-Za-z0-9][\w.+-]*)\s+(\d{1,5})\/([A-Za-z]+)(?:\s|$)/;
const NAME = /^[A-Za-z0-9][\w.+-]*$/;

/** Parses a services(5) file. The first name listed for a port and protocol wins, as getservbyport(3)
 *  returns it (the others are kept in `others`); lines that are not entries are counted, never fatal. */
export function parseServices(text: string, source = 'services'): ServiceTable {
  const table: ServiceTable = { tcp: new Map(), udp: new Map(), others: [], source, diagnostics: emptyDiagnostics() };
  for (const raw of text.split('\n')) {
    const hash = raw.indexOf('#');
    const line = (hash >= 0 ? raw.slice(0, hash) : raw).trim();
    if (line === '') continue;
    const m = LINE.exec(line);
    const port = m ? Number(m[2]) : NaN;
    if (!m || port > 65535) {
      recordSkip(table.diagnostics, source, raw, 'not a "name port/protocol" entry');
      continue;
    }
    const proto = m[3]!.toLowerCase();
    // ddp, sctp and other protocols have no sockets NetLens names.
    if (proto !== 'tcp' && proto !== 'udp') continue;
    const names = [
      m[1]!,
      ...line
        .slice(m[0].length)
        .split(/\s+/)
        .filter((a) => NAME.test(a)),
    ];
    for (const name of names) {
      if (!table[proto].has(port)) table[proto].set(port, name);
      else if (table[proto].get(port) !== name) table.others.push({ proto, port, name });
    }
  }
  return table;
}

/** The words a filter's `port:` term may use, for the page (in HostInfo) and the CLI: each name shown for a port, and
 *  each other name with the names shown for its ports (shared/names.ts serviceVocabulary). */
export function tableVocabulary(table: ServiceTable): ServiceVocabulary {
  const pairs = [
    ...[...table.tcp.values(), ...table.udp.values()].map((name) => [name, name] as const),
    ...table.others.map(({ proto, port, name }) => [name, table[proto].get(port)!] as const),
  ];
  // (The registry's own title names its source and licence: too long for a filter's error.)
  return serviceVocabulary(table.source === bundled.source ? 'the IANA registry NetLens bundles' : table.source, pairs);
}

export function bundledServices(): ServiceTable {
  const table: ServiceTable = {
    tcp: new Map(),
    udp: new Map(),
    others: [],
    source: bundled.source,
    diagnostics: emptyDiagnostics(),
  };
  for (const proto of ['tcp', 'udp'] as const) {
    for (const [port, name] of Object.entries(bundled[proto] as Record<string, string>))
      table[proto].set(Number(port), name);
  }
  return table;
}

/** Where this OS keeps its services database. */
export function servicesPath(
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
): string {
  if (platform === 'win32')
    return join(env.SystemRoot ?? env.windir ?? 'C:\\Windows', 'System32', 'drivers', 'etc', 'services');
  return '/etc/services';
}

/** Reads the OS's database; falls back to the bundled registry, saying why, when it cannot. */
export function loadServices(path: string = servicesPath()): ServiceTable {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const table = bundledServices();
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    table.diagnostics.notes.push(`service names from the bundled IANA registry: ${path} is unreadable (${code})`);
    return table;
  }
  const table = parseServices(text, path);
  if (table.tcp.size === 0 && table.udp.size === 0) {
    const fallback = bundledServices();
    fallback.diagnostics.notes.push(
      `service names from the bundled IANA registry: ${path} lists no tcp or udp services`,
    );
    return fallback;
  }
  return table;
}
