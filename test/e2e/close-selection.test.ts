// Close on a selection, the requests in turn (attack and new-user reviews of 12-06): Stop sends no more, the
// connections not asked yet stay open and say so, "Close the N left" finishes them; a connection to NetLens lost in
// the middle stops the run (the rest "not sent"), it does not wait for a reconnect; a loopback connection's two ends
// are one connection, closed once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page, WebSocketRoute } from 'playwright-core';
import { openApp, probes, until, type OpenApp } from './support.js';

let app: OpenApp;
let page: Page;
const started = probes();
const tag = process.pid % 10000;

/** The page's link to the host, through the test: the host's answers to closeConnection requests are held while
 *  `holding`, and `cut()` drops the page's side of the link (the page reconnects by itself). */
const link = {
  holding: false,
  held: [] as (() => void)[],
  closeRequests: 0,
  page: null as WebSocketRoute | null,
  release() {
    this.holding = false;
    for (const send of this.held.splice(0)) send();
  },
};

beforeAll(async () => {
  app = await openApp({ width: 1280, height: 800 });
  await app.page.close();
  page = await app.browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.routeWebSocket(/\/ws$/, (ws) => {
    link.page = ws;
    const server = ws.connectToServer();
    const closes = new Set<number>();
    ws.onMessage((message) => {
      if (typeof message === 'string' && message.includes('"closeConnection"')) {
        const m = JSON.parse(message) as { id: number; method: string };
        if (m.method === 'closeConnection') {
          closes.add(m.id);
          link.closeRequests++;
        }
      }
      server.send(message);
    });
    server.onMessage((message) => {
      const answer = typeof message === 'string' && message.startsWith('{"type":"response"');
      const id = answer ? (JSON.parse(message as string) as { id: number }).id : -1;
      if (link.holding && closes.has(id)) link.held.push(() => ws.send(message));
      else ws.send(message);
    });
  });
  await page.goto(app.host.url);
  await page.locator('[role="grid"][aria-label="Connections"] [role="row"][data-row-id]').first().waitFor();
  await page.getByRole('combobox', { name: 'Refresh interval' }).selectOption('500');
}, 60_000);

afterAll(async () => {
  started.cleanup();
  await app?.close();
});

const grid = () => page.locator('[role="grid"][aria-label="Connections"]');
const rows = () => grid().locator('[role="row"][data-row-id]');
const established = () =>
  grid().locator('[role="row"][data-row-id]:not(.closed) [data-column="state"]', { hasText: 'ESTABLISHED' });
const dialog = () => page.getByRole('dialog');
const outcomes = () =>
  dialog()
    .locator('td[data-outcome]')
    .evaluateAll((tds) => tds.map((td) => `${td.getAttribute('data-outcome')}: ${td.textContent}`));

/** A process listening on loopback and connected to itself `links` times: each connection's two ends are rows. */
async function selfConnected(name: string, links: number) {
  const probe = await started.start(
    name,
    `const net = require('net');
     const server = net.createServer((s) => s.on('error', () => {}));
     server.listen(0, '127.0.0.1', () => {
       let n = 0;
       for (let i = 0; i < ${links}; i++) net.connect(server.address().port, '127.0.0.1', () => { if (++n === ${links}) console.log('ready'); }).on('error', () => {});
     });
     setInterval(() => {}, 1000);`,
  );
  await page.getByRole('searchbox', { name: 'Filter connections' }).fill(name);
  await until(`${links * 2} ends`, async () => (await established().count()) === links * 2);
  return probe;
}

async function openClose(rowCount: number, connections: number) {
  await rows().first().click();
  await page.keyboard.press('ControlOrMeta+a');
  await rows().first().click({ button: 'right' });
  await page
    .getByRole('menu', { name: `${rowCount} connections` })
    .getByRole('menuitem', { name: `Close ${connections} connections…` })
    .click();
  await page.getByRole('dialog', { name: `Close ${connections} connections?` }).waitFor();
}

describe('Close on a selection, in turn', () => {
  it('closes a loopback connection once for its two ends; Stop sends no more, and the ones left can be closed after', async () => {
    const probe = await selfConnected(`nlstop${tag}`, 3);
    // Three connections, six ends, one listener: Close 3.
    await openClose(7, 3);
    expect(await dialog().textContent()).toContain('3 are the other ends of connections listed');
    link.holding = true;
    const before = link.closeRequests;
    await dialog().getByRole('button', { name: 'Close 3' }).click();
    // The first answer held: Stop while it is out. Stop has the focus (the button pressed is disabled while it
    // runs: the focus fell out of the dialog, where Escape closed nothing), and says it is stopping.
    await until('the first request', () => link.closeRequests === before + 1);
    await until('Stop focused', () =>
      page.evaluate(() => document.activeElement?.textContent?.startsWith('Stop') ?? false),
    );
    await page.keyboard.press('Enter');
    await until('stopping', async () => (await dialog().getByRole('button', { name: 'Stopping…' }).count()) === 1);
    link.release();
    await page.getByRole('dialog', { name: '1 of 3 connections closed' }).waitFor();
    expect(link.closeRequests).toBe(before + 1);
    expect(await outcomes()).toEqual(['closed: Closed', 'stopped: not sent: stopped', 'stopped: not sent: stopped']);
    await until('one connection reset, its two ends', async () => (await established().count()) === 4);
    // The ones left.
    await dialog().getByRole('button', { name: 'Close the 2 left' }).click();
    await page.getByRole('dialog', { name: 'Closed 3 connections' }).waitFor();
    expect(link.closeRequests).toBe(before + 3);
    await dialog().getByRole('button', { name: 'Done' }).click();
    await until('no end left', async () => (await established().count()) === 0);
    expect(probe.child.exitCode).toBeNull();
    probe.child.kill('SIGKILL');
  });

  it('stops when the connection to NetLens is lost midway: the rest is not sent, and nothing waits for a reconnect', async () => {
    const probe = await selfConnected(`nllost${tag}`, 3);
    await openClose(7, 3);
    link.holding = true;
    const before = link.closeRequests;
    await dialog().getByRole('button', { name: 'Close 3' }).click();
    await until('the first request', () => link.closeRequests === before + 1);
    // The link drops with the answer held: the page hears it lost.
    link.held.splice(0);
    link.holding = false;
    await link.page!.close({ code: 4000, reason: 'test' });
    await page.getByRole('dialog', { name: '0 of 3 connections closed' }).waitFor({ timeout: 10_000 });
    const said = await outcomes();
    expect(said[0]).toMatch(/^failed: connection to NetLens lost/);
    expect(said.slice(1)).toEqual([
      'stopped: not sent: the connection to NetLens was lost',
      'stopped: not sent: the connection to NetLens was lost',
    ]);
    expect(link.closeRequests).toBe(before + 1);
    // Back once the page has reconnected: the three can be closed then.
    await until('reconnected', async () => (await page.locator('.app.offline').count()) === 0, 20_000);
    await dialog().getByRole('button', { name: 'Close the 3 left' }).click();
    await page.getByRole('dialog', { name: 'Closed 3 connections' }).waitFor();
    await dialog().getByRole('button', { name: 'Done' }).click();
    probe.child.kill('SIGKILL');
  });
});
