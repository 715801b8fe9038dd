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

describe('a radio group moved into a toolbar’s ⋯ menu', () => {
  /** The items of the toolbar `label`'s More menu named in `names`: role and aria-checked, in order. */
  const moreItems = async (label: string, names: readonly string[]) => {
    await page.getByRole('button', { name: `More in ${label}` }).click();
    const menu = page.getByRole('menu', { name: `More in ${label}` });
    await menu.waitFor();
    const items = await menu
      .locator('[role^="menuitem"]')
      .evaluateAll(
        (els, wanted) =>
          els
            .filter((el) => wanted.includes(el.textContent?.replace(/^[✓•]/, '') ?? ''))
            .map((el) => `${el.getAttribute('role')} ${el.getAttribute('aria-checked')}`),
        names,
      );
    return { menu, items };
  };

  it('is a group of menu radios, the chosen one checked (they were checkboxes, though one alone is ever on)', async () => {
    const modes = ['Show all', 'Show listening', 'Show connected'];
    try {
      await page.setViewportSize({ width: 900, height: 600 });
      const before = await moreItems('Connection filters', modes);
      expect(before.items).toEqual(['menuitemradio true', 'menuitemradio false', 'menuitemradio false']);
      // Drawn as a choice of a group, a dot, where an option on (Highlights) has a tick.
      expect(await before.menu.getByRole('menuitemradio', { name: 'Show all' }).textContent()).toBe('•Show all');
      expect(await before.menu.getByRole('menuitemcheckbox', { name: 'Highlights' }).textContent()).toBe('✓Highlights');
      await before.menu.getByRole('menuitemradio', { name: 'Show listening' }).click();
      const after = await moreItems('Connection filters', modes);
      expect(after.items).toEqual(['menuitemradio false', 'menuitemradio true', 'menuitemradio false']);
      await after.menu.getByRole('menuitemradio', { name: 'Show all' }).click();
      // Space on an item chooses it and nothing else: it went on to the page's shortcut and paused NetLens too (a new
      // user's review of 12-07).
      const bySpace = await moreItems('Connection filters', modes);
      await bySpace.menu.getByRole('menuitemradio', { name: 'Show connected' }).focus();
      await page.keyboard.press(' ');
      const spaced = await moreItems('Connection filters', modes);
      expect(spaced.items).toEqual(['menuitemradio false', 'menuitemradio false', 'menuitemradio true']);
      await spaced.menu.getByRole('menuitemradio', { name: 'Show all' }).click();
      expect(await page.locator('.statusbar').textContent(), 'not paused').not.toContain('Paused');
      // History's groups, in a window narrow enough to move them: As it was's modes, What changed's comparisons.
      await page.setViewportSize({ width: 600, height: 600 });
      await page.getByRole('tab', { name: 'History' }).click();
      await page.getByRole('radio', { name: 'As it was' }).click();
      await until('As it was’s modes in its ⋯', () =>
        page.getByRole('button', { name: 'More in Recorded connection filters' }).isVisible(),
      );
      const recorded = await moreItems('Recorded connection filters', modes);
      expect(recorded.items).toEqual(['menuitemradio true', 'menuitemradio false', 'menuitemradio false']);
      await page.keyboard.press('Escape');
      await page.getByRole('radio', { name: 'What changed' }).click();
      await until('What changed’s comparisons in its ⋯', () =>
        page.getByRole('button', { name: 'More in What changed' }).isVisible(),
      );
      const compare = await moreItems('What changed', ['Now vs a moment', 'Two moments']);
      expect(compare.items).toEqual(['menuitemradio true', 'menuitemradio false']);
      await page.keyboard.press('Escape');
      await page.getByRole('radio', { name: 'As it was' }).click();
    } finally {
      await page.setViewportSize({ width: 1400, height: 900 });
      await page.getByRole('tab', { name: 'Connections' }).click();
    }
  });
});
