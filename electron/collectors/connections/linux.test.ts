import { describe, expect, it } from 'vitest';
import { linuxFixture as fixture } from '../../../test/fixtures/captures/fixtures.js';
import type { ReadOutcome } from '../linux/proc-files.js';
import { emptyInetTables, inetStateName, parseProcNetInet, parseProcNetUnix } from './linux.js';

describe('parseProcNetInet on real captures', () => {
  it('decodes host-order IPv4 words and big-endian ports (jc tcp)', () => {
    const { rows, diagnostics } = parseProcNetInet(fixture('proc-net-tcp.jc.txt'), 'tcp', 'inet', true);
    expect(diagnostics.skipped).toBe(0);
    // "0: 3500007F:0035 00000000:0000 0A ... 101 0 34000" = systemd-resolved on 127.0.0.53:53
    expect(rows[0]).toMatchObject({
      proto: 'tcp',
      family: 'inet',
      localAddress: '127.0.0.53',
      localPort: 53,
      remoteAddress: '0.0.0.0',
      remotePort: 0,
      state: 'LISTEN',
      uid: 101,
      inode: 34000,
      ownerStatus: 'none',
      processes: [],
    });
    expect(rows[0]?.id).toBe('tcp|inet|127.0.0.53|53|0.0.0.0|0|34000');
    // "3: 802AA8C0:D450 2104C798:01BB 08 00000000:00000052" = CLOSE_WAIT to 152.199.4.33:443 with 0x52 unread
    expect(rows[3]).toMatchObject({
      localAddress: '192.168.42.128',
      localPort: 0xd450,
      remoteAddress: '152.199.4.33',
      remotePort: 443,
      state: 'CLOSE_WAIT',
      recvQ: 0x52,
      sendQ: 0,
    });
    // The capture is two concatenated reads: the second header is not a data line.
    expect(rows.every((r) => r.localAddress.split('.').length === 4)).toBe(true);
  });

  it('reads the same columns from an old kernel header without ref/pointer (RHEL 5.3)', () => {
    const { rows, diagnostics } = parseProcNetInet(fixture('proc-net-tcp.rhel-5.3.txt'), 'tcp', 'inet', true);
    expect(diagnostics.skipped).toBe(0);
    expect(rows[0]).toMatchObject({ localAddress: '127.0.0.1', localPort: 2208, state: 'LISTEN', inode: 9258 });
    expect(rows.length).toBe(fixture('proc-net-tcp.rhel-5.3.txt').trim().split('\n').length - 1);
  });

  it('keeps queues and states of a 32-bit kernel (android 2.6.29)', () => {
    const { rows } = parseProcNetInet(fixture('proc-net-tcp.android-2.6.29.txt'), 'tcp', 'inet', true);
    expect(rows[2]).toMatchObject({
      localAddress: '10.0.2.15',
      localPort: 5555,
      remoteAddress: '10.0.2.2',
      remotePort: 0xe99d,
      state: 'ESTABLISHED',
      sendQ: 0x18,
      recvQ: 0,
    });
  });

  it("gives no owner to a time-wait socket shown as FIN_WAIT2 (inode 0, uid 0), and keeps an orphan socket's uid", () => {
    // A connection closed first by our side whose peer has not sent its FIN: the kernel has made it a time-wait
    // socket in its FIN_WAIT2 substate (timer 03), printed with uid 0 and inode 0 as TIME_WAIT is. A full socket
    // orphaned in FIN_WAIT2 (timer 02) keeps its uid.
    const text = [
      '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
      '   0: 0100007F:D431 0100007F:1F90 05 00000000:00000000 03:00000F9B 00000000     0        0 0 3 0000000000000000',
      '   1: 0100007F:D432 0100007F:1F90 05 00000000:00000000 02:00000F9B 00000000  1000        0 0 1 0000000000000000 20 4 30 10 -1',
      '   2: 0100007F:D433 0100007F:1F90 05 00000000:00000000 00:00000000 00000000  1000        0 4607304 1 0000000000000000 20 4 30 10 -1',
      '',
    ].join('\n');
    const { rows, diagnostics } = parseProcNetInet(text, 'tcp', 'inet', true);
    expect(diagnostics.skipped).toBe(0);
    expect(rows.map((r) => [r.state, r.uid, r.inode])).toEqual([
      ['FIN_WAIT2', null, null],
      ['FIN_WAIT2', 1000, null],
      ['FIN_WAIT2', 1000, 4607304],
    ]);
  });

  it('swaps bytes inside each 32-bit word of tcp6 addresses', () => {
    const rhel = parseProcNetInet(fixture('proc-net-tcp6.rhel-5.3.txt'), 'tcp', 'inet6', true);
    expect(rhel.rows.map((r) => r.localAddress)).toContain('::1');
    const jc = parseProcNetInet(fixture('proc-net-tcp6.jc.txt'), 'tcp', 'inet6', true);
    expect(jc.diagnostics.skipped).toBe(0);
    expect(jc.rows[0]).toMatchObject({ localAddress: '::', localPort: 22, state: 'LISTEN', inode: 23556 });
    // TIME_WAIT rows have no inode. Words 46060126 00F1019E 00000000 4C3A0000, each byte-swapped.
    const tw = jc.rows[1];
    // Nor an owner: the kernel prints uid 0 for it, which is not root's (the listener before it keeps its own).
    expect(tw).toMatchObject({ state: 'TIME_WAIT', inode: null, remotePort: 80, uid: null });
    expect(jc.rows[0]?.uid).toBe(0);
    expect(tw?.localAddress).toBe('2601:646:9e01:f100::3a4c');
    // Keyed by its endpoints, as the connection it was before it lost its inode (keys.ts keyedByEndpoints).
    expect(tw?.id).toBe(`tcp|inet6|2601:646:9e01:f100::3a4c|${tw?.localPort}|${tw?.remoteAddress}|80`);
  });

  it('reads the same file the other way round on a big-endian host', () => {
    const le = parseProcNetInet(fixture('proc-net-tcp.jc.txt'), 'tcp', 'inet', true).rows[0];
    const be = parseProcNetInet(fixture('proc-net-tcp.jc.txt'), 'tcp', 'inet', false).rows[0];
    expect(le?.localAddress).toBe('127.0.0.53');
    expect(be?.localAddress).toBe('53.0.0.127');
  });

  it('handles udp headers before and after "ref pointer drops", prompts and trailing padding', () => {
    const old = parseProcNetInet(fixture('proc-net-udp.rhel-5.3.txt'), 'udp', 'inet', true);
    expect(old.diagnostics.skipped).toBe(0);
    expect(old.rows[0]).toMatchObject({ localAddress: '0.0.0.0', localPort: 2049, state: 'UNCONN' });
    const newer = parseProcNetInet(fixture('proc-net-udp.ubuntu-kernel-4.x-vbox.weikang.txt'), 'udp', 'inet', true);
    // The shell prompt line before the header is skipped and counted, never parsed as a row.
    expect(newer.diagnostics.skipped).toBe(1);
    expect(newer.diagnostics.samples[0]?.reason).toBe('text before the header');
    expect(newer.rows[1]).toMatchObject({ localAddress: '127.0.1.1', localPort: 53, uid: 0, inode: 15442 });
    const aws = parseProcNetInet(
      fixture('proc-net-udp.ubuntu-18.04-kernel-5.4-aws.procfs-506.txt'),
      'udp',
      'inet',
      true,
    );
    expect(aws.rows.length).toBe(5);
  });

  it('gives raw sockets the IP protocol as the local port', () => {
    const { rows } = parseProcNetInet(fixture('proc-net-raw.ubuntu-kernel-4.x-vbox.weikang.txt'), 'raw', 'inet', true);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ proto: 'raw', localPort: 1, state: 'UNCONN', uid: 1000, inode: 40488 });
  });

  it('returns an empty table for header-only files', () => {
    for (const [name, proto, family] of [
      ['proc-net-raw.arm-2.6.16-empty.txt', 'raw', 'inet'],
      ['proc-net-udp.android-2.6.29-empty.txt', 'udp', 'inet'],
      ['proc-net-udp6.android-2.6.29-empty.txt', 'udp', 'inet6'],
    ] as const) {
      const r = parseProcNetInet(fixture(name), proto, family, true);
      expect(r.rows).toEqual([]);
      expect(r.diagnostics.skipped).toBe(0);
    }
  });

  it('skips and counts malformed or truncated lines', () => {
    const text = fixture('proc-net-tcp.rhel-5.3.txt');
    const lines = text.split('\n');
    const broken = [lines[0], lines[1], (lines[2] ?? '').slice(0, 40), lines[3]?.replace('0A', 'ZZ')].join('\n');
    const r = parseProcNetInet(broken, 'tcp', 'inet', true);
    expect(r.rows).toHaveLength(1);
    expect(r.diagnostics.skipped).toBe(2);
    expect(r.diagnostics.samples.map((s) => s.reason)).toEqual(['too few fields', 'bad state']);
  });

  it('names every TCP state and keeps unknown codes', () => {
    expect(inetStateName('tcp', 0x0a)).toBe('LISTEN');
    expect(inetStateName('tcp', 0x0b)).toBe('CLOSING');
    expect(inetStateName('tcp', 0x07)).toBe('CLOSE');
    expect(inetStateName('udp', 0x07)).toBe('UNCONN');
    expect(inetStateName('udp', 0x01)).toBe('ESTABLISHED');
    expect(inetStateName('tcp', 0x42)).toBe('UNKNOWN(0x42)');
  });
});

