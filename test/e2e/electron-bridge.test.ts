// The renderer's Electron path without the Electron binary: a stand-in for the preload's window.netlens
// hands the page a MessagePort, exactly as electron/preload.ts does (window.postMessage with the port), and
// relays that port to the real service over the browser host's WebSocket. The page must pick the bridge
// over its own WebSocket and show live data through it, with menu commands working.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { PORT_MESSAGE_TAG } from '../../shared/protocol.js';
import { launchChromium, startHost, until, type RunningHost } from './support.js';

let host: RunningHost;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  host = await startHost();
  browser = await launchChromium();
  page = await browser.newPage();
  await page.addInitScript(
    ({ tag }) => {
      const w = window as unknown as {
        netlens: unknown;
        __bridge: { connects: number; menu: ((c: string) => void) | null; pageSockets: number; notText: number };
      };
      const stats = { connects: 0, menu: null as ((c: string) => void) | null, pageSockets: 0, notText: 0 };
      w.__bridge = stats;
      const NativeWebSocket = window.WebSocket;
      // Count sockets the page opens itself: with the bridge present it must open none.
      window.WebSocket = class extends NativeWebSocket {
        constructor(url: string | URL, protocols?: string | string[]) {
          super(url, protocols);
          stats.pageSockets++;
        }
      } as typeof WebSocket;
      w.netlens = {
        host: 'electron',
        async connect() {
          stats.connects++;
          const channel = new MessageChannel();
          // The browser host's token, as the page was given it (the bridge stands in for main's port).
          const token = new URLSearchParams(location.hash.slice(1)).get('token') ?? '';
          const ws = new NativeWebSocket(`ws://${location.host}/ws`, ['netlens', `netlens-token.${token}`]);
          await new Promise((r) => (ws.onopen = r));
          // The page posts its messages as text, which main reads as the WebSocket's (electron/ipc.ts): anything
          // else is counted, and main would refuse it.
          channel.port1.onmessage = (e) => {
            if (typeof e.data === 'string') ws.send(e.data);
            else stats.notText++;
          };
          ws.onmessage = (e) => channel.port1.postMessage(JSON.parse(e.data as string));
          window.postMessage(tag, location.origin, [channel.port2]);
        },
        onMenuCommand(cb: (c: string) => void) {
          stats.menu = cb;
          return () => (stats.menu = null);
        },
      };
    },
    { tag: PORT_MESSAGE_TAG },
  );
  await page.goto(host.url);
});
afterAll(async () => {
  await browser?.close();
  await host?.stop();
});

describe('the Electron bridge path', () => {
  it('connects once through the bridge and opens no WebSocket of its own', async () => {
    await page
      .locator('[role="grid"][aria-label="Connections"] [role="row"][data-row-id]')
      .first()
      .waitFor({ timeout: 20_000 });
    const stats = await page.evaluate(
      () => (window as unknown as { __bridge: { connects: number; pageSockets: number; notText: number } }).__bridge,
    );
    expect(stats.connects).toBe(1);
    expect(stats.pageSockets).toBe(0);
    expect(stats.notText).toBe(0);
  });

  it('follows menu commands from main', async () => {
    await page.evaluate(() =>
      (window as unknown as { __bridge: { menu: (c: string) => void } }).__bridge.menu('showTab:statistics'),
    );
    await until(
      'the Statistics tab',
      async () => (await page.getByRole('tab', { selected: true }).textContent()) === 'Statistics',
    );
    await page.evaluate(() =>
      (window as unknown as { __bridge: { menu: (c: string) => void } }).__bridge.menu('not-a-command'),
    );
    expect(await page.getByRole('tab', { selected: true }).textContent()).toBe('Statistics');
  });
});
