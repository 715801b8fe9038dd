// The monitor's worker runs its sock_diag dumps on the host's thread: packing across threads, and a worker
// the watchdog ends in the middle of dumps, which must not take the process down with it.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { type DumpResult, NETLINK_SOCK_DIAG, NetlinkDumper, releaseDump } from '../collectors/linux/netlink.js';
import {
  AF_INET,
  inetDiagGetRequest,
  inetDiagRequest,
  IPPROTO_TCP,
  SOCK_DIAG_BY_FAMILY,
  TCP_DUMP_STATES,
} from '../collectors/linux/sock-diag.js';
import {
  HostNetlinkDumps,
  bufferSize,
  expectedBufferSize,
  HostSharedBuffers,
  type LentBuffer,
  letGo,
  MAPPED_BYTES,
  SHARED_AT_MOST,
  packDump,
  packDumpInto,
  unpackDump,
  WorkerNetlinkRelay,
} from './netlink-relay.js';
import type { FromWorker } from './worker-protocol.js';
import { until } from '../../test/until.js';
import net from 'node:net';
import { once } from 'node:events';
import { parseIp } from '../../shared/address.js';
import { emptyDiagnostics } from '../../shared/types.js';
import { tcpRowsFromDiag } from '../collectors/connections/linux-diag-rows.js';
import { bundleWorker } from './testing/bundle-worker.js';

describe('packing a dump across threads', () => {
  it('gives back the datagrams, each whole, from one buffer', () => {
    const datagrams = [Buffer.from([1, 2, 3, 4]), Buffer.alloc(0), Buffer.from([5, 6, 7, 8, 9, 10, 11, 12])];
    const { packed, transfer } = packDump({ ok: true, datagrams, bytes: 12 });
    expect(transfer).toHaveLength(1);
    const back = unpackDump(structuredClone(packed, { transfer }));
    expect(back).toEqual({ ok: true, datagrams, bytes: 12 });
    expect(unpackDump({ ok: false, error: 'refused' })).toEqual({ ok: false, error: 'refused' });
  });

  it('refuses lengths that do not add up to the buffer', () => {
    const data = new ArrayBuffer(8);
    for (const lengths of [[9], [4, 5], [-1], [1.5]])
      expect(unpackDump({ ok: true, data, lengths })).toMatchObject({ ok: false, error: /does not add up/ });
  });
});

type Asked = Extract<FromWorker, { type: 'netlink' }>;

const bytes = (r: DumpResult) => (r.ok ? r.datagrams.map((d) => [...d]) : r.error);
const filled = (n: number, value: number) => Buffer.alloc(n, value);

/**
 * A worker's relay and a host that answers its questions when the test says, with the datagrams the test gives,
 * packed as the host packs them (into the buffer lent, while they fit, else one of the size the question says)
 * and crossing as a message does.
 */
function relayAndHost() {
  const asked: Asked[] = [];
  const relay = new WorkerNetlinkRelay((m) => {
    if (m.type === 'netlink') asked.push(structuredClone(m));
  });
  const host = new HostSharedBuffers();
  const ask = (kind = 1) =>
    relay.dump(NETLINK_SOCK_DIAG, SOCK_DIAG_BY_FAMILY, new Uint8Array([kind]), { timeoutMs: 1000, maxBytes: 1 << 30 });
  /** Answers the question asked `which`-th (the last by default) with `datagrams`; what it was lent. */
  const answer = (datagrams: Buffer[], which = asked.length - 1): LentBuffer | undefined => {
    const q = asked[which]!;
    const { packed, transfer } = packDumpInto(
      { ok: true, datagrams, bytes: datagrams.reduce((n, d) => n + d.length, 0) },
      host.resolve(q.into, q.forget),
      undefined,
      q.expected,
    );
    relay.answer(q.id, structuredClone(packed, { transfer }));
    return q.into;
  };
  /** A first dump of the kind, of `n` bytes, answered and read: the kind's size is known from then on. */
  const warmUp = async (n: number) => {
    const first = ask();
    answer([filled(n, 0)]);
    releaseDump(await first);
  };
  return { relay, host, asked, ask, answer, warmUp };
}

