// A new user's review (newuser.md N3): the filter's syntax help fits the window (it ran 300 px past the bottom
// at 800x600, scrolling the whole page, and out of the right edge at 1100 px).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openApp, type OpenApp } from './support.js';

let app: OpenApp;
let page: Page;

beforeAll(async () => {
  app = await openApp({ width: 800, height: 600 });
  page = app.page;
  await page.locator('[role="grid"][aria-label="Connections"] [role="row"][data-row-id]').first().waitFor();
});

afterAll(async () => {
  await app?.close();
});

describe('fitting the window', () => {
  it('the filter help stays inside the window and scrolls within itself, the page never scrolls', async () => {
    for (const size of [
      { width: 800, height: 600 },
      { width: 1100, height: 700 },
    ]) {
      await page.setViewportSize(size);
      await page.getByRole('button', { name: '?', exact: true }).first().click();
      const help = page.getByRole('dialog', { name: 'Filter syntax' });
      await help.waitFor();
      const fit = await help.evaluate((el) => {
        const r = el.getBoundingClientRect();
        const root = document.documentElement;
        return {
          bottom: r.bottom,
          right: r.right,
          left: r.left,
          scrolls: el.scrollHeight > el.clientHeight,
          pageHeight: root.scrollHeight,
          pageWidth: root.scrollWidth,
        };
      });
      expect(fit.bottom).toBeLessThanOrEqual(size.height);
      expect(fit.right).toBeLessThanOrEqual(size.width);
      expect(fit.left).toBeGreaterThanOrEqual(0);
      expect(fit.pageHeight).toBeLessThanOrEqual(size.height);
      expect(fit.pageWidth).toBeLessThanOrEqual(size.width);
      // Every term can be read: the last one (a traffic term) scrolls into view inside the help.
      const last = help.locator('tr').last();
      await last.scrollIntoViewIfNeeded();
      const [row, box] = await Promise.all([last.boundingBox(), help.boundingBox()]);
      expect(row!.y + row!.height).toBeLessThanOrEqual(box!.y + box!.height);
      expect(await help.locator('p').first().textContent()).toContain('negates a term; "quoted values"');
      // Lists are the filter's way to say either (there is no OR), in every field: the help says so before the fields.
      expect(await help.locator('p').nth(1).textContent()).toContain('A comma lists values, any of which matches');
      await page.keyboard.press('Escape');
      await help.waitFor({ state: 'detached' });
    }
  });

  it('a help taller than its room is a Tab stop that the keys scroll', async () => {
    // At 900 × 600 it was 848 px tall in 515: Tab went from the ? to its Close, and no key scrolled the fields between
    // (a new user's review of 12-07).
    await page.setViewportSize({ width: 900, height: 600 });
    const box = page.getByRole('searchbox', { name: 'Filter connections' });
    const help = page.getByRole('dialog', { name: 'Filter syntax' });
    await box.focus();
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await help.waitFor();
    // A Tab stop as it opens: its height is set in the same frame.
    expect(await help.getAttribute('tabindex')).toBe('0');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('filter-help');
    await page.keyboard.press('PageDown');
    await expect.poll(() => help.evaluate((el) => el.scrollTop)).toBeGreaterThan(100);
    await page.keyboard.press('Escape');
    await help.waitFor({ state: 'detached' });
  });

  it('closing the help by its Close or by Escape puts the focus back on its ?', async () => {
    // The popover closed and the focus fell to the page: the next Tab began again from the window's top (a new
    // user's review, at 1366 × 768).
    await page.setViewportSize({ width: 1366, height: 768 });
    const box = page.getByRole('searchbox', { name: 'Filter connections' });
    const button = page.getByRole('button', { name: '?', exact: true }).first();
    const help = page.getByRole('dialog', { name: 'Filter syntax' });
    const focused = () =>
      page.evaluate(() => {
        const el = document.activeElement;
        if (!el || el === document.body) return 'the page';
        return `${el.tagName.toLowerCase()} ${el.getAttribute('title') ?? el.textContent}`;
      });
    for (const close of ['Enter', 'Escape']) {
      await box.focus();
      await page.keyboard.press('Tab');
      expect(await focused()).toBe('button Filter syntax');
      await page.keyboard.press('Enter');
      await help.waitFor();
      // Past the help itself, a Tab stop where it scrolls (at 768 px high it does).
      await page.keyboard.press('Tab');
      if ((await page.evaluate(() => document.activeElement?.id)) === 'filter-help') await page.keyboard.press('Tab');
      expect(await focused()).toBe('button Close');
      await page.keyboard.press(close);
      await help.waitFor({ state: 'detached' });
      expect(await focused()).toBe('button Filter syntax');
      expect(await button.getAttribute('aria-expanded')).toBe('false');
    }
  });
});
