// Display spoofing (issue 10): a process named "\u202egnp.exe" showed as "exe.png" and the Kill dialog's
// title rendered its PID reversed; a 100 KB command line pushed the name and PID out of the dialog. In
// Chromium against the real backend: a child that renames itself (/proc/self/comm) with U+202E and carries
// a 100 KB argument shows escaped and isolated in the table and the Kill dialog, with name and PID in view
// and the whole command line reachable.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApp, until, type OpenApp } from './support.js';
import { CMDLINE_CUT, MAX_CMDLINE_BYTES } from '../../shared/types.js';

let app: OpenApp;
let child: ChildProcess;
let port = 0;
// A unix socket of the child's whose name holds a line break, a terminal's title escape and a bidi override.
const sockDir = mkdtempSync(join(tmpdir(), 'netlens-spoof-'));
const SOCK_NAME = '=cmd\n\x1b]0;T\x07\u202e.sock';

beforeAll(async () => {
  const script = `require('fs').writeFileSync('/proc/self/comm', '\\u202egnp.exe');
    require('net').createServer().listen(process.env.NL_SOCK);
    const s = require('net').createServer().listen(0, '127.0.0.1', () => console.log(s.address().port));`;
  child = spawn(process.execPath, ['-e', script, 'A'.repeat(100_000)], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, NL_SOCK: join(sockDir, SOCK_NAME) },
  });
  port = Number(await new Promise<string>((r) => child.stdout!.once('data', (d: Buffer) => r(d.toString().trim()))));
  app = await openApp({ width: 1200, height: 760 });
});

afterAll(async () => {
  child?.kill('SIGKILL');
  await app?.close();
  rmSync(sockDir, { recursive: true, force: true });
});

const SPOOF = '\u202e';

async function openKillDialog() {
  const { page } = app;
  await page
    .locator('[role="grid"][aria-label="Connections"] [role="row"][data-row-id]')
    .first()
    .click({ button: 'right' });
  await page.getByRole('menu', { name: 'Connection' }).getByRole('menuitem', { name: 'Kill process…' }).click();
  return page.getByRole('dialog');
}

