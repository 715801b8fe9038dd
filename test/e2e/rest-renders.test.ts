// At rest, a tick re-renders only the grid rows whose content changed (issue 15: the renderer at rest). React's
// commits are watched through the hook React DevTools uses (React calls it in production builds too): for each
// grid row (DataGrid's GridRow, known by its props) a commit that gives it a new props object re-rendered it.
// A re-render whose props all say the same as before (the same row content, class, position, columns) is
// wasted: the row's DOM does not change, but React did the work and the page took the time. Loopback traffic
// of the test's own keeps counters, rates and the process list moving, so rows do re-render every tick.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { afterTicks, launchChromium, loopbackTraffic, startHost, type RunningHost } from './support.js';

interface GridRenders {
  /** Row renders after the first (mounts not counted). */
  rendered: number;
  /** Of those, renders with every prop the same as before (the row's content compared as JSON). */
  wasted: number;
  /** A few wasted renders' row ids and props, to say which. */
  examples: string[];
}

declare global {
  interface Window {
    __rowRenders?: Record<string, GridRenders>;
  }
}

/** Runs in the page before the app: a stand-in for React DevTools' global hook that counts row renders. */
function installRenderCounter(): void {
  interface Fiber {
    memoizedProps: Record<string, unknown> | null;
    child: Fiber | null;
    sibling: Fiber | null;
  }
  const last = new Map<string, Record<string, unknown>>();
  const counts: Record<string, GridRenders> = {};
  window.__rowRenders = counts;
  const isRow = (p: Record<string, unknown> | null): p is Record<string, unknown> =>
    p !== null && typeof p === 'object' && typeof p.domId === 'string' && 'cells' in p && 'events' in p && 'row' in p;
  const same = (a: Record<string, unknown>, b: Record<string, unknown>) =>
    Object.keys(b).every((k) => a[k] === b[k] || (k === 'row' && JSON.stringify(a[k]) === JSON.stringify(b[k])));
  const visit = (root: Fiber) => {
    const stack: Fiber[] = [root];
    while (stack.length > 0) {
      const f = stack.pop()!;
      const p = f.memoizedProps;
      if (isRow(p)) {
        const id = p.domId as string;
        const before = last.get(id);
        if (before !== undefined && before !== p) {
          const grid = id.slice(0, id.indexOf('-row-'));
          const c = (counts[grid] ??= { rendered: 0, wasted: 0, examples: [] });
          c.rendered++;
          if (same(before, p)) {
            c.wasted++;
            if (c.examples.length < 3) c.examples.push((p.row as { id: string }).id);
          }
        }
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
    onCommitFiberRoot: (_id: number, root: { current: Fiber }) => visit(root.current),
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
    }
  });
  await afterTicks(page, ticks);
  return page.evaluate(() => structuredClone(window.__rowRenders!));
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

  it('Statistics: the counters', async () => {
    await showTab('statistics');
    const r = await rendersOver(4);
    expect(r.statistics?.rendered ?? 0, JSON.stringify(r)).toBeGreaterThan(0);
    expect(r.statistics!.wasted, JSON.stringify(r.statistics)).toBe(0);
  });

  it('Interfaces: the interfaces', async () => {
    await showTab('interfaces');
    const r = await rendersOver(4);
    expect(r.interfaces?.rendered ?? 0, JSON.stringify(r)).toBeGreaterThan(0);
    expect(r.interfaces!.wasted, JSON.stringify(r.interfaces)).toBe(0);
  });
});
