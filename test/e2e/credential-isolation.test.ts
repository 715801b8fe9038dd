// The browser host's credential stays with NetLens's own origin (issue 10: a cookie named after the port
// was sent by the browser to every other server on 127.0.0.1, which could then use it). In headless
// Chromium: open NetLens, reload it (it keeps working), then visit a second server on another 127.0.0.1
// port in the same browser, and have the NetLens page itself request that server: the second server never
// sees the token, in a header, a cookie or a URL.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApp, until, type OpenApp } from './support.js';

let app: OpenApp;
let other: Server;
let otherPort = 0;
const seen: { url: string; headers: IncomingMessage['headers'] }[] = [];

beforeAll(async () => {
  other = createServer((req, res) => {
    seen.push({ url: req.url ?? '', headers: req.headers });
    res
      .writeHead(200, { 'Content-Type': 'text/html' })
      .end('<!doctype html><title>other</title><p>another local server</p>');
  });
  await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
  otherPort = (other.address() as AddressInfo).port;
  app = await openApp();
});

afterAll(async () => {
  await app?.close();
  await new Promise((r) => other?.close(r));
});

const grid = () => app.page.locator('[role="grid"][aria-label="Connections"]');
const rows = () => grid().locator('[role="row"][data-row-id]');

describe('the browser-host credential', () => {
  it('is held by the page, not by a cookie or the address bar, and survives a reload', async () => {
    const { page, host } = app;
    await until('connection rows', async () => (await rows().count()) > 0);
    expect(page.url()).not.toContain(host.token);
    expect(new URL(page.url()).pathname).toMatch(/^\/[0-9a-f]{48}\/$/);
    expect(await page.context().cookies()).toEqual([]);
    await page.reload();
    await grid().waitFor();
    await until('connection rows after a reload', async () => (await rows().count()) > 0);
    expect(page.url()).not.toContain(host.token);
  });

  it('never reaches a server on another 127.0.0.1 port visited in the same browser', async () => {
    const { page, host } = app;
    const pagePath = new URL(page.url()).pathname;
    // The NetLens page asks the other port (an image and a no-cors fetch with credentials, as any page could).
    await page.evaluate(async (port) => {
      await fetch(`http://127.0.0.1:${port}/from-netlens`, { mode: 'no-cors', credentials: 'include' }).catch(
        () => undefined,
      );
    }, otherPort);
    // The same tab then visits the other server (as a link would take it there).
    await page.goto(`http://127.0.0.1:${otherPort}/`);
    // Even the NetLens page path (which another user could not guess) on the other port carries nothing.
    await page.goto(`http://127.0.0.1:${otherPort}${pagePath}`);
    await page.goto(`http://localhost:${otherPort}/`);
    await until('requests at the other server', () => seen.length >= 4);
    const everything = JSON.stringify(seen);
    expect(everything).not.toContain(host.token);
    expect(seen.every((r) => r.headers.cookie === undefined)).toBe(true);
    // Back in NetLens (its page path, no token in the address), the tab still has its credential.
    await page.goto(`${host.origin}${pagePath}`);
    await until('connection rows after coming back', async () => (await rows().count()) > 0);
  });
});