describe("the worker's shared buffers", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('are made once a kind of dump has a size, written by the host and read in place, then used again', async () => {
    const { asked, ask, answer } = relayAndHost();
    // The first dump of its kind: no size known yet, so no buffer lent; it comes in one of its own.
    const first = ask();
    expect(answer([filled(3, 1), filled(2, 2)])).toBeUndefined();
    const r1 = await first;
    expect(bytes(r1)).toEqual([
      [1, 1, 1],
      [2, 2],
    ]);
    // Its buffer is its own, freed once the dump is released (every view of it empty).
    const own = r1.ok ? r1.datagrams[0]!.buffer : null;
    expect(own).toBeInstanceOf(ArrayBuffer);
    releaseDump(r1);
    expect(own!.byteLength).toBe(0);
    if (r1.ok) expect(r1.datagrams[0]!.length).toBe(0);
    // The second is lent a buffer, which crosses with the question.
    const second = ask();
    const lent = answer([filled(4, 3)]);
    expect(lent?.buffer).toBeInstanceOf(SharedArrayBuffer);
    const r2 = await second;
    expect(bytes(r2)).toEqual([[3, 3, 3, 3]]);
    if (!r2.ok) throw new Error(r2.error);
    const shared = r2.datagrams[0]!.buffer;
    expect(shared).toBeInstanceOf(SharedArrayBuffer);
    releaseDump(r2);
    // The third goes into the same buffer: only its slot crosses now.
    const third = ask();
    expect(answer([filled(2, 4), filled(1, 5)])).toEqual({ slot: lent!.slot });
    const r3 = await third;
    expect(bytes(r3)).toEqual([[4, 4], [5]]);
    if (r3.ok) expect(r3.datagrams[0]!.buffer).toBe(shared);
    expect(asked).toHaveLength(3);
  });

  it('are never lent while a dump in them is being read: the next dump of the kind comes apart, and overwrites nothing', async () => {
    const { ask, answer, warmUp } = relayAndHost();
    await warmUp(8);
    const held = ask();
    expect(answer([filled(8, 7)])?.buffer).toBeInstanceOf(SharedArrayBuffer);
    const r1 = await held;
    // Not released: the next dump of its kind is lent nothing, and comes in a buffer of its own.
    const next = ask();
    expect(answer([filled(8, 9)])).toBeUndefined();
    expect(bytes(await next)).toEqual([[9, 9, 9, 9, 9, 9, 9, 9]]);
    expect(bytes(r1)).toEqual([[7, 7, 7, 7, 7, 7, 7, 7]]);
    releaseDump(await next);
    // Another kind has a buffer of its own (once its size is known).
    const other = ask(2);
    expect(answer([filled(8, 6)])).toBeUndefined();
    releaseDump(await other);
    const other2 = ask(2);
    expect(answer([filled(8, 5)])?.buffer).toBeInstanceOf(SharedArrayBuffer);
    releaseDump(await other2);
    expect(bytes(r1)).toEqual([[7, 7, 7, 7, 7, 7, 7, 7]]);
    // Released (twice: the second does nothing), the first kind's buffer is lent again.
    releaseDump(r1);
    releaseDump(r1);
    const again = ask();
    expect(answer([filled(8, 1)])).toMatchObject({ slot: expect.any(Number) });
    expect(bytes(await again)).toEqual([[1, 1, 1, 1, 1, 1, 1, 1]]);
  });

  it('stay lent to a dump given up on until the host answers it, however late', async () => {
    vi.useFakeTimers();
    const { ask, answer, warmUp } = relayAndHost();
    await warmUp(4);
    const late = ask();
    const lateIndex = 1;
    // The relay gives up (the host would have answered by its time limit and 5 s more).
    vi.advanceTimersByTime(10_000);
    expect(await late).toEqual({ ok: false, error: 'netlink relay: the host did not answer' });
    // The host may still be writing into that buffer: the next dump is lent none.
    const meanwhile = ask();
    expect(answer([filled(4, 2)])).toBeUndefined();
    const apart = await meanwhile;
    releaseDump(apart);
    expect(apart.ok && apart.datagrams[0]!.buffer.byteLength).toBe(0);
    // The late answer comes, is read by no one, and frees the buffer.
    expect(answer([filled(4, 3)], lateIndex)?.buffer).toBeInstanceOf(SharedArrayBuffer);
    const after = ask();
    expect(answer([filled(4, 4)])).toMatchObject({ slot: expect.any(Number) });
    expect(bytes(await after)).toEqual([[4, 4, 4, 4]]);
  });

  it('grow when a dump outgrows them (that dump comes whole in a buffer of its own), past 32 MiB at once', async () => {
    const { ask, answer, warmUp } = relayAndHost();
    await warmUp(40_000);
    const small = ask();
    const lent = answer([filled(40_000, 2)]);
    const size = lent!.buffer!.byteLength;
    expect(size).toBe(64 * 1024);
    releaseDump(await small);
    // Larger than the buffer: what fit was written there, the rest kept, and all of it packed apart.
    const large = ask();
    const parts = [filled(size - 10, 3), filled(20, 4), filled(30, 5)];
    expect(answer(parts)).toEqual({ slot: lent!.slot });
    const r = await large;
    expect(bytes(r)).toEqual(parts.map((p) => [...p]));
    if (r.ok) {
      expect(r.datagrams[0]!.buffer).not.toBe(lent!.buffer);
      expect(r.datagrams[0]!.buffer.byteLength).toBe(MAPPED_BYTES);
    }
    releaseDump(r);
    // The next is lent a new buffer, larger than any glibc maps below its threshold, which crosses again.
    const next = ask();
    const grown = answer([filled(size + 40, 6)]);
    expect(grown?.buffer?.byteLength).toBe(MAPPED_BYTES);
    expect(bytes(await next)).toEqual([[...filled(size + 40, 6)]]);
    releaseDump(await next);
    // Kept for dumps of a quarter of it or less while no smaller buffer would do; made again for a dump of 64 KiB.
    for (const n of [size + 40, 2 * size, 100]) {
      const again = ask();
      expect(answer([filled(n, 7)])?.slot).toBe(lent!.slot);
      releaseDump(await again);
    }
    const shrunk = ask();
    expect(answer([filled(100, 8)])?.buffer?.byteLength).toBe(size);
    releaseDump(await shrunk);
  });

  it("are 64 KiB, or over glibc's largest mmap threshold (32 MiB), doubled from there", () => {
    expect(bufferSize(1)).toBe(64 * 1024);
    expect(bufferSize(64 * 1024)).toBe(64 * 1024);
    expect(bufferSize(64 * 1024 + 1)).toBe(MAPPED_BYTES);
    expect(MAPPED_BYTES).toBeGreaterThan(32 * 1024 * 1024);
    expect(bufferSize(8 * 1024 * 1024)).toBe(MAPPED_BYTES);
    expect(bufferSize(MAPPED_BYTES + 1)).toBe(2 * MAPPED_BYTES);
    expect(bufferSize(100, 2 * 64 * 1024)).toBe(MAPPED_BYTES);
    expect(bufferSize(100, 2 * MAPPED_BYTES)).toBe(2 * MAPPED_BYTES);
    expect(bufferSize(5 * MAPPED_BYTES, 2 * MAPPED_BYTES)).toBe(8 * MAPPED_BYTES);
  });

  it("are written by the host as the datagrams come, the binding's buffers collected every 2 MiB", () => {
    // 5 MiB in 32 KiB datagrams: a young collection after each 2 MiB, and one at the end for the last 1 MiB.
    const datagrams = Array.from({ length: 160 }, (_, i) => filled(32 * 1024, i & 255));
    for (const shared of [new SharedArrayBuffer(8 * 1024 * 1024), new SharedArrayBuffer(1024 * 1024), undefined]) {
      let collections = 0;
      const { packed, transfer } = packDumpInto(
        { ok: true, datagrams, bytes: 5 * 1024 * 1024 },
        shared,
        () => collections++,
      );
      expect(collections).toBe(3);
      const back = unpackDump(structuredClone(packed, { transfer }), shared);
      expect(back.ok && back.datagrams.every((d, i) => d.length === 32 * 1024 && d[0] === (i & 255))).toBe(true);
      // What did not fit the shared buffer (all of it when none was lent) came in one of its own.
      expect('shared' in packed).toBe(shared !== undefined && shared.byteLength >= 5 * 1024 * 1024);
    }
    // A small dump is followed by none.
    let collections = 0;
    packDumpInto({ ok: true, datagrams: [filled(100, 1)], bytes: 100 }, undefined, () => collections++);
    expect(collections).toBe(0);
  });

  it("refuse an answer in a buffer that was not lent, and a host's slot it was not given", async () => {
    const { relay, asked, ask } = relayAndHost();
    const q = ask();
    relay.answer(asked[0]!.id, { ok: true, shared: true, lengths: [4] });
    expect(await q).toMatchObject({ ok: false, error: /not lent/ });
    // A buffer of its own that does not add up is refused, and freed.
    const q2 = ask();
    const data = new ArrayBuffer(8);
    relay.answer(asked[1]!.id, { ok: true, data, lengths: [9] });
    expect(await q2).toMatchObject({ ok: false, error: /does not add up/ });
    expect(data.byteLength).toBe(0);
    const host = new HostSharedBuffers();
    expect(host.resolve({ slot: 0 })).toBeUndefined();
    expect(host.resolve({ slot: 99, buffer: new SharedArrayBuffer(8) })).toBeUndefined();
    const b = new SharedArrayBuffer(8);
    expect(host.resolve({ slot: 1, buffer: b })).toBe(b);
    expect(host.resolve({ slot: 1 })).toBe(b);
    // Let go of when the worker says so (and an unknown slot to let go of changes nothing).
    expect(host.resolve({ slot: 1 }, 7)).toBe(b);
    expect(host.resolve({ slot: 1 }, 1)).toBeUndefined();
  });

  it('are let go of by both sides once a kind of dump outgrows the largest (32 MiB): its dumps then come in buffers made for them, freed once read', async () => {
    const { host, asked, ask, answer, warmUp } = relayAndHost();
    // Over 64 KiB: lent one of MAPPED_BYTES.
    await warmUp(70_000);
    const lentDump = ask();
    const lent = answer([filled(70_000, 1)]);
    expect(lent?.buffer?.byteLength).toBe(MAPPED_BYTES);
    releaseDump(await lentDump);
    // A dump past it: written there while it fit, then all of it in a buffer of its own, freed once read.
    const big = ask();
    const parts = [filled(MAPPED_BYTES - 10, 2), filled(40, 3)];
    expect(answer(parts)).toEqual({ slot: lent!.slot });
    const r = await big;
    expect(r.ok && r.datagrams.map((d) => [d.length, d[0]])).toEqual([
      [MAPPED_BYTES - 10, 2],
      [40, 3],
    ]);
    const grown = r.ok ? r.datagrams[0]!.buffer : null;
    expect(grown).toBeInstanceOf(ArrayBuffer);
    releaseDump(r);
    expect(grown!.byteLength).toBe(0);
    // The next is lent none: the shared buffer is let go, the host told so, and the question says the size.
    expect(host.resolve({ slot: lent!.slot })).toBe(lent!.buffer);
    const next = ask();
    expect(asked.at(-1)).toMatchObject({ expected: MAPPED_BYTES + 30, forget: lent!.slot });
    expect(answer([filled(MAPPED_BYTES + 30, 4)])).toBeUndefined();
    expect(host.resolve({ slot: lent!.slot })).toBeUndefined();
    const r2 = await next;
    const made = r2.ok ? r2.datagrams[0]!.buffer : null;
    expect(made).toBeInstanceOf(ArrayBuffer);
    // The last size and an eighth, in whole MiB: not doubled.
    expect(made!.byteLength).toBe(expectedBufferSize(MAPPED_BYTES + 30));
    expect(made!.byteLength).toBeLessThan(2 * MAPPED_BYTES);
    expect(r2.ok && [r2.datagrams[0]!.length, r2.datagrams[0]![0]]).toEqual([MAPPED_BYTES + 30, 4]);
    releaseDump(r2);
    expect(made!.byteLength).toBe(0);
    // Told once: the next question of the kind lets nothing go.
    const third = ask();
    expect(asked.at(-1)?.forget).toBeUndefined();
    expect(asked.at(-1)?.into).toBeUndefined();
    answer([filled(100, 5)]);
    releaseDump(await third);
    // Small again: lent a shared buffer anew, which crosses with the question.
    const small = ask();
    const again = answer([filled(100, 6)]);
    expect(again?.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(again?.buffer?.byteLength).toBe(64 * 1024);
    releaseDump(await small);
    expect(SHARED_AT_MOST).toBe(MAPPED_BYTES);
  });

  it("size a buffer made for a dump from its kind's last: an eighth more in whole MiB, at least 32 MiB past 64 KiB", () => {
    expect(expectedBufferSize(0)).toBe(64 * 1024);
    expect(expectedBufferSize(50_000)).toBe(64 * 1024);
    expect(expectedBufferSize(70_000)).toBe(MAPPED_BYTES);
    expect(expectedBufferSize(42_000_000)).toBe(46 * 1024 * 1024);
    const mib = 1024 * 1024;
    expect(expectedBufferSize(64 * mib)).toBe(72 * mib);
  });

  it("free a buffer of the dump's own once the dump outgrows it", () => {
    // 33 MiB and more, none lent: written into 64 KiB, then MAPPED_BYTES, then twice that.
    const datagrams = Array.from({ length: 33 }, (_, i) => filled(1024 * 1024 + 2048, i));
    const before = process.memoryUsage().arrayBuffers;
    const { packed } = packDumpInto({ ok: true, datagrams, bytes: 33 * (1024 * 1024 + 2048) }, undefined);
    const grew = process.memoryUsage().arrayBuffers - before;
    const data = packed.ok && 'data' in packed ? packed.data : new ArrayBuffer(0);
    expect(data.byteLength).toBe(2 * MAPPED_BYTES);
    // The last buffer alone: neither outgrown one is left to a collection.
    expect(grew).toBeLessThan(2.5 * MAPPED_BYTES);
    letGo(data);
  });

  it('free a buffer let go of at once, whatever views it has', () => {
    const b = new ArrayBuffer(1024);
    const view = new Uint8Array(b);
    letGo(b);
    expect(b.byteLength).toBe(0);
    expect(view.length).toBe(0);
    // Again, or an empty one: nothing happens.
    letGo(b);
    letGo(new ArrayBuffer(0));
  });
});