describe('parseProcNetUnix on real captures', () => {
  it('reads listening, connected and abstract sockets', () => {
    const { rows, diagnostics } = parseProcNetUnix(fixture('proc-net-unix.jc.txt'));
    expect(diagnostics.skipped).toBe(0);
    expect(rows[0]).toMatchObject({
      proto: 'unix',
      family: 'unix',
      path: '/var/snap/lxd/common/lxd/unix.socket',
      socketType: 'STREAM',
      state: 'LISTENING',
      inode: 42776,
      id: 'unix|unix|/var/snap/lxd/common/lxd/unix.socket|42776',
    });
    expect(rows.find((r) => r.inode === 29792)).toMatchObject({ socketType: 'SEQPACKET', path: '/run/udev/control' });
    expect(rows.find((r) => r.inode === 29777)?.path).toBe('@/org/kernel/linux/storage/multipathd');
    expect(rows.some((r) => r.path === '' && r.state === 'CONNECTED')).toBe(true);
  });

  it("turns an old kernel's raw NUL padding of abstract names into '@'", () => {
    const { rows } = parseProcNetUnix(fixture('proc-net-unix.rhel-5.3.txt'));
    const iscsi = rows.find((r) => r.inode === 6950);
    expect(iscsi?.path?.startsWith('@ISCSIADM_ABSTRACT_NAMESPACE@@')).toBe(true);
    expect(iscsi?.path).not.toContain('\0');
  });
});

