// Names and places in the app: service names beside ports, the Country and Network columns filled from
// the offline databases (live loopback rows and a capture with well-known public peers), filters and sorts
// on them, and the About box's data credits.
import { join } from 'node:path';
import net from 'node:net';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { until, ROOT, openApp, savedSettings, SCREENSHOTS, type OpenApp } from './support.js';
import { startDnsmasq, type RunningDnsmasq } from '../../electron/collectors/names/testing/dns-servers.js';

let app: OpenApp;
let page: Page;
let server: net.Server;
let port = 0;
const GRID = '[role="grid"][aria-label="Connections"]';

beforeAll(async () => {
  server = net.createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  port = (server.address() as net.AddressInfo).port;
  app = await openApp({ width: 1500, height: 800 });
  page = app.page;
  await page.locator(GRID).waitFor();
});
afterAll(async () => {
  await app?.close();
  server?.close();
});

const cells = (column: string) =>
  page.locator(`${GRID} [role="row"][data-row-id] [data-column="${column}"]`).allTextContents();
const filter = (q: string) => page.getByRole('searchbox', { name: 'Filter connections' }).fill(q);

describe('names and places', () => {
  it('labels live loopback peers as loopback, from the names dataset', async () => {
    const client = net.connect(port, '127.0.0.1');
    await once(client, 'connect');
    try {
      await filter(`rport:${port}`);
      await until('the client row labelled loopback', async () => (await cells('country')).includes('loopback'));
    } finally {
      client.destroy();
      await filter('');
    }
  });

  it('shows service names, countries and networks of a capture, and filters and sorts by them', async () => {
    const chooser = page.waitForEvent('filechooser');
    await page.getByRole('button', { name: 'Open capture…' }).click();
    await (await chooser).setFiles(join(ROOT, 'test/fixtures/captures/names/ss-tn.public-peers.txt'));
    await page.getByTestId('capture-label').waitFor();
    await until('six rows', async () => (await page.locator(`${GRID} [role="row"][data-row-id]`).count()) === 6);
    const google = page.locator(`${GRID} [role="row"][data-row-id*="8.8.8.8"]`);
    expect(await google.locator('[data-column="remotePort"]').textContent()).toBe('53 (domain)');
    expect(await google.locator('[data-column="country"]').textContent()).toBe('US United States');
    expect(await google.locator('[data-column="network"]').textContent()).toBe('AS15169 Google LLC');
    await page.screenshot({ path: join(SCREENSHOTS, 'names-capture.png') });

    await filter('country:US');
    await until(
      'the two Google rows',
      async () => (await cells('network')).join('|') === 'AS15169 Google LLC|AS15169 Google LLC',
    );
    await filter('asn:13335');
    await until('the Cloudflare row', async () => (await cells('network')).join('|') === 'AS13335 Cloudflare, Inc.');
    await filter('port:ssh');
    await until('the CGNAT row', async () => (await cells('country')).join('|') === 'CGNAT');
    await filter('google');
    await until('free text finds the AS organisation', async () => (await cells('network')).length === 2);
    await filter('');

    await page
      .locator(GRID)
      .getByRole('columnheader', { name: /Country/ })
      .getByRole('button')
      .click();
    await until('sorted by country', async () => {
      const c = await cells('country');
      return c.length === 6 && c.join('|') === [...c].sort().join('|');
    });
    await page.getByRole('button', { name: 'Back to live data' }).click();
  });

  it('credits the data in the About box', async () => {
    await page.getByRole('button', { name: 'Help: keyboard shortcuts' }).click();
    await page.getByRole('button', { name: 'About NetLens…' }).click();
    const credits = page.getByTestId('data-credits');
    await credits.waitFor();
    const text = (await credits.textContent()) ?? '';
    expect(text).toMatch(/ip-location-db/);
    expect(text).toMatch(/CC BY 4\.0/);
    expect(text).toMatch(/DB-IP/);
    expect(text).toMatch(/IANA/);
    // Where it runs, as a sentence of its own (it read "… statistics. linux x64, browser host.").
    expect(await page.getByRole('dialog', { name: 'About NetLens' }).locator('p').first().textContent()).toMatch(
      /statistics\. Running on linux x64, in the browser host\.$/,
    );
    await page.keyboard.press('Escape');
    expect(await page.getByRole('dialog', { name: 'About NetLens' }).count()).toBe(0);
  });
});

