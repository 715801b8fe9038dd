// The app frame in headless Chromium against the real browser host: the four tabs switch by click and by
// keyboard (ARIA tablist), and the status bar shows the host kind, the platform and the version, fetched
// through the API.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { platform } from 'node:os';
import { type RunningHost, openApp, type OpenApp } from './support.js';
import pkg from '../../package.json' with { type: 'json' };

let app: OpenApp;
let host: RunningHost;
let page: Page;

beforeAll(async () => {
  app = await openApp();
  ({ host, page } = app);
});
afterAll(async () => {
  await app?.close();
});

const selectedTab = () => page.locator('[role="tab"][aria-selected="true"]').textContent();

describe('app frame', () => {
  it('drops the token from the address bar once loaded', async () => {
    await page.locator('[role="tablist"]').waitFor();
    expect(page.url()).not.toContain('token=');
  });

  it('shows four tabs in a tablist, one panel visible', async () => {
    const tabs = page.locator('[role="tablist"] [role="tab"]');
    expect(await tabs.allTextContents()).toEqual(['Connections', 'Routes', 'Interfaces', 'Statistics']);
    expect(await page.locator('[role="tabpanel"]:not([hidden])').count()).toBe(1);
  });

  it('switches tabs by click', async () => {
    for (const name of ['Routes', 'Interfaces', 'Statistics', 'Connections']) {
      await page.getByRole('tab', { name }).click();
      expect(await selectedTab()).toBe(name);
      const panel = page.locator('[role="tabpanel"]:not([hidden])');
      expect(await panel.getAttribute('aria-labelledby')).toBe(`tab-${name.toLowerCase()}`);
    }
  });

  it('switches tabs by keyboard: arrows in the tablist, Ctrl+1..4 anywhere', async () => {
    await page.getByRole('tab', { name: 'Connections' }).focus();
    await page.keyboard.press('ArrowRight');
    expect(await selectedTab()).toBe('Routes');
    await page.keyboard.press('End');
    expect(await selectedTab()).toBe('Statistics');
    await page.keyboard.press('ArrowRight');
    expect(await selectedTab()).toBe('Connections');
    await page.keyboard.press('ArrowLeft');
    expect(await selectedTab()).toBe('Statistics');
    await page.keyboard.press('Control+3');
    expect(await selectedTab()).toBe('Interfaces');
    await page.keyboard.press('Control+1');
    expect(await selectedTab()).toBe('Connections');
  });

  it('reads the host kind, platform and version from the status bar', async () => {
    const hostStatus = page.locator('[data-status="host"]');
    await hostStatus.waitFor();
    expect(await page.locator('[data-status="platform"]').textContent()).toBe(platform());
    const text = await hostStatus.textContent();
    expect(text).toContain('Browser host');
    expect(text).toContain(`NetLens ${pkg.version}`);
  });
});
