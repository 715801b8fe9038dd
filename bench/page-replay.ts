// A peer for bench:idle: what Chromium spends to show the changes a tab of NetLens shows at rest, with none of
// NetLens's script. `recordChanges` copies the app's page (its tree, node for node, as data: no script, no
// stylesheet link or Content-Security-Policy, its stylesheets' rules inlined from the CSSOM) and then watches it for a
// while: each text and attribute write, with its time and the copied node it went to, and each canvas's picture as
// it changes. `replayChanges` builds that copy in a page of its own, node for node (not through the HTML parser,
// which would merge adjacent texts and drop empty ones, so that a write would miss its node), puts the pointer where
// the app's page had it, and repeats the writes, batch by batch, on the same schedule, in a loop. Chromium then does
// the style, layout, paint, raster and compositing of the same changes, and nothing else: the app's figure over the
// replay's is what its own work (script, garbage, the diffs' messages) adds to the drawing it asks for.
// Not replayed, only counted: nodes added or removed (the copy keeps the nodes it has), and writes to a node the copy
// has not (one made after the copy, or written once detached). Bench support only.
import type { Page } from 'playwright-core';

/** A node of the copy: an element (name, namespace, attributes, children), a text, or a comment. */
type CopiedNode =
  | { kind: 'element'; name: string; ns: string | null; attributes: [string, string][]; children: CopiedNode[] }
  | { kind: 'text'; data: string }
  | { kind: 'comment' };

/** One batch of writes the app made (a MutationObserver delivery), `at` ms after the recording began. Each write
 *  names its node by its place in the copy's pre-order (`node`), and the attribute (null: a text's data). */
interface Batch {
  at: number;
  writes: { node: number; attribute: string | null; value: string | null }[];
  /** Canvases (by node) whose picture changed in this batch, and the picture, as a data URL. */
  pictures: { node: number; url: string }[];
}

export interface Recording {
  /** <html>'s attributes, and its <head> and <body>. */
  root: Extract<CopiedNode, { kind: 'element' }>;
  css: string;
  batches: Batch[];
  ms: number;
  /** Nodes added or removed during the recording. */
  structural: number;
  /** Writes to a node the copy has not (made after it) or that was not in the document when written. */
  unresolved: number;
  pointer: { x: number; y: number } | null;
}

export interface ReplayStats {
  writes: number;
  pictures: number;
  structuralSkipped: number;
  unresolved: number;
}

/** Copies `page` and watches it for `seconds`. */
export async function recordChanges(
  page: Page,
  seconds: number,
  pointer: { x: number; y: number } | null,
): Promise<Recording> {
  if (!(seconds > 0)) throw new Error(`a recording needs a time over 0 s, not ${seconds}`);
  const recorded = await page.evaluate(async (ms) => {
    // The copy, node for node; each live node's place in its pre-order.
    const place = new Map<Node, number>();
    let next = 0;
    const copy = (n: Node): CopiedNode => {
      place.set(n, next++);
      if (n instanceof Text) return { kind: 'text', data: n.data };
      if (!(n instanceof Element)) return { kind: 'comment' };
      // Nothing of the page's that runs or loads: its stylesheets come inlined, from the CSSOM.
      const tag = n.localName;
      if (tag === 'script' || tag === 'style' || (tag === 'link' && /stylesheet/i.test(n.getAttribute('rel') ?? '')))
        return { kind: 'comment' };
      if (tag === 'meta' && n.hasAttribute('http-equiv')) return { kind: 'comment' };
      return {
        kind: 'element',
        name: tag,
        ns: n.namespaceURI,
        attributes: [...n.attributes].map((a) => [a.name, a.value]),
        children: [...n.childNodes].map(copy),
      };
    };
    const root = copy(document.documentElement) as Extract<CopiedNode, { kind: 'element' }>;
    const css = [...document.styleSheets].map((s) => [...s.cssRules].map((r) => r.cssText).join('\n')).join('\n');

    const canvases = [...document.querySelectorAll('canvas')].filter((c) => place.has(c));
    const lastPicture = new Map<HTMLCanvasElement, string>();
    const t0 = performance.now();
    const batches: Batch[] = [];
    let structural = 0;
    let unresolved = 0;
    const observer = new MutationObserver((records) => {
      const batch: Batch = { at: performance.now() - t0, writes: [], pictures: [] };
      for (const r of records) {
        if (r.type === 'childList') {
          structural += r.addedNodes.length + r.removedNodes.length;
          continue;
        }
        const node = place.get(r.target);
        if (node === undefined || !r.target.isConnected) {
          unresolved++;
          continue;
        }
        if (r.type === 'characterData') batch.writes.push({ node, attribute: null, value: (r.target as Text).data });
        else {
          const name = r.attributeName!;
          batch.writes.push({ node, attribute: name, value: (r.target as Element).getAttribute(name) });
        }
      }
      // A canvas is drawn in the same task as the writes around it (the chart in the render's layout effects): its
      // picture is taken with them, and kept when it changed.
      for (const c of canvases) {
        if (!c.isConnected) continue;
        const url = c.toDataURL();
        if (lastPicture.get(c) === url) continue;
        lastPicture.set(c, url);
        batch.pictures.push({ node: place.get(c)!, url });
      }
      if (batch.writes.length > 0 || batch.pictures.length > 0) batches.push(batch);
    });
    for (const c of canvases) lastPicture.set(c, c.toDataURL());
    observer.observe(document.documentElement, {
      subtree: true,
      childList: true,
      attributes: true,
      characterData: true,
    });
    await new Promise((r) => setTimeout(r, ms));
    observer.disconnect();
    return { root, css, batches, structural, unresolved, ms };
  }, seconds * 1000);
  return { ...recorded, pointer };
}

