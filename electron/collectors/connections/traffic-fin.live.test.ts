// Live: a connection's byte counts leave out the FINs. The kernel counts the peer's FIN in bytes_received once it
// came (a connection that took no data read 1 B received in CLOSE-WAIT and TIME-WAIT), and its own FIN in
// bytes_acked once acknowledged (where bytes_sent is missing, as ss leaves out a zero, that read 1 B sent): a new
// user's review of 12-06 saw "Recv 2 B" for a process that was sent nothing. Read both ways NetLens reads TCP:
// sock_diag and `ss -tin`.
import { once } from 'node:events';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LinuxConnectionsCollector } from './linux.js';
import { until } from '../../../test/until.js';
import type { Connection } from '../../../shared/types.js';

const linux = process.platform === 'linux';

let server: Server;
const sockets: Socket[] = [];
let port = 0;
let accepted = 0;

beforeAll(async () => {
  if (!linux) return;
  server = createServer({ allowHalfOpen: true }, (s) => {
    sockets.push(s);
    s.on('error', () => {});
    // Of each test's two connections the first is sent nothing, the second five bytes; then the server's FIN.
    if (++accepted % 2 === 0) s.write('hello');
    s.end();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  port = (server.address() as { port: number }).port;
});

afterAll(() => {
  for (const s of sockets) s.destroy();
  server?.close();
});

/** A client that reads what comes and never closes its side: it stays in CLOSE-WAIT, the server in FIN-WAIT-2. */
async function client(): Promise<number> {
  const c = connect({ port, host: '127.0.0.1', allowHalfOpen: true });
  c.on('error', () => {});
  c.on('data', () => {});
  sockets.push(c);
  await once(c, 'connect');
  return c.localPort!;
}

describe.runIf(linux)("a connection's bytes without its FINs", () => {
  for (const via of ['sock_diag', 'ss'] as const) {
    it(`reads 0 B for a connection that carried none, and 5 B for five, in CLOSE-WAIT and FIN-WAIT-2 (${via})`, async () => {
      const collector = new LinuxConnectionsCollector({
        tables: ['tcp'],
        sockDiag: via === 'sock_diag',
        quietReads: false,
      });
      collector.setExtras(['traffic']);
      const silent = await client();
      const five = await client();
      const rows = await until('both connections half closed', async () => {
        const { rows } = await collector.read();
        const mine = (local: number, state: string) =>
          rows.find((r: Connection) => r.localPort === local && r.remotePort === port && r.state === state);
        const peer = (remote: number, state: string) =>
          rows.find((r: Connection) => r.localPort === port && r.remotePort === remote && r.state === state);
        const found = [
          mine(silent, 'CLOSE_WAIT'),
          peer(silent, 'FIN_WAIT2'),
          mine(five, 'CLOSE_WAIT'),
          peer(five, 'FIN_WAIT2'),
        ];
        return found.every((r) => r !== undefined) ? (found as Connection[]) : null;
      });
      collector.dispose?.();
      const [silentClient, silentServer, fiveClient, fiveServer] = rows;
      expect([silentClient!.bytesReceived, silentClient!.bytesSent]).toEqual([0, 0]);
      expect([silentServer!.bytesReceived, silentServer!.bytesSent]).toEqual([0, 0]);
      expect([fiveClient!.bytesReceived, fiveClient!.bytesSent]).toEqual([5, 0]);
      expect([fiveServer!.bytesReceived, fiveServer!.bytesSent]).toEqual([0, 5]);
    });
  }
});