/** How many NETLINK_SOCK_DIAG sockets this process holds (/proc/net/netlink's by inode, against its fds). */
function ownSockDiagSockets(): number {
  const mine = new Set<string>();
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/self/fd/${fd}`));
      if (m) mine.add(m[1]!);
    } catch {
      // closed meanwhile
    }
  }
  return readFileSync('/proc/net/netlink', 'utf8')
    .split('\n')
    .slice(1)
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f[1] === String(NETLINK_SOCK_DIAG) && mine.has(f[9] ?? '')).length;
}

describe.skipIf(process.platform !== 'linux' || NetlinkDumper.unavailable() !== null)("the host's dumps (live)", () => {
  it('answers every dump, a failed one too, and opens no socket once closed: a worker still reading then is told so', async () => {
    const host = new HostNetlinkDumps();
    const ask = () =>
      host.dump(NETLINK_SOCK_DIAG, SOCK_DIAG_BY_FAMILY, inetDiagRequest(AF_INET, IPPROTO_TCP, 0, TCP_DUMP_STATES), {
        timeoutMs: 10_000,
        maxBytes: 64 * 1024 * 1024,
      });
    expect((await ask()).packed).toMatchObject({ ok: true });
    // Whatever goes wrong in a dump is an answer, never a rejection (host.ts answers in a callback that has no
    // catch): here a payload that is no byte array.
    const odd = await host.dump(NETLINK_SOCK_DIAG, SOCK_DIAG_BY_FAMILY, { length: -1 } as unknown as Uint8Array, {
      timeoutMs: 10_000,
      maxBytes: 1024,
    });
    expect(odd.packed).toMatchObject({ ok: false, error: expect.stringMatching(/^netlink: /) });
    // and leaves no socket open (as a dump does once ended; one waiting for its answer has one).
    expect(ownSockDiagSockets()).toBe(0);
    const unanswered = host.dump(NETLINK_SOCK_DIAG, 1, new Uint8Array(0), { timeoutMs: 200, maxBytes: 1024 });
    await until('the unanswered dump to open its socket', () => ownSockDiagSockets() === 1);
    expect((await unanswered).packed).toMatchObject({ ok: false });
    expect(ownSockDiagSockets()).toBe(0);
    expect((await ask()).packed).toMatchObject({ ok: true });
    host.close();
    expect((await ask()).packed).toEqual({ ok: false, error: 'closed' });
  });

  it('relays a get of sockets by their endpoints, in a buffer of its size, lending no shared one', async () => {
    const host = new HostNetlinkDumps();
    const questions: FromWorker[] = [];
    const relay: WorkerNetlinkRelay = new WorkerNetlinkRelay((m) => {
      questions.push(m);
      if (m.type === 'netlink')
        void host
          .dump(m.protocol, m.msgType, m.payload, m.limits, undefined, m.expected, m.gets)
          .then(({ packed }) => relay.answer(m.id, packed));
    });
    const server = net.createServer().listen(0, '127.0.0.1');
    await once(server, 'listening');
    const client = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
    await once(client, 'connect');
    const limits = { timeoutMs: 10_000, maxBytes: 64 * 1024 * 1024 };
    try {
      const all = await relay.dump(
        NETLINK_SOCK_DIAG,
        SOCK_DIAG_BY_FAMILY,
        inetDiagRequest(AF_INET, IPPROTO_TCP, 0, TCP_DUMP_STATES),
        limits,
      );
      if (!all.ok) throw new Error(all.error);
      const dumped = tcpRowsFromDiag(all.datagrams, emptyDiagnostics(), Date.now());
      releaseDump(all);
      const at = dumped.rows.findIndex((r) => r.localPort === client.localPort && r.remotePort === client.remotePort);
      const request = inetDiagGetRequest(
        AF_INET,
        IPPROTO_TCP,
        0,
        parseIp('127.0.0.1')!.bytes,
        client.localPort!,
        parseIp('127.0.0.1')!.bytes,
        client.remotePort!,
        dumped.cookies[at]!,
      )!;
      const got = await relay.dump(
        NETLINK_SOCK_DIAG,
        SOCK_DIAG_BY_FAMILY,
        Buffer.concat([request, request]),
        limits,
        2,
      );
      if (!got.ok) throw new Error(got.error);
      const rows = tcpRowsFromDiag(got.datagrams, emptyDiagnostics(), Date.now());
      expect(rows.cookies).toEqual([dumped.cookies[at], dumped.cookies[at]]);
      expect(got.bytes).toBe(got.datagrams.reduce((n, d) => n + d.length, 0));
      expect(got.datagrams[0]!.buffer.byteLength).toBe(got.bytes);
      releaseDump(got);
      // The dump was lent no buffer (its first), and the get none either.
      expect(questions.map((q) => (q.type === 'netlink' ? [q.gets, q.into] : null))).toEqual([
        [undefined, undefined],
        [2, undefined],
      ]);
      // A get whose payload is not its count of equal requests is refused before the kernel is asked.
      const odd = await relay.dump(NETLINK_SOCK_DIAG, SOCK_DIAG_BY_FAMILY, Buffer.alloc(57), limits, 2);
      expect(odd).toMatchObject({ ok: false, error: expect.stringMatching(/a get of 2 requests in 57 bytes/) });
      // A question with no payload at all is answered as failed, not thrown (host.ts answers in a callback).
      const none = await host.dump(
        NETLINK_SOCK_DIAG,
        SOCK_DIAG_BY_FAMILY,
        null as unknown as Uint8Array,
        limits,
        undefined,
        0,
        2,
      );
      expect(none.packed).toMatchObject({ ok: false, error: expect.stringMatching(/a get of 2 requests in -1 bytes/) });
    } finally {
      client.destroy();
      server.close();
      host.close();
    }
  });
});

describe.skipIf(process.platform !== 'linux' || NetlinkDumper.unavailable() !== null)(
  'a worker ended by the watchdog in the middle of dumps (live)',
  () => {
    let dir = '';
    let script = '';
    let worker = '';
    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'netlens-netlink-relay-'));
      const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
      worker = await bundleWorker(dir, here('./testing/netlink-worker.ts'));
      script = await bundleWorker(dir, here('./testing/netlink-watchdog.ts'));
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('leaves the process running: the new worker dumps again and the monitor closes cleanly', () => {
      // Three times: in the worker's own thread the same run crashed the process (exit 134 or 139) nearly
      // every time, the binding failing as the thread was torn down with a socket open.
      for (let i = 0; i < 3; i++) {
        const run = spawnSync(process.execPath, [script, worker], { encoding: 'utf8', timeout: 60_000 });
        expect({ status: run.status, signal: run.signal, tail: run.stdout.slice(-300) }).toMatchObject({
          status: 0,
          signal: null,
        });
        expect(run.stdout).toMatch(/unresponsive/);
        expect(run.stdout).toMatch(/closed\n$/);
      }
    });
  },
);
