// At rest, a tick re-renders only the grid rows whose content changed (issue 15: the renderer at rest). React's
// commits are watched through the hook React DevTools uses (React calls it in production builds too): for each
// grid row (DataGrid's GridRow, known by its props) a commit that gives it a new props object re-rendered it.
// A re-render whose props all say the same as before (the same row content, class, position, columns) is
// wasted: the row's DOM does not change, but React did the work and the page took the time. Loopback traffic
// of the test's own keeps counters, rates and the process list moving, so rows do re-render every tick.
import { createServer } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { afterTicks, launchChromium, loopbackTraffic, startHost, until, type RunningHost } from './support.js';

interface GridRenders {
  /** Row renders after the first (mounts not counted). */
  rendered: number;
  /** Of those, renders with every prop the same as before (the row's content compared as JSON). */
  wasted: number;
  /** A few wasted renders' row ids and props, to say which. */
  examples: string[];
  /** Renders after which the row looked as after its previous render but for its texts: the same class, each cell's
   *  text as long as it was (a tick that changed figures only, which cells of their own could draw alone). */
  sameLook: number;
}

/** Renders of a grid's parts other than its rows, after the first: the grid (DataGrid) and its header row. */
interface PartRenders {
  grids: Record<string, number>;
  headers: number;
  /** Headers seen in commits (mounted ones), so that a count of 0 renders means something. */
  headersSeen: number;
  /** React commits (renders of the page that reached the DOM). */
  commits: number;
  /** Renders of the elements with a data-testid (a view's root: a render of its component), by test id. */
  views: Record<string, number>;
  /** Renders of the names drawn in cells (Inert, MiddleCut: props `text` and at most `max`, `className`), and of
   *  those the renders with every prop the same as before. */
  names: number;
  namesWasted: number;
  /** Names seen in commits (mounted ones), so that a count of 0 wasted renders means something. */
  namesSeen: number;
}

declare global {
  interface Window {
    __rowRenders?: Record<string, GridRenders>;
    __partRenders?: PartRenders;
    /** Sets every count of __partRenders back to zero. */
    __resetPartRenders?: () => void;
  }
}

