// sock_diag replies read from bytes laid out as the kernel lays them out: what fits is read, what does not
// is counted, never read past its end. And the netlink socket itself, live: errors, limits and recovery.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { emptyDiagnostics } from '../../../shared/types.js';
import { bundleScript } from '../../../test/bundle-script.js';
import { tcpRowsFromDiag } from '../connections/linux-diag-rows.js';
import { unixRowsFromDiag } from '../connections/linux-unix-rows.js';
import { NETLINK_SOCK_DIAG, NetlinkDumper, netlinkBinaryCandidates } from './netlink.js';
import { message, tcpInfo } from './testing/inet-diag-messages.js';
import { ICONS, NAME, PEER, RQLEN, u32s, unixMessage } from './testing/unix-diag-messages.js';
import {
  AF_INET,
  AF_INET6,
  AF_UNIX,
  extBit,
  forEachInetDiagSocket,
  forEachUnixDiagSocket,
  INET_DIAG_INFO,
  inetDiagRequest,
  IPPROTO_TCP,
  SOCK_DIAG_BY_FAMILY,
  TCP_DUMP_STATES,
  UDIAG_SHOW_NAME,
  unixDiagRequest,
} from './sock-diag.js';

describe('sock_diag replies', () => {
  it('reads addresses, ports, queues, uid, inode and the cookie as ss spells it', () => {
    const seen: unknown[] = [];
    const bad = forEachInetDiagSocket(
      [
        Buffer.concat([
          message({ cookie: [0xdeadbeef, 0x1], queues: [3, 4], ports: [443, 51000] }),
          message({
            family: AF_INET6,
            local: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 0, 0, 1],
            remote: [0xfe, 0x80, ...Array(13).fill(0), 1],
          }),
        ]),
      ],
      (s) => seen.push({ ...s, buffer: undefined }),
    );
    expect(bad).toBe(0);
    expect(seen).toMatchObject([
      {
        family: AF_INET,
        localAddress: '127.0.0.1',
        localPort: 443,
        remoteAddress: '127.0.0.2',
        remotePort: 51000,
        cookie: '1deadbeef',
        rqueue: 3,
        wqueue: 4,
        uid: 1000,
        inode: 4242,
        infoStart: -1,
      },
      { family: AF_INET6, localAddress: '::ffff:10.0.0.1', remoteAddress: 'fe80::1', cookie: '1234' },
    ]);
  });

  it('counts a record shorter than its header, an attribute past its end, a foreign family and bad framing', () => {
    const short = message({});
    short.writeUInt32LE(16 + 40, 0);
    const attrPastEnd = message({ info: tcpInfo(200) });
    attrPastEnd.writeUInt16LE(4000, 16 + 72);
    const unix = message({ family: 1 });
    const framing = Buffer.alloc(20);
    framing.writeUInt32LE(4000, 0);
    const seen: number[] = [];
    const bad = forEachInetDiagSocket([short.subarray(0, 56), attrPastEnd, unix, framing, message({ inode: 9 })], (s) =>
      seen.push(s.inode),
    );
    expect(bad).toBe(4);
    expect(seen).toEqual([9]);
  });

  it('makes rows with ss semantics from tcp_info of any length (older kernels give a shorter struct)', () => {
    const d = emptyDiagnostics();
    const { rows, cookies } = tcpRowsFromDiag(
      [
        Buffer.concat([
          message({ inode: 1, info: tcpInfo(232) }),
          // Kernel 4.9's tcp_info ends before bytes_sent (at 160): the acknowledged bytes less the SYN stand in.
          message({ inode: 2, info: tcpInfo(160) }),
          // A time-wait socket: no tcp_info at all.
          message({ inode: 0, state: 6 }),
          message({ inode: 3, state: 10, queues: [0, 128] }),
          message({ inode: 4, state: 13 }),
          message({ inode: 5, state: 0x42 }),
        ]),
      ],
      d,
      10_000,
    );
    expect(d.skipped).toBe(0);
    expect(rows.map((r) => [r.state, r.bytesSent, r.bytesReceived, r.rttMs, r.rttVarMs, r.minRttMs, r.cwnd])).toEqual([
      ['ESTABLISHED', 100, 7, 1.5, 0.25, null, 10],
      ['ESTABLISHED', 100, 7, 1.5, 0.25, null, 10],
      ['TIME_WAIT', null, null, null, null, null, null],
      ['LISTEN', null, null, null, null, null, null],
      ['BOUND_INACTIVE', null, null, null, null, null, null],
      ['UNKNOWN(0x42)', null, null, null, null, null, null],
    ]);
    expect(rows[2]!.trafficNote).toMatch(/no tcp_info/);
    expect(rows[3]).toMatchObject({ sendQ: 0, trafficNote: 'n/a: a listening socket carries no data' });
    expect(rows[0]).toMatchObject({ lastSendAt: 10_000, retrans: 0, segsOut: 0 });
    expect(cookies[0]).toBe('1234');
    expect(cookies).toHaveLength(rows.length);
  });
});

