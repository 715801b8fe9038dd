// Capture quirks found by running the parsers over another project's fixtures: each case on a real capture
// from test/fixtures/captures where one exists, otherwise on the smallest sample that shows it, marked
// "constructed" with what it was built from.
import { describe, expect, it } from 'vitest';
import type { Connection, NetInterface, Route } from '../../shared/types.js';
import { fixture } from '../../test/fixtures/captures/fixtures.js';
import { detectFormat, parseCapture } from './index.js';

const rowsOf = <T>(name: string, text: string, format = 'auto'): T[] => parseCapture(name, text, format).rows as T[];

describe('lsof -i with the TID and TASKCMD columns (Linux lsof 4.90+ listing threads)', () => {
  const file = 'linux/lsof-nP-K-a-i-p.netlens-dev-lsof-4.95.txt';
  const text = fixture(file);

  it('is recognised, with one row per file of the process, not one per thread', () => {
    expect(detectFormat(text, 'lsof.txt')).toBe('lsof-i');
    const r = parseCapture('lsof.txt', text);
    expect(r.rows).toHaveLength(4);
    expect(r.diagnostics.skipped).toBe(0);
    // 6 threads repeat the process's 4 files.
    expect(r.diagnostics.notes).toContain(
      "24 thread rows (lsof lists a process's files again for each of its threads) folded",
    );
  });

  it('reads USER after the thread columns, not the TID, also with the format forced', () => {
    for (const format of ['auto', 'lsof-i']) {
      const rows = rowsOf<Connection>('lsof.txt', text, format);
      expect(new Set(rows.map((c) => c.user))).toEqual(new Set(['root']));
      expect(new Set(rows.flatMap((c) => c.processes.map((p) => p.pid)))).toEqual(new Set([21971]));
      expect(rows.find((c) => c.proto === 'udp')).toMatchObject({
        family: 'inet6',
        localAddress: '::1',
        localPort: 58408,
        state: 'UNCONN',
      });
    }
  });
});

describe('Windows route print and ipconfig: tunnel adapters with an 8-byte address', () => {
  // Constructed: the layout of `route print` on Windows 7 (Interface List, then the IPv4 and IPv6 tables),
  // with tunnel adapter lines as Windows prints them (8 bytes, one space, the name; see the issue's
  // `13...00 00 00 00 00 00 00 e0 Microsoft 6to4 Adapter`) and one IPv6 route on each adapter.
  const routePrint = [
    '===========================================================================',
    'Interface List',
    ' 11...00 1d 09 56 1c 08 ......Marvell Yukon 88E8040 PCI-E Fast Ethernet Controller',
    '  1...........................Software Loopback Interface 1',
    ' 12...00 00 00 00 00 00 00 e0 Microsoft ISATAP Adapter',
    ' 13...00 00 00 00 00 00 00 e0 Microsoft 6to4 Adapter',
    '===========================================================================',
    '',
    'IPv4 Route Table',
    '===========================================================================',
    'Active Routes:',
    'Network Destination        Netmask          Gateway       Interface  Metric',
    '          0.0.0.0          0.0.0.0      192.168.2.1      192.168.2.2     25',
    '        127.0.0.0        255.0.0.0         On-link         127.0.0.1    306',
    '===========================================================================',
    'Persistent Routes:',
    '  None',
    '',
    'IPv6 Route Table',
    '===========================================================================',
    'Active Routes:',
    ' If Metric Network Destination      Gateway',
    '  1    306 ::1/128                  On-link',
    ' 12    281 fe80::5efe:192.168.2.2/128',
    '                                    On-link',
    ' 13   1010 2002::/16                On-link',
    ' 11    281 fe80::/64                On-link',
    '===========================================================================',
    'Persistent Routes:',
    '  None',
    '',
  ].join('\r\n');

  it('route print names the adapter without its address bytes', () => {
    const rows = rowsOf<Route>('route-print.txt', routePrint);
    const iface = (destination: string) => rows.find((r) => r.destination === destination)?.iface;
    expect(iface('2002::')).toBe('Microsoft 6to4 Adapter');
    expect(iface('fe80::5efe:192.168.2.2')).toBe('Microsoft ISATAP Adapter');
    expect(iface('fe80::')).toBe('Marvell Yukon 88E8040 PCI-E Fast Ethernet Controller');
    expect(iface('::1')).toBe('Software Loopback Interface 1');
  });

  it('ipconfig /all keeps the 8-byte physical address of an ISATAP adapter (real Windows 7 capture)', () => {
    const rows = rowsOf<NetInterface>('ipconfig.txt', fixture('windows/ipconfig.win7.txt'));
    expect(rows.map((i) => i.mac)).toEqual(['00:0c:29:37:3b:4e', '00:00:00:00:00:00:00:e0']);
  });
});

