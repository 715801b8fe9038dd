// The Routes tab's columns fitted to what they show (user review nu3, finding 3): an IPv6 default route's gateway
// was cut ("2001:db8:9…") at any width, as its row is drawn bold and was measured at the normal weight; and the
// destinations of the Local table, shown later, were cut as the columns were fitted only to the first rows. A
// namespace of the test's own holds the routes; the host and Debian's Chromium both run in it (the host listens on
// the namespace's loopback), through wrappers on PATH and as Chromium's executable.
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { namespaceSession, settled, until } from './support.js';

const NS = `netlens-rfit-${process.pid}`;
const isRoot = process.getuid?.() === 0;

let page: Page;

/** Each cell of the IPv6 grid in column `column` that its text does not fit (its text, with the widths). */
function cutCells(column: string) {
  return page.locator('#panel-routes [role="grid"][aria-label="IPv6 routes"]').evaluate((grid, id) => {
    const cut: string[] = [];
    for (const cell of grid.querySelectorAll<HTMLElement>(`[role="gridcell"][data-column="${id}"]`))
      if (cell.scrollWidth > cell.clientWidth)
        cut.push(`${cell.textContent} (${cell.scrollWidth} > ${cell.clientWidth})`);
    return cut;
  }, column);
}

describe.skipIf(process.platform !== 'linux' || !isRoot)('Routes tab: fitted columns show IPv6 addresses whole', () => {
  // A veth pair with both ends in the namespace, an IPv6 address on one and a default route through a gateway.
  const session = namespaceSession(
    NS,
    ['-6 addr add 2001:db8:9::1/64 dev nl0 nodad', '-6 route add default via 2001:db8:9::fe dev nl0'],
    { width: 1600, height: 900 },
    'routes',
  );
  beforeAll(() => {
    page = session.page;
  });

  it('the default route (drawn bold) shows its gateway whole', async () => {
    const v6 = page.locator('#panel-routes [role="grid"][aria-label="IPv6 routes"]');
    const gateway = v6.locator('[role="row"].default [role="gridcell"][data-column="gateway"]');
    await gateway.waitFor();
    expect(await gateway.textContent()).toBe('2001:db8:9::fe');
    expect(await cutCells('gateway')).toEqual([]);
  });

  it('with the Local table shown, its destinations (link-local addresses) show whole', async () => {
    // Hidden, its routes are counted apart beside the count ("7 of 20 routes" read as 13 lost: a new user's review).
    const count = page.locator('footer [data-status="rows"]');
    await until('the hidden local routes said', async () =>
      /^(\d+) of (\d+) routes \(\d+ in the local table, hidden\)$/.test((await count.textContent()) ?? ''),
    );
    const [, shown, total, hidden] = /^(\d+) of (\d+) routes \((\d+) in/.exec((await count.textContent()) ?? '')!;
    expect(Number(shown) + Number(hidden)).toBe(Number(total));
    await page.getByRole('button', { name: 'Local table' }).click();
    await until('no note with the local table shown', async () => !((await count.textContent()) ?? '').includes('('));
    const v6 = page.locator('#panel-routes [role="grid"][aria-label="IPv6 routes"]');
    await until(
      'a link-local destination',
      async () =>
        (await v6.locator('[role="gridcell"][data-column="destination"]').allTextContents()).some((t) =>
          /^fe80::[0-9a-f]+:/.test(t),
        ),
      20_000,
    );
    // A frame for the widths to follow.
    await settled(page);
    expect(await cutCells('destination')).toEqual([]);
    expect(await cutCells('gateway')).toEqual([]);
  });
});