describe('unix_diag replies', () => {
  it('asks for every socket in every state, with what it is told to show (struct unix_diag_req, 24 bytes)', () => {
    const r = unixDiagRequest(UDIAG_SHOW_NAME);
    expect(r.length).toBe(24);
    expect([r[0], r[1], r.readUInt32LE(4), r.readUInt32LE(8), r.readUInt32LE(12)]).toEqual([
      AF_UNIX,
      0,
      0xffffffff,
      0,
      UDIAG_SHOW_NAME,
    ]);
  });

  it('reads type, state, inode, the name as counted bytes, the peer, pending connections and the queues', () => {
    const seen: unknown[] = [];
    const bad = forEachUnixDiagSocket(
      [
        Buffer.concat([
          unixMessage({
            type: 2,
            state: 1,
            inode: 5,
            attrs: [
              [NAME, Buffer.from('/run/x.sock\0')],
              [PEER, u32s(6)],
              [RQLEN, u32s(3, 4)],
            ],
          }),
          unixMessage({ state: 10, attrs: [[ICONS, u32s(8, 9, 0)]] }),
          unixMessage({}),
        ]),
      ],
      (s) => seen.push({ ...s, buffer: undefined, name: s.buffer.toString('latin1', s.nameStart, s.nameEnd) }),
    );
    expect(bad).toBe(0);
    expect(seen).toMatchObject([
      { type: 2, state: 1, inode: 5, name: '/run/x.sock\0', peer: 6, rqueue: 3, wqueue: 4, pending: 0 },
      { state: 10, nameStart: -1, peer: 0, pending: 3, rqueue: -1 },
      { nameStart: -1, pending: 0 },
    ]);
  });

  it('counts a record shorter than its header, an attribute past its end or too short, a long name, a foreign family', () => {
    const short = unixMessage({});
    short.writeUInt32LE(16 + 12, 0);
    const pastEnd = unixMessage({ attrs: [[NAME, Buffer.from('\0abc')]] });
    pastEnd.writeUInt16LE(400, 32);
    const shortPeer = unixMessage({ attrs: [[PEER, Buffer.alloc(2)]] });
    const shortQueues = unixMessage({ attrs: [[RQLEN, Buffer.alloc(4)]] });
    const longName = unixMessage({ attrs: [[NAME, Buffer.alloc(109, 0x41)]] });
    const inet = unixMessage({});
    inet[16] = AF_INET;
    const seen: number[] = [];
    const bad = forEachUnixDiagSocket(
      [short.subarray(0, 28), pastEnd, shortPeer, shortQueues, longName, inet, unixMessage({ inode: 9 })],
      (s) => seen.push(s.inode),
    );
    expect(bad).toBe(6);
    expect(seen).toEqual([9]);
    const d = emptyDiagnostics();
    expect(unixRowsFromDiag([pastEnd, unixMessage({ inode: 9 })], d).map((r) => r.inode)).toEqual([9]);
    expect(d.skipped).toBe(1);
  });

  it('makes rows as /proc/net/unix shows them: @ for NULs, a path without its NUL, states, pending connections', () => {
    const forged = '\n0000000000000000: 00000002 00000000 00010000 0001 01 99 /run/FORGED';
    const d = emptyDiagnostics();
    const rows = unixRowsFromDiag(
      [
        Buffer.concat([
          unixMessage({ state: 10, inode: 1, attrs: [[NAME, Buffer.from('/run/a b.sock\0')]] }),
          unixMessage({
            state: 10,
            inode: 2,
            attrs: [
              [NAME, Buffer.from(`\0x\0y${forged}`)],
              [ICONS, u32s(3)],
            ],
          }),
          unixMessage({ state: 1, inode: 3 }),
          unixMessage({ type: 2, state: 7, inode: 4, attrs: [[NAME, Buffer.from([0, 0x61, 0xc3, 0xa9, 0xff])]] }),
          unixMessage({ type: 5, state: 7, inode: 0 }),
          unixMessage({ type: 9, state: 1, inode: 6 }),
        ]),
      ],
      d,
    );
    expect(d.skipped).toBe(0);
    expect(rows.map((r) => [r.path, r.inode, r.socketType, r.state, r.id])).toEqual([
      ['/run/a b.sock', 1, 'STREAM', 'LISTENING', 'unix|unix|/run/a b.sock|1'],
      [`@x@y${forged}`, 2, 'STREAM', 'LISTENING', `unix|unix|@x@y${forged}|2`],
      [`@x@y${forged}`, null, 'STREAM', 'CONNECTING', `unix|unix|@x@y${forged}|0`],
      ['', 3, 'STREAM', 'CONNECTED', 'unix|unix||3'],
      ['@a\u00e9\ufffd', 4, 'DGRAM', 'UNCONNECTED', 'unix|unix|@a\u00e9\ufffd|4'],
      ['', null, 'SEQPACKET', 'DISCONNECTING', 'unix|unix||0'],
      ['', 6, 'UNKNOWN(9)', 'CONNECTED', 'unix|unix||6'],
    ]);
  });
});

