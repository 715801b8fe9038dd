// bench:idle's replay peer (bench/page-replay.ts) repeats what a page wrote, and only that: a figure measured on it
// is a peer only if the copy looks as the page did (its stylesheets), runs none of its script, and changes the same
// nodes to the same values on the same schedule, canvases included.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordChanges, replayChanges } from '../../bench/page-replay.js';
import { launchChromium, until } from './support.js';

let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

describe.skipIf(process.platform !== 'linux')('the replay peer of bench:idle', () => {
  it('copies the document and repeats its writes, not its script', async () => {
    const source = await browser.newPage({ viewport: { width: 400, height: 300 } });
    await source.setContent(
      '<p>count <span id="n" class="a">0</span></p><canvas id="c" width="20" height="20"></canvas><script>window.ran = true</script>',
    );
    await source.addStyleTag({ content: '#n { color: rgb(200, 0, 0); } .b { font-weight: 700; }' });
    expect(await source.evaluate(() => (window as unknown as { ran?: boolean }).ran)).toBe(true);
    await source.evaluate(() => {
      const n = document.getElementById('n')!;
      const g = (document.getElementById('c') as HTMLCanvasElement).getContext('2d')!;
      let i = 0;
      setInterval(() => {
        i++;
        // A text node's data, as React writes a text it changes.
        (n.firstChild as Text).data = `v${i}`;
        // A node added once: not replayed, counted.
        if (i === 2) document.body.append(document.createElement('hr'));
        n.className = i % 2 ? 'b' : 'a';
        g.fillStyle = i % 2 ? 'rgb(0, 0, 255)' : 'rgb(0, 255, 0)';
        g.fillRect(0, 0, 20, 20);
      }, 250);
    });
    const recording = await recordChanges(source, 2.2, { x: 10, y: 10 });
    await source.close();

    expect(recording.html).not.toMatch(/<script/i);
    const values = recording.writes.filter((w) => w.attribute === null).map((w) => w.value);
    expect(values.length).toBeGreaterThanOrEqual(6);
    expect(recording.canvases[0]?.frames.length).toBeGreaterThanOrEqual(2);

    const copy = await browser.newPage({ viewport: { width: 400, height: 300 } });
    const stats = await replayChanges(copy, recording);
    expect(stats).toMatchObject({ unresolved: 0, structuralSkipped: 1 });
    expect(stats.writes).toBe(recording.writes.length);
    // The page's look (its stylesheet, inlined) and its writes, one after another.
    expect(await copy.locator('#n').evaluate((e) => getComputedStyle(e).color)).toBe('rgb(200, 0, 0)');
    const seen = new Set<string>();
    await until('the copy to show four of the values', async () => {
      seen.add((await copy.locator('#n').textContent()) ?? '');
      return seen.size >= 4;
    });
    for (const text of seen) if (text !== '0') expect(values).toContain(text);
    // The canvas shows the pictures the page drew (a copy's canvas starts blank).
    const pixel = () =>
      copy
        .locator('#c')
        .evaluate((c: HTMLCanvasElement) =>
          Array.from(c.getContext('2d')!.getImageData(10, 10, 1, 1).data.slice(0, 3)).join(','),
        );
    await until("the copy's canvas to show a picture of the page's", async () =>
      ['0,0,255', '0,255,0'].includes(await pixel()),
    );
    // None of the page's own script ran in the copy.
    expect(await copy.evaluate(() => (window as unknown as { ran?: boolean }).ran)).toBeUndefined();
    await copy.close();
  });
});
