// The Routes tab's columns fitted to what they show (user review nu3, finding 3): an IPv6 default route's gateway
// was cut ("2001:db8:9…") at any width, as its row is drawn bold and was measured at the normal weight; and the
// destinations of the Local table, shown later, were cut as the columns were fitted only to the first rows. A
// namespace of the test's own holds the routes; the host and Debian's Chromium both run in it (the host listens on
// the namespace's loopback), through wrappers on PATH and as Chromium's executable.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, settled, startHost, until, type RunningHost } from './support.js';

const NS = `netlens-rfit-${process.pid}`;
const isRoot = process.getuid?.() === 0;
const ip = (...args: string[]) => execFileSync('ip', args, { stdio: 'pipe' });

let host: RunningHost;
let browser: Browser;
let page: Page;
let dir: string;

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
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'netlens-routes-fit-'));
    spawnSync('ip', ['netns', 'del', NS]);
    ip('netns', 'add', NS);
    // A veth pair with both ends in the namespace, an IPv6 address on one and a default route through a gateway.
    for (const command of [
      'link set lo up',
      'link add rfit0 type veth peer name rfit1',
      'link set rfit0 up',
      'link set rfit1 up',
      '-6 addr add 2001:db8:9::1/64 dev rfit0 nodad',
      '-6 route add default via 2001:db8:9::fe dev rfit0',
    ])
      ip('-n', NS, ...command.split(' '));
    const wrap = (name: string, target: string) => {
      const file = join(dir, name);
      writeFileSync(file, `#!/bin/sh\nexec ip netns exec ${NS} ${target} "$@"\n`);
      chmodSync(file, 0o755);
      return file;
    };
    wrap('node', process.execPath);
    const browserInNs = wrap('chromium-in-ns', CHROMIUM);
    host = await startHost([], { PATH: `${dir}:${process.env.PATH}` });
    browser = await chromium.launch({
      executablePath: browserInNs,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
    });
    page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
    await page.goto(host.url);
    await page.locator('#tab-routes').click();
    await page.locator('#panel-routes [role="row"][data-row-id]').first().waitFor();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await host?.stop();
    spawnSync('ip', ['netns', 'del', NS]);
    if (dir) rmSync(dir, { recursive: true, force: true });
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
