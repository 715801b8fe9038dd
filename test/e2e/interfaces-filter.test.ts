// The Interfaces tab's filter: Ctrl+F reaches it, typing narrows the list to interfaces with the text in their
// name, state, addresses, MAC…, a text nothing has says so, Escape brings every interface back; Hide down leaves
// out the interfaces that are down. The status bar counts what is shown of how many.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openApp, savedSettings, showTabByKey, until, type OpenApp } from './support.js';

let app: OpenApp;
let page: Page;

beforeAll(async () => {
  app = await openApp();
  page = app.page;
}, 60_000);
afterAll(async () => {
  await app?.close();
});

const list = () => page.locator('[role="grid"][aria-label="Interfaces"]');
const rows = () => list().locator('[role="row"][data-row-id]');
/** Each interface listed: its name and state as shown. */
const listed = () =>
  rows().evaluateAll((rs) =>
    rs.map((r) => ({
      name: r.querySelector('[data-column="name"]')?.textContent ?? '',
      state: r.querySelector('[data-column="state"]')?.textContent ?? '',
    })),
  );
const status = () => page.locator('footer[aria-label="Status"] [data-status="rows"]').textContent();

describe.runIf(process.platform === 'linux')('the Interfaces filter', () => {
  it('is reached by Ctrl+F and narrows the list to interfaces with the text; Escape brings them back', async () => {
    await showTabByKey(page, 'Control+3', 'Interfaces');
    await until('the loopback interface listed', async () => (await listed()).some((r) => r.name === 'lo'));
    const all = (await listed()).length;
    await page.keyboard.press('Control+f');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Filter interfaces');
    // An address: the loopback's.
    await page.keyboard.type('127.0.0.');
    await until('only the loopback', async () => (await listed()).map((r) => r.name).join() === 'lo');
    await until('the status bar counting it', async () => (await status()) === `1 of ${all} interfaces`);
    await page.keyboard.press('Control+a');
    await page.keyboard.type('zz-no-such-interface');
    await until(
      'nothing matches',
      async () => (await page.getByText('No interface matches “zz-no-such-interface”.').count()) > 0,
    );
    expect(await rows().count()).toBe(0);
    // The chart keeps the interface it shows, and says the list hides it.
    await until('the chart said hidden', async () => (await page.getByTestId('chart-hidden').count()) === 1);
    await page.keyboard.press('Escape');
    await until('the note gone', async () => (await page.getByTestId('chart-hidden').count()) === 0);
    await until('every interface back', async () => (await listed()).length === all);
    expect(await page.getByLabel('Filter interfaces').inputValue()).toBe('');
  });

  it('hides the interfaces that are down with Hide down, and shows them again', async () => {
    const hide = page.getByRole('button', { name: 'Hide down' });
    // The interfaces listed and which of them are down, read until two readings agree (another test's namespace
    // may add or take away an interface meanwhile).
    let before = await listed();
    await until('a steady list', async () => {
      const now = await listed();
      const same = JSON.stringify(now) === JSON.stringify(before);
      before = now;
      return same;
    });
    const up = before.filter((r) => !['down', 'lowerlayerdown', 'notpresent'].includes(r.state)).map((r) => r.name);
    await hide.click();
    expect(await hide.getAttribute('aria-pressed')).toBe('true');
    await until('only those up', async () => {
      const shown = await listed();
      return shown.every((r) => r.state !== 'down') && shown.length === up.length;
    });
    expect((await listed()).map((r) => r.name).sort()).toEqual([...up].sort());
    await hide.click();
    await until('the down ones back', async () => (await listed()).length === before.length);
  });

  it('keeps the filters while another tab is shown (each tab’s panel is taken down), and Hide down after a reload', async () => {
    await page.getByLabel('Filter interfaces').fill('lo');
    const hide = page.getByRole('button', { name: 'Hide down' });
    await hide.click();
    await showTabByKey(page, 'Control+1', 'Connections');
    await page.getByRole('searchbox', { name: 'Filter connections' }).fill('proc:node');
    await showTabByKey(page, 'Control+2', 'Routes');
    await showTabByKey(page, 'Control+3', 'Interfaces');
    expect(await page.getByLabel('Filter interfaces').inputValue()).toBe('lo');
    expect(await hide.getAttribute('aria-pressed')).toBe('true');
    await showTabByKey(page, 'Control+1', 'Connections');
    expect(await page.getByRole('searchbox', { name: 'Filter connections' }).inputValue()).toBe('proc:node');
    await page.getByRole('searchbox', { name: 'Filter connections' }).fill('');
    // Hide down is a setting (saved as Hide loopback is); the text typed is for the page's life.
    await showTabByKey(page, 'Control+3', 'Interfaces');
    // Saved by the host before the reload (the page saves a moment after a change).
    await until(
      'Hide down saved',
      () => (savedSettings(app.host) as { hideDownInterfaces?: boolean } | null)?.hideDownInterfaces === true,
    );
    await page.reload();
    await until(
      'Hide down still on',
      async () => (await hide.getAttribute('aria-pressed').catch(() => null)) === 'true',
    );
    expect(await page.getByLabel('Filter interfaces').inputValue()).toBe('');
    await hide.click();
    await until('Hide down off', async () => (await hide.getAttribute('aria-pressed')) === 'false');
  });
});
