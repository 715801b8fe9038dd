// The Connections tab end to end: headless Chromium against the browser host and the real backend, with
// real processes. A listener opened by a child with a distinctive name appears with its PID and name;
// filtering narrows as documented; a new connection is highlighted; Kill process… → Cancel leaves the child
// running, → Terminate kills it and its rows leave; Close connection… resets one TCP connection.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { until, SCREENSHOTS, fastConnectionsSession } from './support.js';

const session = fastConnectionsSession();
const probe: typeof session.probe = (...a) => session.probe(...a);
let page: Page;
beforeAll(() => {
  page = session.page;
});

const grid = () => page.locator('[role="grid"][aria-label="Connections"]');
const dataRows = () => grid().locator('[role="row"][data-row-id]');
const filterBox = () => page.getByRole('searchbox', { name: 'Filter connections' });
const cell = (row: ReturnType<Page['locator']>, column: string) =>
  row.locator(`[role="gridcell"][data-column="${column}"]`);

async function setFilter(q: string): Promise<void> {
  await filterBox().fill(q);
}

async function rowCount(): Promise<number> {
  return dataRows().count();
}

describe('Connections tab', () => {
  const name = `nlprobe${process.pid % 10000}`;
  let listener: Awaited<ReturnType<typeof probe>>;
  let port = 0;

  it('shows a child’s listener with its PID and process name', async () => {
    listener = await probe(
      name,
      `const net = require('net');
       const server = net.createServer((s) => s.on('error', () => {}));
       server.listen(0, '127.0.0.1', () => console.log(server.address().port));
       process.stdin.resume();
       process.on('message', () => {});
       setInterval(() => {}, 1000);
       globalThis.peer = null;
       process.on('SIGUSR2', () => { peer = net.connect(server.address().port, '127.0.0.1', () => console.log('connected ' + peer.localPort)); peer.on('error', () => {}); });`,
    );
    port = Number(listener.lines[0]);
    expect(port).toBeGreaterThan(0);
    // With the process too: listen(0) may be given a port that an earlier test's client end still holds in
    // TIME_WAIT (ownerless), which lport alone would also show.
    await setFilter(`lport:${port} proc:${name}`);
    const row = dataRows().first();
    await until(
      'the listener row',
      async () => (await rowCount()) === 1 && (await cell(row, 'state').textContent()) === 'LISTEN',
    );
    expect(await cell(row, 'pid').textContent()).toBe(String(listener.child.pid));
    expect(await cell(row, 'process').textContent()).toBe(name);
    expect(await cell(row, 'localAddress').textContent()).toBe('127.0.0.1');
    expect(await cell(row, 'remoteAddress').textContent()).toBe('*');
    expect(await cell(row, 'remotePort').textContent()).toBe('*');
  });

  it('draws a cell without its clip only when its text fits whole, and gives a cut one its text as a tooltip', async () => {
    // Cells judged to fit (DataGrid: textFits) have no clip: a wrong judgement would spill over their neighbours.
    const spilling = () =>
      page.evaluate(() =>
        [...document.querySelectorAll<HTMLElement>('.grid-row .grid-cell.fits')]
          .filter((c) => c.scrollWidth > c.clientWidth)
          .map((c) => `${c.dataset.column}: ${c.textContent} (${c.scrollWidth} > ${c.clientWidth})`),
      );
    const address = () => cell(dataRows().first(), 'localAddress');
    await setFilter('');
    await until('rows', async () => (await rowCount()) > 1);
    expect(await page.locator('.grid-row .grid-cell.fits').count()).toBeGreaterThan(0);
    expect(await spilling()).toEqual([]);
    await setFilter(`lport:${port} proc:${name}`);
    await until('the listener row again', async () => (await rowCount()) === 1);
    // Shown whole: no clip, and no tooltip repeating it (issue 15: a tick's new texts rewrote each cell's title).
    expect(await address().getAttribute('class')).toContain('fits');
    expect(await address().getAttribute('title')).toBeNull();
    // Narrowed until the address is cut: clipped, with an ellipsis, and its whole text as the tooltip (under the
    // pointer: a title rewritten with each tick's text restyled the page, issue 15).
    const header = grid().locator('.sort-button[data-column="localAddress"]');
    await header.focus();
    for (let i = 0; i < 12; i++) await page.keyboard.press('Alt+ArrowLeft');
    await until('the address narrowed', async () => !((await address().getAttribute('class')) ?? '').includes('fits'));
    expect(await address().getAttribute('title')).toBeNull();
    await address().hover();
    await until('the address cut', async () => (await address().getAttribute('title')) === '127.0.0.1');
    expect(await address().getAttribute('class')).not.toContain('fits');
    await header.focus();
    await page.keyboard.press('Alt+Home');
    await until('the address whole again', async () => (await address().getAttribute('title')) === null);
  });

  it('filters to the process by clicking its name, and clears in one click', async () => {
    await cell(dataRows().first(), 'process').getByRole('button').click();
    const chip = page.getByTestId('process-filter');
    expect(await chip.textContent()).toContain(name);
    await setFilter('');
    await until('only the child’s rows', async () => (await rowCount()) >= 1);
    const processes = await grid().locator('[role="gridcell"][data-column="process"]').allTextContents();
    expect(processes.length).toBeGreaterThan(0);
    expect(new Set(processes)).toEqual(new Set([name]));
    await chip.getByRole('button').click();
    await until('the process filter to clear', async () => (await page.getByTestId('process-filter').count()) === 0);
  });

  it('highlights a connection opened during the test', async () => {
    await setFilter(`proc:${name}`);
    await until('one row', async () => (await rowCount()) === 1);
    listener.child.kill('SIGUSR2');
    const line = await listener.next();
    const clientPort = Number(/connected (\d+)/.exec(line)![1]);
    const row = grid().locator(`[role="row"][data-row-id*="|${clientPort}|"]`);
    await until('the new connection row', async () => (await row.count()) > 0);
    expect(await row.first().getAttribute('class')).toMatch(/hl-new/);
    expect(await cell(row.first(), 'state').textContent()).toBe('ESTABLISHED');
  });

  it('narrows with the query language as documented', async () => {
    await setFilter(`proc:${name}`);
    await until('three rows (listener and both ends)', async () => (await rowCount()) === 3);
    await setFilter(`proc:${name} state:listen`);
    await until('the listener only', async () => (await rowCount()) === 1);
    await setFilter(`proc:${name} -state:listen`);
    await until('the two ends', async () => (await rowCount()) === 2);
    await setFilter(`pid:${listener.child.pid} rport:${port}`);
    await until('the client end', async () => (await rowCount()) === 1);
    await setFilter(`"${name}" addr:127.0.0.0/8 port:${port}`);
    await until('all three again', async () => (await rowCount()) === 3);
    // A comma lists values, any of which matches, in every field (state: and proc: lists were an error and nothing).
    await setFilter(`proc:nlnosuch,${name} state:listen,established`);
    await until('all three from lists', async () => (await rowCount()) === 3);
    await setFilter(`proc:${name} addr:10.0.0.0/8`);
    await until('none', async () => (await rowCount()) === 0);
    // A bare OR is refused with the list that says it (it was a word to find, and found nothing).
    await setFilter(`proc:${name} rport:${port} OR rport:1`);
    await until('the OR marked', async () => (await filterBox().getAttribute('aria-invalid')) === 'true');
    expect(await page.locator('#filter-error').textContent()).toBe(
      `'OR' is no operator: all terms must match; for any of several values list them with commas (rport:${port},1). The list keeps the last valid filter.`,
    );
    // An invalid query is marked and leaves the last good view.
    await setFilter(`proc:${name} port:99999`);
    expect(await filterBox().getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#filter-error').textContent()).toContain('not a port');
    // The empty grid names the query in force (the last valid one), says so, and says the box's text is not applied.
    expect(
      (await page.locator('[role="grid"][aria-label="Connections"] .grid-empty').textContent())?.replace(
        /[\u2068\u2069]/g,
        '',
      ),
    ).toBe(
      `No socket matches the last valid filter “proc:${name} addr:10.0.0.0/8” with these toggles. The filter box’s text has an error, so it is not applied.`,
    );
    // A service name the host's database does not know is a typo (it would match nothing): the error names the nearest.
    await setFilter(`proc:${name} port:htps`);
    await until('the typo marked', async () => (await filterBox().getAttribute('aria-invalid')) === 'true');
    expect(await page.locator('#filter-error').textContent()).toMatch(
      /^port: no service is named 'htps' in \/etc\/services \(did you mean https\?\)/,
    );
    // An unknown field's error lists every known one: it wraps inside the window, and says the list is unchanged.
    await setFilter(`frob:${name}`);
    const error = page.locator('#filter-error');
    expect(await error.textContent()).toMatch(/^unknown field 'frob:'.*The list keeps the last valid filter\.$/);
    const box = (await error.boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(page.viewportSize()!.width);
    // It lies over the grid's headers: once the focus goes elsewhere it steps aside (still the box's description and
    // its tooltip), and comes back with the focus.
    await page.locator('footer.statusbar').click();
    await until('the error aside', async () => ((await error.boundingBox())?.height ?? 0) <= 1);
    expect(await filterBox().getAttribute('title')).toMatch(/^unknown field 'frob:'/);
    await filterBox().focus();
    await until('the error back', async () => ((await error.boundingBox())?.height ?? 0) > 10);
    await setFilter(`proc:${name}`);
    await until('three rows', async () => (await rowCount()) === 3);
    await setFilter('');
    await until('every row again', async () => (await rowCount()) > 3);
    await page.screenshot({ path: join(SCREENSHOTS, 'connections.png') });
    await setFilter(`proc:${name}`);
  });

  it('the row menu says which end it filters to: the remote address, with the name Foreign Address shows', async () => {
    // The client end: 127.0.0.1 at both ends, its Foreign Address perhaps "localhost" (names resolved). The item read
    // "Filter to 127.0.0.1", which said neither end (a new user's review of 12-07).
    await setFilter(`pid:${listener.child.pid} rport:${port}`);
    await until('the client end', async () => (await rowCount()) === 1);
    const shown = (await cell(dataRows().first(), 'remoteAddress').textContent()) ?? '';
    await dataRows().first().click({ button: 'right' });
    const item = page.getByRole('menu', { name: 'Connection' }).locator('[data-item="filter-remote"]');
    expect(await item.textContent()).toBe(
      `Filter to remote address 127.0.0.1${shown === '127.0.0.1' ? '' : ` (${shown})`}`,
    );
    await item.click();
    expect(await filterBox().inputValue()).toBe(`pid:${listener.child.pid} rport:${port} raddr:127.0.0.1`);
    await setFilter(`proc:${name}`);
    await until('three rows', async () => (await rowCount()) === 3);
  });

  it('Kill process… then Cancel leaves the process running', async () => {
    const row = dataRows().first();
    await row.click({ button: 'right' });
    const menu = page.getByRole('menu', { name: 'Connection' });
    await menu.getByRole('menuitem', { name: 'Kill process…' }).click();
    const dialog = page.getByRole('dialog');
    expect(await dialog.textContent()).toContain(String(listener.child.pid));
    expect(await dialog.textContent()).toContain(name);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect(await page.getByRole('dialog').count()).toBe(0);
    // Time is what is tested here: a kill sent on Cancel would have landed within half a second.
    await new Promise((r) => setTimeout(r, 500));
    expect(listener.child.exitCode).toBeNull();
    expect(() => process.kill(listener.child.pid!, 0)).not.toThrow();
  });

  it('opens the menu from the keyboard and closes it with Escape', async () => {
    await grid().focus();
    await page.keyboard.press('Home');
    await page.keyboard.press('Shift+F10');
    const menu = page.getByRole('menu', { name: 'Connection' });
    await menu.waitFor();
    expect(await menu.getByRole('menuitem').allTextContents()).toEqual(
      expect.arrayContaining([
        expect.stringContaining('Kill process…'),
        expect.stringContaining('Copy row'),
        expect.stringContaining('Copy remote address'),
      ]),
    );
    await page.keyboard.press('Escape');
    expect(await page.getByRole('menu').count()).toBe(0);
  });

  it('Kill process… then Terminate kills it, and its rows leave', async () => {
    const exited = new Promise<number | null>((r) =>
      listener.child.once('exit', (code, signal) => r(signal === 'SIGTERM' ? 15 : code)),
    );
    await dataRows().first().click({ button: 'right' });
    await page.getByRole('menu', { name: 'Connection' }).getByRole('menuitem', { name: 'Kill process…' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Terminate' }).click();
    const result = dialog.locator('[data-outcome]');
    await result.waitFor();
    expect(await result.getAttribute('data-outcome')).toBe('killed');
    expect(await exited).toBe(15);
    await dialog.getByRole('button', { name: 'Close' }).click();
    // Its rows turn closed (red), then leave.
    await until('rows marked closed or gone', async () => {
      const n = await rowCount();
      if (n === 0) return true;
      const classes = await dataRows().evaluateAll((els) => els.map((e) => e.className));
      return classes.every((c) => c.includes('closed'));
    });
    await until('rows gone', async () => (await rowCount()) === 0, 20_000);
  });
});

describe('Close connection…', () => {
  it('resets one established connection and the row turns closed', async () => {
    const pair = await probe(
      `nlpair${process.pid % 10000}`,
      `const net = require('net');
       const server = net.createServer((s) => { s.on('error', (e) => console.log('server-end ' + e.code)); s.on('close', () => console.log('server-end closed')); });
       server.listen(0, '127.0.0.1', () => {
         const c = net.connect(server.address().port, '127.0.0.1', () => console.log('ready ' + server.address().port + ' ' + c.localPort));
         c.on('error', (e) => console.log('client-end ' + e.code));
         c.on('close', () => console.log('client-end closed'));
       });
       setInterval(() => {}, 1000);`,
    );
    const [, serverPort, clientPort] = /ready (\d+) (\d+)/.exec(pair.lines[0]!)!.map(Number) as [
      number,
      number,
      number,
    ];
    await setFilter(`lport:${clientPort} rport:${serverPort}`);
    const row = dataRows().first();
    await until(
      'the client end',
      async () => (await rowCount()) === 1 && (await cell(row, 'state').textContent()) === 'ESTABLISHED',
    );
    await row.click({ button: 'right' });
    await page.getByRole('menu', { name: 'Connection' }).getByRole('menuitem', { name: 'Close connection…' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Close connection' }).click();
    const result = dialog.locator('[data-outcome]');
    await result.waitFor();
    expect(await result.getAttribute('data-outcome')).toBe('closed');
    await dialog.getByRole('button', { name: 'Done' }).click();
    await until(
      'both ends to see it',
      () => pair.lines.some((l) => l.startsWith('client-end')) && pair.lines.some((l) => l.startsWith('server-end')),
    );
    await until('the row to turn closed', async () => {
      if ((await rowCount()) === 0) return false;
      return /closed/.test((await dataRows().first().getAttribute('class')) ?? '');
    });
    expect(pair.child.exitCode).toBeNull();
    // The action log names what was closed and whose it was.
    await page.getByRole('button', { name: 'Action log' }).click();
    const log = page.getByRole('dialog', { name: 'Action log' });
    await until('the log entry', async () => ((await log.textContent()) ?? '').includes('Close connection'));
    expect(await log.textContent()).toContain(`nlpair${process.pid % 10000} (PID ${pair.child.pid})`);
    await page.keyboard.press('Escape');
    pair.child.kill('SIGKILL');
  });
});
