// Traffic in the Connections tab, end to end: a child moves 8 MiB one way and 1 MiB the other over loopback;
// headless Chromium shows those bytes on both ends' rows, filters and sorts on them, and shows "n/a" with
// the reason (never a zero) where the kernel keeps no counters.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { until, SCREENSHOTS, openApp, probes, type OpenApp } from './support.js';

let app: OpenApp;
let page: Page;
const ports = { server: 0, client: 0, udp: 0 };

const grid = () => page.locator('[role="grid"][aria-label="Connections"]');
const dataRows = () => grid().locator('[role="row"][data-row-id]');
const filterBox = () => page.getByRole('searchbox', { name: 'Filter connections' });
const cell = (row: ReturnType<Page['locator']>, column: string) =>
  row.locator(`[role="gridcell"][data-column="${column}"]`);

const TRANSFER = `
const net = require('net');
const udp = require('dgram').createSocket('udp4').bind(0, '127.0.0.1');
const server = net.createServer((s) => { let got = 0; s.on('data', (b) => { got += b.length; if (got === 8 << 20) s.write(Buffer.alloc(1 << 20)); }); });
server.listen(0, '127.0.0.1', () => {
  const c = net.connect(server.address().port, '127.0.0.1', () => c.write(Buffer.alloc(8 << 20)));
  let got = 0;
  c.on('data', (b) => { got += b.length; if (got === 1 << 20) console.log(server.address().port + ' ' + c.localPort + ' ' + udp.address().port); });
});
setInterval(() => {}, 1000);
`;

// The transfer runs under a name of its own (node exec'd through a symlink), so the side list shows it alone.
const started = probes();
const NAME = `nltraffic${process.pid % 10000}`;

beforeAll(async () => {
  const { lines } = await started.start(NAME, TRANSFER);
  [ports.server, ports.client, ports.udp] = lines[0]!.split(' ').map(Number) as [number, number, number];
  app = await openApp({ width: 1600, height: 820 });
  page = app.page;
  await grid().waitFor();
});

afterAll(async () => {
  started.cleanup();
  await app?.close();
});

describe('traffic columns', () => {
  it('show the bytes each end sent and received', async () => {
    await filterBox().fill(`port:${ports.server} state:est`);
    await until(
      'both ends with their bytes',
      async () =>
        (await dataRows().count()) === 2 && (await cell(dataRows().first(), 'bytesSent').textContent()) !== '',
    );
    const byPort = async (port: number) => {
      for (const row of await dataRows().all())
        if ((await cell(row, 'localPort').textContent()) === String(port)) return row;
      throw new Error(`no row for port ${port}`);
    };
    const clientEnd = await byPort(ports.client);
    const serverEnd = await byPort(ports.server);
    expect(await cell(clientEnd, 'bytesSent').textContent()).toBe('8.00 MiB');
    expect(await cell(clientEnd, 'bytesReceived').textContent()).toBe('1.00 MiB');
    expect(await cell(serverEnd, 'bytesSent').textContent()).toBe('1.00 MiB');
    expect(await cell(serverEnd, 'bytesReceived').textContent()).toBe('8.00 MiB');
    // The transfer is over: the rates fall to zero once a second reading exists.
    await until('a zero send rate', async () => (await cell(clientEnd, 'sendRate').textContent()) === '0 B/s');
    await page.screenshot({ path: `${SCREENSHOTS}/traffic-columns.png` });
  });

  it('filters on bytes and sorts by them', async () => {
    await filterBox().fill(`port:${ports.server} bytes:>8M`);
    await until('the two ends over 8 MiB', async () => (await dataRows().count()) === 2);
    await filterBox().fill(`port:${ports.server} sent:>4M`);
    await until(
      'only the sender',
      async () =>
        (await dataRows().count()) === 1 &&
        (await cell(dataRows().first(), 'localPort').textContent()) === String(ports.client),
    );
    await filterBox().fill(`port:${ports.server} state:est`);
    const header = grid().getByRole('columnheader', { name: /^Sent/ });
    await header.getByRole('button').click();
    await until('sorted by Sent', async () => (await header.getAttribute('aria-sort')) === 'ascending');
    await until(
      'the smaller sender first',
      async () => (await cell(dataRows().first(), 'localPort').textContent()) === String(ports.server),
    );
  });

  it('shows n/a with the reason where the kernel keeps no counters', async () => {
    await filterBox().fill(`lport:${ports.server} state:listen`);
    await until(
      'the listener',
      async () =>
        (await dataRows().count()) === 1 && (await cell(dataRows().first(), 'bytesSent').textContent()) === 'n/a',
    );
    expect(await cell(dataRows().first(), 'bytesSent').locator('span').getAttribute('title')).toBe(
      'n/a: a listening socket carries no data',
    );
    await filterBox().fill(`proto:udp lport:${ports.udp}`);
    await until(
      'the UDP socket',
      async () =>
        (await dataRows().count()) === 1 && (await cell(dataRows().first(), 'bytesReceived').textContent()) === 'n/a',
    );
    expect(await cell(dataRows().first(), 'bytesReceived').locator('span').getAttribute('title')).toBe(
      'n/a: the kernel keeps no per-socket UDP byte counts',
    );
  });
});

