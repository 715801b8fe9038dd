// A peer for bench:idle: what Chromium spends to show the changes a tab of NetLens shows at rest, with none of
// NetLens's script. `recordChanges` watches the app's page for a while (a MutationObserver: each text and attribute
// write, with its time; each canvas's picture once a second) and copies its document (its stylesheets inlined,
// scripts and the Content-Security-Policy left out); `replayChanges` loads that copy into a page and repeats the
// same writes on the same schedule, in a loop, with the pointer where the app's page had it. Chromium then does the
// style, layout, paint, raster and compositing of the same changes, and nothing else: the app's figure over the
// replay's is what its own work (script, garbage, the diffs' messages) adds to the drawing it asks for.
// Added or removed nodes (a row appearing) are not replayed, only counted: the copy keeps the rows it has.
// Bench support only.
import type { Page } from 'playwright-core';

/** One write the app made: where (child indices from <html>), what, and when (ms after the recording began). */
interface Write {
  at: number;
  path: number[];
  /** 'text' (a text node's data) or the attribute's name. */
  attribute: string | null;
  value: string | null;
}

export interface Recording {
  html: string;
  writes: Write[];
  /** Each canvas (by its path) and its pictures, one a second, as data URLs; the time of each. */
  canvases: { path: number[]; frames: { at: number; url: string }[] }[];
  ms: number;
  /** Nodes added or removed during the recording: not replayed. */
  structural: number;
  pointer: { x: number; y: number } | null;
}

export interface ReplayStats {
  writes: number;
  canvasFrames: number;
  structuralSkipped: number;
  /** Writes whose node the copy has not (a path a structural change moved). */
  unresolved: number;
}

/** Watches `page` for `seconds` and returns what it wrote, and a copy of the document as it was at the start. */
export async function recordChanges(
  page: Page,
  seconds: number,
  pointer: { x: number; y: number } | null,
): Promise<Recording> {
  const recorded = await page.evaluate(async (ms) => {
    const pathOf = (n: Node): number[] => {
      const p: number[] = [];
      for (let x: Node = n; x !== document.documentElement && x.parentNode; x = x.parentNode)
        p.unshift(Array.prototype.indexOf.call(x.parentNode.childNodes, x));
      return p;
    };
    const copy = document.documentElement.cloneNode(true) as HTMLElement;
    // Stylesheets inlined (the page's own, read from the CSSOM), scripts and the meta CSP out: the copy runs
    // nothing of the app's and loads from nowhere.
    const css = [...document.styleSheets].map((s) => [...s.cssRules].map((r) => r.cssText).join('\n')).join('\n');
    for (const e of copy.querySelectorAll('script, link[rel=stylesheet], meta[http-equiv]'))
      e.replaceWith(document.createComment(''));
    const style = document.createElement('style');
    style.textContent = css;
    copy.querySelector('head')?.append(style);
    const html = `<!doctype html>${copy.outerHTML}`;

    const t0 = performance.now();
    const writes: { at: number; path: number[]; attribute: string | null; value: string | null }[] = [];
    let structural = 0;
    const observer = new MutationObserver((records) => {
      const at = performance.now() - t0;
      for (const r of records) {
        if (r.type === 'childList') structural += r.addedNodes.length + r.removedNodes.length;
        else if (r.type === 'characterData')
          writes.push({ at, path: pathOf(r.target), attribute: null, value: (r.target as Text).data });
        else {
          const name = r.attributeName!;
          writes.push({ at, path: pathOf(r.target), attribute: name, value: (r.target as Element).getAttribute(name) });
        }
      }
    });
    observer.observe(document.documentElement, {
      subtree: true,
      childList: true,
      attributes: true,
      characterData: true,
    });
    const canvases = [...document.querySelectorAll('canvas')].map((c) => ({
      canvas: c,
      path: pathOf(c),
      frames: [] as { at: number; url: string }[],
    }));
    const snap = () => {
      const at = performance.now() - t0;
      for (const c of canvases) if (c.canvas.isConnected) c.frames.push({ at, url: c.canvas.toDataURL() });
    };
    const timer = setInterval(snap, 1000);
    await new Promise((r) => setTimeout(r, ms));
    clearInterval(timer);
    observer.disconnect();
    return {
      html,
      writes,
      structural,
      ms,
      canvases: canvases.map(({ path, frames }) => ({ path, frames })),
    };
  }, seconds * 1000);
  return { ...recorded, pointer };
}

/** Loads the recording's copy into `page` and repeats its writes and canvas pictures in a loop, until the page
 *  navigates. Returns what the replay does in each loop. */
export async function replayChanges(page: Page, recording: Recording): Promise<ReplayStats> {
  await page.goto('about:blank');
  await page.setContent(recording.html);
  if (recording.pointer) await page.mouse.move(recording.pointer.x, recording.pointer.y);
  const unresolved = await page.evaluate(async (r) => {
    const at = (path: number[]): Node | null => {
      let n: Node | null = document.documentElement;
      for (const i of path) n = n?.childNodes[i] ?? null;
      return n;
    };
    let missing = 0;
    const writes = r.writes.map((w) => {
      const node = at(w.path);
      if (!node) missing++;
      return { ...w, node };
    });
    const pictures = await Promise.all(
      r.canvases.map(async (c) => {
        const canvas = at(c.path);
        const images = await Promise.all(
          // Decoded once, as bitmaps: each tick's draw is then a copy of pixels, as a chart's redraw ends in.
          c.frames.map(async (f) => ({ at: f.at, img: await createImageBitmap(await (await fetch(f.url)).blob()) })),
        );
        return canvas instanceof HTMLCanvasElement ? { canvas, images } : null;
      }),
    );
    const loop = () => {
      for (const w of writes) {
        const node = w.node;
        if (!node) continue;
        setTimeout(() => {
          if (w.attribute === null) (node as Text).data = w.value ?? '';
          else if (w.value === null) (node as Element).removeAttribute(w.attribute);
          else (node as Element).setAttribute(w.attribute, w.value);
        }, w.at);
      }
      for (const p of pictures) {
        if (!p) continue;
        const g = p.canvas.getContext('2d');
        for (const { at, img } of p.images)
          setTimeout(() => {
            g?.clearRect(0, 0, p.canvas.width, p.canvas.height);
            g?.drawImage(img, 0, 0);
          }, at);
      }
    };
    loop();
    setInterval(loop, r.ms);
    return missing;
  }, recording);
  return {
    writes: recording.writes.length,
    canvasFrames: recording.canvases.reduce((n, c) => n + c.frames.length, 0),
    structuralSkipped: recording.structural,
    unresolved,
  };
}
