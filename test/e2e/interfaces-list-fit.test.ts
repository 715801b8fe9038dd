// A new user's review (newuser.md N7): at 800x600 and 1100x700 the Interfaces list left no room for its horizontal
// scrollbar, so the last interface was half hidden under it. Playwright hides scrollbars in headless Chromium
// (--hide-scrollbars); this browser keeps them, as a window does.
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, startHost, until, type RunningHost } from './support.js';

let host: RunningHost;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  host = await startHost();
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    ignoreDefaultArgs: ['--hide-scrollbars'],
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-sync'],
  });
  page = await browser.newPage({ viewport: { width: 1100, height: 700 } });
  await page.goto(host.url);
});

afterAll(async () => {
  await browser?.close();
  await host?.stop();
});

describe('the Interfaces list', () => {
  it('shows every row above its horizontal scrollbar', async () => {
    await page.getByRole('tab', { name: 'Interfaces' }).click();
    const grid = page.locator('[role="grid"][aria-label="Interfaces"]');
    await grid.locator('[role="row"][data-row-id]').first().waitFor();
    // The columns are fitted to the first rows, wider than 1100 px: wait for the scrollbar they bring.
    await until('the horizontal scrollbar', () =>
      grid.evaluate((el: HTMLElement) => el.offsetHeight - el.clientHeight >= 10),
    );
    const room = await grid.evaluate((el: HTMLElement) => {
      const header = el.querySelector('[role="row"]:not([data-row-id])') as HTMLElement | null;
      const rows = el.querySelectorAll('[role="row"][data-row-id]').length;
      return { needed: (header?.offsetHeight ?? 0) + Math.max(rows, 3) * 24, shown: el.clientHeight };
    });
    expect(room.shown).toBeGreaterThanOrEqual(room.needed);
  });
});