describe('process side list', () => {
  it('shows each process’s totals and rates, and charts the selected one', async () => {
    await filterBox().fill('');
    const list = page.locator('[role="grid"][aria-label="Processes"]');
    await page.getByRole('textbox', { name: 'Search processes' }).fill(NAME);
    const entry = list.locator('[role="row"][data-row-id]').first();
    // Both ends are the child's: 8 MiB + 1 MiB each way.
    await until(
      'the child’s totals',
      async () =>
        (await list.locator('[role="row"][data-row-id]').count()) === 1 &&
        (await cell(entry, 'bytesReceived').textContent()) === '9.00 MiB',
    );
    expect(await cell(entry, 'bytesSent').textContent()).toBe('9.00 MiB');
    await until('a rate', async () => (await cell(entry, 'recvRate').textContent()) === '0 B/s');
    await entry.click();
    const chart = page.getByRole('region', { name: `Traffic of ${NAME}` });
    await chart.waitFor();
    await until('the chart', async () => (await chart.getByRole('figure').count()) === 1);
    await page.screenshot({ path: `${SCREENSHOTS}/traffic-process-chart.png` });
  });
});

describe('traffic in captures', () => {
  const open = async (file: string) => {
    const chooser = page.waitForEvent('filechooser');
    await page.getByRole('button', { name: 'Open capture…' }).click();
    await (await chooser).setFiles(join(process.cwd(), 'test/fixtures/captures', file));
    await page.getByTestId('capture-label').waitFor();
  };

  it('show an ss -tin capture’s bytes in the same columns, and nettop -P totals in the process list', async () => {
    await filterBox().fill('');
    await page.getByRole('textbox', { name: 'Search processes' }).fill('');
    const chip = page.getByRole('button', { name: /^Clear the process filter/ });
    if ((await chip.count()) > 0) await chip.click();
    await open('linux/ss-tin.netlens-dev-iproute2-6.1.txt');
    await filterBox().fill('lport:42162');
    await until('the sender row', async () => (await dataRows().count()) === 1);
    expect(await cell(dataRows().first(), 'bytesSent').textContent()).toBe('8.00 MiB');
    expect(await cell(dataRows().first(), 'bytesReceived').textContent()).toBe('1.00 MiB');
    await filterBox().fill('');
    await page.getByRole('button', { name: 'Back to live data' }).click();
    await open('macos/nettop-L1-P-J.macos-12.0.1.tao93-nettool-7.txt');
    const list = page.locator('[role="grid"][aria-label="Processes"]');
    await page.getByRole('textbox', { name: 'Search processes' }).fill('apsd');
    const entry = list.locator('[role="row"][data-row-id]').first();
    await until('apsd', async () => (await list.locator('[role="row"][data-row-id]').count()) === 1);
    expect(await cell(entry, 'bytesReceived').textContent()).toBe('11.1 KiB');
    expect(await cell(entry, 'bytesSent').textContent()).toBe('23.0 KiB');
    await page.getByRole('button', { name: 'Back to live data' }).click();
  });
});