/** Every prefix of `whole` and 2,000 copies with 3 bytes each set at random (seeded: the same every run). */
function cutAndCorrupted(whole: Buffer, seed: number): Buffer[] {
  let state = seed;
  const random = () => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state;
  };
  const inputs: Buffer[] = [];
  for (let n = 0; n <= whole.length; n++) inputs.push(whole.subarray(0, n));
  for (let i = 0; i < 2000; i++) {
    const b = Buffer.from(whole);
    for (let k = 0; k < 3; k++) b[random() % b.length] = random() & 0xff;
    inputs.push(b);
  }
  return inputs;
}

describe('inet_diag replies, cut and corrupted', () => {
  it('never throws nor reads past a record: every prefix and 2,000 seeded corruptions of a reply', () => {
    const info = tcpInfo(232);
    // Counters past 2^53 come as the nearest Number, as ss's text of them reads.
    info.writeBigUInt64LE(2n ** 60n + 3n, 128);
    const whole = Buffer.concat([
      message({ state: 1, info }),
      message({ family: AF_INET6, state: 6, local: Array(16).fill(0xfe), remote: Array(16).fill(1) }),
      message({ state: 10, info: tcpInfo(104) }),
    ]);
    const d = emptyDiagnostics();
    expect(tcpRowsFromDiag([whole], d, 0).rows.map((r) => [r.state, r.bytesReceived ?? null])).toEqual([
      ['ESTABLISHED', 2 ** 60],
      ['TIME_WAIT', null],
      ['LISTEN', null],
    ]);
    expect(d.skipped).toBe(0);
    const inputs = cutAndCorrupted(whole, 7);
    let skipped = 0;
    for (const input of inputs) {
      const diagnostics = emptyDiagnostics();
      const { rows } = tcpRowsFromDiag([input], diagnostics, 0);
      skipped += diagnostics.skipped;
      expect(rows.length).toBeLessThanOrEqual(3);
      for (const r of rows) expect(r.localPort).toBeLessThan(65536);
    }
    // Not vacuous: some were cut or corrupted into records that do not fit.
    expect(skipped).toBeGreaterThan(100);
  });
});

describe('the record a walk reuses', () => {
  it("lets go of the dump's buffer when the walk ends (in the worker: the whole dump's, until the next tick)", () => {
    let inet: { buffer: Buffer } | undefined;
    forEachInetDiagSocket([message({})], (s) => {
      inet = s;
    });
    let unix: { buffer: Buffer } | undefined;
    forEachUnixDiagSocket([unixMessage({ inode: 1 })], (s) => {
      unix = s;
    });
    expect([inet?.buffer.length, unix?.buffer.length]).toEqual([0, 0]);
  });
});