describe('a German netstat -an saved through a code-page mix-up', () => {
  // Constructed: German Windows `netstat -an` (headers and states as Windows 10 de-DE prints them), after
  // the OEM 850 file was read as Windows-1252 and saved again: Ö (0x99 in 850) became ™ (0x99 in 1252).
  const text = [
    '',
    'Aktive Verbindungen',
    '',
    '  Proto  Lokale Adresse         Remoteadresse          Status',
    '  TCP    0.0.0.0:135            0.0.0.0:0              ABH™REN',
    '  TCP    0.0.0.0:445            0.0.0.0:0              ABH™REN',
    '  TCP    192.168.178.20:49723   52.97.146.162:443      HERGESTELLT',
    '  TCP    192.168.178.20:49731   140.82.112.26:443      WARTEND',
    '  TCP    [::]:135               [::]:0                 ABH™REN',
    '  UDP    0.0.0.0:5353           *:*',
    '',
  ].join('\r\n');

  it('reads ABH™REN as ABHÖREN, LISTEN', () => {
    const rows = rowsOf<Connection>('netstat-an.txt', text);
    expect(rows.map((c) => `${c.proto} ${c.localPort} ${c.state}`)).toEqual([
      'tcp 135 LISTEN',
      'tcp 445 LISTEN',
      'tcp 49723 ESTABLISHED',
      'tcp 49731 TIME_WAIT',
      'tcp 135 LISTEN',
      'udp 5353 UNCONN',
    ]);
  });
});

describe('ss icmp6 sockets', () => {
  it('are IPv6 with the unspecified address on both ends (real ss -a, Ubuntu 18.04)', () => {
    const rows = rowsOf<Connection>('ss-a.txt', fixture('linux/ss-a.ubuntu-18.04.txt'));
    // `icmp6  UNCONN 0 0  *%ens33:ipv6-icmp  *:*`: the port field of a raw socket is its protocol (58).
    const icmp6 = rows.filter((c) => c.proto === 'raw');
    expect(icmp6).toHaveLength(1);
    expect(icmp6[0]).toMatchObject({
      family: 'inet6',
      localAddress: '::',
      localPort: 58,
      remoteAddress: '::',
      remotePort: 0,
    });
  });
});

describe('Linux route -6', () => {
  it('without -n: no brackets on [::], and [::] as next hop is no gateway', () => {
    // Constructed from the real route-6n.centos-7.7.txt: net-tools without -n writes the unspecified
    // address as [::] (`[::]/96`, next hop `[::]`), the rest as -n does.
    const numeric = fixture('linux/route-6n.centos-7.7.txt');
    const named = numeric.replace(/(^|\s)::(?=[\s/])/gm, '$1[::]');
    expect(named).toMatch(/^\[::\]\/96 +\[::\] +!n/m);
    const a = rowsOf<Route>('route-6.txt', named);
    const b = rowsOf<Route>('route-6n.txt', numeric);
    expect(a).toEqual(b);
    expect(a[0]).toMatchObject({ destination: '::', prefixLength: 96, gateway: null });
  });

  it('metric -1 is the kernel value /proc/net/ipv6_route shows (ffffffff = 4294967295)', () => {
    const route = rowsOf<Route>('route-6n.txt', fixture('linux/route-6n.centos-7.7.txt'));
    const proc = rowsOf<Route>('ipv6_route', fixture('linux/proc-net-ipv6_route.jc.txt'));
    const reject = (rows: Route[]) =>
      rows.find((r) => r.destination === '::' && r.prefixLength === 0 && r.iface === 'lo');
    expect(reject(route)?.metric).toBe(4294967295);
    expect(reject(proc)?.metric).toBe(4294967295);
  });
});

