// bench:idle's replay peer (bench/page-replay.ts) repeats what a page wrote, and only that: a figure measured on it
// is a peer only if the copy looks as the page did (its linked stylesheet), runs none of its script, and changes the
// same nodes to the same values on the same schedule, canvases included, where React's trees have adjacent and
// empty texts that the HTML parser would merge or drop, and nodes added during the recording.
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

const ORIGIN = 'http://replay.test';

describe.skipIf(process.platform !== 'linux')('the replay peer of bench:idle', () => {
  it('copies the document node for node and repeats its writes on their schedule, not its script', async () => {
    const source = await browser.newPage({ viewport: { width: 400, height: 300 } });
    await source.route(`${ORIGIN}/**`, (route) =>
      route.fulfill(
        route.request().url().endsWith('.css')
          ? { contentType: 'text/css', body: '#n { color: rgb(200, 0, 0); } .b { font-weight: 700; }' }
          : {
              contentType: 'text/html',
              body: '<!doctype html><link rel="stylesheet" href="/s.css"><p id="p"></p><canvas id="c" width="20" height="20"></canvas><script>window.ran = true</script>',
            },
      ),
    );
    await source.goto(`${ORIGIN}/`);
    expect(await source.evaluate(() => (window as unknown as { ran?: boolean }).ran)).toBe(true);
    await source.evaluate(() => {
      // As React builds "{shown} of {total}": adjacent texts, and an empty one, that a parse of the HTML would merge.
      const p = document.getElementById('p')!;
      const shown = document.createTextNode('0');
      p.append(shown, document.createTextNode(''), document.createTextNode(' of '), document.createTextNode('5'));
      const n = document.createElement('span');
      n.id = 'n';
      n.className = 'a';
      n.append('0');
      p.append(n);
      const g = (document.getElementById('c') as HTMLCanvasElement).getContext('2d')!;
      let i = 0;
      setInterval(() => {
        i++;
        shown.data = `s${i}`;
        (n.firstChild as Text).data = `v${i}`;
        n.className = i % 2 ? 'b' : 'a';
        g.fillStyle = i % 2 ? 'rgb(0, 0, 255)' : 'rgb(0, 255, 0)';
        g.fillRect(0, 0, 20, 20);
        // Added once, before the nodes written: not replayed, counted, and the writes after it still find theirs.
        if (i === 2) p.prepend(document.createElement('b'));
      }, 300);
    });
    const recording = await recordChanges(source, 1.6, { x: 10, y: 10 });
    await source.close();

    const texts = recording.batches.flatMap((b) => b.writes.filter((w) => w.attribute === null).map((w) => w.value));
    expect(texts.filter((t) => t?.startsWith('v')).length).toBeGreaterThanOrEqual(4);
    expect(recording.batches.flatMap((b) => b.pictures).length).toBeGreaterThanOrEqual(2);
    expect(recording).toMatchObject({ structural: 1, unresolved: 0 });

    const copy = await browser.newPage({ viewport: { width: 400, height: 300 } });
    // The copy loads nothing: the stylesheet it shows is the one it carries.
    const requests: string[] = [];
    copy.on('request', (r) => requests.push(r.url()));
    const stats = await replayChanges(copy, recording);
    expect(stats).toMatchObject({ structuralSkipped: 1, unresolved: 0 });
    expect(await copy.evaluate(() => document.compatMode)).toBe('CSS1Compat');
    expect(await copy.locator('#n').evaluate((e) => getComputedStyle(e).color)).toBe('rgb(200, 0, 0)');
    expect(await copy.evaluate(() => (window as unknown as { ran?: boolean }).ran)).toBeUndefined();

    // Each text node keeps to its own values, batch after batch, over two loops of the recording.
    const seen = await copy.evaluate(async (ms) => {
      const p = document.getElementById('p')!;
      const log: string[] = [];
      const observer = new MutationObserver(() =>
        log.push(
          [...p.childNodes].map((c) => (c instanceof Text ? `[${c.data}]` : `<${(c as Element).localName}>`)).join(''),
        ),
      );
      observer.observe(p, { subtree: true, characterData: true });
      await new Promise((r) => setTimeout(r, ms));
      observer.disconnect();
      return log;
    }, 2.2 * recording.ms);
    const states = [...new Set(seen)];
    expect(states.length).toBeGreaterThanOrEqual(4);
    for (const s of states) expect(s).toMatch(/^\[s\d+\]\[\]\[ of \]\[5\]<span>$/);
    const first = recording.batches.flatMap((b) => b.writes).find((w) => w.value?.startsWith('s'))!.value;
    expect(seen.filter((s) => s.startsWith(`[${first}]`)).length).toBeGreaterThanOrEqual(2);
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
    expect(requests.filter((u) => u.startsWith(ORIGIN))).toEqual([]);
    await copy.close();
  });
});
