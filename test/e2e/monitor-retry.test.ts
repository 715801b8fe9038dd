// The monitor that gave up (its worker dying as soon as it starts) is shown as a banner with a Retry
// button, and Retry brings live data back once the cause is gone (issue 10, item 10). The browser host is
// started from a copy of out/ whose monitor worker is missing; the test then puts it back and clicks Retry.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { ROOT, launchChromium, startHost, until, type RunningHost } from './support.js';

const root = mkdtempSync(join(tmpdir(), 'security-monitor-root-'));
let host: RunningHost;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  const out = join(ROOT, 'out');
  mkdirSync(join(root, 'out', 'main'), { recursive: true });
  for (const entry of readdirSync(out)) if (entry !== 'main') symlinkSync(join(out, entry), join(root, 'out', entry));
  for (const file of readdirSync(join(out, 'main')))
    if (file !== 'worker.cjs') symlinkSync(join(out, 'main', file), join(root, 'out', 'main', file));
  host = await startHost([], { NETLENS_ROOT: root });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(host.url);
});

afterAll(async () => {
  await browser?.close();
  await host?.stop();
  rmSync(root, { recursive: true, force: true });
});

describe('a monitor that gave up', () => {
  it('shows a banner with Retry; Retry brings the data back once the worker can start', async () => {
    const banner = page.locator('.notice.error', { hasText: 'The monitor keeps stopping' });
    await banner.waitFor({ timeout: 30_000 });
    expect(await banner.getByRole('button', { name: 'Retry now' }).count()).toBe(1);
    // The cause goes away: the worker is there again.
    symlinkSync(join(ROOT, 'out', 'main', 'worker.cjs'), join(root, 'out', 'main', 'worker.cjs'));
    await banner.getByRole('button', { name: 'Retry now' }).click();
    const rows = page.locator('[role="grid"][aria-label="Connections"] [role="row"][data-row-id]');
    await until('connection rows after Retry', async () => (await rows.count()) > 0, 30_000);
    expect(await page.locator('.notice.error', { hasText: 'The monitor keeps stopping' }).count()).toBe(0);
    await page.locator('.notice', { hasText: 'The monitor is running again' }).waitFor({ timeout: 30_000 });
    expect(host.output()).toMatch(/monitor: retrying \(requested\)/);
  });
});
