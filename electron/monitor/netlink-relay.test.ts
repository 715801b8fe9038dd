// The monitor's worker runs its sock_diag dumps on the host's thread: packing across threads, and a worker
// the watchdog ends in the middle of dumps, which must not take the process down with it.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NETLINK_SOCK_DIAG, NetlinkDumper } from '../collectors/linux/netlink.js';
import {
  AF_INET,
  inetDiagRequest,
  IPPROTO_TCP,
  SOCK_DIAG_BY_FAMILY,
  TCP_DUMP_STATES,
} from '../collectors/linux/sock-diag.js';
import { HostNetlinkDumps, packDump, unpackDump } from './netlink-relay.js';
import { until } from '../../test/until.js';
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