describe('unix_diag replies, at their limits', () => {
  it('reads a path that fills sun_path: 108 bytes and the NUL the kernel adds past them (109 counted)', () => {
    const full = `/tmp/${'p'.repeat(103)}`;
    const d = emptyDiagnostics();
    const rows = unixRowsFromDiag(
      [
        Buffer.concat([
          unixMessage({ state: 10, inode: 1, attrs: [[NAME, Buffer.from(`${full}\0`)]] }),
          // Not a kernel's: an abstract name of 109 bytes, a 109-byte path without its NUL.
          unixMessage({ state: 10, inode: 2, attrs: [[NAME, Buffer.from(`\0${full}`)]] }),
          unixMessage({ state: 10, inode: 3, attrs: [[NAME, Buffer.from(`${full}p`)]] }),
        ]),
      ],
      d,
    );
    expect(rows.map((r) => [r.path, r.inode])).toEqual([[full, 1]]);
    expect(d.skipped).toBe(2);
  });

  it("gives a listener's waiting connections from its queue length, not its backlog, and bounds them", () => {
    const d = emptyDiagnostics();
    const rows = unixRowsFromDiag(
      [
        Buffer.concat([
          // listen(1) again after five connections came: the queue stays five long.
          unixMessage({
            state: 10,
            inode: 1,
            attrs: [
              [NAME, Buffer.from('\0a')],
              [RQLEN, u32s(5, 1)],
            ],
          }),
          unixMessage({ state: 1, inode: 2, attrs: [[RQLEN, u32s(7, 0)]] }),
          unixMessage({
            state: 10,
            inode: 3,
            attrs: [
              [NAME, Buffer.from('\0b')],
              [RQLEN, u32s(0xffffffff, 4096)],
            ],
          }),
        ]),
      ],
      d,
    );
    const waiting = (p: string) => rows.filter((r) => r.path === p && r.inode === null && r.state === 'CONNECTING');
    expect(waiting('@a')).toHaveLength(5);
    expect(rows.filter((r) => r.inode === 2)).toHaveLength(1);
    expect(waiting('@b')).toHaveLength(65_536);
    expect(d.skipped).toBe(1);
    expect(d.samples[0]?.reason).toMatch(/^4294901759 connections waiting on one listener/);
  });
});

describe('unix_diag replies, cut and corrupted', () => {
  it('never throws nor reads past a record: every prefix and 2,000 seeded corruptions of a reply', () => {
    const whole = Buffer.concat([
      unixMessage({
        state: 10,
        inode: 2,
        attrs: [
          [NAME, Buffer.from('\0name')],
          [ICONS, u32s(3, 4)],
        ],
      }),
      unixMessage({
        state: 1,
        inode: 3,
        attrs: [
          [PEER, u32s(2)],
          [RQLEN, u32s(0, 0)],
        ],
      }),
    ]);
    const inputs = cutAndCorrupted(whole, 42);
    for (const input of inputs) {
      const d = emptyDiagnostics();
      const rows = unixRowsFromDiag([input], d);
      expect(rows.length + d.skipped).toBeGreaterThanOrEqual(0);
      for (const r of rows) expect((r.path ?? '').length).toBeLessThanOrEqual(108);
    }
  });
});

describe('where the netlink binary is loaded from', () => {
  it('a build looks beside its bundles only, never in the folder it was started from', () => {
    const was = process.env.NETLENS_BUILD;
    try {
      process.env.NETLENS_BUILD = 'production';
      const built = netlinkBinaryCandidates();
      expect(built).toHaveLength(1);
      expect(built[0]).toMatch(/[\\/]out[\\/]main[\\/]native[\\/]netlink-[a-z0-9]+-[a-z0-9]+\.node$/);
      delete process.env.NETLENS_BUILD;
      // From sources (tests, benchmarks) the checkout's node_modules is the fallback.
      expect(netlinkBinaryCandidates()).toHaveLength(2);
    } finally {
      if (was === undefined) delete process.env.NETLENS_BUILD;
      else process.env.NETLENS_BUILD = was;
    }
  });
});

