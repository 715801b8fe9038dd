// Live: a connection that opens and closes between two reads, its client side then in TIME_WAIT. The destroy
// event of its socket named a closed row of its own beside the TIME_WAIT row of the same endpoints (a new user's
// review of 12-06 saw each closing curl connection twice, the closed one red and without its process); the event's
// final counts now go to the TIME_WAIT row. The server's side, which never reaches TIME_WAIT, is a closed row.
import { once } from 'node:events';
import { createServer, connect, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LinuxConnectionsCollector } from './linux.js';
import type { ClosedSocket, Connection } from '../../../shared/types.js';
import { until } from '../../../test/until.js';

const linux = process.platform === 'linux' && process.getuid?.() === 0;

let server: Server;
let port = 0;

beforeAll(async () => {
  if (!linux) return;
  server = createServer((s) => {
    s.on('error', () => {});
    s.on('data', () => s.end('bye'));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  port = (server.address() as { port: number }).port;
});

afterAll(() => server?.close());

describe.runIf(linux)('a connection closed between two reads, in TIME_WAIT', () => {
  it('is one row, in TIME_WAIT, with its final counts', async () => {
    const collector = new LinuxConnectionsCollector({ tables: ['tcp'], quietReads: false });
    collector.setExtras(['traffic']);
    try {
      await collector.read();
      let client = 0;
      let closed: ClosedSocket[] = [];
      let rows: Connection[] = [];
      // The destroy-event reader starts with the first read: connections until one's event is seen.
      await until(
        'a closed connection seen by its destroy event',
        async () => {
          const c = connect({ port, host: '127.0.0.1' });
          c.on('error', () => {});
          c.resume();
          await once(c, 'connect');
          client = c.localPort!;
          c.end('hello!');
          await once(c, 'close');
          await new Promise((r) => setTimeout(r, 200));
          const result = await collector.read();
          rows = result.rows;
          closed = result.closed ?? [];
          return closed.some((x) => x.traffic.bytesSent === 6);
        },
        20_000,
      );
      const waiting = rows.find((r) => r.localPort === client && r.remotePort === port);
      expect(waiting?.state).toBe('TIME_WAIT');
      const mine = closed.filter(
        (x) => x.id === waiting!.id || (x.row?.localPort === client && x.row?.remotePort === port),
      );
      expect(mine).toEqual([{ id: waiting!.id, traffic: expect.objectContaining({ bytesSent: 6 }), row: null }]);
      // "bye", and the peer's FIN where the kernel counted it: a closed socket's state no longer says.
      expect([3, 4]).toContain(mine[0]!.traffic.bytesReceived);
      // The server's side: a closed row of its own.
      expect(closed.some((x) => x.row?.localPort === port && x.row?.remotePort === client)).toBe(true);
    } finally {
      collector.dispose?.();
    }
  });
});
