import { describe, expect, it } from 'vitest';
import { pidsText, processText } from '../../renderer/tabs/Connections/columns.js';
import type { Connection } from '../../shared/types.js';
import { formatRows } from '../commands/text-table.js';
import { MAX_REMOTE_OWNERS, MAX_REMOTE_ROWS, remoteRows } from './datasets.js';

const hex = (n: number, width: number) => n.toString(16).toUpperCase().padStart(width, '0');

/** A frame of `host` holding these sections (text), read as `uid` there. */
const reading = (host: string, uid: number, sections: Record<string, string>) =>
  ({
    host,
    at: Date.now(),
    hello: { uid, sudo: false, hasIp: false, hasSs: true },
    frame: {
      seq: 1,
      bytes: 0,
      sections: new Map(Object.entries(sections).map(([k, v]) => [k, { ok: true, data: Buffer.from(v) }])),
    },
  }) as never;

describe("a remote host's connections", () => {
  it('keep the owners ss gives for every shown socket, however many unix sockets ss lists before them', () => {
    // ss prints unix sockets first and TCP last: 200,000 unix lines, then 1,000 TCP listeners /proc shows.
    const tcp = ['  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode'];
    const ss: string[] = [];
    for (let u = 0; u < 200_000; u++)
      ss.push(`u_str ESTAB 0 0 * ${900_000 + u} * 0 users:(("x",pid=2,fd=${u + 3})) ---`);
    for (let i = 0; i < 1_000; i++) {
      tcp.push(
        `${i}: 0A000001:${hex(2000 + i, 4)} 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 ${i + 1} 1 0000000000000000 100 0 0 10 0`,
      );
      ss.push(
        `tcp LISTEN 0 128 10.0.0.1:${2000 + i} 0.0.0.0:* users:(("srv",pid=1,fd=${i + 3})) ino:${i + 1} sk:1 <->`,
      );
    }
    const sections = {
      'net/tcp': `${tcp.join('\n')}\n`,
      ss: `${ss.join('\n')}\n`,
      passwd: 'root:x:0:0::/root:/bin/sh\n',
    };
    const { rows, diagnostics } = remoteRows('connections', reading('big', 1000, sections));
    expect(rows).toHaveLength(1_000);
    expect(rows.filter((r) => r.processes.length === 0 || r.ownerStatus === 'denied')).toEqual([]);
    expect(rows[0]?.processes[0]?.name).toBe('srv');
    expect(diagnostics.notes.join('\n')).not.toMatch(/other users/);
  });

  it('keep at most MAX_REMOTE_OWNERS owners of a socket, built once, and a bounded total (review of 12-03, finding 2)', () => {
    // 4,000 /proc/net/tcp rows that all name inode 4242 (a kernel never repeats one) and one ss line giving that
    // inode 300 owners: 1,200,000 owner entries on main (2,000 x 300 took 600,000 there), from 600 kB.
    const rows = 4_000;
    const owners = 300;
    const tcp = ['  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode'];
    for (let i = 0; i < rows; i++)
      tcp.push(
        `${i}: 0100007F:${hex(1024 + i, 4)} 0200007F:0016 01 00000000:00000000 00:00000000 00000000     0        0 4242 1 0000000000000000 20 4 30 10 -1`,
      );
    const users = Array.from({ length: owners }, (_, i) => `("p",pid=${100 + i},fd=3)`).join(',');
    const sections = {
      'net/tcp': `${tcp.join('\n')}\n`,
      ss: `tcp ESTAB 0 0 127.0.0.1:1024 127.0.0.2:22 users:(${users}) ino:4242 sk:1 <->\n`,
      passwd: '',
    };
    const result = remoteRows('connections', reading('evil', 0, sections));
    expect(result.rows).toHaveLength(rows);
    const entries = result.rows.reduce((n, r) => n + r.processes.length, 0);
    const objects = new Set(result.rows.flatMap((r) => r.processes));
    expect(objects.size).toBe(MAX_REMOTE_OWNERS);
    expect(entries).toBeLessThanOrEqual(MAX_REMOTE_ROWS);
    const shown = Math.floor(MAX_REMOTE_ROWS / MAX_REMOTE_OWNERS);
    expect(result.rows.filter((r) => r.processes.length === MAX_REMOTE_OWNERS)).toHaveLength(shown);
    // The rows past the cap say so themselves (OWNER_NOT_LISTED, in the grid, dump and the process list), neither ownerless
    // ('none': on main) nor another user's ('denied').
    expect(result.rows.filter((r) => r.ownerStatus === 'capped')).toHaveLength(rows - shown);
    // Those shown list 64 of the socket's 300 owners, and say so ('known' on main: as if complete).
    expect(result.rows.filter((r) => r.ownerStatus === 'partial')).toHaveLength(shown);
    expect(result.rows[0]?.processes.map((p) => p.pid).slice(0, 2)).toEqual([100, 101]);
    const notes = result.diagnostics.notes.join('\n');
    expect(notes).toContain(`${owners - MAX_REMOTE_OWNERS} owners of sockets of evil not shown`);
    expect(notes).toContain(`the owners of ${(rows - shown).toLocaleString('en-US')} sockets of evil not shown`);
  }, 60_000);

  it('mark a socket with more owners than a socket keeps as such, in the grid, its tooltip and dump alike', () => {
    // Inode 4242 has 70 owners (a server's forked workers sharing its listener), inode 4243 two.
    const tcp = [
      '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
      '0: 0100007F:0050 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4242 1 0000000000000000 100 0 0 10 0',
      '1: 0100007F:0051 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4243 1 0000000000000000 100 0 0 10 0',
    ];
    const many = Array.from({ length: 70 }, (_, i) => `("worker",pid=${100 + i},fd=3)`).join(',');
    const sections = {
      'net/tcp': `${tcp.join('\n')}\n`,
      ss:
        `tcp LISTEN 0 128 127.0.0.1:80 0.0.0.0:* users:(${many}) ino:4242 sk:1 <->\n` +
        'tcp LISTEN 0 128 127.0.0.1:81 0.0.0.0:* users:(("a",pid=7,fd=3),("b",pid=8,fd=3)) ino:4243 sk:2 <->\n',
      passwd: '',
    };
    const { rows } = remoteRows('connections', reading('web1', 0, sections)) as { rows: Connection[] };
    const [more, two] = [rows.find((r) => r.inode === 4242)!, rows.find((r) => r.inode === 4243)!];
    expect(more.processes).toHaveLength(MAX_REMOTE_OWNERS);
    // On main: 'known', and every text below as complete as the two-owner socket's.
    expect(more.ownerStatus).toBe('partial');
    expect(two.ownerStatus).toBe('known');
    // The grid's cells (a cut cell's tooltip is its whole text): the names and the PIDs.
    expect(processText(more)).toBe('worker + more not listed');
    expect(pidsText(more)).toMatch(/^100, 101, .*, 163 \+ more not listed$/);
    expect(processText(two)).toBe('a, b');
    expect(pidsText(two)).toBe('7, 8');
    // dump --host's PID/Program name.
    const out = formatRows('connections', [more, two]);
    expect(out).toMatch(/127\.0\.0\.1:80 .* 100\/worker \(\+63\) \+ more not listed$/m);
    expect(out).toMatch(/127\.0\.0\.1:81 .* 7\/a \(\+1\)$/m);
  });

  it('keep the same owners of the same sockets past the caps, whatever order /proc and ss list them in', () => {
    // 3,200 listeners of 64 owners each (204,800 entries, past the 200,000 cap), socket 0 holding 100: read once
    // in order and once with /proc's rows, ss's lines and each line's owners reversed.
    const sockets = 3_200;
    const ownersOf = (i: number) =>
      Array.from({ length: i === 0 ? 100 : MAX_REMOTE_OWNERS }, (_, j) => 1 + i * 100 + j);
    const read = (reversed: boolean) => {
      const order = Array.from({ length: sockets }, (_, i) => i);
      if (reversed) order.reverse();
      const tcp = ['  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode'];
      const ss: string[] = [];
      for (const i of order) {
        tcp.push(
          `${i}: 0100007F:${hex(1024 + i, 4)} 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 ${10_000 + i} 1 0000000000000000 100 0 0 10 0`,
        );
        const pids = ownersOf(i);
        if (reversed) pids.reverse();
        const users = pids.map((pid) => `("w${pid}",pid=${pid},fd=3)`).join(',');
        ss.push(`tcp LISTEN 0 128 127.0.0.1:${1024 + i} 0.0.0.0:* users:(${users}) ino:${10_000 + i} sk:1 <->`);
      }
      const sections = { 'net/tcp': `${tcp.join('\n')}\n`, ss: `${ss.join('\n')}\n`, passwd: '' };
      const { rows } = remoteRows('connections', reading('web1', 0, sections)) as { rows: Connection[] };
      return new Map(
        rows.map((r) => [r.inode, `${r.ownerStatus} ${r.processes.map((p) => p.pid).sort((a, b) => a - b)}`]),
      );
    };
    const inOrder = read(false);
    const reversed = read(true);
    expect(inOrder.size).toBe(sockets);
    // On main the reversed reading kept the owners of the last sockets and capped the first ones, and listed
    // socket 0's 64 highest PIDs.
    expect(reversed).toEqual(inOrder);
    const shown = Math.floor(MAX_REMOTE_ROWS / MAX_REMOTE_OWNERS);
    const statuses = [...inOrder.values()].map((v) => v.split(' ')[0]);
    expect(statuses.filter((s) => s === 'capped')).toHaveLength(sockets - shown);
    // The sockets of the lowest PIDs keep theirs; socket 0 lists its 64 lowest.
    expect(inOrder.get(10_000 + shown - 1)).toMatch(/^known /);
    expect(inOrder.get(10_000 + shown)).toBe('capped ');
    expect(inOrder.get(10_000)).toBe(`partial ${ownersOf(0).slice(0, MAX_REMOTE_OWNERS)}`);
  }, 60_000);
});