/** Runs in the page before the app: a stand-in for React DevTools' global hook that counts row renders. */
function installRenderCounter(): void {
  interface Fiber {
    memoizedProps: Record<string, unknown> | null;
    child: Fiber | null;
    sibling: Fiber | null;
    alternate: Fiber | null;
  }
  const last = new Map<string, Record<string, unknown>>();
  const counts: Record<string, GridRenders> = {};
  window.__rowRenders = counts;
  const zero = (): PartRenders => ({
    grids: {},
    headers: 0,
    headersSeen: 0,
    commits: 0,
    views: {},
    names: 0,
    namesWasted: 0,
    namesSeen: 0,
  });
  const parts = zero();
  window.__partRenders = parts;
  window.__resetPartRenders = () => void Object.assign(parts, zero());
  // A fiber's props before this commit: a new props object is a render of it.
  const lastParts = new WeakMap<object, Record<string, unknown>>();
  const isGrid = (p: Record<string, unknown>) => typeof p.gridId === 'string' && 'rows' in p && 'columns' in p;
  const isHeader = (p: Record<string, unknown>) => 'actions' in p && 'template' in p && 'sizing' in p;
  const isView = (p: Record<string, unknown>) => typeof p['data-testid'] === 'string';
  const NAME_PROPS = new Set(['text', 'max', 'className']);
  const isName = (p: Record<string, unknown>) =>
    typeof p.text === 'string' && Object.keys(p).every((k) => NAME_PROPS.has(k));
  // A row's class and its cells' text lengths, read from the page after a commit.
  const looks = new Map<string, string>();
  const lookOf = (domId: string) => {
    const el = document.getElementById(domId);
    return el === null ? '' : `${el.className}|${[...el.children].map((c) => (c.textContent ?? '').length).join(',')}`;
  };
  const isRow = (p: Record<string, unknown> | null): p is Record<string, unknown> =>
    p !== null && typeof p === 'object' && typeof p.domId === 'string' && 'cells' in p && 'events' in p && 'row' in p;
  const same = (a: Record<string, unknown>, b: Record<string, unknown>) =>
    Object.keys(b).every((k) => a[k] === b[k] || (k === 'row' && JSON.stringify(a[k]) === JSON.stringify(b[k])));
  const visit = (root: Fiber) => {
    const stack: Fiber[] = [root];
    while (stack.length > 0) {
      const f = stack.pop()!;
      const p = f.memoizedProps;
      if (p !== null && typeof p === 'object' && isName(p)) {
        const key = (f.alternate !== null && lastParts.has(f.alternate) ? f.alternate : f) as object;
        const before = lastParts.get(key);
        parts.namesSeen++;
        if (before !== undefined && before !== p) {
          parts.names++;
          if (Object.keys(p).length === Object.keys(before).length && Object.keys(p).every((k) => p[k] === before[k]))
            parts.namesWasted++;
        }
        lastParts.set(key, p);
      }
      if (p !== null && typeof p === 'object' && (isGrid(p) || isHeader(p) || isView(p))) {
        // A fiber and its alternate are one component: key the props seen by whichever was met first.
        const key = (f.alternate !== null && lastParts.has(f.alternate) ? f.alternate : f) as object;
        const before = lastParts.get(key);
        if (isHeader(p)) parts.headersSeen++;
        if (before !== undefined && before !== p) {
          if (isView(p)) {
            const id = p['data-testid'] as string;
            parts.views[id] = (parts.views[id] ?? 0) + 1;
          } else if (isHeader(p)) parts.headers++;
          else parts.grids[p.gridId as string] = (parts.grids[p.gridId as string] ?? 0) + 1;
        }
        lastParts.set(key, p);
      }
      if (isRow(p)) {
        const id = p.domId as string;
        const before = last.get(id);
        if (before !== undefined && before !== p) {
          const grid = id.slice(0, id.indexOf('-row-'));
          const c = (counts[grid] ??= { rendered: 0, wasted: 0, examples: [], sameLook: 0 });
          c.rendered++;
          if (same(before, p)) {
            c.wasted++;
            if (c.examples.length < 3) c.examples.push((p.row as { id: string }).id);
          }
          const look = lookOf(id);
          if (look === looks.get(id)) c.sameLook++;
          looks.set(id, look);
        } else if (before === undefined) looks.set(id, lookOf(id));
        last.set(id, p);
      }
      if (f.sibling) stack.push(f.sibling);
      if (f.child) stack.push(f.child);
    }
  };
  (window as unknown as Record<string, unknown>).__REACT_DEVTOOLS_GLOBAL_HOOK__ = {
    supportsFiber: true,
    isDisabled: false,
    renderers: new Map(),
    inject: () => 1,
    checkDCE: () => undefined,
    onScheduleFiberRoot: () => undefined,
    onCommitFiberUnmount: () => undefined,
    onPostCommitFiberRoot: () => undefined,
    onCommitFiberRoot: (_id: number, root: { current: Fiber }) => {
      parts.commits++;
      visit(root.current);
    },
  };
}

let host: RunningHost;
let browser: Browser;
let page: Page;
let traffic: { stop: () => Promise<void> };

beforeAll(async () => {
  // A loopback pair sending a little every 100 ms: counters, rates and totals move every tick.
  traffic = await loopbackTraffic(() => 4096, 100);
  host = await startHost();
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1360, height: 840 } });
  await page.addInitScript(installRenderCounter);
  await page.goto(host.url);
  await page.locator('[role="grid"][aria-label="Connections"] [role="row"][data-row-id]').first().waitFor();
  await page.getByRole('combobox', { name: 'Refresh interval' }).selectOption('1000');
});
afterAll(async () => {
  await browser?.close();
  await host?.stop();
  await traffic?.stop();
});

/** The row renders of the ticks that follow (after the tab has settled), per grid. */
async function rendersOver(ticks: number): Promise<Record<string, GridRenders>> {
  await afterTicks(page, 2);
  await page.evaluate(() => {
    for (const c of Object.values(window.__rowRenders!)) {
      c.rendered = 0;
      c.wasted = 0;
      c.examples = [];
      c.sameLook = 0;
    }
    window.__resetPartRenders!();
  });
  await afterTicks(page, ticks);
  return page.evaluate(() => structuredClone(window.__rowRenders!));
}

