// A new user's review (review.md, L1, L3, L21): each grid is one Tab stop with its headers reached by the arrows;
// fitted column widths have a cap per column and State fits ESTABLISHED whatever the first rows held; a remote
// host's chip stays compact, so that at 1100 px the toolbar keeps Refresh, Pause, Open capture… and Export….
import { chmodSync, copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openApp, SCREENSHOTS, until, wideSockets, type OpenApp } from './support.js';

let app: OpenApp;
let page: Page;
let dir: string;

const grid = () => page.locator('[role="grid"][aria-label="Connections"]');

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'netlens-ux-'));
  // A remote host that never answers: ssh to a closed port on loopback.
  writeFileSync(join(dir, 'ssh_config'), 'Host revhost\n  HostName 127.0.0.1\n  Port 9\n');
  app = await openApp({ width: 1100, height: 700 }, ['--ssh-config', join(dir, 'ssh_config')]);
  page = app.page;
  await grid().locator('[role="row"][data-row-id]').first().waitFor();
});

afterAll(async () => {
  await app?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('polish for a new user', () => {
  it('the grid is one Tab stop: headers by ↑ from the first row, ←/→ between them, Enter sorts, Alt+→ widens; Enter on a row filters to its process', async () => {
    const filter = page.getByRole('searchbox', { name: 'Filter connections' });
    await filter.click();
    const focused = () =>
      page.evaluate(() => {
        const e = document.activeElement as HTMLElement | null;
        return e?.getAttribute('aria-label') ?? e?.dataset.column ?? e?.textContent?.trim() ?? '';
      });
    // From the filter box to the grid takes a few Tabs (the box's help, the bar's ⋯), then one more reaches Columns…
    let presses = 0;
    while ((await focused()) !== 'Connections' && presses < 6) {
      await page.keyboard.press('Tab');
      presses++;
    }
    expect(await focused()).toBe('Connections');
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('Columns…');
    // Nothing inside a grid is a Tab stop of its own (header buttons, process names).
    expect(await page.locator('[role="grid"] button:not([tabindex="-1"])').count()).toBe(0);
    await page.keyboard.press('Shift+Tab');
    expect(await focused()).toBe('Connections');
    // The rows, then ↑ above the first: the headers.
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowUp');
    expect(await focused()).toBe('proto');
    await page.keyboard.press('End');
    expect(await focused()).not.toBe('proto');
    await page.keyboard.press('Home');
    for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowRight');
    expect(await focused()).toBe('state');
    const state = grid().locator('[role="columnheader"]:has(> button[data-column="state"])');
    await page.keyboard.press('Enter');
    expect(await state.getAttribute('aria-sort')).toBe('ascending');
    const w = (await state.boundingBox())!.width;
    await page.keyboard.press('Alt+ArrowRight');
    await until('State wider', async () => (await state.boundingBox())!.width > w + 10);
    expect(await focused()).toBe('state');
    // ↓ goes back to the rows; ↑ from the first row comes back to the header last used.
    await page.keyboard.press('ArrowDown');
    expect(await focused()).toBe('Connections');
    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowUp');
    expect(await focused()).toBe('state');
    await page.keyboard.press('Escape');
    expect(await focused()).toBe('Connections');
    // Enter on a row with a process filters to it, as a click on its name does.
    const owned = grid().locator('[role="row"][data-row-id]:has([data-column="process"] button)').first();
    const name = (await owned.locator('[data-column="process"] button').textContent())!;
    await owned.locator('[data-column="proto"]').click();
    expect(await focused()).toBe('Connections');
    // The row menu from the keyboard.
    await page.keyboard.press('Shift+F10');
    await page.getByRole('menu').first().waitFor();
    await page.keyboard.press('Escape');
    await grid().focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('process-filter').waitFor();
    expect(await page.getByTestId('process-filter').textContent()).toContain(name);
    await page.getByTestId('process-filter').getByRole('button').click();
    // Back to the default sort.
    await page.getByRole('button', { name: 'Columns…' }).last().click();
    await page.getByRole('menu', { name: 'Columns' }).getByRole('menuitem', { name: 'Reset columns' }).click();
  });

  it('fitted widths: State fits ESTABLISHED whatever the first rows held; a long unix path, a shared socket’s PIDs and an unconnected datagram socket keep Process on screen at 1100×700', {
    timeout: 60_000,
  }, async () => {
    const header = (column: string) => grid().locator(`[role="columnheader"]:has(> button[data-column="${column}"])`);
    const resetColumns = async () => {
      await page.getByRole('button', { name: 'Columns…' }).last().click();
      await page.getByRole('menu', { name: 'Columns' }).getByRole('menuitem', { name: 'Reset columns' }).click();
    };
    const needed = await page.evaluate(() => {
      const c = document.createElement('canvas').getContext('2d')!;
      c.font = `400 13px ${getComputedStyle(document.body).fontFamily}`;
      return Math.ceil(c.measureText('ESTABLISHED').width) + 12;
    });
    // Columns fitted while only listeners are shown (as when NetLens opens before any connection).
    const filter = page.getByRole('searchbox', { name: 'Filter connections' });
    await filter.fill('state:listen');
    await until('listeners only', async () =>
      (await grid().locator('[role="gridcell"][data-column="state"]').allTextContents()).every((t) => t === 'LISTEN'),
    );
    await resetColumns();
    expect((await header('state').boundingBox())!.width).toBeGreaterThanOrEqual(needed);
    await filter.fill('');
    await until('established rows', async () =>
      (await grid().locator('[role="gridcell"][data-column="state"]').allTextContents()).includes('ESTABLISHED'),
    );
    const cut = await grid()
      .locator('[role="gridcell"][data-column="state"]')
      .evaluateAll((cells) => cells.filter((c) => c.scrollWidth > c.clientWidth + 1).map((c) => c.textContent));
    expect(cut).toEqual([]);

    // A unix socket with a long path, one shared by four processes (a shell and its three children), and a datagram
    // socket nothing connected to, as journald's and syslog's are on most desktops: UNCONNECTED, State's widest
    // text, made the grid 6 px too wide for Process (on main, whenever such a socket was open on the machine).
    const sockets = wideSockets(dir);
    const path = sockets.path;
    const long = grid().locator(`[role="row"][data-row-id]`, { hasText: 'a-socket-with-a-long-name' });
    try {
      await sockets.shown(page);
      // Fitted to every row (the filter cleared), the long path among them; then shown again.
      await filter.fill('');
      await resetColumns();
      await filter.fill('a-socket-with-a-long-name');
      await until('the long path, fitted', async () => (await long.count()) > 0);
      const right = (await grid().boundingBox())!;
      for (const id of [
        'proto',
        'localAddress',
        'localPort',
        'remoteAddress',
        'remotePort',
        'state',
        'pid',
        'process',
      ]) {
        const box = (await header(id).boundingBox())!;
        expect(box.x + box.width, `${id} ends inside the grid`).toBeLessThanOrEqual(right.x + right.width);
      }
      // The cut path keeps its whole text as its tooltip, under the pointer.
      const cutPath = long.first().locator('[data-column="localAddress"]');
      await cutPath.hover();
      await until('its tooltip', async () => (await cutPath.getAttribute('title')) === path);
      // Cut in the middle: its file name, at its end, stays in view (the end was cut: a new user's review of 12-06).
      const tail = cutPath.locator('.mid-tail');
      expect(path.endsWith((await tail.textContent()) ?? '-')).toBe(true);
      const [cell, end] = [(await cutPath.boundingBox())!, (await tail.boundingBox())!];
      expect(end.x + end.width).toBeLessThanOrEqual(cell.x + cell.width + 1);
      expect((await header('pid').boundingBox())!.width).toBeLessThanOrEqual(100);
      await page.screenshot({ path: join(SCREENSHOTS, 'ux-unix-widths-1100.png') });
    } finally {
      sockets.stop();
      await filter.fill('');
      await page.getByRole('button', { name: 'UNIX', exact: true }).click();
      await resetColumns();
    }
  });

  it('a name cut in the middle stays in its cell however narrow the column: its end is cut only where the column is narrower than it; a shared socket shows its first name and how many more', {
    timeout: 60_000,
  }, async () => {
    // A socket shared by a shell with a long name and its child (the shell's stdout, a socket pair): its Process is
    // "nl-sleeper-with-a-long-name, sleep". The cell shows the first name, cut in its middle as "nl-sleeper-with" and
    // "-a-long-name", and "+1": the list cut as one text read "chromium…hpad_handler", a name no process has (a new
    // user's review of 12-07). On main a column narrower than the end showed its middle, cut on
    // both sides ("leeper-wi"), as chromium's shared sockets did in a new user's UNIX view.
    const exe = join(dir, 'nl-sleeper-with-a-long-name');
    copyFileSync('/bin/sh', exe);
    chmodSync(exe, 0o755);
    const shared = spawn(exe, ['-c', 'sleep 120 & wait'], { stdio: ['ignore', 'pipe', 'ignore'] });
    const filter = page.getByRole('searchbox', { name: 'Filter connections' });
    const header = grid().locator('[role="columnheader"]:has(> button[data-column="process"])');
    const cell = grid()
      .locator('[role="row"][data-row-id] [data-column="process"]', { hasText: /^nl-sleeper-with-a-long-name \+1$/ })
      .first();
    /** Where the name's end and the count lie against its cell's text box, and whether they are cut. */
    const placed = () =>
      cell.evaluate((c) => {
        const tail = c.querySelector<HTMLElement>('.mid-tail')!;
        const more = c.querySelector<HTMLElement>('.mid-more')!;
        const right = c.getBoundingClientRect().right - Number.parseFloat(getComputedStyle(c).paddingRight);
        return {
          over: tail.getBoundingClientRect().right - right,
          cut: tail.scrollWidth > tail.clientWidth + 1,
          moreOver: more.getBoundingClientRect().right - right,
          moreCut: more.scrollWidth > more.clientWidth + 1,
        };
      });
    try {
      await page.getByRole('button', { name: 'UNIX', exact: true }).click();
      await filter.fill('proc:nl-sleeper');
      await until('the shared socket', async () => (await cell.count()) > 0);
      // The whole list is the name's tooltip, above what a click does (filter to the first).
      expect(await cell.getByRole('button').getAttribute('title')).toBe(
        '\u2068nl-sleeper-with-a-long-name\u2069, \u2068sleep\u2069\nFilter to \u2068nl-sleeper-with-a-long-name\u2069',
      );
      // An unnamed socket (a socket pair) reads its inode in Local Address, and has no address to copy.
      const local = await cell.evaluate(
        (c) => c.closest('[role="row"]')?.querySelector('[data-column="localAddress"]')?.textContent ?? '',
      );
      expect(local).toMatch(/^\(unnamed\) #\d+$/);
      // Drawn as NetLens's words, apart from a path (one spelled "(unnamed) #1" would pass for it otherwise).
      expect(
        await cell.evaluate(
          (c) => c.closest('[role="row"]')?.querySelector('[data-column="localAddress"] .process-bucket') !== null,
        ),
      ).toBe(true);
      await cell.click({ button: 'right' });
      const copyLocal = page.getByRole('menuitem', { name: /^Copy local address/ });
      expect(await copyLocal.getAttribute('aria-disabled')).toBe('true');
      expect(await copyLocal.textContent()).toContain('an unnamed unix socket has no address');
      await page.keyboard.press('Escape');
      // Wide enough for the name's end: it shows whole.
      await until('the end whole', async () => !(await placed()).cut);
      // Narrowed by its edge to less than that end.
      const edge = header.locator('.resizer');
      const box = (await edge.boundingBox())!;
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      await page.mouse.down();
      await page.mouse.move(box.x - 200, box.y + box.height / 2, { steps: 4 });
      await page.mouse.up();
      const tailWidth = await cell.locator('.mid-tail').evaluate((t) => t.scrollWidth);
      await until(
        'the column narrower than the end',
        async () => (await cell.evaluate((c) => c.clientWidth)) < tailWidth,
      );
      const now = await placed();
      expect(now.over, 'the end stays inside its cell').toBeLessThanOrEqual(1);
      // Cut at its start since 12-07, its first letters and ellipsis kept before it (MiddleCut).
      expect(now.cut, 'the end is cut').toBe(true);
      // The count stays whole, in the cell: the name gives way.
      expect(now.moreOver, 'the count stays inside its cell').toBeLessThanOrEqual(1);
      expect(now.moreCut, 'the count is whole').toBe(false);
    } finally {
      shared.kill('SIGKILL');
      await filter.fill('');
      await page.getByRole('button', { name: 'UNIX', exact: true }).click();
      await page.getByRole('button', { name: 'Columns…' }).last().click();
      await page.getByRole('menu', { name: 'Columns' }).getByRole('menuitem', { name: 'Reset columns' }).click();
    }
  });

  it('the columns are fitted again when the protocols shown change: a UNIX view its paths, back to TCP its addresses; a width the user set stays', {
    timeout: 60_000,
  }, async () => {
    const header = (column: string) => grid().locator(`[role="columnheader"]:has(> button[data-column="${column}"])`);
    const width = async (column: string) => Math.round((await header(column).boundingBox())!.width);
    const unix = page.getByRole('button', { name: 'UNIX', exact: true });
    // Sockets of its own folder: the test before leaves its datagram socket's file, which a second socat cannot bind.
    const sockets = wideSockets(mkdtempSync(join(dir, 'fit-')));
    try {
      // The long path open before the view shows it (on main the widths stayed as first fitted, to TCP's rows).
      await sockets.shown(page);
      await unix.click();
      await until('TCP only', async () => (await unix.getAttribute('aria-pressed')) === 'false');
      await page.getByRole('button', { name: 'Columns…' }).last().click();
      await page.getByRole('menu', { name: 'Columns' }).getByRole('menuitem', { name: 'Reset columns' }).click();
      const tcp = await width('localAddress');
      await unix.click();
      await until('the paths fitted', async () => (await width('localAddress')) > tcp + 40);
      await unix.click();
      await until('TCP’s widths back', async () => Math.abs((await width('localAddress')) - tcp) <= 1);
      // A width the user set is kept through the next change.
      await header('localAddress').locator('button').focus();
      await page.keyboard.press('Alt+ArrowRight');
      await until('wider by hand', async () => (await width('localAddress')) > tcp + 5);
      const own = await width('localAddress');
      await unix.click();
      await until('the UNIX view', async () => (await unix.getAttribute('aria-pressed')) === 'true');
      await new Promise((r) => setTimeout(r, 300));
      expect(await width('localAddress')).toBe(own);
    } finally {
      sockets.stop();
      if ((await unix.getAttribute('aria-pressed')) === 'true') await unix.click();
      await page.getByRole('button', { name: 'Columns…' }).last().click();
      await page.getByRole('menu', { name: 'Columns' }).getByRole('menuitem', { name: 'Reset columns' }).click();
    }
  });

  it('with a remote host that does not answer, the toolbar at 1100 px keeps Refresh, Pause, Open capture… and Export…; the chip says why in its tooltip', {
    timeout: 60_000,
  }, async () => {
    await page.getByRole('button', { name: 'More in NetLens' }).click();
    await page.getByRole('menu', { name: 'More in NetLens' }).getByRole('menuitem', { name: 'Add host…' }).click();
    await page.getByRole('textbox', { name: 'ssh destination' }).fill('revhost');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    // The dialog says it cannot reach it; kept, its chip stays.
    await page.getByRole('dialog', { name: 'Cannot reach revhost' }).getByRole('button', { name: 'Keep it' }).click();
    const chip = page.getByRole('status', { name: 'Host revhost' });
    await until(
      'the chip to say why',
      async () => {
        const title = (await chip.getAttribute('title')) ?? '';
        return /^revhost: disconnected \(.+\)/.test(title);
      },
      20_000,
    ).catch(async (e) => {
      throw new Error(`${e}: ${await chip.getAttribute('title')}`);
    });
    // Its state in words for screen readers; the reason stays in the tooltip and in the ⋯ menu.
    expect(await chip.textContent()).toBe('revhost: disconnected');
    const bar = page.getByRole('toolbar', { name: 'NetLens' });
    for (const control of [
      bar.getByRole('combobox', { name: 'Refresh interval' }),
      bar.getByRole('button', { name: 'Pause' }),
      bar.getByRole('button', { name: 'Open capture…' }),
      bar.getByRole('button', { name: 'Export…' }),
      chip,
    ])
      expect(await control.isVisible(), String(control)).toBe(true);
    const box = (await chip.boundingBox())!;
    expect(box.width).toBeLessThan(120);
    // What moved into ⋯ is there, the host's state with its reason among it.
    await page.getByRole('button', { name: 'More in NetLens' }).click();
    const menu = page.getByRole('menu', { name: 'More in NetLens' });
    expect(await menu.textContent()).toMatch(/Show revhost: disconnected \(.+\)/);
    await page.screenshot({ path: join(SCREENSHOTS, 'ux-host-chip-1100.png') });
    await page.keyboard.press('Escape');
  });
});
