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
    const opened = page.locator('.notice', { hasText: 'Opened netstat-ano.win10.txt' });
    expect(await opened.count()).toBe(1);
    await page.getByRole('button', { name: 'Back to live data' }).click();
    expect(await page.getByTestId('capture-label').count()).toBe(0);
    // Its notice ends with it: "Opened …" is no longer true at live data.
    await until('the notice to end', async () => (await opened.count()) === 0);
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
    expect(await remote.locator('bdi').count()).toBe(2);
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
