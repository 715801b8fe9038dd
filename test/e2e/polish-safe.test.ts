// Issue 13, "safe by default", "one formatting language" and the smaller things, in headless Chromium
// against the browser host with real processes: the Kill dialog starts on Cancel, Close connection… is
// refused (with the reason) where it cannot work, results speak plain words, counts have separators, one
// rate and one clock format, IPv6 zones are kept, a half-typed query keeps the last filter, settings from
// two tabs both survive, captures explain themselves, one focus ring, Page Down keeps the selection in view
// and closed rows linger behind a dialog.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { afterTicks, until, fastConnectionsSession, savedSettings, SCREENSHOTS, type Probe } from './support.js';

const session = fastConnectionsSession();
const started = { start: (...a: Parameters<typeof session.probe>) => session.probe(...a) };
let page: Page;
beforeAll(() => {
  page = session.page;
});
// Each test starts from a clean page: a test that failed with a dialog or menu open (under load, a wait that
// timed out) must not make every later one wait 30 s behind it.
afterEach(async () => {
  for (let i = 0; i < 5 && (await page.locator('[role="dialog"], [role="menu"]').count()) > 0; i++)
    await page.keyboard.press('Escape');
  if (await filterBox().isVisible()) await filterBox().fill('');
});
const tag = process.pid % 10000;

const grid = () => page.locator('[role="grid"][aria-label="Connections"]');
const dataRows = () => grid().locator('[role="row"][data-row-id]');
const filterBox = () => page.getByRole('searchbox', { name: 'Filter connections' });
const cell = (row: Locator, column: string) => row.locator(`[role="gridcell"][data-column="${column}"]`);
const menu = () => page.getByRole('menu', { name: 'Connection' });

/** Starts recording the closed rows (red, State CLOSED) the grid shows: they linger 5 s (CLOSED_LINGER_MS),
 *  which a loaded machine may spend before the test looks, so they are caught as they appear. The monitor
 *  always sends a closed row as closed for at least one tick before removing it, but a client more than
 *  MAX_UNACKED diffs behind gets its diffs folded (electron/monitor/clients.ts), and if it is behind for the
 *  whole linger, "closed" and "removed" fold into "removed": the row vanishes without turning red. So rows
 *  that vanish are recorded too, with the largest jump between the collection times the page was shown. */
async function watchClosedRows(): Promise<() => Promise<boolean>> {
  await page.evaluate(() => {
    const w = window as unknown as { closedSeen: string[]; vanished: string[]; tickJump: number };
    w.closedSeen = [];
    w.vanished = [];
    w.tickJump = 0;
    const grid = document.querySelector('[role="grid"][aria-label="Connections"]')!;
    const rowIds = () =>
      new Set(Array.from(grid.querySelectorAll('[role="row"][data-row-id]'), (r) => r.getAttribute('data-row-id')!));
    let present = rowIds();
    const seconds = () => {
      const m = /^Last collection at (\d\d):(\d\d):(\d\d)/.exec(
        document.querySelector('[data-status="tick"]')?.getAttribute('aria-description') ?? '',
      );
      return m ? Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]) : null;
    };
    let lastTick = seconds();
    const look = () => {
      for (const row of grid.querySelectorAll('[role="row"].closed')) {
        const state = row.querySelector('[data-column="state"]')?.textContent ?? '';
        const key = `${row.getAttribute('data-row-id')}=${state}`;
        if (!w.closedSeen.includes(key)) w.closedSeen.push(key);
      }
      const now = rowIds();
      for (const id of present) if (!now.has(id) && !w.vanished.includes(id)) w.vanished.push(id);
      present = now;
      const tick = seconds();
      if (tick !== null && lastTick !== null) w.tickJump = Math.max(w.tickJump, (tick - lastTick + 86400) % 86400);
      lastTick = tick ?? lastTick;
    };
    const observe = { subtree: true, childList: true, attributes: true, characterData: true };
    new MutationObserver(look).observe(grid, observe);
    new MutationObserver(look).observe(document.querySelector('.statusbar')!, observe);
    look();
  });
  // Seen red and CLOSED; or (only where the page fell behind for the whole linger) gone without it.
  return () =>
    page.evaluate(() => {
      const w = window as unknown as { closedSeen: string[]; vanished: string[]; tickJump: number };
      return w.closedSeen.some((k) => k.endsWith('=CLOSED')) || (w.vanished.length > 0 && w.tickJump >= 4);
    });
}