/** The grid and header renders of the ticks rendersOver just counted. */
function partRenders(): Promise<PartRenders> {
  return page.evaluate(() => structuredClone(window.__partRenders!));
}

async function showTab(id: string): Promise<void> {
  await page.locator(`#tab-${id}`).click();
  await page.locator(`#panel-${id}:not([hidden]) [role="grid"] [role="row"][data-row-id]`).first().waitFor();
}

describe('at rest, grid rows re-render only when what they show changed', () => {
  it('Connections: the sockets and the process list', async () => {
    await showTab('connections');
    const r = await rendersOver(4);
    // The test's own connection and NetLens's WebSocket change every tick (queues, traffic), and so do the
    // rates of their processes: rows did re-render.
    expect(r.connections?.rendered ?? 0, JSON.stringify(r)).toBeGreaterThan(0);
    expect(r.processes?.rendered ?? 0, JSON.stringify(r)).toBeGreaterThan(0);
    expect(r.connections!.wasted, JSON.stringify(r.connections)).toBe(0);
    expect(r.processes!.wasted, JSON.stringify(r.processes)).toBe(0);
  });

  it('Connections: a row a tick changed draws its names again without rendering them', async () => {
    await showTab('connections');
    const r = await rendersOver(4);
    const parts = await partRenders();
    // The rows of the test's connection and of its processes re-rendered (their counters, their rates): their process
    // names, the same texts, were not rendered again (on main every name of such a row was: 48 in 4 ticks).
    expect(r.connections?.rendered ?? 0, JSON.stringify(r)).toBeGreaterThan(0);
    expect(r.processes?.rendered ?? 0, JSON.stringify(r)).toBeGreaterThan(0);
    expect(parts.namesSeen, JSON.stringify(parts)).toBeGreaterThan(0);
    expect(parts.namesWasted, JSON.stringify(parts)).toBe(0);
  });

  it('Statistics: a tick that moves counters redraws their figures, not their rows or sections', async () => {
    await showTab('statistics');
    const inSegs = page.locator('#panel-statistics [data-row-id="Tcp.InSegs"] [data-column="value"]');
    const before = await inSegs.textContent();
    const r = await rendersOver(4);
    // The test's traffic moved Tcp InSegs (and other counters) at each tick: their figures changed on screen.
    expect(await inSegs.textContent()).not.toBe(before);
    // A row renders when its facts change (an alarm, a figure's text longer or shorter: the grid judges a cell's clip
    // by its text), not for new figures alone: on main every row whose counter moved rendered at each tick (about 14
    // a tick), most looking as before but for their texts, and so did its section's grid with all its rows.
    expect(r.statistics?.sameLook ?? 0, JSON.stringify(r.statistics)).toBe(0);
    expect(r.statistics?.wasted ?? 0, JSON.stringify(r.statistics)).toBe(0);
  });

  it('Interfaces: the interfaces', async () => {
    await showTab('interfaces');
    const r = await rendersOver(4);
    expect(r.interfaces?.rendered ?? 0, JSON.stringify(r)).toBeGreaterThan(0);
    expect(r.interfaces!.wasted, JSON.stringify(r.interfaces)).toBe(0);
  });

  it('Interfaces: a tick is one render, its chart point included', async () => {
    await showTab('interfaces');
    await page.locator('#panel-interfaces .rate-chart canvas').first().waitFor();
    await rendersOver(4);
    const parts = await partRenders();
    // The chart's point was added in an effect that set state: a second render of the tab every tick (8).
    expect(parts.commits, JSON.stringify(parts)).toBeGreaterThanOrEqual(3);
    expect(parts.commits, JSON.stringify(parts)).toBeLessThanOrEqual(5);
  });

  it('Routes: a tick that changed no route renders neither grid', async () => {
    await showTab('routes');
    await rendersOver(4);
    const parts = await partRenders();
    // The ticks did render the tab (its status moved) but its rows, the same objects, are the same arrays.
    expect(parts.grids.routes ?? 0, JSON.stringify(parts)).toBe(0);
    expect(await page.locator('#panel-routes [role="grid"]').count()).toBe(2);
  });
});

