// The UI under its Content-Security-Policy without `style-src 'unsafe-inline'` (issue 10, item 9): React
// style props, uPlot and TanStack Virtual set styles through the CSSOM, which style-src does not govern;
// only <style> elements and style="" attributes in markup would need it, and the renderer has none. Every
// tab, its charts and a dialog render with no CSP violation reported.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, sparklinePoints, startHost, until, type RunningHost } from './support.js';

let host: RunningHost;
let browser: Browser;
let page: Page;
const consoleErrors: string[] = [];

beforeAll(async () => {
  host = await startHost();
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1360, height: 840 } });
  page.on('console', (m) => {
    if (m.type() === 'error' || /Content Security Policy/i.test(m.text())) consoleErrors.push(m.text());
  });
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { cspViolations: string[] }).cspViolations = seen;
    document.addEventListener('securitypolicyviolation', (e) =>
      seen.push(`${e.violatedDirective} ${e.blockedURI} ${e.sample}`),
    );
  });
  await page.goto(host.url);
});

afterAll(async () => {
  await browser?.close();
  await host?.stop();
});

describe('the renderer under its CSP', () => {
  it("sends a style-src without 'unsafe-inline'", async () => {
    const response = await page.request.get(page.url());
    const csp = response.headers()['content-security-policy'] ?? '';
    expect(csp).toMatch(/style-src 'self'(;|$)/);
    expect(csp).not.toContain('unsafe-inline');
  });

  it('renders every tab and its charts with no CSP violation', async () => {
    await until(
      'connection rows',
      async () => (await page.locator('[role="grid"][aria-label="Connections"] [role="row"][data-row-id]').count()) > 0,
    );
    for (const name of ['Routes', 'Interfaces', 'Statistics', 'Connections']) {
      await page.getByRole('tab', { name }).click();
      await until(
        `the ${name} tab`,
        async () => (await page.getByRole('tab', { selected: true }).textContent()) === name,
      );
    }
    await page.getByRole('tab', { name: 'Interfaces' }).click();
    // Rows are laid out by TanStack Virtual through element.style: they have a size, so styles applied.
    const box = await page.locator('[role="row"][data-row-id]').first().boundingBox();
    expect(box?.height ?? 0).toBeGreaterThan(0);
    // Let a chart draw a few ticks: lo's sparkline has three points.
    await until('a sparkline of three points', async () => (await sparklinePoints(page.locator('body'))) >= 3);
    const violations = await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations);
    expect(violations).toEqual([]);
    expect(consoleErrors.filter((e) => /Content Security Policy|Refused to apply/i.test(e))).toEqual([]);
  });
});
