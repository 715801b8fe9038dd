import { describe, expect, it } from 'vitest';
import {
  gapText,
  HISTORY_CSV_COLUMNS,
  historyCsv,
  networkNews,
  networkOf,
  parseDuration,
  parseMoment,
  placeText,
  splitReached,
} from './record.js';
import type { RecordedConnection } from './record.js';

describe('record helpers', () => {
  it('reads durations and refuses anything else', () => {
    expect(parseDuration('90s')).toBe(90_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('7d')).toBe(7 * 86_400_000);
    for (const bad of ['', 'h', '1x', '1h 2m', '-1h', '1.5h']) expect(parseDuration(bad)).toBeNull();
  });

  it('reads moments: a duration back, a clock time today (or yesterday), a date', () => {
    const now = new Date(2026, 10, 30, 15, 0, 0).getTime();
    expect(parseMoment('1h', now)).toBe(now - 3_600_000);
    expect(parseMoment('14:05', now)).toBe(new Date(2026, 10, 30, 14, 5).getTime());
    expect(parseMoment('16:00', now)).toBe(new Date(2026, 10, 29, 16, 0).getTime());
    expect(parseMoment('2026-11-30 14:05', now)).toBe(new Date(2026, 10, 30, 14, 5).getTime());
    expect(parseMoment('2026-11-30T14:05:00Z', now)).toBe(Date.UTC(2026, 10, 30, 14, 5));
    expect(parseMoment('yesterday', now)).toBeNull();
    expect(parseMoment('2026-13-45', now)).toBeNull();
    // Typos are refused, never rolled over into another hour or day.
    for (const typo of [
      '25:99',
      '11:60',
      '24:00',
      '10:00:61',
      '2026-02-31',
      '2026-02-29 10:00',
      '2026-04-31',
      '2026-00-10',
    ])
      expect(parseMoment(typo, now), typo).toBeNull();
    expect(parseMoment('2028-02-29 10:00', now)).toBe(new Date(2028, 1, 29, 10, 0).getTime());
  });

  it('names the network of an address', () => {
    expect(networkOf('93.184.216.34')).toBe('93.184.216.0/24');
    expect(networkOf('::ffff:10.0.2.15')).toBe('10.0.2.0/24');
    expect(networkOf('2a00:1450:4001:82a::200e')).toBe('2a00:1450:4001::/48');
    expect(networkOf('fe80::1%eth0')).toBe('fe80:0:0::/48');
  });

  it('says what reaching an address is news about: its country and AS, else its prefix', () => {
    expect(networkNews('curl', '2001:db8::1', { country: 'DE', asn: null, asOrg: null })).toEqual([
      { subject: 'curl → country DE', text: 'curl reached Germany (DE) for the first time (2001:db8::1)' },
    ]);
    expect(networkNews(null, '11.0.0.1', { country: null, asn: 749, asOrg: null })).toEqual([
      {
        subject: '(unknown process) → AS749',
        text: '(unknown process) reached the network AS749 for the first time (11.0.0.1)',
      },
    ]);
    // A range label is no country; a public address the databases miss, or no places at all, neither.
    expect(networkNews('nc', 'fd00:1:2:3::9', { country: 'LAN', asn: null, asOrg: null })[0]!.subject).toBe(
      'nc → fd00:1:2::/48',
    );
    expect(networkNews('nc', '100.64.1.2', null)).toEqual([
      {
        subject: 'nc → 100.64.1.0/24',
        text: 'nc reached 100.64.1.0/24 for the first time (100.64.1.2; no country or network known, so by prefix)',
      },
    ]);
  });

  it('reads a place back out of a subject, and names countries', () => {
    expect(splitReached('my → app → AS15169')).toEqual({ process: 'my → app', place: 'AS15169' });
    expect(placeText(splitReached('curl → country DE').place)).toBe('Germany (DE)');
    expect(placeText('AS15169')).toBe('AS15169');
    expect(placeText('10.1.2.0/24')).toBe('10.1.2.0/24');
  });

  it('writes a history CSV whose cells a spreadsheet reads as text, never as a formula', () => {
    const row: RecordedConnection = {
      id: '1',
      proto: 'tcp',
      family: 'inet6',
      localAddress: '::1',
      localPort: 80,
      remoteAddress: '::',
      remotePort: 0,
      states: ['LISTEN', 'CLOSE'],
      listener: true,
      pid: null,
      process: '=cmd|calc',
      user: 'a,"b"',
      exe: '-x',
      path: null,
      inode: null,
      firstSeen: Date.UTC(2026, 0, 2, 3, 4, 5),
      lastSeen: Date.UTC(2026, 0, 2, 3, 4, 6),
      closedAt: Date.UTC(2026, 0, 2, 3, 4, 6),
      bytesSent: null,
      bytesReceived: 0,
      others: [
        { pid: 7, name: '=w' },
        { pid: 9, name: 'x; y' },
      ],
    };
    const [header, line, end] = historyCsv([row]).split('\r\n');
    expect(header?.split(',')).toEqual([...HISTORY_CSV_COLUMNS]);
    expect(line).toBe(
      `tcp,inet6,::1,80,::,0,LISTEN CLOSE,true,,'=cmd|calc,"a,""b""",'-x,,2026-01-02T03:04:05.000Z,` +
        '2026-01-02T03:04:06.000Z,2026-01-02T03:04:06.000Z,,0,"7/=w; 9/x; y"',
    );
    expect(end).toBe('');
    // A damaged record's time out of a Date's range: written as its number (on main a RangeError, no file).
    const far = historyCsv([{ ...row, closedAt: 9e15, lastSeen: Number.NaN, others: [] }]).split('\r\n')[1];
    expect(far?.endsWith(',2026-01-02T03:04:05.000Z,,9000000000000000,,0,')).toBe(true);
  });
});

describe('gapText of a moment no recording covers', () => {
  it('names the moment asked whatever it is: the epoch, a year of fewer than four digits (a reviewer’s finding)', () => {
    const gap = { kind: 'before' as const, begins: Date.UTC(2026, 11, 6, 12) };
    const text = (asked: number) => gapText(gap, asked, 'changes');
    // `--since 1970-01-01` in UTC is 0, which read as no moment: "after : what was open".
    expect(text(new Date(1970, 0, 1).getTime())).toContain(
      ', later than the 1970-01-01 00:00:00 asked for: what was open',
    );
    expect(text(0)).toMatch(/, later than the 19(69|70)-\d\d-\d\d \d\d:\d\d:\d\d asked for: what was open/);
    const year0 = new Date(2000, 0, 1);
    year0.setFullYear(0);
    expect(text(year0.getTime())).toContain(', later than the 0000-01-01 00:00:00 asked for: what was open');
  });
});
