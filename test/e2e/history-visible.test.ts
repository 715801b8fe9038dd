// The History tab asks the host for the live interfaces only while its Exposure view shows (the view that compares
// the record with them): on its other views the page got, parsed, applied and answered an interfaces diff every
// tick for nothing on screen. The connections keep coming (the status bar shows their tick). Counted on the page's
// WebSocket, routed here.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { loopbackTraffic, openApp, openRoutedPage, showTabByKey, until, type OpenApp } from './support.js';

let app: OpenApp;
/** Bytes on a loopback pair the whole time: the connections change every tick, and every tick is sent. On a machine
 *  at rest a tick that moves nothing but the page's own connection waits up to 5 s (electron/monitor/quiet.ts), and
 *  this test counts ticks by the connections messages. */
let traffic: { stop: () => Promise<void> } | null = null;
let page: Page;
/** The host's snapshots and diffs to the page, by dataset, in order of arrival. */
const received: string[] = [];

beforeAll(async () => {
  traffic = await loopbackTraffic(() => 1024, 200);
  app = await openApp({ width: 1100, height: 700 });
  page = await openRoutedPage(
    app,
    (message, toPage) => {
      if (typeof message === 'string' && message.startsWith('{"type":"')) {
        const m = /^\{"type":"(diff|snapshot)","dataset":"(\w+)"/.exec(message);
        if (m) received.push(m[2]!);
      }
      toPage(message);
    },
    { viewport: { width: 1100, height: 700 } },
  );
}, 60_000);

afterAll(async () => {
  await app?.close();
  await traffic?.stop();
});

/** What arrives from now until `ticks` more connections messages came. */
async function nextTicks(ticks: number): Promise<string[]> {
  const from = received.length;
  await until(
    `${ticks} connections ticks`,
    () => received.slice(from).filter((d) => d === 'connections').length >= ticks,
  );
  return received.slice(from);
}

describe('the History tab', () => {
  it('is sent the live interfaces only on its Exposure view', async () => {
    // The host's messages carry their type and dataset first (checked here, so the count cannot pass by missing them).
    await nextTicks(1);
    await showTabByKey(page, 'Control+5', 'History');
    await page.getByRole('radio', { name: 'As it was' }).waitFor();
    // Two ticks for the page's visibility report to reach the host (an interfaces message of the tick before may come
    // after that tick's connections), then three ticks of As it was.
    await nextTicks(2);
    const asItWas = await nextTicks(3);
    expect(asItWas.filter((d) => d === 'interfaces')).toEqual([]);

    await page.getByRole('radio', { name: 'Exposure' }).click();
    await until('the interfaces sent to Exposure', async () => (await nextTicks(1)).includes('interfaces'));
    const exposure = await nextTicks(3);
    expect(exposure.filter((d) => d === 'interfaces').length).toBeGreaterThanOrEqual(2);

    await page.getByRole('radio', { name: 'What changed' }).click();
    await nextTicks(2);
    expect((await nextTicks(3)).filter((d) => d === 'interfaces')).toEqual([]);
  });
});