describe('user-controlled text in the UI', () => {
  it('shows the name escaped and isolated in the table, never as "exe.png"', async () => {
    const { page } = app;
    await page.getByRole('searchbox', { name: 'Filter connections' }).fill(`lport:${port} -state:time_wait`);
    const row = page.locator('[role="grid"][aria-label="Connections"] [role="row"][data-row-id]').first();
    const processCell = row.locator('[role="gridcell"][data-column="process"]');
    await until('the child row', async () => ((await processCell.textContent()) ?? '').includes('gnp.exe'));
    const text = (await processCell.textContent()) ?? '';
    expect(text).toBe('\\u202egnp.exe');
    expect(text).not.toContain(SPOOF);
    expect(await processCell.locator('bdi').count()).toBeGreaterThan(0);
  });

  it('shows the name escaped and isolated in the row menu', async () => {
    const { page } = app;
    await page
      .locator('[role="grid"][aria-label="Connections"] [role="row"][data-row-id]')
      .first()
      .click({ button: 'right' });
    const item = page.getByRole('menu', { name: 'Connection' }).locator('[data-item="filter-process"]');
    expect(await item.textContent()).toBe('Filter to \\u202egnp.exe');
    expect(await item.locator('bdi').allTextContents()).toEqual(['\\u202egnp.exe']);
    await page.keyboard.press('Escape');
  });

  it('quotes a filter term in error as the grid draws text: its bidi override as the escape', async () => {
    const { page } = app;
    const box = page.getByRole('searchbox', { name: 'Filter connections' });
    // On main the error echoed the raw U+202E, turning the message around.
    await box.fill(`proc:x pid:\u202e1`);
    const error = page.locator('#filter-error');
    await until('the error', async () => (await error.count()) > 0);
    expect(await error.textContent()).toContain('\\u202e1');
    expect(await error.textContent()).not.toContain(SPOOF);
    await box.fill(`lport:${port} -state:time_wait`);
  });

  it('draws a 100 KB command line clamped in its cell and its tooltip, not whole', async () => {
    const { page } = app;
    const columnsMenu = () => page.getByRole('menu', { name: 'Columns' });
    const toggleCmdline = async () => {
      await page.locator('.split > .grid-wrap').getByRole('button', { name: 'Columns…' }).click();
      await columnsMenu().getByRole('menuitemcheckbox', { name: 'Command line' }).click();
      await page.keyboard.press('Escape');
    };
    await toggleCmdline();
    const cell = page
      .locator('[role="grid"][aria-label="Connections"] [role="row"][data-row-id]')
      .first()
      .locator('[role="gridcell"][data-column="cmdline"]');
    await until('the command line cell', async () => ((await cell.textContent()) ?? '').includes('AAAA'));
    expect(((await cell.textContent()) ?? '').length).toBeLessThanOrEqual(1001);
    await cell.hover();
    await until('the tooltip', async () => (await cell.getAttribute('title')) !== null);
    expect(((await cell.getAttribute('title')) ?? '').length).toBeLessThanOrEqual(4001);
    await toggleCmdline();
  });

  it('shows the name escaped and isolated in the process list and in History → Exposure, the PID outside it', async () => {
    const { page } = app;
    const entry = page
      .getByRole('complementary', { name: 'Processes' })
      .locator('[role="gridcell"][data-column="name"]', { hasText: 'gnp.exe' });
    await until('the process list entry', async () => (await entry.count()) > 0);
    expect(await entry.textContent()).toBe('\\u202egnp.exe');
    expect(await entry.locator('bdi').count()).toBeGreaterThan(0);

    await page.getByRole('tab', { name: 'History' }).click();
    await page.getByRole('radio', { name: 'Exposure' }).click();
    const row = page.getByRole('region', { name: 'Loopback only' }).locator(`tr[data-port="${port}"]`);
    await until('the child in Exposure', async () => (await row.count()) > 0);
    const text = (await row.textContent()) ?? '';
    expect(text).toContain(`\\u202egnp.exe (${child.pid})`);
    expect(text).not.toContain(SPOOF);
    expect(await row.locator('bdi', { hasText: 'gnp.exe' }).textContent()).toBe('\\u202egnp.exe');
    // Back to the Connections tab, filtered to the child again (the tab's query goes with the tab).
    await page.getByRole('tab', { name: 'Connections' }).click();
    await page.getByRole('searchbox', { name: 'Filter connections' }).fill(`lport:${port} -state:time_wait`);
    const first = page.locator('[role="grid"][aria-label="Connections"] [role="row"][data-row-id]').first();
    await until('the child row again', async () =>
      ((await first.locator('[data-column="process"]').textContent()) ?? '').includes('gnp.exe'),
    );
  });

  it('copies a socket’s path as Copy row writes it: its line break, escape and bidi override as escapes', async () => {
    const { page } = app;
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: app.host.origin });
    const unix = page.getByRole('button', { name: 'UNIX', exact: true });
    await unix.click();
    await page.getByRole('searchbox', { name: 'Filter connections' }).fill(`pid:${child.pid} proto:unix`);
    const row = page
      .locator('[role="grid"][aria-label="Connections"] [role="row"][data-row-id]')
      .filter({ has: page.locator('[data-column="localAddress"]', { hasText: '.sock' }) });
    await until('the child’s unix socket', async () => (await row.count()) === 1);
    await row.click({ button: 'right' });
    await page.getByRole('menu', { name: 'Connection' }).getByRole('menuitem', { name: 'Copy local address' }).click();
    const copied = await until('the clipboard', async () => {
      const t = await page.evaluate(() => navigator.clipboard.readText());
      return t.includes('.sock') ? t : null;
    });
    expect(copied).toBe(`${sockDir}/=cmd\\n\\x1b]0;T\\x07\\u202e.sock`);
    expect(copied).not.toMatch(/[\n\x1b\x07\u202e]/);
    await unix.click();
    await page.getByRole('searchbox', { name: 'Filter connections' }).fill(`lport:${port} -state:time_wait`);
  });

  it('keeps name and PID in view in the Kill dialog, the PID outside the name, the command line scrollable', async () => {
    const { page } = app;
    const dialog = await openKillDialog();
    const heading = dialog.locator('.dialog-title');
    expect(await heading.textContent()).toBe(`Kill \\u202egnp.exe (PID ${child.pid})?`);
    // The PID is not inside the isolated name, and both are on screen.
    expect(await heading.locator('bdi').textContent()).toBe('\\u202egnp.exe');
    const viewport = page.viewportSize()!;
    for (const part of [heading.locator('bdi'), heading.locator('.kill-pid')]) {
      const box = (await part.boundingBox())!;
      expect(box.y + box.height).toBeLessThanOrEqual(viewport.height);
      expect(box.x + box.width).toBeLessThanOrEqual(viewport.width);
    }
    const dialogBox = (await dialog.boundingBox())!;
    expect(dialogBox.height).toBeLessThan(viewport.height);
    // The 100 KB command line, cut at MAX_CMDLINE_BYTES and marked so (a row carries its owners: a process could
    // make every snapshot megabytes long), is in a box that scrolls: all that was kept is there to read.
    const cmdline = dialog.locator('.cmdline');
    const { scroll, client, text } = await cmdline.evaluate((el) => ({
      scroll: el.scrollHeight,
      client: el.clientHeight,
      text: el.textContent ?? '',
    }));
    expect(scroll).toBeGreaterThan(client);
    expect(text.endsWith(`${'A'.repeat(100)}${CMDLINE_CUT}`)).toBe(true);
    // (The script's bidi override is shown as its escape, six characters for its three bytes.)
    expect(text.length).toBeLessThan(MAX_CMDLINE_BYTES + CMDLINE_CUT.length + 100);
    expect(text.length).toBeGreaterThan(MAX_CMDLINE_BYTES - 100);
    expect((await dialog.textContent()) ?? '').not.toContain(SPOOF);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect(child.exitCode).toBeNull();
  });

  it('shows the kill result with the name escaped and isolated, the PID outside it', async () => {
    const dialog = await openKillDialog();
    await dialog.getByRole('button', { name: 'Terminate' }).click();
    const result = dialog.locator('.result');
    await until('the kill result', async () => (await result.count()) > 0);
    expect(await result.textContent()).toBe(`Terminated \\u202egnp.exe (PID ${child.pid})`);
    expect(await result.locator('bdi').allTextContents()).toEqual(['\\u202egnp.exe']);
    await dialog.getByRole('button', { name: 'Close' }).click();
    // The action log says the same, as inert (its button is on the toolbar from 1400 wide).
    await app.page.setViewportSize({ width: 1400, height: 900 });
    await app.page.getByRole('button', { name: 'Action log' }).click();
    const log = app.page.getByRole('dialog', { name: 'Action log' });
    const message = log.locator('tbody tr td[data-outcome="killed"]').first();
    await until('the log entry', async () => (await message.count()) > 0);
    expect(await message.textContent()).toBe(`Terminated \\u202egnp.exe (PID ${child.pid})`);
    expect(await message.locator('bdi').allTextContents()).toEqual(['\\u202egnp.exe']);
    expect(await message.getAttribute('title')).not.toContain(SPOOF);
    await app.page.keyboard.press('Escape');
  });
});
