// A page of the browser host whose host stopped: while nothing answers it says it is reconnecting, and greys what
// it shows; once a new launch answers at the same address (a new token and page address each start, which this
// page cannot know) it says so and how to go on, instead of "reconnecting…" for ever over rows that look live
// (review, 12-02).
import { afterAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { join } from 'node:path';
import { SCREENSHOTS, launchChromium, startHost, until, type RunningHost } from './support.js';

let browser: Browser | null = null;
const hosts: RunningHost[] = [];
afterAll(async () => {
  await browser?.close();
  for (const h of hosts) await h.stop();
});

describe('the browser host stopped under an open page', () => {
  it('says it is reconnecting while nothing answers, then that the host now answering is a new launch', {
    timeout: 90_000,
  }, async () => {
    const first = await startHost();
    hosts.push(first);
    browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1100, height: 700 } });
    await page.goto(first.url);
    await page.locator('[role="grid"][aria-label="Connections"] [role="row"][data-row-id]').first().waitFor();
    const alert = page.locator('.notice.error[role="alert"]');

    await first.stop();
    await until('the reconnecting notice', async () => ((await alert.textContent()) ?? '').includes('reconnecting'));
    expect(await page.locator('.app').getAttribute('class')).toContain('offline');
    // The status bar says so too, beside the last tick's figures.
    expect(await page.locator('footer [data-status="offline"]').textContent()).toMatch(
      /^Disconnected: as at \d\d:\d\d:\d\d$/,
    );
    // After a while it says where a NetLens started again would be: at the address it printed, which may be another
    // (a host started again on another port left the page "reconnecting…" for ever: a new user's review of 12-05).
    expect(await alert.textContent()).not.toContain('another address');
    await until(
      'the hint of a new address',
      async () => ((await alert.textContent()) ?? '').includes('may answer at another address'),
      20_000,
    );
    expect(await alert.textContent()).toContain('reconnecting');

    const second = await startHost(['--port', String(first.port)]);
    hosts.push(second);
    expect(second.port).toBe(first.port);
    const text = await until(
      'the notice that the host is a new launch',
      async () => {
        const t = (await alert.textContent()) ?? '';
        return t.includes('has stopped') ? t : null;
      },
      30_000,
    );
    expect(text).toContain('Open the address it printed');
    expect(text).not.toContain('reconnecting');
    expect(await page.locator('.app').getAttribute('class')).toContain('offline');
    await page.screenshot({ path: join(SCREENSHOTS, 'host-restarted-1100x700.png') });
    // The new launch's own address opens as usual.
    await page.goto(second.url);
    await page.locator('[role="grid"][aria-label="Connections"] [role="row"][data-row-id]').first().waitFor();
    expect(await alert.count()).toBe(0);
    expect(await page.locator('footer [data-status="offline"]').count()).toBe(0);
  });
});
