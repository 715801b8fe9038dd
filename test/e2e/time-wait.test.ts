// A connection its own side closes goes FIN_WAIT → TIME_WAIT and loses its inode on the way (its process no longer
// holds it). It stays one row that changes state, as in TCPView, keyed by its endpoints (keys.ts keyedByEndpoints),
// with the bytes it moved: a new user's review of 12-05 saw a red CLOSED row and a green new TIME_WAIT one instead.
// Real sockets on loopback, the browser host and headless Chromium.
import { once } from 'node:events';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { fastConnectionsSession, until } from './support.js';

const session = fastConnectionsSession();
let page: Page;
let server: Server;
beforeAll(async () => {
  page = session.page;
  server = createServer((s) => {
    s.on('error', () => undefined);
    s.resume();
    // The client closes first (its side enters TIME_WAIT); the server answers with its own FIN.
    s.on('end', () => s.end());
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
});
afterAll(() => server?.close());

const grid = () => page.locator('[role="grid"][aria-label="Connections"]');
const filterBox = () => page.getByRole('searchbox', { name: 'Filter connections' });

/** The grid's rows now: id, state, whether drawn closed (red) or new (green), and the bytes sent. */
function rows(): Promise<{ id: string; state: string; closed: boolean; sent: string }[]> {
  return grid()
    .locator('[role="row"][data-row-id]')
    .evaluateAll((list) =>
      list.map((r) => ({
        id: r.getAttribute('data-row-id')!,
        state: r.querySelector('[data-column="state"]')?.textContent ?? '',
        closed: r.classList.contains('closed'),
        sent: r.querySelector('[data-column="bytesSent"]')?.textContent ?? '',
      })),
    );
}

describe('a connection its own side closes', () => {
  it('stays one row into TIME_WAIT, with the bytes it sent', async () => {
    const port = (server.address() as { port: number }).port;
    const client: Socket = connect(port, '127.0.0.1');
    client.on('error', () => undefined);
    await once(client, 'connect');
    client.write(Buffer.alloc(70_000, 0x61));
    const clientPort = client.localPort!;
    // Both ports: a client's ephemeral port alone may be another socket's too, to another destination.
    await filterBox().fill(`lport:${clientPort} rport:${port}`);
    const open = await until('the client row, ESTABLISHED, with its bytes', async () => {
      const r = await rows();
      return r.length === 1 && r[0]!.state === 'ESTABLISHED' && r[0]!.sent !== '' ? r[0]! : null;
    });
    // Every row the grid shows for the client's port from here on, as the page draws them.
    await page.evaluate(() => {
      const w = window as unknown as { seen: Set<string> };
      w.seen = new Set();
      const g = document.querySelector('[role="grid"][aria-label="Connections"]')!;
      const look = () => {
        for (const r of g.querySelectorAll('[role="row"][data-row-id]'))
          w.seen.add(`${r.getAttribute('data-row-id')}|${r.classList.contains('closed') ? 'closed' : 'open'}`);
      };
      new MutationObserver(look).observe(g, { subtree: true, childList: true, attributes: true, characterData: true });
    });
    client.end();
    const waiting = await until('the same row in TIME_WAIT', async () => {
      const r = await rows();
      return r.length === 1 && r[0]!.state === 'TIME_WAIT' ? r[0]! : null;
    });
    expect(waiting.id).toBe(open.id);
    expect(waiting.closed).toBe(false);
    // Its bytes stay on it (the kernel keeps no counters in TIME_WAIT): the 70,000 it sent, not n/a.
    expect(waiting.sent).toBe('68.4 KiB');
    const seen = await page.evaluate(() => [...(window as unknown as { seen: Set<string> }).seen]);
    expect(seen).toEqual([`${open.id}|open`]);
    await filterBox().fill('');
  });
});
