// Opening a saved capture in the app: File → Open capture… (here the toolbar button, which the Electron menu
// and Ctrl+O also use) and dropping a file on the window. The rows appear read-only in the matching tab,
// labelled with the file name and the detected format; sorting and filtering work as on live data.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { until, ROOT, openApp, type OpenApp } from './support.js';

const FIXTURES = join(ROOT, 'test/fixtures/captures');
let app: OpenApp;
let page: Page;

beforeAll(async () => {
  app = await openApp({ width: 1300, height: 800 });
  page = app.page;
  await page.locator('[role="grid"][aria-label="Connections"]').waitFor();
});
afterAll(async () => {
  await app?.close();
});

/** Drops a file on the window, as a user dragging it from a file manager. */
async function dropFile(content: string, fileName: string): Promise<void> {
  await page.evaluate(
    ([c, f]) => {
      const dt = new DataTransfer();
      dt.items.add(new File([c!], f!, { type: 'text/plain' }));
      document
        .querySelector('.app')!
        .dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    },
    [content, fileName],
  );
}

describe('captures in the app', () => {
  it('opens a Windows netstat -ano capture in the Connections tab, labelled and filterable', async () => {
    const chooser = page.waitForEvent('filechooser');
    await page.getByRole('button', { name: 'Open capture…' }).click();
    await (await chooser).setFiles(join(FIXTURES, 'windows/netstat-ano.win10.txt'));
    const label = page.getByTestId('capture-label');
    await label.waitFor();
    expect(await label.textContent()).toContain('netstat-ano.win10.txt');
    expect(await page.locator('.capture-banner').textContent()).toContain('windows-netstat-ano');
    expect(await page.getByRole('tab', { selected: true }).textContent()).toBe('Connections');
    await until('208 rows in the status bar', async () =>
      /of 208 sockets/.test((await page.locator('[data-status="rows"]').textContent()) ?? ''),
    );
    // Filtering works on the capture as on live data.
    await page.getByRole('searchbox', { name: 'Filter connections' }).fill('state:listen lport:135');
    await until(
      'the RPC listener',
      async () =>
        (await page.locator('[role="grid"][aria-label="Connections"] [role="row"][data-row-id]').count()) >= 1,
    );
    const states = await page
      .locator('[role="grid"][aria-label="Connections"] [role="gridcell"][data-column="state"]')
      .allTextContents();
    expect(new Set(states)).toEqual(new Set(['LISTEN']));
    await page.getByRole('searchbox', { name: 'Filter connections' }).fill('');
    // A capture of sockets has no per-process traffic: the process list's traffic cells are blank, as the grid's are
    // (they read "n/a: no TCP connection" beside processes whose TCP connections the capture lists).
    const list = page.locator('[role="grid"][aria-label="Processes"]');
    const toggle = page.getByRole('button', { name: 'Processes' });
    const shownBefore = (await page.locator('#process-list').count()) === 1;
    if (!shownBefore) await toggle.click();
    await list.locator('[role="row"][data-row-id]').first().waitFor();
    const traffic = await list
      .locator('[role="gridcell"][data-column="recvRate"], [role="gridcell"][data-column="bytesSent"]')
      .allTextContents();
    expect(traffic.length).toBeGreaterThan(0);
    expect(traffic.filter((t) => t.trim() !== '')).toEqual([]);
    if (!shownBefore) await toggle.click();
    // The other tabs are live beside it: Pause and the refresh work there, and the status bar gives their tick's figures
    // (a capture of one tab turned them off on every tab: a new user's review).
    const pause = page.getByRole('button', { name: 'Pause', exact: true });
    expect(await pause.isDisabled()).toBe(true);
    await page.getByRole('tab', { name: 'Routes' }).click();
    await until('Pause usable on Routes', async () => !(await pause.isDisabled()));
    await until('the tick’s figures on Routes', async () =>
      /read in/.test((await page.locator('footer.statusbar').textContent()) ?? ''),
    );
    await page.getByRole('tab', { name: 'Connections' }).click();
    await until('Pause off on the capture again', () => pause.isDisabled());
    expect(await page.locator('footer.statusbar').textContent()).not.toContain('read in');
    const opened = page.locator('.notice', { hasText: 'Opened netstat-ano.win10.txt' });
    expect(await opened.count()).toBe(1);
    await page.getByRole('button', { name: 'Back to live data' }).click();
    expect(await page.getByTestId('capture-label').count()).toBe(0);
    // Its notice ends with it: "Opened …" is no longer true at live data.
    await until('the notice to end', async () => (await opened.count()) === 0);
  });

  // Past 1,024 rows a sort puts a screen of rows in order for its frame and the rest in a task after it
  // (shared/sorted-view.ts, resetFirst): both ends of the grid must be in order, in both directions.
  it('sorts a capture of 3,000 connections, its first screen and its last rows alike', async () => {
    let seed = 5;
    const ports = Array.from({ length: 3000 }, (_, i) => 20000 + i);
    for (let i = ports.length - 1; i > 0; i--) {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      const j = seed % (i + 1);
      [ports[i], ports[j]] = [ports[j]!, ports[i]!];
    }
    const lines = ports.map(
      (port, i) =>
        `  TCP    10.0.${i >> 8}.${i & 255}:${port}     192.0.2.${i % 250}:443      ESTABLISHED     ${4000 + (i % 97)}`,
    );
    await dropFile(
      [
        '',
        'Active Connections',
        '',
        '  Proto  Local Address          Foreign Address        State           PID',
        ...lines,
        '',
      ].join('\r\n'),
      'many.txt',
    );
    await until('3,000 rows in the status bar', async () =>
      /of 3,000 sockets/.test((await page.locator('[data-status="rows"]').textContent()) ?? ''),
    );
    const grid = page.locator('[role="grid"][aria-label="Connections"]');
    const shownPorts = async () =>
      (await grid.locator('[role="gridcell"][data-column="localPort"]').allTextContents()).map(Number);
    const toEnd = (end: 'top' | 'bottom') =>
      grid.evaluate((el, e) => {
        el.scrollTop = e === 'top' ? 0 : el.scrollHeight;
      }, end);
    const sortButton = grid.locator('.sort-button[data-column="localPort"]');
    for (const dir of ['ascending', 'descending'] as const) {
      await sortButton.click();
      await until(
        `sorted ${dir}`,
        async () => (await grid.locator(`[role="columnheader"][aria-sort="${dir}"]`).count()) === 1,
      );
      const want = dir === 'ascending' ? (i: number) => 20000 + i : (i: number) => 22999 - i;
      await toEnd('top');
      await until(`the first screen ${dir}`, async () => {
        const top = await shownPorts();
        return top.length > 10 && top.every((p, i) => p === want(i));
      });
      await toEnd('bottom');
      await until(`the last rows ${dir}`, async () => {
        const bottom = await shownPorts();
        return bottom.length > 10 && bottom.every((p, i) => p === want(3000 - bottom.length + i));
      });
    }
    await toEnd('top');
    await page.getByRole('button', { name: 'Back to live data' }).click();
  });

  it('opens a dropped route print capture in the Routes tab', async () => {
    const text = readFileSync(join(FIXTURES, 'windows/route-print.win10.txt'), 'utf8');
    await dropFile(text, 'route-print.win10.txt');
    const label = page.getByTestId('capture-label');
    await label.waitFor();
    expect(await label.textContent()).toContain('route-print.win10.txt');
    expect(await page.getByRole('tab', { selected: true }).textContent()).toBe('Routes');
    const rows = page.locator('[role="grid"][aria-label="IPv4 routes"] [role="row"][data-row-id]');
    await until('IPv4 routes', async () => (await rows.count()) > 0);
    expect(await rows.first().locator('[data-column="destination"]').textContent()).toBe('default');
  });

  it('names a file whose name holds a bidi override escaped, in the banner and the notice', async () => {
    const text = readFileSync(join(FIXTURES, 'windows/route-print.win10.txt'), 'utf8');
    const name = '\u202etxt.tnirp-etuor';
    await dropFile(text, name);
    const label = page.getByTestId('capture-label');
    await until('the banner', async () => ((await label.textContent()) ?? '').includes('tnirp'));
    expect(await label.textContent()).toBe('\\u202etxt.tnirp-etuor');
    const notices = page.locator('.notices');
    await until('the notice', async () => ((await notices.textContent()) ?? '').includes('tnirp'));
    expect(await notices.textContent()).not.toContain('\u202e');
    await page.getByRole('button', { name: 'Back to live data' }).click();
  });

  // Columns that draw their cells themselves (the foreign address, a counter's name) once put a capture's text on
  // screen raw: an IPv6 zone "%\u202egnp.exe" read "exe.png", an ESC showed as a box (review, 12-02).
  it("draws a capture's control and bidi characters escaped in columns that draw their own cells", async () => {
    async function drop(content: string, fileName: string): Promise<void> {
      await dropFile(content, fileName);
      const label = page.getByTestId('capture-label');
      await until(fileName, async () => ((await label.textContent()) ?? '') === fileName);
    }
    await drop(
      'State  Recv-Q Send-Q Local Address:Port Peer Address:Port Process\n' +
        'ESTAB 0 0 [fe80::2%eth0]:22 [fe80::1%\u202egnp.exe]:5555 users:(("sshd",pid=7,fd=3))\n' +
        'ESTAB 0 0 [fe80::2%eth0]:22 [fe80::3%\u001b[31meth0]:5556 users:(("sshd",pid=8,fd=3))\n',
      'ss-tanp-zones.txt',
    );
    const remote = page.locator(
      '[role="grid"][aria-label="Connections"] [role="row"][data-row-id] [data-column="remoteAddress"]',
    );
    await until('both rows', async () => (await remote.count()) === 2);
    const texts = (await remote.allTextContents()).sort();
    expect(texts).toEqual(['fe80::1%\\u202egnp.exe', 'fe80::3%\\x1b[31meth0']);
    // Each escaped text isolated in its cell (its direction its own: dir="auto").
    expect(await remote.and(page.locator('[dir="auto"]')).count()).toBe(2);
    await page.getByRole('button', { name: 'Back to live data' }).click();

    await drop('Ip: Forwarding DefaultTTL \u202egnp.exe \u001b[31mRed\nIp: 1 64 5 6\n', 'snmp-names.txt');
    const names = page.locator('[role="gridcell"][data-column="name"]');
    await until('the counters', async () => (await names.allTextContents()).some((t) => t.includes('gnp')));
    const all = (await names.allTextContents()).join('\n');
    expect(all).toContain('\\u202egnp.exe');
    expect(all).toContain('\\x1b[31mRed');
    expect(all).not.toMatch(/[\u202e\u001b]/);
    await page.getByRole('button', { name: 'Back to live data' }).click();
  });

  it('says what is wrong with a file that is not a capture', async () => {
    const chooser = page.waitForEvent('filechooser');
    await page.getByRole('button', { name: 'Open capture…' }).click();
    await (await chooser).setFiles({
      name: 'notes.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('just some notes\nnothing like netstat\n'),
    });
    const notice = page.locator('.notice.error');
    await notice.waitFor();
    expect(await notice.textContent()).toMatch(/Could not open notes\.txt/);
    expect(await notice.textContent()).toMatch(/netstat/);
  });
});