describe("a remote host's statistics", () => {
  it('read each file to its first MB of whole lines and say what was past it (an attacker sent 38 MB of one snmp line)', () => {
    const real = 'Tcp: RtoAlgorithm RtoMin ActiveOpens\nTcp: 1 200 7\nUdp: InDatagrams NoPorts\nUdp: 5 6\n';
    // 4,000,000 counters on one header line and one value line: 38 MB, past the bound, after the real lines.
    const names = Array.from({ length: 4_000_000 }, (_, i) => `X${i}`).join(' ');
    const values = Array.from({ length: 4_000_000 }, () => '1').join(' ');
    const snmp = `${real}Ip: ${names}\nIp: ${values}\n`;
    const { rows, diagnostics } = remoteRows('statistics', reading('web1', 0, { 'net/snmp': snmp }));
    const shown = new Map(rows.map((r) => [`${r.group} ${r.name}`, r.value]));
    expect(shown.get('Tcp ActiveOpens')).toBe(7);
    expect(shown.get('Udp NoPorts')).toBe(6);
    expect(rows.some((r) => r.name.startsWith('X'))).toBe(false);
    expect(diagnostics.notes).toContain(
      `net/snmp on web1: ${(snmp.length - real.length).toLocaleString('en-US')} bytes past its first 1 MB not read`,
    );
  });
});
