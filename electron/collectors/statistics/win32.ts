// Windows protocol statistics from one `netstat -e -s` (interface totals plus every protocol), decoded
// from the OEM code page. Sections are titled lines; most rows are `Name = value`, while the ICMP and
// interface sections are small tables with a Received/Sent header. Titles and names are localized, so
// the English titles map to the Linux group names and any other title is kept as printed.
import type { Collector } from '../collector.js';
import type { Counter, DatasetResult } from '../../../shared/types.js';
import { emptyDiagnostics, recordSkip } from '../../../shared/types.js';
import { commandCollector } from '../run-command.js';
import { decodeCodePage } from '../oem-codepage.js';
import { textLines, uniqueIds } from '../common.js';
import { makeCounter } from './common.js';

const SOURCE = 'netstat -e -s';

const GROUPS: [RegExp, string][] = [
  [/^Interface Statistics/i, 'Interface'],
  [/^IPv4 Statistics/i, 'Ip'],
  [/^IPv6 Statistics/i, 'Ip6'],
  [/^ICMPv4 Statistics/i, 'Icmp'],
  [/^ICMPv6 Statistics/i, 'Icmp6'],
  [/^TCP Statistics for IPv4/i, 'Tcp'],
  [/^TCP Statistics for IPv6/i, 'Tcp6'],
  [/^UDP Statistics for IPv4/i, 'Udp'],
  [/^UDP Statistics for IPv6/i, 'Udp6'],
];

function groupName(title: string): string {
  for (const [re, name] of GROUPS) if (re.test(title)) return name;
  return title;
}

export function parseWindowsNetstatStatistics(text: string, source = SOURCE): DatasetResult<Counter> {
  const d = emptyDiagnostics();
  const rows: Counter[] = [];
  let group = '';
  let columns: string[] = [];
  for (const raw of textLines(text)) {
    const line = raw.trim();
    if (line === '') continue;
    const kv = /^([^=]+)=\s*(\d+)$/.exec(line);
    if (kv) {
      if (!group) recordSkip(d, source, raw, 'counter before any section title');
      else rows.push(makeCounter(group, (kv[1] ?? '').trim(), Number(kv[2]), line));
      continue;
    }
    const table = /^(.*?[^\d\s])\s+(\d+)(?:\s+(\d+))?$/.exec(line);
    if (table && group && columns.length > 0) {
      const name = (table[1] ?? '').trim();
      const values = [table[2], table[3]];
      values.forEach((v, i) => {
        if (v !== undefined) rows.push(makeCounter(group, `${name} (${columns[i] ?? i + 1})`, Number(v), line));
      });
      continue;
    }
    const t = line.split(/\s+/);
    if (t.length === 2 && !/\d/.test(line) && group) {
      // The Received/Sent header of a table section.
      columns = t.map((c) => c.toLowerCase());
      continue;
    }
    if (!/\d{2,}/.test(line) && !line.includes('=')) {
      group = groupName(line);
      columns = [];
      continue;
    }
    recordSkip(d, source, raw, 'not a counter row');
  }
  return { rows: uniqueIds(rows), diagnostics: d };
}

export function createWin32StatisticsCollector(oemCodePage: () => Promise<number>): Collector<Counter> {
  return commandCollector(
    'netstat',
    ['-e', '-s'],
    (text) => parseWindowsNetstatStatistics(text),
    async () => {
      const cp = await oemCodePage();
      return { decode: (b: Buffer) => decodeCodePage(b, cp) };
    },
  );
}
