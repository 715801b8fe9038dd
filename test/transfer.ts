// A loopback TCP transfer of known size, for the traffic tests (local and remote rows must show these bytes).
import { once } from 'node:events';
import net from 'node:net';
import { expect } from 'vitest';
import type { Connection } from '../shared/types.js';
import { TRAFFIC_NOTES } from '../electron/collectors/connections/tcp-info.js';
import { until } from './until.js';

export const MiB = 1024 * 1024;
/** Bytes the client sends, and the server sends back. */
export const UP = 8 * MiB;
export const DOWN = MiB;

/** Within 1 % of the bytes written. */
export function near(actual: number | null | undefined, expected: number): void {
  expect(actual).not.toBeNull();
  expect(Math.abs((actual as number) - expected)).toBeLessThanOrEqual(expected / 100);
}

export interface Transfer {
  server: net.Server;
  client: net.Socket;
  clientPort: number;
  serverPort: number;
  /** The transfer's two ends among rows. */
  ends(rows: Connection[]): { clientEnd?: Connection; serverEnd?: Connection };
  /** Checks rows read with traffic: both ends carry the transfer's bytes, the listener and UDP rows say why
   *  they have none. */
  expectCounted(rows: Connection[]): void;
  close(): void;
}

/** UP bytes from a client to a server on 127.0.0.1 and DOWN back to each connection, done; both ends stay open. */
export async function loopbackTransfer(): Promise<Transfer> {
  let serverGot = 0;
  let clientGot = 0;
  const server = net.createServer((s) => {
    s.on('data', (b) => (serverGot += b.length));
    s.on('error', () => {}); // a connection the test resets
    s.write(Buffer.alloc(DOWN, 1));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const serverPort = (server.address() as net.AddressInfo).port;
  const client = net.connect(serverPort, '127.0.0.1');
  client.on('error', () => {}); // closing with bytes in flight may reset it: no uncaught error in the test run
  await once(client, 'connect');
  const clientPort = client.localPort!;
  client.on('data', (b) => (clientGot += b.length));
  client.write(Buffer.alloc(UP, 2));
  await until('the transfer to finish', () => serverGot === UP && clientGot === DOWN, 30_000);
  const ends = (rows: Connection[]) => ({
    clientEnd: rows.find((r) => r.proto === 'tcp' && r.localPort === clientPort && r.remotePort === serverPort),
    serverEnd: rows.find((r) => r.proto === 'tcp' && r.localPort === serverPort && r.remotePort === clientPort),
  });
  return {
    server,
    client,
    clientPort,
    serverPort,
    ends,
    expectCounted(rows) {
      const { clientEnd, serverEnd } = ends(rows);
      near(clientEnd?.bytesSent, UP);
      near(clientEnd?.bytesReceived, DOWN);
      near(serverEnd?.bytesSent, DOWN);
      near(serverEnd?.bytesReceived, UP);
      expect(clientEnd?.trafficNote).toBeNull();
      expect(clientEnd?.rttMs).toBeGreaterThan(0);
      const listener = rows.find((x) => x.proto === 'tcp' && x.localPort === serverPort && x.state === 'LISTEN');
      expect(listener).toMatchObject({ bytesSent: null, trafficNote: TRAFFIC_NOTES.listen });
      for (const row of rows.filter((x) => x.proto === 'udp'))
        expect(row).toMatchObject({ bytesSent: null, bytesReceived: null, trafficNote: TRAFFIC_NOTES.udp });
    },
    close: () => {
      client.destroy();
      server.close();
    },
  };
}
