import { describe, expect, it } from 'vitest';
import { parseNetstatSentences } from '../collectors/statistics/darwin.js';
import { conn } from '../../renderer/store/test-rows.js';
import { OWNER_NOT_LISTED } from '../../shared/types.js';
import { columns, formatRows, PAD_MAX } from './text-table.js';

describe('columns', () => {
  it('pads each column to its widest cell, two spaces apart, the last cell unpadded', () => {
    expect(
      columns(
        ['Proto', 'Local', 'Name'],
        [
          ['tcp', '127.0.0.1:22', 'sshd'],
          ['udp6', '[::1]:53', 'dnsmasq'],
        ],
      ),
    ).toEqual(['Proto  Local         Name', 'tcp    127.0.0.1:22  sshd', 'udp6   [::1]:53      dnsmasq']);
  });

  it('does not pad every row to one very long cell: the long cell is printed whole, the other rows as before', () => {
    const rows = Array.from({ length: 2000 }, (_, i) => ['unix', `${i}/sshd`, `/run/s${i}`]);
    const long = 'x'.repeat(100_000);
    rows.push(['unix', `7/${long}`, '/run/long']);
    const lines = columns(['Proto', 'PID/Program name', 'Path'], rows);
    expect(lines[1]).toBe(`unix   0/sshd${' '.repeat(PAD_MAX - '0/sshd'.length)}  /run/s0`);
    expect(lines.at(-1)).toBe(`unix   7/${long}  /run/long`);
    // Without the cap the 2,000 short rows alone were 200 MB of spaces.
    const total = lines.reduce((n, l) => n + l.length + 1, 0);
    expect(total).toBeLessThan(2001 * (7 + PAD_MAX + 2 + 12) + long.length);
  });

  it('measures escaped cells, and draws a rule as wide as each column when asked', () => {
    expect(columns(['If', 'Group'], [['e\u001bth0', '224.0.0.1']], { rule: true })).toEqual([
      'If        Group',
      '--------  ---------',
      'e\\x1bth0  224.0.0.1',
    ]);
  });
});

describe('statistics from a netstat -s capture', () => {
  it('prints each value once: the sentence is the counter, not a description beside its value', () => {
    const text = [
      'Ip:',
      '    Forwarding: 2',
      '    866865 total packets received',
      '    0 forwarded',
      'Icmp:',
      '    ICMP input histogram:',
      '        destination unreachable: 575',
      'Tcp:',
      '    1509288 data packets (741004496 bytes)',
      '',
    ].join('\n');
    const { rows } = parseNetstatSentences(text, 'netstat -s (Linux)');
    expect(rows.map((r) => r.description)).toEqual([null, null, null, null, null, null]);
    const out = formatRows('statistics', rows).split('\n');
    expect(out).toEqual([
      'Ip:',
      '    Forwarding: 2',
      '    total packets received: 866865',
      '    forwarded: 0',
      'Icmp:',
      '    ICMP input histogram: destination unreachable: 575',
      'Tcp:',
      '    data packets: 1509288',
      '    data packets (bytes): 741004496',
    ]);
  });
});

describe("a remote socket past its host's owners' cap", () => {
  it("is spelled as the grid and the process list spell it, apart from an ownerless socket and another user's", () => {
    const out = formatRows('connections', [
      conn('a', { ownerStatus: 'capped', localPort: 1 }),
      conn('b', { ownerStatus: 'none', localPort: 2 }),
      conn('c', { ownerStatus: 'denied', localPort: 3 }),
    ]).split('\n');
    // On main: "(not listed)", where the grid said "owner not listed (cap reached)", the process list
    // "(owner not listed)".
    expect(out[2]).toMatch(/:1 +10\.0\.0\.2:443 +ESTABLISHED +\(owner not listed: cap reached\)$/);
    expect(OWNER_NOT_LISTED).toBe('(owner not listed: cap reached)');
    expect(out[3]).toMatch(/ESTABLISHED +-$/);
    expect(out[4]).toMatch(/ESTABLISHED +\?$/);
  });
});
