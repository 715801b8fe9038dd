// macOS multicast memberships from `netstat -g` (one process): three sections (link-layer, IPv4, IPv6),
// each `Group<TAB>Link-layer Address<TAB>Netif`, one membership per row.
import { withoutZone } from '../../../shared/address.js';
import type { Collector } from '../collector.js';
import type { DatasetResult, MulticastGroup } from '../../../shared/types.js';
import { emptyDiagnostics, recordSkip } from '../../../shared/types.js';
import { commandCollector } from '../run-command.js';
import { textLines, uniqueIds } from '../common.js';

const SOURCE = 'netstat -gn';

export function multicastId(g: Pick<MulticastGroup, 'iface' | 'family' | 'group'>): string {
  return `${g.iface}|${g.family}|${g.group}`;
}

export function parseNetstatGroups(text: string, source = SOURCE): DatasetResult<MulticastGroup> {
  const d = emptyDiagnostics();
  const rows: MulticastGroup[] = [];
  let family: MulticastGroup['family'] | null = null;
  for (const raw of textLines(text)) {
    const line = raw.trim();
    if (line === '') continue;
    if (/Multicast Group Memberships/i.test(line)) {
      family = /^Link-layer/i.test(line) ? 'link' : /^IPv6/i.test(line) ? 'inet6' : 'inet';
      continue;
    }
    if (/^Group\s/i.test(line)) continue;
    const t = line.split(/\s+/);
    if (!family || t.length < 3) {
      recordSkip(
        d,
        source,
        raw,
        family ? 'expected group, link-layer address and interface' : 'line before any section',
      );
      continue;
    }
    const group = withoutZone(t[0] ?? '');
    const iface = t[t.length - 1] ?? '';
    const row: MulticastGroup = { id: '', iface, ifindex: null, family, group, users: null };
    row.id = multicastId(row);
    rows.push(row);
  }
  return { rows: uniqueIds(rows), diagnostics: d };
}

export function createDarwinMulticastCollector(): Collector<MulticastGroup> {
  // -n: numeric groups and interfaces; without it netstat may look names up, slowly.
  return commandCollector('netstat', ['-g', '-n'], (text) => parseNetstatGroups(text));
}
