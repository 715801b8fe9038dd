// Live: the Linux collector reads a relayed dump where the host wrote it, in the worker's shared buffer that
// the next dump of its kind is written into, or in a buffer of the dump's own that is freed (detached: every view
// of it empty) once released (electron/monitor/netlink-relay.ts), so it must release each dump once its rows are
// made and read it no more. Here the worker's relay and the host's dumps run on this thread, and each release
// writes garbage over the shared buffer released: a collector that read a dump after releasing it, or kept rows
// that point into it, would show garbage or lose sockets.
import { once } from 'node:events';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DumpResult, NetlinkDumper, setNetlinkTransport } from '../linux/netlink.js';
import {
  HostNetlinkDumps,
  HostSharedBuffers,
  type PackedDump,
  WorkerNetlinkRelay,
} from '../../monitor/netlink-relay.js';
import type { Connection } from '../../../shared/types.js';
import { LinuxConnectionsCollector } from './linux.js';
import { closeHeld, type Held, loopbackPair } from '../../../test/loopback-pair.js';

describe.skipIf(process.platform !== 'linux' || NetlinkDumper.unavailable() !== null)(
  "a relayed dump's shared buffer, released once read",
  () => {
    const held: Held = { servers: [], sockets: [] };
    const ports = new Set<number>();
    const unixName = `netlens-shared-dump-test-${process.pid}`;

    beforeAll(async () => {
      const { port, client } = await loopbackPair(held, '127.0.0.1');
      ports.add(port);
      ports.add(client.localPort!);
      const u = net.createServer().listen(`\0${unixName}`);
      held.servers.push(u);
      await once(u, 'listening');
    });

    afterAll(() => closeHeld(held));

    it('releases every dump after its rows are made, and its rows do not change when the buffer is written over', async () => {
      const host = new HostNetlinkDumps();
      const shared = new HostSharedBuffers();
      const sharedSeen = new Set<SharedArrayBuffer>();
      let given = 0;
      let released = 0;
      let ownFreed = 0;
      const relay: WorkerNetlinkRelay = new WorkerNetlinkRelay((m) => {
        if (m.type !== 'netlink') return;
        const asked = structuredClone(m);
        // The host's dumper would ask the transport (set for this thread): it dumps itself, as the host does.
        setNetlinkTransport(null);
        const answer = host.dump(
          asked.protocol,
          asked.msgType,
          asked.payload,
          asked.limits,
          shared.resolve(asked.into, asked.forget),
          asked.expected,
        );
        setNetlinkTransport(transport);
        void answer.then(({ packed, transfer }) =>
          relay.answer(asked.id, structuredClone(packed, { transfer }) as PackedDump),
        );
      });
      const transport = {
        dump: async (...args: Parameters<WorkerNetlinkRelay['dump']>): Promise<DumpResult> => {
          const r = await relay.dump(...args);
          if (!r.ok) return r;
          given++;
          const data = r.datagrams[0]?.buffer;
          // A dump in a buffer of its own: freed at its release.
          if (data instanceof ArrayBuffer && r.release !== undefined)
            return {
              ...r,
              release: () => {
                r.release?.();
                if (data.byteLength === 0) ownFreed++;
              },
            };
          if (!(data instanceof SharedArrayBuffer) || r.release === undefined) return r;
          sharedSeen.add(data);
          return {
            ...r,
            release: () => {
              released++;
              new Uint8Array(data).fill(0xa5);
              r.release?.();
            },
          };
        },
      };
      setNetlinkTransport(transport);
      const collector = new LinuxConnectionsCollector({ tables: ['tcp', 'tcp6', 'unix'] });
      const mine = (rows: readonly Connection[]) =>
        rows
          .filter(
            (r) =>
              (r.proto === 'tcp' && (ports.has(r.localPort) || ports.has(r.remotePort))) ||
              (r.proto === 'unix' && String(r.path).includes(unixName)),
          )
          .map((r) =>
            JSON.stringify([
              r.proto,
              r.localAddress,
              r.localPort,
              r.remoteAddress,
              r.remotePort,
              r.state,
              r.inode,
              r.path,
            ]),
          )
          .sort();
      try {
        // The first read's dumps come in buffers of their own (no size known yet), freed once released, the
        // later ones in shared buffers, written over once released.
        const first = mine((await collector.read()).rows);
        // The listener, both ends of the connection and the unix listener.
        expect(first).toHaveLength(4);
        for (let read = 2; read <= 4; read++) expect(mine((await collector.read()).rows)).toEqual(first);
        // TCP and unix: one shared buffer each, lent again each time it was released.
        expect(sharedSeen.size).toBe(2);
        expect(released).toBe(given - 2);
        expect(ownFreed).toBe(2);
        expect(given).toBe(8);
      } finally {
        setNetlinkTransport(null);
        collector.dispose();
        host.close();
      }
    });
  },
);
