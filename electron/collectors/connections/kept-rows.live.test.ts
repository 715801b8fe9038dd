// Live: rows kept from one read to the next on this machine (KeptRows). A listener whose kernel record never
// changes is given as the same row object while nothing else changes, and as a new row when its owners do:
// a second process that held it too exits, and the record says nothing of that.
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Connection } from '../../../shared/types.js';
import { until } from '../../../test/until.js';
import { NetlinkDumper } from '../linux/netlink.js';
import { LinuxConnectionsCollector } from './linux.js';
import { TRAFFIC_NOTES } from './tcp-info.js';

const linux = process.platform === 'linux';

describe.skipIf(!linux || NetlinkDumper.unavailable() !== null)('TCP rows kept from read to read, live', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pipe-kept-rows-'));
  const collector = new LinuxConnectionsCollector({ tables: ['tcp', 'tcp6'] });
  afterAll(() => {
    collector.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('gives a listener the same row while nothing changes, and a new one when a process holding it exits', async () => {
    const server = net.createServer().listen(0, '127.0.0.1');
    await once(server, 'listening');
    const port = (server.address() as net.AddressInfo).port;
    const listener = (rows: Connection[]) => rows.find((r) => r.localPort === port && r.state === 'LISTEN');
    // A child that holds the listener too (sent to it as a handle, so both have it open).
    const script = join(dir, 'holder.cjs');
    writeFileSync(script, "process.on('message', (m, server) => { if (server) process.send('held'); });");
    const child = fork(script, [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    try {
      child.send('take', server);
      await once(child, 'message');
      const pids = (r: Connection | undefined) => r?.processes.map((p) => p.pid).sort() ?? [];
      const both = [process.pid, child.pid!].sort();
      const shared = await until('the listener owned by both processes', async () => {
        const { rows, keptRows } = await collector.read();
        expect(keptRows).toBe(true);
        const row = listener(rows);
        return row !== undefined && pids(row).join() === both.join() && row;
      });
      // Nothing changed: the very same object.
      const again = listener((await collector.read()).rows);
      expect(again).toBe(shared);

      child.kill();
      await once(child, 'exit');
      const alone = await until('the listener owned by this process alone', async () => {
        const row = listener((await collector.read()).rows);
        return row !== undefined && pids(row).join() === String(process.pid) && row;
      });
      expect(alone).not.toBe(shared);
      expect(alone).toMatchObject({ id: shared.id, state: 'LISTEN', recvQ: shared.recvQ, sendQ: shared.sendQ });
      // The row given before is as it was given.
      expect(pids(shared)).toEqual(both);
      // And the new row is the one kept from then on.
      expect(listener((await collector.read()).rows)).toBe(alone);
    } finally {
      child.kill();
      server.close();
    }
  });

  it('changes no row given before when traffic is asked for and dropped again while a read runs', async () => {
    const server = net.createServer().listen(0, '127.0.0.1');
    await once(server, 'listening');
    const port = (server.address() as net.AddressInfo).port;
    const listener = (rows: Connection[]) => rows.find((r) => r.localPort === port && r.state === 'LISTEN');
    const reader = new LinuxConnectionsCollector({ tables: ['tcp', 'tcp6'], destroyEvents: { command: ['true'] } });
    try {
      const before = await until('the listener', async () => listener((await reader.read()).rows));
      expect(before.trafficNote).toBeUndefined();
      // Traffic asked for as a read starts, and dropped before its dump is back (setExtras runs between reads'
      // awaits: a client's visibility message).
      reader.setExtras(['traffic']);
      const reading = reader.read();
      reader.setExtras([]);
      const during = listener((await reading).rows);
      // The row the earlier read gave is as it was given: no traffic fields written into it.
      expect(before.trafficNote).toBeUndefined();
      expect(before.bytesSent).toBeUndefined();
      expect(during).toBeDefined();
      // The read is as the traffic it started with: every row with its traffic fields.
      expect(during!.trafficNote).toBe(TRAFFIC_NOTES.listen);
    } finally {
      reader.dispose();
      server.close();
    }
  });
});