describe("at rest, a tick does not render the grids' headers", () => {
  for (const tab of ['connections', 'statistics', 'interfaces']) {
    it(tab, async () => {
      await showTab(tab);
      await rendersOver(3);
      const parts = await partRenders();
      // The grids did render (rows changed) and their headers were in those commits, unchanged.
      expect(parts.headersSeen, JSON.stringify(parts)).toBeGreaterThan(0);
      expect(parts.headers, JSON.stringify(parts)).toBe(0);
    });
  }
});

describe("at rest, a tick does not touch a tab's filter box", () => {
  // React writes a controlled input's attributes again whenever it renders it (name, type: a style invalidation
  // each), and the tabs render every tick: the box is left alone unless its own props changed.
  for (const tab of ['routes', 'statistics']) {
    it(tab, async () => {
      await showTab(tab);
      await afterTicks(page, 1);
      await page.evaluate((id) => {
        const box = document.querySelector(`#panel-${id} input[type="search"]`)!;
        const w = window as unknown as { __boxWrites: string[] };
        w.__boxWrites = [];
        new MutationObserver((records) => {
          for (const r of records) w.__boxWrites.push(r.attributeName ?? r.type);
        }).observe(box, { attributes: true });
      }, tab);
      await afterTicks(page, 3);
      const writes = await page.evaluate(() => (window as unknown as { __boxWrites: string[] }).__boxWrites);
      expect(writes).toEqual([]);
    });
  }
});

describe("at rest, the status bar's last collection time is no title until the pointer is on it", () => {
  it('a tick writes no title; hovering shows the time, and it follows the ticks', async () => {
    await showTab('routes');
    const tick = page.locator('footer[aria-label="Status"] [data-status="tick"]');
    await afterTicks(page, 1);
    await page.evaluate(() => {
      const w = window as unknown as { __titleWrites: number };
      w.__titleWrites = 0;
      new MutationObserver((records) => (w.__titleWrites += records.length)).observe(
        document.querySelector('footer[aria-label="Status"]')!,
        { subtree: true, attributes: true, attributeFilter: ['title'] },
      );
    });
    await afterTicks(page, 3);
    // A title that changes restyles the page (a style recalc, pre-paint and layerize a tick, on every tab).
    expect(await page.evaluate(() => (window as unknown as { __titleWrites: number }).__titleWrites)).toBe(0);
    expect(await tick.getAttribute('aria-description')).toMatch(
      /^Last collection at \d\d:\d\d:\d\d( · \d+ late readings? skipped since NetLens started\. A reading still running .*)?$/,
    );
    await tick.hover();
    await until('the tooltip', async () => (await tick.getAttribute('title')) !== null);
    const first = await tick.getAttribute('title');
    expect(first).toMatch(
      /^Last collection at \d\d:\d\d:\d\d( · \d+ late readings? skipped since NetLens started\. A reading still running .*)?$/,
    );
    await afterTicks(page, 2);
    await until(
      'the tooltip to follow the ticks',
      async () => (await tick.getAttribute('title')) === (await tick.getAttribute('aria-description')),
    );
    expect(await tick.getAttribute('title')).not.toBe(first);
    await page.mouse.move(1, 1);
    await until('no tooltip once the pointer left', async () => (await tick.getAttribute('title')) === null);
  });
});

