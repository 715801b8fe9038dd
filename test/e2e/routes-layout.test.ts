// The Routes tab's two grids share its height as their rows need (a new user's review): a short IPv4 table left a
// blank band under it before IPv6 (each group at least 112 px tall), and beside a long IPv6 table a four-route IPv4
// table was cut to a row and a half and scrolled (the groups shrank in proportion to their content). Now a short
// table is as tall as its rows with the next right under it, and two long ones share the height, each scrolling. A
// namespace of the test's own holds the routes, added as it goes; the host and Debian's Chromium both run in it.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { namespaceSession, SCREENSHOTS, settled, until } from './support.js';

const NS = `netlens-rlay-${process.pid}`;
const isRoot = process.getuid?.() === 0;
const ip = (...args: string[]) => execFileSync('ip', ['-n', NS, ...args], { stdio: 'pipe' });

let page: Page;

/** Each group's place: its section's bottom, its grid's height and its rows' height, its last row's bottom. */
function groups() {
  return page.evaluate(() => {
    const stack = document.querySelector('#panel-routes .stack')!.getBoundingClientRect();
    const of = (family: string) => {
      const section = document.querySelector(`#panel-routes section[aria-label="${family} routes"]`)!;
      const grid = section.querySelector<HTMLElement>('[role="grid"]')!;
      const rows = grid.querySelectorAll('[role="row"][data-row-id]');
      return {
        top: section.getBoundingClientRect().top,
        bottom: section.getBoundingClientRect().bottom,
        rows: rows.length,
        client: grid.clientHeight,
        scroll: grid.scrollHeight,
        lastRowBottom: rows.length ? rows[rows.length - 1]!.getBoundingClientRect().bottom : 0,
      };
    };
    return { stackBottom: stack.bottom, v4: of('IPv4'), v6: of('IPv6') };
  });
}

/** The number in a group's heading, "IPv4 (4)". */
const counted = async (family: string) =>
  Number(
    /\((\d+)\)/.exec(
      (await page.locator(`#panel-routes section[aria-label="${family} routes"] h3`).textContent()) ?? '',
    )?.[1],
  );

describe.skipIf(process.platform !== 'linux' || !isRoot)('Routes tab: the IPv4 and IPv6 grids share the height', () => {
  // Two IPv4 routes (the default and the link's), three IPv6 ones (the default, the link's and fe80::/64).
  const session = namespaceSession(
    NS,
    [
      'addr add 10.77.0.1/24 dev nl0',
      'route add default via 10.77.0.254',
      '-6 addr add 2001:db8:77::1/64 dev nl0 nodad',
      '-6 route add default via 2001:db8:77::fe dev nl0',
    ],
    { width: 1100, height: 700 },
    'routes',
  );
  beforeAll(() => {
    page = session.page;
  });

  it('a short IPv4 table is as tall as its rows, IPv6 right under it', async () => {
    for (const [width, height] of [
      [1100, 700],
      [1366, 768],
      [1600, 1000],
    ] as const) {
      await page.setViewportSize({ width, height });
      await until('both tables read', async () => (await counted('IPv4')) === 2 && (await counted('IPv6')) >= 2);
      await settled(page);
      const { v4, v6 } = await groups();
      expect(v4.rows).toBe(2);
      // Every row shown, and under the last one only the group's border (main: a band of 13 px, 37 with one route).
      expect(v4.client).toBe(v4.scroll);
      expect(v4.bottom - v4.lastRowBottom).toBeLessThanOrEqual(1);
      expect(v6.top).toBeCloseTo(v4.bottom, 0);
      expect(v6.client).toBe(v6.scroll);
      // The Columns… bar at the tab's foot, as on the other tabs (it floated right under the short IPv6 table).
      const foot = await page.evaluate(() => {
        const body = document.querySelector('#panel-routes .tab-body')!.getBoundingClientRect();
        const bar = document.querySelector('#panel-routes .grid-footer')!.getBoundingClientRect();
        return {
          body: body.bottom,
          bar: bar.bottom,
          bars: document.querySelectorAll('#panel-routes .grid-footer').length,
        };
      });
      expect(foot.bars).toBe(1);
      expect(foot.bar).toBeCloseTo(foot.body, 0);
    }
    await page.setViewportSize({ width: 1100, height: 700 });
  });

  it('beside a long IPv6 table, a short IPv4 one keeps all its rows and IPv6 takes the rest, scrolling', async () => {
    ip('route', 'add', '10.78.0.0/24', 'via', '10.77.0.254');
    ip('route', 'add', '10.78.1.0/24', 'via', '10.77.0.254');
    for (let i = 0; i < 80; i++) ip('-6', 'route', 'add', `2001:db8:${i.toString(16)}::/64`, 'via', '2001:db8:77::fe');
    await until('the routes added', async () => (await counted('IPv4')) === 4 && (await counted('IPv6')) >= 82);
    await settled(page);
    const { stackBottom, v4, v6 } = await groups();
    // Main: the IPv4 grid 87 px high for its 123 px of rows, scrolling.
    expect(v4.rows).toBe(4);
    expect(v4.client).toBe(v4.scroll);
    expect(v6.top).toBeCloseTo(v4.bottom, 0);
    expect(v6.client).toBeLessThan(v6.scroll);
    expect(v6.bottom).toBeCloseTo(stackBottom, 0);
    await page.screenshot({ path: join(SCREENSHOTS, 'routes-layout-long-ipv6.png') });
  });

  it('two long tables share the height alike, each scrolling', async () => {
    for (let i = 2; i < 60; i++) ip('route', 'add', `10.78.${i}.0/24`, 'via', '10.77.0.254');
    await until('the routes added', async () => (await counted('IPv4')) === 62);
    await settled(page);
    const { stackBottom, v4, v6 } = await groups();
    expect(v4.client).toBeLessThan(v4.scroll);
    expect(v6.client).toBeLessThan(v6.scroll);
    // Equal shares of the height; main gave IPv4 its larger content's share.
    expect(Math.abs(v4.bottom - v4.top - (v6.bottom - v6.top))).toBeLessThanOrEqual(1);
    expect(v6.bottom).toBeCloseTo(stackBottom, 0);
    await page.screenshot({ path: join(SCREENSHOTS, 'routes-layout-both-long.png') });
  });
});
