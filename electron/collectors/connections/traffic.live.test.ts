// Live: a loopback transfer of known size, as the collector and `netlens dump connections --json` see it.
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from '../../../shared/types.js';
import { CLI, requireBuild, until } from '../../../test/e2e/support.js';
import { LinuxConnectionsCollector } from './linux.js';
import { TRAFFIC_NOTES } from './tcp-info.js';

const MiB = 1024 * 1024;
const UP = 8 * MiB;
const DOWN = MiB;

/** Within 1 % of the bytes written. */
function near(actual: number | null | undefined, expected: number): void {
  expect(actual).not.toBeNull();
  expect(Math.abs((actual as number) - expected)).toBeLessThanOrEqual(expected / 100);
}

describe.skipIf(process.platform !== 'linux')('traffic of a loopback transfer', () => {
  let server: net.Server;
  let client: net.Socket;
  let clientPort = 0;
  let serverPort = 0;

  beforeAll(async () => {
    let serverGot = 0;
    let clientGot = 0;
    server = net.createServer((s) => {
      s.on('data', (b) => (serverGot += b.length));
      s.write(Buffer.alloc(DOWN, 1));
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    serverPort = (server.address() as net.AddressInfo).port;
    client = net.connect(serverPort, '127.0.0.1');
    await once(client, 'connect');
    clientPort = client.localPort!;
    client.on('data', (b) => (clientGot += b.length));
    client.write(Buffer.alloc(UP, 2));
    await until('the transfer to finish', () => serverGot === UP && clientGot === DOWN, 30_000);
  });

  afterAll(() => {
    client?.destroy();
    server?.close();
  });

  const ends = (rows: Connection[]) => ({
    clientEnd: rows.find((r) => r.proto === 'tcp' && r.localPort === clientPort && r.remotePort === serverPort),
    serverEnd: rows.find((r) => r.proto === 'tcp' && r.localPort === serverPort && r.remotePort === clientPort),
  });

  it('shows the bytes on both ends through the collector, and why UDP and listeners have none', async () => {
    const collector = new LinuxConnectionsCollector();
    collector.setExtras(['traffic']);
    const r = await collector.read();
    collector.dispose();
    expect(r.diagnostics.skipped).toBe(0);
    const { clientEnd, serverEnd } = ends(r.rows);
    near(clientEnd?.bytesSent, UP);
    near(clientEnd?.bytesReceived, DOWN);
    near(serverEnd?.bytesSent, DOWN);
    near(serverEnd?.bytesReceived, UP);
    expect(clientEnd?.trafficNote).toBeNull();
    expect(clientEnd?.rttMs).toBeGreaterThan(0);
    const listener = r.rows.find((x) => x.proto === 'tcp' && x.localPort === serverPort && x.state === 'LISTEN');
    expect(listener).toMatchObject({ bytesSent: null, trafficNote: TRAFFIC_NOTES.listen });
    for (const row of r.rows.filter((x) => x.proto === 'udp'))
      expect(row).toMatchObject({ bytesSent: null, bytesReceived: null, trafficNote: TRAFFIC_NOTES.udp });
  });

  it('reads no traffic while none is asked for', async () => {
    const collector = new LinuxConnectionsCollector();
    const r = await collector.read();
    collector.dispose();
    expect(ends(r.rows).clientEnd).toBeDefined();
    expect(r.rows.every((x) => x.bytesSent === undefined && x.trafficNote === undefined)).toBe(true);
  });

  it('shows the same bytes in `netlens dump connections --json`', async () => {
    requireBuild();
    const { stdout } = await promisify(execFile)(process.execPath, [CLI, 'dump', 'connections', '--json'], {
      maxBuffer: 256 * MiB,
    });
    const rows = JSON.parse(stdout) as Connection[];
    const { clientEnd, serverEnd } = ends(rows);
    near(clientEnd?.bytesSent, UP);
    near(clientEnd?.bytesReceived, DOWN);
    near(serverEnd?.bytesSent, DOWN);
    near(serverEnd?.bytesReceived, UP);
    // Every row carries the fields: null where the OS keeps no count.
    for (const row of rows) {
      expect(row).toHaveProperty('bytesSent');
      expect(row).toHaveProperty('bytesReceived');
      expect(row).toHaveProperty('rttMs');
      if (row.bytesSent === null) expect(row.trafficNote).toMatch(/^n\/a: /);
    }
  });
});