describe("at rest, a cut grid cell's whole text is no title until the pointer is on it", () => {
  it('a tick writes no cell title; hovering a cut cell shows its text, following the ticks, gone on leaving', async () => {
    await showTab('connections');
    await afterTicks(page, 1);
    // The test's traffic moves its process's rates and totals every tick; in the process list's narrow columns
    // some are cut (drawn with an ellipsis): a title set with their text was rewritten each tick, and a changed
    // title costs the page a style recalc.
    const cut = page.locator('#panel-connections [data-row-id] .grid-cell[dir="auto"]:not(.fits)');
    await until('a cut cell', async () => (await cut.count()) > 0);
    await page.evaluate(() => {
      const w = window as unknown as { __cellTitles: string[] };
      w.__cellTitles = [];
      new MutationObserver((records) => {
        // The cells' own titles (a column's drawing may title a part of its cell: a row placed where another was,
        // as sockets come and go, retitles those).
        for (const r of records) {
          const e = r.target as Element;
          if (e.classList.contains('grid-cell'))
            w.__cellTitles.push(`${e.getAttribute('data-column')}: ${r.oldValue} -> ${e.getAttribute('title')}`);
        }
      }).observe(document.querySelector('#panel-connections')!, {
        subtree: true,
        attributes: true,
        attributeFilter: ['title'],
        attributeOldValue: true,
      });
    });
    await afterTicks(page, 3);
    expect(await page.evaluate(() => (window as unknown as { __cellTitles: string[] }).__cellTitles)).toEqual([]);
    expect(await cut.first().getAttribute('title')).toBeNull();
    // Under the pointer, the cell's whole text is its tooltip, and follows the ticks while the pointer stays.
    const cell = cut.first();
    await cell.hover();
    const titled = async () => {
      const [title, text] = await Promise.all([cell.getAttribute('title'), cell.textContent()]);
      return title !== null && title === text;
    };
    await until('the tooltip', titled);
    await afterTicks(page, 2);
    await until('the tooltip, following the text', titled);
    // The other cells, not under the pointer, have none.
    expect(await page.locator('#panel-connections [data-row-id] .grid-cell[title]').count()).toBe(1);
    await page.mouse.move(1, 1);
    await until('no tooltip once the pointer left', async () => (await cell.getAttribute('title')) === null);
  });
});

describe("at rest, the chart's legend is written only where its text changed", () => {
  it('a tick that shows the same point writes none of its values', async () => {
    await showTab('interfaces');
    const chart = page.locator('#panel-interfaces .rate-chart').first();
    await chart.locator('canvas').first().waitFor();
    await afterTicks(page, 2);
    // The pointer on the plot's left edge: the legend shows the chart's oldest point, the same at each tick, where
    // uPlot wrote the same three texts again (a mutation and a relayout each) at every tick's setData.
    const over = (await chart.locator('.u-over').boundingBox())!;
    await page.mouse.move(over.x + 1, over.y + over.height / 2);
    await afterTicks(page, 1);
    const legend = async () => (await chart.locator('.u-legend .u-value').allTextContents()).join(' | ');
    const shown = await legend();
    await page.evaluate(() => {
      const w = window as unknown as { __legendWrites: string[] };
      w.__legendWrites = [];
      new MutationObserver((records) => {
        for (const r of records) w.__legendWrites.push(`${r.oldValue} -> ${r.target.textContent}`);
      }).observe(document.querySelector('#panel-interfaces .rate-chart .u-legend')!, {
        subtree: true,
        characterData: true,
        characterDataOldValue: true,
        childList: true,
      });
    });
    await afterTicks(page, 3);
    const writes = await page.evaluate(() => (window as unknown as { __legendWrites: string[] }).__legendWrites);
    expect(writes).toEqual([]);
    expect(await legend()).toBe(shown);
    await page.mouse.move(1, 1);
  });
});

describe("at rest, History's Exposure renders only when a listener or an address changed", () => {
  it('a tick that changed only counters renders nothing of it; a new listener shows at the next ticks', async () => {
    await page.locator('#tab-history').click();
    await page.getByRole('radio', { name: 'Exposure' }).click();
    const view = page.getByTestId('exposure');
    await view.locator('section tr[data-port]').first().waitFor();
    // The host runs in the machine's namespace, where other tests open and close listeners, which Exposure does show:
    // four ticks in which it rendered nothing are looked for in up to eight windows (on main it rendered at every
    // tick, so no window had none).
    const windows: PartRenders[] = [];
    for (let i = 0; i < 8 && !windows.some((w) => (w.views.exposure ?? 0) === 0); i++) {
      await rendersOver(4);
      windows.push(await partRenders());
    }
    const parts = windows.find((w) => (w.views.exposure ?? 0) === 0);
    expect(parts, JSON.stringify(windows)).toBeDefined();
    // The ticks did reach the page (the status bar, the test's traffic changing its sockets' counters), not the view.
    expect(parts!.commits, JSON.stringify(parts)).toBeGreaterThanOrEqual(3);

    // A listener opened shows, and is gone once closed.
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const row = page.getByRole('region', { name: 'Loopback only' }).locator(`tr[data-port="${port}"]`);
    try {
      await until('the new listener in Exposure', async () => (await row.count()) === 1);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    await until('the closed listener gone from Exposure', async () => (await row.count()) === 0);
  }, 120_000);
});