describe('macOS netstat -a: notes on the sections that hold no connections', () => {
  it('count rows, not the column headers under each section title', () => {
    const r = parseCapture('netstat.txt', fixture('macos/netstat.macos-10.14.6.txt'));
    // Counted in the file: Multipath has only its header line; 17, 27 and 98 rows under the others.
    expect(r.diagnostics.notes.filter((n) => n.startsWith('also held'))).toEqual([
      'also held 17 rows of "Registered kernel control modules", which are not connections',
      'also held 27 rows of "Active kernel event sockets", which are not connections',
      'also held 98 rows of "Active kernel control sockets", which are not connections',
    ]);
  });
});

describe('ss -p with a process whose name looks like a field', () => {
  // Captured here (iproute2 6.1) from a listener of a process that renamed itself through /proc/self/comm.
  const text =
    'LISTEN 0      128    127.0.0.1:47125 0.0.0.0:* users:(("x ino:1594",pid=23535,fd=3)) ino:7054172 sk:1c3c3c cgroup:/ <->\n';

  it("takes the socket's inode from ss's own field, never from the name", () => {
    const [row] = rowsOf<Connection>('ss.txt', text, 'ss-H');
    expect(row?.inode).toBe(7054172);
    expect(row?.processes.map((p) => [p.pid, p.name])).toEqual([[23535, 'x ino:1594']]);
  });
});

describe('ss -p with a process name of millions of characters (a remote host sends what it likes)', () => {
  // Constructed from the line above: its name made 10 million characters long, escapes and quotes among them.
  it('reads the name whole, its owners after it too, instead of overflowing the pattern engine', () => {
    const name = `${'\x1b'.repeat(5_000_000)}\\"${'x'.repeat(5_000_000)}`;
    const text = `LISTEN 0      128    127.0.0.1:47125 0.0.0.0:* users:(("${name}",pid=23535,fd=3),("sh",pid=7,fd=4)) ino:7054172 sk:1c3c3c cgroup:/ <->\n`;
    const [row] = rowsOf<Connection>('ss.txt', text, 'ss-H');
    expect(row?.processes.map((p) => [p.pid, p.name.length])).toEqual([
      [23535, name.length],
      [7, 2],
    ]);
    expect(row?.inode).toBe(7054172);
  });

  it('reads names with escaped quotes and parentheses, and skips an entry without its PID', () => {
    const text =
      'LISTEN 0 128 127.0.0.1:47125 0.0.0.0:* users:(("a\\",(\\"b",pid=1,fd=3),("c",fd=3),("d",2,5)) ino:1 sk:1 <->\n';
    const [row] = rowsOf<Connection>('ss.txt', text, 'ss-H');
    expect(row?.processes.map((p) => [p.pid, p.name])).toEqual([
      [1, 'a\\",(\\"b'],
      [2, 'd'],
    ]);
  });
});

