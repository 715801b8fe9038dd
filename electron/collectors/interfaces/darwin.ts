// macOS interfaces from `netstat -ibdn` (one process): one row per interface address, counters on the
// `<Link#N>` row, `*` after the name when the interface is down, and an Address column that may be empty
// (utun, gif). Counter columns are read from the header, right-aligned, so a missing address does not
// shift them. FreeBSD's `netstat -i[b]` has the same shape and uses this parser too.
import { withoutZone } from '../../../shared/address.js';
import { lookup } from '../lookup.js';
import type { Collector } from '../collector.js';
import type { DatasetResult, InterfaceAddress, InterfaceCounters, NetInterface } from '../../../shared/types.js';
import { emptyDiagnostics, recordSkip } from '../../../shared/types.js';
import { commandCollector } from '../run-command.js';
import { emptyInterface } from './common.js';
import { textLines } from '../common.js';

const SOURCE = 'netstat -ibdn';

// BSD column names -> counter fields. `Drop` (macOS -d) counts output queue drops.
const COUNTER_COLUMNS: Record<string, keyof InterfaceCounters> = {
  ipkts: 'rxPackets',
  ierrs: 'rxErrors',
  idrop: 'rxDropped',
  ibytes: 'rxBytes',
  opkts: 'txPackets',
  oerrs: 'txErrors',
  odrop: 'txDropped',
  obytes: 'txBytes',
  coll: 'txCollisions',
  drop: 'txDropped',
};

const MAC = /^([0-9a-f]{1,2}:){5}[0-9a-f]{1,2}$/i;

function addressOf(network: string, address: string): InterfaceAddress | null {
  if (address === '' || MAC.test(address)) return null;
  const family = address.includes(':') || network.includes(':') ? 'inet6' : 'inet';
  let prefixLength: number | null = null;
  const slash = /\/(\d+)$/.exec(network);
  if (slash) prefixLength = Number(slash[1]);
  else if (family === 'inet' && /^\d{1,3}(\.\d{1,3}){0,3}$/.test(network)) prefixLength = network.split('.').length * 8;
  const bare = withoutZone(address);
  const scope =
    family === 'inet6' && /^fe80/i.test(bare) ? 'link' : bare === '::1' || bare.startsWith('127.') ? 'host' : 'global';
  return { family, address: bare, prefixLength, scope };
}

/** Parses BSD `netstat -i[b][d][n]` into one row per interface. */
export function parseBsdNetstatInterfaces(text: string, source = SOURCE): DatasetResult<NetInterface> {
  const d = emptyDiagnostics();
  const byName = new Map<string, NetInterface>();
  let columns: string[] | null = null;
  let counterCount = 0;
  for (const raw of textLines(text)) {
    const line = raw.trimEnd();
    if (line.trim() === '') continue;
    const t = line.trim().split(/\s+/);
    if (t[0] === 'Name' && t.includes('Mtu')) {
      columns = t.map((c) => c.toLowerCase());
      counterCount = columns.length - Math.max(columns.indexOf('address'), columns.indexOf('network')) - 1;
      continue;
    }
    if (!columns || t.length < 3 + counterCount || t.length > 4 + counterCount) {
      recordSkip(d, source, line, columns ? 'unexpected number of columns' : 'line before the header');
      continue;
    }
    const counterTexts = t.slice(t.length - counterCount);
    const counterNames = columns.slice(columns.length - counterCount);
    if (!counterTexts.every((c) => /^(\d+|-)$/.test(c))) {
      recordSkip(d, source, line, 'counter column is not a number');
      continue;
    }
    const rawName = t[0] ?? '';
    const down = rawName.endsWith('*');
    const name = down ? rawName.slice(0, -1) : rawName;
    const network = t[2] ?? '';
    const address = t.length === 4 + counterCount ? (t[3] ?? '') : '';
    let row = byName.get(name);
    if (!row) {
      row = emptyInterface(name);
      row.operState = down ? 'down' : 'up';
      row.flags = down ? [] : ['UP'];
      if (/^lo\d*$/.test(name)) {
        row.type = 'loopback';
        row.flags.push('LOOPBACK');
      }
      byName.set(name, row);
    }
    const mtu = t[1] ?? '-';
    if (/^\d+$/.test(mtu) && row.mtu === null) row.mtu = Number(mtu);
    const link = /^<Link#(\d+)>$/.exec(network);
    if (link) {
      row.index = Number(link[1]);
      if (MAC.test(address)) row.mac = address.toLowerCase();
      // The link row carries the interface's own counters; address rows repeat them (or parts of them).
      counterNames.forEach((col, i) => {
        const field = lookup(COUNTER_COLUMNS, col);
        const value = counterTexts[i];
        if (field && value !== undefined && value !== '-') row.counters[field] = Number(value);
      });
      continue;
    }
    const addr = addressOf(network, address);
    if (addr) row.addresses.push(addr);
  }
  return { rows: [...byName.values()], diagnostics: d };
}

export function createDarwinInterfacesCollector(): Collector<NetInterface> {
  return commandCollector('netstat', ['-ibdn'], (text) => parseBsdNetstatInterfaces(text));
}