describe('emptyInetTables (sockstat counts)', () => {
  const sockstat = [
    'sockets: used 123',
    'TCP: inuse 0 orphan 0 tw 10 alloc 508 mem 142',
    'UDP: inuse 0 mem 0',
    'UDPLITE: inuse 0',
    'RAW: inuse 1',
    'FRAG: inuse 0 memory 0',
    '',
  ].join('\n');
  const sockstat6 = [
    'TCP6: inuse 0',
    'UDP6: inuse 12',
    'UDPLITE6: inuse 0',
    'RAW6: inuse 0',
    'FRAG6: inuse 0 memory 0',
  ];
  const read =
    (files: Record<string, string>) =>
    (file: string): ReadOutcome =>
      file in files ? { ok: true, text: files[file]! } : { ok: false, code: 'ENOENT', reason: 'no such file' };

  it('names the UDP, UDP-Lite and raw tables counted empty, never TCP (its count leaves out time-wait)', () => {
    const empty = emptyInetTables(read({ sockstat, sockstat6: sockstat6.join('\n') }));
    expect([...empty].sort()).toEqual(['raw6', 'udp', 'udplite', 'udplite6']);
  });

  it('leaves the tables of an unreadable file to be read', () => {
    expect([...emptyInetTables(read({ sockstat }))].sort()).toEqual(['udp', 'udplite']);
    expect(emptyInetTables(read({})).size).toBe(0);
  });

  it('ignores counts it does not understand and names that are not its own', () => {
    const odd = [
      'UDP: inuse',
      'UDPLITE: inuse 00',
      'RAW: inuse -0',
      'constructor: inuse 0',
      '__proto__: inuse 0',
      'udp6: inuse 0',
      ' UDP6: inuse 0',
      'RAW6 inuse 0',
    ].join('\n');
    expect(emptyInetTables(read({ sockstat: odd, sockstat6: odd })).size).toBe(0);
  });
});