describe.skipIf(process.platform !== 'linux')('the sock_diag socket (live)', () => {
  const request = (family: number) => inetDiagRequest(family, IPPROTO_TCP, extBit(INET_DIAG_INFO), TCP_DUMP_STATES);

  it('dumps this process’s listener, refuses what the kernel refuses, and recovers from a dump over its limit', async () => {
    expect(NetlinkDumper.unavailable()).toBeNull();
    const server = net.createServer().listen(0, '127.0.0.1');
    await once(server, 'listening');
    const port = (server.address() as net.AddressInfo).port;
    const dumper = new NetlinkDumper(NETLINK_SOCK_DIAG);
    try {
      const limits = { timeoutMs: 10_000, maxBytes: 64 * 1024 * 1024 };
      const ports = async () => {
        const r = await dumper.dump(SOCK_DIAG_BY_FAMILY, request(AF_INET), limits);
        if (!r.ok) throw new Error(r.error);
        const found: number[] = [];
        forEachInetDiagSocket(r.datagrams, (s) => found.push(s.localPort));
        return found;
      };
      expect(await ports()).toContain(port);
      // A family sock_diag has no handler for: the kernel answers with an error, which is given as one.
      const refused = await dumper.dump(SOCK_DIAG_BY_FAMILY, request(99), limits);
      expect(refused).toMatchObject({ ok: false, error: expect.stringMatching(/refused the dump \(errno \d+\)/) });
      // Over a limit of 1 byte: given up, the socket closed; the next dump opens a new one and succeeds.
      const big = await dumper.dump(SOCK_DIAG_BY_FAMILY, request(AF_INET), { ...limits, maxBytes: 1 });
      expect(big).toMatchObject({ ok: false, error: expect.stringMatching(/larger than/) });
      // Two at once are answered one after the other, each in full.
      const [a, b] = await Promise.all([ports(), ports()]);
      expect(a).toContain(port);
      expect(b).toContain(port);
    } finally {
      dumper.close();
      server.close();
    }
  });

  it('holds about the bytes it counts: a datagram kept holds a buffer of 32 KiB, not twice that', async () => {
    // In a process of its own (vitest's other threads share this one's RSS).
    const dir = mkdtempSync(join(tmpdir(), 'netlens-dump-memory-'));
    try {
      const script = await bundleScript(
        dir,
        'held',
        `import { NETLINK_SOCK_DIAG, NetlinkDumper } from ${JSON.stringify(join(__dirname, 'netlink.ts'))};\n` +
          `import { AF_INET, inetDiagRequest, IPPROTO_TCP, SOCK_DIAG_BY_FAMILY, TCP_DUMP_STATES } from ${JSON.stringify(join(__dirname, 'sock-diag.ts'))};\n` +
          'const dumper = new NetlinkDumper(NETLINK_SOCK_DIAG);\n' +
          'const held: Buffer[] = [];\n' +
          'const dumps = async (keep: boolean) => {\n' +
          '  for (let i = 0; i < 2000; i++) {\n' +
          '    const r = await dumper.dump(SOCK_DIAG_BY_FAMILY, inetDiagRequest(AF_INET, IPPROTO_TCP, 0, TCP_DUMP_STATES), { timeoutMs: 10_000, maxBytes: 1 << 20 });\n' +
          '    if (!r.ok) throw new Error(r.error);\n' +
          '    if (keep) held.push(...r.datagrams);\n' +
          '  }\n' +
          '};\n' +
          'void (async () => {\n' +
          // The same dumps first without keeping them: the heap grows to what running them takes.
          '  await dumps(false);\n' +
          '  const before = process.memoryUsage().rss;\n' +
          '  await dumps(true);\n' +
          '  console.log((process.memoryUsage().rss - before) / held.length / (32 * 1024));\n' +
          '  dumper.close();\n' +
          '})();\n',
      );
      const run = spawnSync(process.execPath, [script], { encoding: 'utf8', cwd: join(__dirname, '../../..') });
      expect(run.stderr).toBe('');
      // Small dumps (one short datagram each): what each keeps is its receive buffer. 0.77 × 32 KiB per datagram
      // here with 32 KiB buffers, 1.61 × with 64 KiB ones.
      expect(Number(run.stdout)).toBeLessThan(1.2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('gives up a dump the kernel never answers, and one that waited behind it past its own time limit', async () => {
    const dumper = new NetlinkDumper(NETLINK_SOCK_DIAG);
    try {
      const maxBytes = 64 * 1024 * 1024;
      // NLMSG_NOOP, a control message: the kernel answers it only when asked for an acknowledgement.
      const never = dumper.dump(1, Buffer.alloc(0), { timeoutMs: 300, maxBytes });
      // Asked at the same moment with a shorter limit: it is over before the first ends, so it never runs.
      const behind = dumper.dump(SOCK_DIAG_BY_FAMILY, request(AF_INET), { timeoutMs: 100, maxBytes });
      expect(await never).toMatchObject({ ok: false, error: 'netlink dump gave no answer within 300 ms' });
      expect(await behind).toMatchObject({ ok: false, error: 'netlink dump waited its 100 ms behind others' });
      // The next one runs on a socket of its own.
      expect(await dumper.dump(SOCK_DIAG_BY_FAMILY, request(AF_INET), { timeoutMs: 10_000, maxBytes })).toMatchObject({
        ok: true,
      });
    } finally {
      dumper.close();
    }
  });
});
