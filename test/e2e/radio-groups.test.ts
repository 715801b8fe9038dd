// A radio group (the toolbar's All / Listening / Connected, History's views) is one Tab stop, its checked option;
// the arrow keys choose another and take the focus there, as native radio buttons do. Each option was a Tab stop of
// its own (a new user's review of 12-05), so a keyboard crossed every toolbar option by option.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openApp, until, type OpenApp } from './support.js';

let app: OpenApp;
let page: Page;

beforeAll(async () => {
  app = await openApp({ width: 1400, height: 900 });
  page = app.page;
  await page.locator('[role="grid"][aria-label="Connections"] [role="row"][data-row-id]').first().waitFor();
});

afterAll(async () => {
  await app?.close();
});

const focused = () =>
  page.evaluate(() => ({
    name: document.activeElement?.textContent?.trim() ?? '',
    role: document.activeElement?.getAttribute('role') ?? '',
    checked: document.activeElement?.getAttribute('aria-checked') ?? '',
  }));

describe('a radio group from the keyboard', () => {
  it('is one Tab stop, its checked option; the arrows choose and move', async () => {
    const group = page.getByRole('radiogroup', { name: 'Listening or connected' });
    // From the control before the group (the last socket toggle), Tab reaches the checked option.
    await page.getByRole('button', { name: 'IPv6' }).focus();
    await page.keyboard.press('Tab');
    expect(await focused()).toEqual({ name: 'All', role: 'radio', checked: 'true' });
    await page.keyboard.press('ArrowRight');
    expect(await focused()).toEqual({ name: 'Listening', role: 'radio', checked: 'true' });
    expect(await group.getByRole('radio', { name: 'All' }).getAttribute('aria-checked')).toBe('false');
    // The grid follows: listeners alone.
    await until('listeners alone', async () =>
      (
        await page
          .locator('[role="grid"][aria-label="Connections"] [role="gridcell"][data-column="state"]')
          .allTextContents()
      ).every((s) => s === 'LISTEN' || s === ''),
    );
    await page.keyboard.press('End');
    expect(await focused()).toEqual({ name: 'Connected', role: 'radio', checked: 'true' });
    await page.keyboard.press('ArrowRight');
    expect(await focused()).toEqual({ name: 'All', role: 'radio', checked: 'true' });
    // Tab leaves the group: the next control is not one of its options.
    await page.keyboard.press('Tab');
    expect((await focused()).role).not.toBe('radio');
    // And Shift+Tab comes back to the checked one.
    await page.keyboard.press('Shift+Tab');
    expect(await focused()).toEqual({ name: 'All', role: 'radio', checked: 'true' });
  });
});
