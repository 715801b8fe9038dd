// The row menu where it opens and under the pointer (a new user's review of 12-07): opened at the window's right edge
// it keeps its own width, a few pixels off the edge, its labels on one line each; the pointer moves the focus, so one
// item is highlighted, the one Enter chooses, and a disabled item takes neither.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openApp, SCREENSHOTS, until, type OpenApp } from './support.js';

let app: OpenApp;
let page: Page;

beforeAll(async () => {
  app = await openApp({ width: 1100, height: 700 });
  page = app.page;
});
afterAll(async () => {
  await app?.close();
});

const menu = () => page.getByRole('menu', { name: 'Connection' });
const rows = () => page.locator('[role="grid"][aria-label="Connections"] [role="row"][data-row-id]');
/** A listening row (the host's own listener among them): there for the whole test, so both menus are its menu (the
 *  grid's first row changed between two opens, and with it the menu's labels and width). */
let listenerId = '';
const firstRow = () =>
  page.locator(`[role="grid"][aria-label="Connections"] [role="row"][data-row-id="${listenerId}"]`);

/** Opens the listening row's menu, clicked `x` px from the row's left (or its right, if negative) edge on screen: the
 *  row's place read just before the click, and the click made again where the live rows moved it meanwhile. */
async function openAt(x: number) {
  return until('the listening row’s menu', async () => {
    const row = (await firstRow().boundingBox())!;
    const width = await page.evaluate(() => window.innerWidth);
    // The row's last pixels on screen: the grid may be wider than the window, scrolled sideways.
    const at = x >= 0 ? row.x + x : Math.min(row.x + row.width, width) + x;
    await page.mouse.click(at, row.y + row.height / 2, { button: 'right' });
    await menu().waitFor();
    if ((await firstRow().getAttribute('aria-selected')) === 'true') return (await menu().boundingBox())!;
    await page.keyboard.press('Escape');
    await menu().waitFor({ state: 'detached' });
    return null;
  });
}

describe('the row menu', () => {
  it("keeps its own width at the window's right edge, off the edge, each label on one line", async () => {
    const listener = rows().filter({ hasText: 'LISTEN' }).first();
    await until('a listening row', async () => (await listener.count()) > 0);
    listenerId = (await listener.getAttribute('data-row-id'))!;
    const left = await openAt(20);
    const lineHeights = await menu()
      .locator('[role="menuitem"]:not([aria-disabled="true"]) .menu-text > span:first-child')
      .evaluateAll((spans) => spans.map((s) => s.getBoundingClientRect().height));
    await page.keyboard.press('Escape');
    await menu().waitFor({ state: 'detached' });

    const right = await openAt(-8);
    const width = await page.evaluate(() => window.innerWidth);
    await page.screenshot({ path: join(SCREENSHOTS, 'menu-right-edge.png') });
    // Where it opened it did not fit: moved left, whole, 4 px off the edge.
    expect(right.width).toBeCloseTo(left.width, 0);
    expect(right.x + right.width).toBeLessThanOrEqual(width - 4 + 0.5);
    const rightHeights = await menu()
      .locator('[role="menuitem"]:not([aria-disabled="true"]) .menu-text > span:first-child')
      .evaluateAll((spans) => spans.map((s) => s.getBoundingClientRect().height));
    expect(rightHeights).toEqual(lineHeights);
    await page.keyboard.press('Escape');
  });

  it('moves the focus with the pointer: one item highlighted, a disabled one passed over', async () => {
    await openAt(20);
    const items = menu().locator('[role="menuitem"]');
    const focused = () => page.evaluate(() => document.activeElement?.getAttribute('data-item') ?? null);
    const first = await items.first().getAttribute('data-item');
    await until('the first item focused', async () => (await focused()) === first);
    // The pointer on Copy row: it is the item focused, and the only one drawn highlighted.
    const copyRow = menu().locator('[data-item="copy-row"]');
    await copyRow.hover();
    await until('Copy row focused', async () => (await focused()) === 'copy-row');
    const highlighted = await items.evaluateAll(
      (els) =>
        els.filter((e) => getComputedStyle(e).backgroundColor !== getComputedStyle(e.parentElement!).backgroundColor)
          .length,
    );
    expect(highlighted).toBe(1);
    // A disabled item (Close connection… on a row it cannot close, if this one is) leaves the focus where it was.
    const disabled = menu().locator('[role="menuitem"][aria-disabled="true"]').first();
    if ((await disabled.count()) > 0) {
      await disabled.hover();
      expect(await focused()).toBe('copy-row');
    }
    await page.keyboard.press('Escape');
  });
});
