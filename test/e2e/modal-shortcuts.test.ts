// A new user's review (newuser.md N4): under a modal dialog the app's shortcuts wait. Ctrl+3 behind "Export this
// view" switched to Interfaces and the dialog then exported that tab; Ctrl+O opened a capture behind it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
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
