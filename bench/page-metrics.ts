// A page's Chromium Performance metrics (task, script, style and layout durations, counts, the JS heap), read
// through CDP: what bench:rest-counts and bench:renderer take deltas of. Bench support only.
import type { CDPSession, Page } from 'playwright-core';

/** A CDP session on `page` with its Performance domain enabled (metrics count from here). */
export async function metricsSession(page: Page): Promise<CDPSession> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  return cdp;
}

/** The page's metrics now, by Chromium's names (durations in seconds, as Chromium gives them). */
export async function pageMetrics(cdp: CDPSession): Promise<Record<string, number>> {
  const { metrics } = await cdp.send('Performance.getMetrics');
  return Object.fromEntries(metrics.map((m) => [m.name, m.value]));
}
