// A new user's review (newuser.md N4): under a modal dialog the app's shortcuts wait. Ctrl+3 behind "Export this
// view" switched to Interfaces and the dialog then exported that tab; Ctrl+O opened a capture behind it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { openApp, until, type OpenApp } from './support.js';

let app: OpenApp;
let page: Page;

beforeAll(async () => {
  app = await openApp({ width: 1100, height: 700 });
  page = app.page;
  await page.locator('[role="grid"][aria-label="Connections"] [role="row"][data-row-id]').first().waitFor();
});

afterAll(async () => {
  await app?.close();
});

/** Runs `check` on the shortcuts dialog, opened by F1 in a window of `size`; then closes it and puts the window back. */
async function inShortcuts(size: { width: number; height: number }, check: (dialog: Locator) => Promise<void>) {
  await page.setViewportSize(size);
  try {
    await page.keyboard.press('F1');
    const dialog = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await dialog.waitFor();
    await check(dialog);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
  } finally {
    await page.setViewportSize({ width: 1100, height: 700 });
  }
}

const selectedTab = () => page.locator('[role="tab"][aria-selected="true"]').textContent();

describe('shortcuts under a modal dialog', () => {
  it('Ctrl+digit does not change the tab behind the Export dialog, and does once it is closed', async () => {
    await page.keyboard.press('Control+e');
    const dialog = page.getByRole('dialog', { name: 'Export this view' });
    await dialog.waitFor();
    await page.keyboard.press('Control+3');
    await page.keyboard.press('Control+o');
    // Nothing moved behind it: the tab, and no file chooser (a capture would show its bar).
    expect(await selectedTab()).toBe('Connections');
    // Nor does the browser act on them (Ctrl+R reloaded the page and the dialog with it): the keys are taken.
    const taken = await page.evaluate(() =>
      ['r', '3', 'e', 'o', 'f'].map((key) => {
        const event = new KeyboardEvent('keydown', { key, ctrlKey: true, bubbles: true, cancelable: true });
        (document.activeElement ?? document.body).dispatchEvent(event);
        return event.defaultPrevented;
      }),
    );
    expect(taken).toEqual([true, true, true, true, true]);
    expect(await dialog.isVisible()).toBe(true);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    await page.keyboard.press('Control+3');
    await until('Interfaces shown', async () => (await selectedTab()) === 'Interfaces');
  });
});

describe('dialogs by keyboard, in a small window (a new user’s review of 12-06)', () => {
  it('the Export formats are one Tab stop, the arrows choosing among them', async () => {
    await page.keyboard.press('Control+1');
    await page.keyboard.press('Control+e');
    const dialog = page.getByRole('dialog', { name: 'Export this view' });
    await dialog.waitFor();
    const focused = () =>
      page.evaluate(() => {
        const el = document.activeElement as HTMLInputElement | null;
        return el?.type === 'radio' ? `radio ${el.value}` : (el?.textContent ?? '');
      });
    // Tab from Export goes round: Cancel, then the checked format, then Export again.
    const stops: string[] = [];
    for (let i = 0; i < 3; i++) {
      await page.keyboard.press('Tab');
      stops.push(await focused());
    }
    expect(stops).toEqual(['Cancel', 'radio csv', 'Export']);
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('ArrowDown');
    expect(await focused()).toBe('radio json');
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('Export');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
  });

  it('a dialog longer than the window keeps its title and its buttons in view, what is between them scrolling', async () => {
    await inShortcuts({ width: 800, height: 600 }, async (dialog) => {
      const inView = async (locator: ReturnType<typeof dialog.locator>) => {
        const box = (await locator.boundingBox())!;
        const frame = (await dialog.boundingBox())!;
        return box.y >= frame.y && box.y + box.height <= frame.y + frame.height;
      };
      // The focus on Close scrolled the whole dialog to its end: the title went out of view.
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Close');
      expect(await inView(dialog.locator('.dialog-title'))).toBe(true);
      expect(await inView(dialog.getByRole('button', { name: 'Close' }))).toBe(true);
      const body = dialog.locator('.dialog-body');
      expect(await body.evaluate((el) => el.scrollHeight > el.clientHeight)).toBe(true);
    });
  });

  it('a dialog longer than its room scrolls by keyboard: the scrolling keys on its buttons, and its body a Tab stop', async () => {
    // At 900 × 600 the shortcuts' last eight rows stayed out of reach: the focus went round About and Close alone,
    // and PageDown, ↓ or End scrolled nothing (a new user's review).
    await inShortcuts({ width: 900, height: 600 }, async (dialog) => {
      const body = dialog.locator('.dialog-body');
      const scroll = () => body.evaluate((el) => ({ top: el.scrollTop, max: el.scrollHeight - el.clientHeight }));
      expect((await scroll()).max).toBeGreaterThan(100);
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Close');
      await page.keyboard.press('PageDown');
      expect((await scroll()).top).toBeGreaterThan(100);
      await page.keyboard.press('End');
      const end = await scroll();
      expect(end.top).toBeGreaterThanOrEqual(end.max - 1);
      const [last, room] = await Promise.all([dialog.locator('tr').last().boundingBox(), body.boundingBox()]);
      expect(last!.y + last!.height).toBeLessThanOrEqual(room!.y + room!.height + 1);
      await page.keyboard.press('Home');
      expect((await scroll()).top).toBe(0);
      await page.keyboard.press('ArrowDown');
      expect((await scroll()).top).toBeGreaterThan(0);
      await page.keyboard.press('ArrowUp');
      expect((await scroll()).top).toBe(0);
      // Tab from Close comes to the body: a region named for the dialog, its focus ring shown; its keys scroll it.
      await page.keyboard.press('Tab');
      const region = dialog.getByRole('region', { name: 'Keyboard shortcuts (scrolls)' });
      expect(await region.evaluate((el) => el === document.activeElement)).toBe(true);
      expect(await region.evaluate((el) => getComputedStyle(el).outlineStyle)).toBe('solid');
      await page.keyboard.press('End');
      await expect.poll(async () => (await scroll()).top).toBeGreaterThanOrEqual(end.max - 1);
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('About NetLens…');
    });
  });

  it('a dialog that fits has no scrolling stop: its body is neither a Tab stop nor a region', async () => {
    await page.keyboard.press('Control+e');
    const dialog = page.getByRole('dialog', { name: 'Export this view' });
    await dialog.waitFor();
    const body = dialog.locator('.dialog-body');
    expect(await body.evaluate((el) => [el.getAttribute('tabindex'), el.getAttribute('aria-label')])).toEqual([
      null,
      null,
    ]);
    expect(await dialog.getByRole('region').count()).toBe(0);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
  });
});