async function rowsFor(query: string, n: number): Promise<void> {
  await filterBox().fill(query);
  await until(`${n} rows for ${query}`, async () => (await dataRows().count()) === n);
}

/** A server on loopback that never reads what it is sent (its Recv-Q fills), and a client connected to it. */
const PAIR = `const net = require('net');
  const server = net.createServer({ pauseOnConnect: true }, (s) => { s.on('error', () => {}); });
  server.listen(0, '127.0.0.1', () => {
    const c = net.connect(server.address().port, '127.0.0.1', () => {
      c.write(Buffer.alloc(20000, 120));
      console.log('ready ' + server.address().port + ' ' + c.localPort);
    });
    c.on('error', () => {});
    process.on('SIGUSR2', () => c.resetAndDestroy());
  });
  setInterval(() => {}, 1000);`;

describe('safe by default', () => {
  let pair: Probe;
  let serverPort = 0;
  let clientPort = 0;
  const name = `nlsafe${tag}`;

  it('the row menu opens on a filter, Kill is last, and its dialog opens on Cancel: End, Enter, Enter kills nothing', async () => {
    pair = await started.start(name, PAIR);
    [, serverPort, clientPort] = /ready (\d+) (\d+)/.exec(pair.lines[0]!)!.map(Number) as [number, number, number];
    await rowsFor(`proc:${name}`, 3);
    await grid().focus();
    await page.keyboard.press('Home');
    await page.keyboard.press('Shift+F10');
    await menu().waitFor();
    // Enter at once would filter: what cannot be undone is last, after a separator.
    await until('the menu to focus its first item', async () =>
      (await page.evaluate(() => document.activeElement?.getAttribute('role'))) === 'menuitem' ? true : null,
    );
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe(`Filter to ${name}`);
    const items = await menu().getByRole('menuitem').allTextContents();
    // (This first row listens: Close connection… is disabled, its reason beside it.)
    expect(items.at(-2)).toMatch(/^Close connection…/);
    expect(items.at(-1)).toBe('Kill process…');
    await page.keyboard.press('End');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Kill process…');
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Cancel');
    await page.keyboard.press('Enter');
    await until('the dialog to close', async () => (await page.getByRole('dialog').count()) === 0);
    expect(pair.child.exitCode).toBeNull();
    expect(() => process.kill(pair.child.pid!, 0)).not.toThrow();
  });

  it('its dialog opened by the mouse shows the focus on Cancel too (the ring Enter would press)', async () => {
    await rowsFor(`proc:${name}`, 3);
    await dataRows().first().click({ button: 'right' });
    await menu().getByRole('menuitem', { name: 'Kill process…' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    const focused = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement;
      const style = getComputedStyle(el);
      return { text: el.textContent, outline: `${style.outlineStyle} ${style.outlineWidth}` };
    });
    expect(focused).toEqual({ text: 'Cancel', outline: 'solid 2px' });
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await until('the dialog to close', async () => (await page.getByRole('dialog').count()) === 0);
    expect(pair.child.exitCode).toBeNull();
  });

  it('Close connection… is disabled with the reason on a listening row', async () => {
    await rowsFor(`proc:${name} state:listen`, 1);
    await dataRows().first().click({ button: 'right' });
    const item = menu().getByRole('menuitem', { name: /Close connection…/ });
    expect(await item.getAttribute('aria-disabled')).toBe('true');
    expect(await item.textContent()).toContain(
      'a listening socket is not a connection: only an established one can be closed',
    );
    await page.keyboard.press('Escape');
  });

  it('counts and queues have thousands separators', async () => {
    // The server end holds the 20,000 bytes it never read.
    await rowsFor(`proc:${name} lport:${serverPort} rport:${clientPort}`, 1);
    await until('a Recv-Q of thousands', async () =>
      /^\d{1,3}(,\d{3})+$/.test((await cell(dataRows().first(), 'recvQ').textContent()) ?? ''),
    );
  });

  it('closing a connection speaks plain words, retitles the dialog, and the row says CLOSED', async () => {
    await rowsFor(`proc:${name} lport:${clientPort}`, 1);
    const closedRows = await watchClosedRows();
    await dataRows().first().click({ button: 'right' });
    await menu().getByRole('menuitem', { name: 'Close connection…' }).click();
    const dialog = page.getByRole('dialog');
    expect(await dialog.getAttribute('aria-label')).toBe('Close this connection?');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Cancel');
    expect(await dialog.locator('p').first().textContent()).toContain('Both ends will see the connection reset.');
    await dialog.getByRole('button', { name: 'Close connection' }).click();
    await dialog.locator('[data-outcome="closed"]').waitFor();
    // What happened, not what was foretold: the process may well have ended with its connection. The endpoints are
    // said once, by the result (they were said above it too, with another arrow: a new user's review).
    const text = (await dialog.textContent()) ?? '';
    expect(text).not.toMatch(/reset|keeps running|not signalled/);
    expect(text.split(`127.0.0.1:${clientPort}`).length - 1).toBe(1);
    expect(await dialog.locator('[data-outcome]').textContent()).toBe(
      `Closed 127.0.0.1:${clientPort} → 127.0.0.1:${serverPort} (owner: ${name})`,
    );
    expect(await page.getByRole('dialog').getAttribute('aria-label')).toBe('Connection closed');
    expect(await dialog.locator('.dialog-title').textContent()).toBe('Connection closed');
    await dialog.getByRole('button', { name: 'Done' }).click();
    // The closed row lingers in red, says CLOSED, and cannot be closed again.
    await until('the row, red, to say CLOSED', closedRows);
    const row = grid().locator('[role="row"].closed');
    if ((await row.count()) === 1) {
      // Still lingering (a loaded machine may have taken its 5 s already): its menu refuses to close it.
      await row.click({ button: 'right' }).catch(() => undefined);
      const item = menu().getByRole('menuitem', { name: /Close connection…/ });
      if ((await menu().count()) === 1) {
        expect(await item.getAttribute('aria-disabled')).toBe('true');
        expect(await item.textContent()).toContain('already closed');
        await page.keyboard.press('Escape');
      }
    }
  });

  it('terminating speaks plain words and retitles the dialog; the action log too', async () => {
    await rowsFor(`proc:${name} state:listen`, 1);
    const closedRows = await watchClosedRows();
    await dataRows().first().click({ button: 'right' });
    await menu().getByRole('menuitem', { name: 'Kill process…' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Terminate' }).click();
    await dialog.locator('[data-outcome="killed"]').waitFor();
    expect((await dialog.locator('[data-outcome]').textContent())?.trim()).toBe(
      `Terminated ${name} (PID ${pair.child.pid})`,
    );
    expect(await dialog.locator('.dialog-title').textContent()).toBe('Process terminated');
    // Behind the dialog, its rows turn red (they stay for their linger time).
    await until('its rows to turn closed behind the dialog', closedRows);
    expect(await page.getByRole('dialog').count()).toBe(1);
    await dialog.getByRole('button', { name: 'Close' }).click();
    await page.getByRole('button', { name: 'Action log' }).click();
    const log = page.getByRole('dialog', { name: 'Action log' });
    await until('two entries', async () => (await log.locator('tbody tr').count()) >= 2);
    const rows = await log.locator('tbody tr').evaluateAll((trs) =>
      trs.map((tr) =>
        Array.from(tr.querySelectorAll('td'))
          .slice(1)
          .map((td) => td.textContent?.trim()),
      ),
    );
    expect(rows).toContainEqual([
      'Terminate',
      `${name} (PID ${pair.child.pid})`,
      `Terminated ${name} (PID ${pair.child.pid})`,
    ]);
    expect(rows).toContainEqual([
      'Close connection',
      `${name} (PID ${pair.child.pid})`,
      `Closed 127.0.0.1:${clientPort} → 127.0.0.1:${serverPort} (owner: ${name})`,
    ]);
    expect(await log.textContent()).not.toMatch(/kill:TERM|close-connection|->/);
    await page.screenshot({ path: join(SCREENSHOTS, 'action-log.png') });
    await page.keyboard.press('Escape');
  });

  it('closed rows linger in red while a dialog is open', async () => {
    const other = await started.start(`nllinger${tag}`, PAIR);
    const [, , port] = /ready (\d+) (\d+)/.exec(other.lines[0]!)!.map(Number) as [number, number, number];
    await rowsFor(`lport:${port}`, 1);
    await page.getByRole('button', { name: 'Action log' }).click();
    await page.getByRole('dialog', { name: 'Action log' }).waitFor();
    const closedRows = await watchClosedRows();
    // The client resets its end: the connection is gone at once (a FIN would keep its row on, in FIN_WAIT2, as the
    // server never reads nor closes).
    other.child.kill('SIGUSR2');
    await until('the row, red and CLOSED, behind the dialog', closedRows);
    expect(await page.getByRole('dialog', { name: 'Action log' }).count()).toBe(1);
    await page.keyboard.press('Escape');
  });
});

describe('one formatting language', () => {
  it('one per-second format, one 24-hour clock in tooltips and on chart axes', async () => {
    await page.getByRole('tab', { name: 'Statistics' }).click();
    const rates = page.locator('[role="grid"][aria-label="Tcp counters"] [role="gridcell"][data-column="rate"]');
    await until('rates', async () => (await rates.allTextContents()).some((t) => t !== ''));
    const texts = (await page.locator('[role="gridcell"][data-column="rate"]').allTextContents()).filter(Boolean);
    expect(texts.length).toBeGreaterThan(10);
    for (const t of texts) expect(t).toMatch(/^(<0\.1|\d{1,2}\.\d|\d{1,3}(,\d{3})*)\/s$/);
    expect(await page.locator('[data-status="tick"]').getAttribute('aria-description')).toMatch(
      /^Last collection at \d\d:\d\d:\d\d( · \d+ late readings? skipped since NetLens started\. A reading still running .*)?$/,
    );
    // The chart draws on a canvas: record what it writes.
    await page.getByRole('tab', { name: 'Interfaces' }).click();
    await page.locator('.rate-chart canvas').waitFor();
    await page.evaluate(() => {
      const w = window as unknown as { drawn: string[] };
      w.drawn = [];
      const original = CanvasRenderingContext2D.prototype.fillText;
      CanvasRenderingContext2D.prototype.fillText = function (text: string, x: number, y: number, max?: number) {
        w.drawn.push(String(text));
        return original.call(this, text, x, y, max);
      };
    });
    const drawn = () => page.evaluate(() => (window as unknown as { drawn: string[] }).drawn);
    await until('axis labels', async () => (await drawn()).some((t) => /\d\d:\d\d/.test(t)));
    const times = (await drawn()).filter((t) => /\d:\d\d/.test(t));
    for (const t of times) expect(t).toMatch(/^\d\d:\d\d:\d\d$/);
    expect((await drawn()).join(' ')).not.toMatch(/am|pm|\/\d\d/);
  });
});

describe('IPv6 zones', () => {
  const link = `polish-v${tag % 100}`;
  const peer = `polish-w${tag % 100}`;
  let ssText = '';

  afterAll(() => {
    try {
      execFileSync('ip', ['link', 'del', link], { stdio: 'ignore' });
    } catch {
      // already gone
    }
  });

  it('a live link-local listener shows its zone', async () => {
    // A veth pair that carries nothing: it only gives this machine a link-local address to listen on.
    execFileSync('ip', ['link', 'add', link, 'type', 'veth', 'peer', 'name', peer]);
    execFileSync('ip', ['link', 'set', link, 'up']);
    execFileSync('ip', ['-6', 'addr', 'add', 'fe80::abcd/64', 'dev', link, 'nodad']);
    const zoned = await started.start(
      `nlzone${tag}`,
      `const s = require('net').createServer().listen({ host: 'fe80::abcd%${link}', port: 0 }, () => console.log(s.address().port)); setInterval(() => {}, 1000);`,
    );
    const port = Number(zoned.lines[0]);
    await page.getByRole('tab', { name: 'Connections' }).click();
    await rowsFor(`lport:${port}`, 1);
    expect(await cell(dataRows().first(), 'localAddress').textContent()).toBe(`fe80::abcd%${link}`);
    ssText = execFileSync('ss', ['-tln', `sport = :${port}`], { encoding: 'utf8' });
    expect(ssText).toContain(`[fe80::abcd]%${link}:${port}`);
  });

  it('a captured ss line keeps it too, without brackets', async () => {
    const chooser = page.waitForEvent('filechooser');
    await page.getByRole('button', { name: 'Open capture…' }).click();
    await (await chooser).setFiles({ name: 'ss-zone.txt', mimeType: 'text/plain', buffer: Buffer.from(ssText) });
    await page.getByTestId('capture-label').waitFor();
    await filterBox().fill('');
    await until('one row', async () => (await dataRows().count()) === 1);
    const row = dataRows().first();
    expect(await cell(row, 'localAddress').textContent()).toBe(`fe80::abcd%${link}`);
    expect(Number(await cell(row, 'localPort').textContent())).toBeGreaterThan(0);
  });

  it('in capture mode Refresh and Pause are disabled, and the banner names the format once', async () => {
    expect(await page.getByRole('combobox', { name: 'Refresh interval' }).isDisabled()).toBe(true);
    expect(await page.getByRole('button', { name: 'Pause' }).isDisabled()).toBe(true);
    const banner = (await page.locator('.capture-banner').textContent()) ?? '';
    expect(banner).toContain('ss-zone.txt');
    expect(banner.match(/ss-tanp/g)?.length).toBe(1);
    await page.getByRole('button', { name: 'Back to live data' }).click();
    expect(await page.getByRole('button', { name: 'Pause' }).isDisabled()).toBe(false);
  });
});

describe('smaller things', () => {
  it('a half-typed or invalid query keeps the last valid filter', async () => {
    const p = await started.start(
      `nlquery${tag}`,
      `const s = require('net').createServer().listen(0, '127.0.0.1', () => console.log(s.address().port)); setInterval(() => {}, 1000);`,
    );
    await rowsFor(`lport:${p.lines[0]}`, 1);
    await filterBox().fill(`lport:${p.lines[0]} port:`);
    expect(await filterBox().getAttribute('aria-invalid')).toBe('true');
    await afterTicks(page, 2); // the view must not widen meanwhile
    expect(await dataRows().count()).toBe(1);
    await filterBox().fill(`lport:${p.lines[0]} "unterminated`);
    await afterTicks(page, 1);
    expect(await dataRows().count()).toBe(1);
  });

  it('an unrecognised capture says one sentence, with the formats behind a disclosure', async () => {
    const chooser = page.waitForEvent('filechooser');
    await page.getByRole('button', { name: 'Open capture…' }).click();
    await (await chooser).setFiles({
      name: 'notes.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('just some notes\nnothing like netstat\n'),
    });
    const notice = page.locator('.notice.error').filter({ hasText: 'notes.txt' });
    await notice.waitFor();
    const details = notice.locator('details');
    expect(await details.count()).toBe(1);
    expect(await details.getAttribute('open')).toBeNull();
    const box = await notice.boundingBox();
    expect(box!.height).toBeLessThan(60); // one line, not a banner of ids
    await details.locator('summary').click();
    expect(await details.locator('li').count()).toBeGreaterThan(5);
    await notice.getByRole('button', { name: 'Dismiss' }).click();
  });

  it('one focus ring, on the selected row; Page Down and Up keep the selection in view', async () => {
    const many = await started.start(
      `nlmany${tag}`,
      `const net = require('net'); let n = 0;
       for (let i = 0; i < 80; i++) net.createServer().listen(0, '127.0.0.1', () => { if (++n === 80) console.log('ready'); });
       setInterval(() => {}, 1000);`,
    );
    expect(many.lines[0]).toBe('ready');
    await page.setViewportSize({ width: 1100, height: 700 });
    await filterBox().fill(`proc:nlmany${tag}`);
    await until('80 rows (the grid renders those on screen)', async () =>
      /^80 of /.test((await page.locator('[data-status="rows"]').textContent()) ?? ''),
    );
    await grid().focus();
    await page.keyboard.press('Home');
    const scroller = await grid().boundingBox();
    const header = (await grid().locator('.grid-header').boundingBox())!;
    const inView = async () => {
      const sel = grid().locator('[role="row"][aria-selected="true"]');
      if ((await sel.count()) !== 1) return false;
      const b = (await sel.boundingBox())!;
      // Below the sticky header, above the bottom edge (and its horizontal scroll bar).
      return b.y >= header.y + header.height - 0.5 && b.y + b.height <= scroller!.y + scroller!.height + 0.5;
    };
    for (const key of ['PageDown', 'PageDown', 'PageDown', 'PageUp', 'End', 'PageUp', 'Home']) {
      await page.keyboard.press(key);
      await until(`the selection in view after ${key}`, inView, 3000).catch(async (e) => {
        const sel = grid().locator('[role="row"][aria-selected="true"]');
        throw new Error(
          `${String(e)} ${JSON.stringify({
            n: await sel.count(),
            box: await sel
              .first()
              .boundingBox()
              .catch(() => null),
            scroller,
            top: await grid().evaluate((g) => g.scrollTop),
          })}`,
        );
      });
    }
    const outlines = await page.evaluate(() => {
      const g = document.querySelector('[role="grid"][aria-label="Connections"]')!;
      const sel = g.querySelector('[aria-selected="true"]')!;
      return { grid: getComputedStyle(g).outlineStyle, row: getComputedStyle(sel).outlineStyle };
    });
    expect(outlines).toEqual({ grid: 'none', row: 'solid' });
    await page.setViewportSize({ width: 1400, height: 820 });
  });

  it('settings changed in two tabs at once are both kept', async () => {
    const second = await session.app.browser.newPage({ viewport: { width: 1100, height: 700 } });
    await second.goto(session.app.host.url);
    await second.locator('[role="grid"][aria-label="Connections"]').waitFor();
    await page.getByRole('combobox', { name: 'Theme' }).selectOption('dark');
    await second.getByRole('button', { name: 'UNIX' }).click();
    await until('both saves', () => {
      const s = savedSettings(session.app.host);
      return s?.theme === 'dark' && s.toggles?.unix === true;
    });
    const third = await session.app.browser.newPage();
    await third.goto(session.app.host.url);
    await third.locator('[role="grid"][aria-label="Connections"]').waitFor();
    expect(await third.getByRole('combobox', { name: 'Theme' }).inputValue()).toBe('dark');
    expect(await third.getByRole('button', { name: 'UNIX' }).getAttribute('aria-pressed')).toBe('true');
    await second.close();
    await third.close();
    await page.getByRole('combobox', { name: 'Theme' }).selectOption('system');
  });

  it('Statistics: the baseline says when it was taken, gauges have no delta, Columns… sits in the toolbar', async () => {
    await page.getByRole('tab', { name: 'Statistics' }).click();
    const label = page.getByTestId('baseline-time');
    await until('a baseline', async () => /^Deltas since \d\d:\d\d:\d\d/.test((await label.textContent()) ?? ''));
    expect(await label.textContent()).not.toContain('NetLens started');
    const toolbar = page.getByRole('toolbar', { name: 'Statistics options' });
    expect(await toolbar.getByRole('button', { name: 'Columns…' }).count()).toBe(1);
    expect(await page.locator('.stat-stack').getByRole('button', { name: 'Columns…' }).count()).toBe(0);
    const ttl = page.locator('[role="grid"][aria-label="Ip counters"] [role="row"]').filter({ hasText: 'DefaultTTL' });
    await ttl.first().waitFor();
    expect(await cell(ttl.first(), 'delta').textContent()).toBe('');
    const inSegs = page.locator('[role="grid"][aria-label="Tcp counters"] [role="row"]').filter({ hasText: 'InSegs' });
    expect(await cell(inSegs.first(), 'delta').textContent()).toMatch(/^\+?[\d,]+$/);
    await page.getByRole('tab', { name: 'Connections' }).click();
  });
});