describe('ss -xp with a socket held by millions of processes (a remote host sends what it likes)', () => {
  it('counts the line it cannot read as a skip and reads the lines after it', () => {
    // Constructed: 2,800,000 owners on one unix socket, past what the pattern engine's backtrack stack holds.
    const users = Array.from({ length: 2_800_000 }, (_, i) => `("p",pid=${i + 1},fd=3)`).join(',');
    const text =
      `u_str LISTEN 0 128 /tmp/x 7404043 * 0 users:(${users}) <-> ino:2474562 dev:0/65024 peers:\n` +
      'LISTEN 0      128    127.0.0.1:47125 0.0.0.0:* users:(("sshd",pid=23535,fd=3)) ino:7054172 sk:1c3c3c <->\n';
    const r = parseCapture('ss.txt', text, 'ss-H');
    expect((r.rows as Connection[]).map((c) => [c.inode, c.processes.map((p) => p.pid)])).toEqual([[7054172, [23535]]]);
    expect(r.diagnostics.skipped).toBe(1);
    expect(r.diagnostics.samples[0]?.reason).toMatch(/^unreadable line \(/);
    expect(r.diagnostics.samples[0]?.line).toHaveLength(200);
  });
});

describe('ss -xp with unix socket names that imitate columns and rows', () => {
  // Captured here (iproute2 6.1, `ss -tuwxanpeH` as the remote reader runs it) from two listeners of one
  // process bound at `/tmp/rv1/a 4242 * 0 users:(("sshd",pid=1,fd=3)) x` and at `/tmp/rv1/n`, a newline and a
  // TCP row: ss prints names raw, spaces and newlines included.
  const spaced =
    'u_str LISTEN 0      128       /tmp/rv1/a 4242 * 0 users:(("sshd",pid=1,fd=3)) x 7404043       * 0    users:(("python3",pid=15444,fd=3)) <-> ino:2474562 dev:0/65024 peers:\n';
  const newline =
    'u_str LISTEN 0      128    /tmp/rv1/n\n' +
    'tcp   LISTEN 0 128 0.0.0.0:22 0.0.0.0:* users:(("sshd",pid=1,fd=3)) ino:4243 sk:1 7404044       * 0    users:(("python3",pid=15444,fd=4)) <-> ino:2474579 dev:0/65024 peers:\n';

  it("read a name with spaces whole, with the socket's own inode and owner", () => {
    const rows = rowsOf<Connection>('ss.txt', spaced, 'ss-H');
    expect(rows.map((r) => [r.path, r.inode, r.processes.map((p) => p.pid)])).toEqual([
      ['/tmp/rv1/a 4242 * 0 users:(("sshd",pid=1,fd=3)) x', 7404043, [15444]],
    ]);
  });

  it('never give another socket an owner, even when the process holding the socket is not shown', () => {
    // Without its users field: the socket is held by no process (passed in a message), or by one of another user.
    const rows = rowsOf<Connection>('ss.txt', spaced.replace(' users:(("python3",pid=15444,fd=3))', ''), 'ss-H');
    expect(rows.map((r) => [r.inode, r.processes.map((p) => p.pid)])).toEqual([[7404043, []]]);
  });

  it('never read a line inside a name as a row', () => {
    for (const text of [newline, newline.replace(' users:(("python3",pid=15444,fd=4))', '')]) {
      const r = parseCapture('ss.txt', text, 'ss-H');
      expect(r.rows).toEqual([]);
      expect(r.diagnostics.skipped).toBe(2);
    }
  });
});

describe('Linux netstat -tanp: IPv6 sockets with v4-mapped addresses', () => {
  it('are ::ffff: addresses, as /proc/net/tcp6 and ss give them, not IPv4 (real net-tools 2.10 capture)', () => {
    const rows = rowsOf<Connection>(
      'netstat.txt',
      fixture('linux/netstat-tanp-v4mapped.netlens-dev-net-tools-2.10.txt'),
    );
    expect(rows.map((r) => `${r.family} ${r.localAddress}:${r.localPort} ${r.remoteAddress}:${r.remotePort}`)).toEqual([
      'inet 127.0.0.1:46624 127.0.0.1:38589',
      'inet6 :::38589 :::0',
      'inet6 ::ffff:127.0.0.1:38589 ::ffff:127.0.0.1:46624',
    ]);
  });
});
