// Multicast memberships on Linux (what `netstat -g` prints): IGMP groups from /proc/net/igmp (a device line,
// then tab-indented group lines; group hex in host order), MLD groups from /proc/net/igmp6 (network order)
// and link-layer groups from /proc/net/dev_mcast.
import type { Collector } from '../collector.js';
import type { DatasetResult, MulticastGroup } from '../../../shared/types.js';
import { emptyDiagnostics, recordSkip } from '../../../shared/types.js';
import { HOST_LITTLE_ENDIAN, decodeHostOrderIPv4, decodeNetworkIPv6 } from '../linux/addresses.js';
import { kernelFields, parseProcNetSources, readProcTextSync, type ProcSource } from '../linux/proc-files.js';

function group(
  iface: string,
  ifindex: number | null,
  family: MulticastGroup['family'],
  address: string,
  users: number | null,
): MulticastGroup {
  return { id: `${iface}|${family}|${address}`, iface, ifindex, family, group: address, users };
}

export function parseIgmp(text: string, littleEndian = HOST_LITTLE_ENDIAN): DatasetResult<MulticastGroup> {
  const diagnostics = emptyDiagnostics();
  const rows: MulticastGroup[] = [];
  const source = '/proc/net/igmp';
  let device: { name: string; index: number } | null = null;
  for (const rawLine of text.split('\n')) {
    const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    const fields = kernelFields(line);
    if (fields.length === 0 || line.startsWith('Idx')) continue;
    if (line[0] === '\t' || line[0] === ' ') {
      const [hex, users] = fields;
      const address = hex && /^[0-9A-Fa-f]{8}$/.test(hex) ? decodeHostOrderIPv4(hex, 0, littleEndian) : null;
      if (!device || !address || !users || !/^\d+$/.test(users)) {
        recordSkip(diagnostics, source, line, device ? 'malformed group line' : 'group line before any device');
        continue;
      }
      rows.push(group(device.name, device.index, 'inet', address, Number(users)));
      continue;
    }
    // "2	eth0      :     5      V2" (the kernel's blanks only: see kernelFields)
    const m = /^(\d+)[ \t]+([^ \t:]+)[ \t]*:[ \t]*\d+[ \t]+[^ \t]+[ \t]*$/.exec(line);
    if (!m?.[1] || !m[2]) {
      recordSkip(diagnostics, source, line, 'malformed device line');
      device = null;
      continue;
    }
    device = { name: m[2], index: Number(m[1]) };
  }
  return { rows, diagnostics };
}

export function parseIgmp6(text: string): DatasetResult<MulticastGroup> {
  const diagnostics = emptyDiagnostics();
  const rows: MulticastGroup[] = [];
  for (const line of text.split('\n')) {
    const fields = kernelFields(line);
    if (fields.length === 0) continue;
    const [index, dev, hex, users] = fields;
    const address = decodeNetworkIPv6(hex ?? '');
    if (!index || !/^\d+$/.test(index) || !dev || !address || !users || !/^\d+$/.test(users)) {
      recordSkip(diagnostics, '/proc/net/igmp6', line, 'malformed group line');
      continue;
    }
    rows.push(group(dev, Number(index), 'inet6', address, Number(users)));
  }
  return { rows, diagnostics };
}

/** "2    ens33           1     0     01005e000001": ifindex, device, refcount, global use, MAC (hex). */
export function parseDevMcast(text: string): DatasetResult<MulticastGroup> {
  const diagnostics = emptyDiagnostics();
  const rows: MulticastGroup[] = [];
  for (const line of text.split('\n')) {
    const fields = kernelFields(line);
    if (fields.length === 0) continue;
    const [index, dev, refs, , hex] = fields;
    if (
      !index ||
      !/^\d+$/.test(index) ||
      !dev ||
      !refs ||
      !/^\d+$/.test(refs) ||
      !hex ||
      !/^([0-9a-fA-F]{2})+$/.test(hex)
    ) {
      recordSkip(diagnostics, '/proc/net/dev_mcast', line, 'malformed group line');
      continue;
    }
    const mac = hex.toLowerCase().match(/../g)?.join(':') ?? hex;
    rows.push(group(dev, Number(index), 'link', mac, Number(refs)));
  }
  return { rows, diagnostics };
}

export const MULTICAST_SOURCES: readonly ProcSource<MulticastGroup>[] = [
  { file: 'igmp', parse: (t) => parseIgmp(t) },
  { file: 'igmp6', parse: parseIgmp6 },
  { file: 'dev_mcast', parse: parseDevMcast },
];

export class LinuxMulticastCollector implements Collector<MulticastGroup> {
  constructor(private readonly procRoot = '/proc') {}

  /** Read synchronously (three small files, once a second while Interfaces shows): through fs.promises each is
   *  four trips to the thread pool, which cost more than the reads (issue 15, the host at rest). */
  async read(): Promise<DatasetResult<MulticastGroup>> {
    return parseProcNetSources(MULTICAST_SOURCES, (file) => readProcTextSync(`${this.procRoot}/net/${file}`, 'names'));
  }
}