describe('host names in the app (dnsmasq on loopback as the DNS server)', () => {
  let named: OpenApp;
  let dnsmasq: RunningDnsmasq;
  let peer: net.Server;
  let client: net.Socket;
  let peerPort = 0;
  const grid = () => named.page.locator(GRID);
  const foreign = () => grid().locator('[role="row"][data-row-id] [data-column="remoteAddress"]').allTextContents();
  const filterTo = (terms: string) => named.page.getByRole('searchbox', { name: 'Filter connections' }).fill(terms);
  // The address too: the port alone also matches any other socket on the machine whose remote port has that number
  // (a client's ephemeral port, or a server on another address: a CI run's other tests showed twelve).
  const peerRows = () => `raddr:127.0.0.2 rport:${peerPort}`;

  beforeAll(async () => {
    dnsmasq = await startDnsmasq({ ptr: [['127.0.0.2', 'peer.names.test']] });
    peer = net.createServer().listen(0, '127.0.0.2');
    await once(peer, 'listening');
    peerPort = (peer.address() as net.AddressInfo).port;
    named = await openApp({ width: 1700, height: 800 }, ['--dns-server', dnsmasq.server]);
    await grid().waitFor();
    await named.page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));
  });
  afterAll(async () => {
    client?.destroy();
    peer?.close();
    await named?.close();
    await dnsmasq?.stop();
  });

  it('fills the name in when it arrives; short or fully qualified; Ctrl+R turns names off and on', async () => {
    const page = named.page;
    await filterTo(peerRows());
    client = net.connect(peerPort, '127.0.0.2');
    await once(client, 'connect');
    // (What the row shows is the probe's error, so that a timeout says it.)
    await until('the name in place of 127.0.0.2', async () => {
      const shown = (await foreign()).join('|');
      if (shown !== 'peer') throw new Error(`the remote address column shows "${shown}"`);
      return true;
    });
    const resolveButton = page.getByRole('button', { name: 'Resolve names' });
    expect(await resolveButton.getAttribute('aria-pressed')).toBe('true');
    await page.screenshot({ path: join(SCREENSHOTS, 'names-resolved.png') });

    await page.getByRole('button', { name: 'Name settings…' }).click();
    await page.getByLabel('Fully qualified names', { exact: false }).check();
    await page.getByRole('button', { name: 'Cancel' }).click();
    await until('the fully qualified name', async () => (await foreign()).join('|') === 'peer.names.test');

    // Filter and free text find names.
    await filterTo(`rport:${peerPort} host:names.test`);
    await until('host: finds the row', async () => (await foreign()).length === 1);
    await filterTo(`rport:${peerPort} peer.names`);
    await until('free text finds the row', async () => (await foreign()).length === 1);
    await filterTo(peerRows());

    await page.locator('body').click({ position: { x: 5, y: 790 } });
    await page.keyboard.press('Control+r');
    await until('numbers again', async () => (await foreign()).join('|') === '127.0.0.2');
    expect(await resolveButton.getAttribute('aria-pressed')).toBe('false');
    // Said, since the toggle may be behind ⋯ (on main nothing said why every name went).
    const said = page.locator('[data-notice]', { hasText: 'Host names' });
    expect(await said.textContent()).toContain('Host names off: addresses are shown as numbers (Ctrl+R');
    await page.keyboard.press('Control+r');
    await until('the name again', async () => (await foreign()).join('|') === 'peer.names.test');
    expect(await said.textContent()).toContain('Host names on');
    expect(await said.count()).toBe(1);
    // Ctrl+R toggled names and did not reload the page.
    expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
  });

  it('keeps the choice across a reload of the page', async () => {
    const page = named.page;
    await page.getByRole('button', { name: 'Resolve names' }).click();
    await until('the choice saved', () => savedSettings(named.host)?.resolveNames === false);
    await page.reload();
    await grid().waitFor();
    await until(
      'the toggle restored off',
      async () => (await page.getByRole('button', { name: 'Resolve names' }).getAttribute('aria-pressed')) === 'false',
    );
    await page.getByRole('button', { name: 'Resolve names' }).click();
  });
});
