// The Routes tab's filter: Ctrl+F reaches it (on main Ctrl+F did nothing there, README says it works everywhere),
// typing narrows both grids to routes with the text in any column, Escape clears it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openApp, until, type OpenApp } from './support.js';

let app: OpenApp;
let page: Page;

beforeAll(async () => {
  app = await openApp();
  page = app.page;
}, 60_000);
afterAll(async () => {
  await app?.close();
});

const routeRows = () => page.locator('[role="tabpanel"]:not([hidden]) .grid-row:not(.header)[role="row"]');

describe.runIf(process.platform === 'linux')('the Routes filter', () => {
  it('is reached by Ctrl+F and narrows the routes to those with the text in any column', async () => {
    await page.getByRole('tab', { name: 'Routes' }).click();
    await until('routes shown', async () => (await routeRows().count()) > 0);
    const all = await routeRows().count();
    await page.getByRole('tab', { name: 'Routes' }).focus();
    await page.keyboard.press('Control+f');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Filter routes');
    await page.keyboard.type('zz-no-such-route');
    await until(
      'nothing matches',
      async () => (await page.getByText('No route matches “zz-no-such-route”.').count()) > 0,
    );
    expect(await routeRows().count()).toBe(0);
    // Each group's message whole within its grid, below its header (on main the IPv6 group, 96 px tall, cut it in
    // half or hid it: the message sat 60 px down).
    const placed = await page.evaluate(() =>
      [...document.querySelectorAll('[role="tabpanel"]:not([hidden]) .grid-empty')].map((e) => {
        const grid = e.closest('.grid-scroll')!.getBoundingClientRect();
        const header = e.closest('.grid-scroll')!.querySelector('.grid-header')!.getBoundingClientRect();
        const box = e.getBoundingClientRect();
        return box.height > 0 && box.top >= header.bottom && box.bottom <= grid.bottom;
      }),
    );
    expect(placed).toEqual([true, true]);
    await page.keyboard.press('Escape');
    await until('every route back', async () => (await routeRows().count()) === all);
    // The first route's interface: every route left names it somewhere.
    const iface = (await routeRows().first().locator('[role="gridcell"]').allTextContents()).find((t) =>
      /^[a-z][\w.-]*\d$|^lo$/.test(t.trim()),
    );
    expect(iface).toBeTruthy();
    await page.getByLabel('Filter routes').fill(iface!.trim());
    await until('narrowed', async () => (await routeRows().count()) > 0);
    for (const text of await routeRows().allTextContents()) expect(text).toContain(iface!.trim());
  });
});