/** Builds the recording's copy in `page` and repeats its batches in a loop, until the page navigates. */
export async function replayChanges(page: Page, recording: Recording): Promise<ReplayStats> {
  // A document in standards mode, as the app's; its <html> then takes the copy's attributes, head and body.
  await page.goto('about:blank');
  await page.setContent('<!doctype html><html><head></head><body></body></html>');
  if (recording.pointer) await page.mouse.move(recording.pointer.x, recording.pointer.y);
  await page.evaluate(async (r) => {
    const nodes: Node[] = [];
    // In pre-order, as the record numbered them: a node before its children.
    const build = (c: CopiedNode): Node => {
      const n =
        c.kind === 'text'
          ? document.createTextNode(c.data)
          : c.kind === 'comment'
            ? document.createComment('')
            : c.ns
              ? document.createElementNS(c.ns, c.name)
              : document.createElement(c.name);
      nodes.push(n);
      if (c.kind === 'element') {
        for (const [name, value] of c.attributes) (n as Element).setAttribute(name, value);
        for (const child of c.children) (n as Element).append(build(child));
      }
      return n;
    };
    const html = document.documentElement;
    nodes.push(html);
    for (const [name, value] of r.root.attributes) html.setAttribute(name, value);
    html.replaceChildren(...r.root.children.map(build));
    const style = document.createElement('style');
    style.textContent = r.css;
    document.head.append(style);

    const pictures = new Map<string, ImageBitmap>();
    for (const b of r.batches)
      for (const p of b.pictures)
        if (!pictures.has(p.url)) pictures.set(p.url, await createImageBitmap(await (await fetch(p.url)).blob()));
    const apply = (b: Batch) => {
      for (const w of b.writes) {
        const n = nodes[w.node];
        if (w.attribute === null) (n as Text).data = w.value ?? '';
        else if (w.value === null) (n as Element).removeAttribute(w.attribute);
        else (n as Element).setAttribute(w.attribute, w.value);
      }
      for (const p of b.pictures) {
        const canvas = nodes[p.node] as HTMLCanvasElement;
        const g = canvas.getContext('2d');
        g?.clearRect(0, 0, canvas.width, canvas.height);
        g?.drawImage(pictures.get(p.url)!, 0, 0);
      }
    };
    // One task a batch, as the app's writes come (a message, a timer).
    const loop = () => {
      for (const b of r.batches) setTimeout(() => apply(b), b.at);
    };
    loop();
    setInterval(loop, r.ms);
  }, recording);
  return {
    writes: recording.batches.reduce((n, b) => n + b.writes.length, 0),
    pictures: recording.batches.reduce((n, b) => n + b.pictures.length, 0),
    structuralSkipped: recording.structural,
    unresolved: recording.unresolved,
  };
}
