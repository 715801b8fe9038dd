// The app shows a remote host beside this machine: added in the UI as an ssh destination (a host in a network
// namespace with Debian's sshd, ssh-namespaces.ts), its rows with a Host column under "All hosts", only its
// rows when it is selected, none under "This machine"; and when it stops answering, its chip says why and
// its rows stay, greyed, with the time they are from.
import { existsSync, readFileSync } from 'node:fs';
import type { ChildProcess } from 'node:child_process';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApp, requireBuild, SCREENSHOTS, startHost, until, type OpenApp } from './support.js';
import { SSHD, SshLab, type NamespaceHost } from './ssh-namespaces.js';
import { join } from 'node:path';

const isRoot = process.getuid?.() === 0;
const WAIT_MS = 60_000;
const TEST_MS = 180_000;

describe.skipIf(process.platform !== 'linux' || !isRoot || !existsSync(SSHD))('remote hosts in the app', () => {
  let lab: SshLab;
  let host: NamespaceHost;
  let app: OpenApp;
  let page: Page;
  const programs: ChildProcess[] = [];

  beforeAll(async () => {
    requireBuild();
    lab = new SshLab();
    host = lab.add(5);
    lab.trust();
    await host.up();
    // A listener only the remote host has.
    programs.push(
      host.spawn(process.execPath, ['-e', "require('net').createServer().listen(7005, () => console.log('ready'))"]),
    );
    await new Promise<void>((resolve) => programs[0]!.stdout!.once('data', () => resolve()));
    app = await openApp({ width: 1500, height: 860 }, ['--ssh-config', lab.config]);
    page = app.page;
    await page.locator('[role="tablist"]').waitFor();
  }, TEST_MS);

  afterAll(async () => {
    for (const p of programs) p.kill('SIGKILL');
    await app?.close();
    await lab?.cleanup();
  });

  const grid = '[role="grid"][aria-label="Connections"]';
  const remoteRows = () => page.locator(`${grid} [role="row"][data-row-id^="@${host.alias}/"]`);
  const localRows = () => page.locator(`${grid} [role="row"][data-row-id]:not([data-row-id^="@"])`);
  const chip = () => page.getByRole('status', { name: `Host ${host.alias}` });

  it(
    'refuses a destination ssh would read as an option, then adds the host and shows its rows with a Host column',
    async () => {
      await page.getByRole('button', { name: 'Add host…' }).click();
      const input = page.getByRole('textbox', { name: 'ssh destination' });
      await input.fill('-oProxyCommand=touch /tmp/fleet-pwned');
      await expect(page.getByRole('alert').textContent()).resolves.toContain('cannot start with "-"');
      expect(await page.getByRole('button', { name: 'Add', exact: true }).isDisabled()).toBe(true);
      await input.fill(host.alias);
      await page.getByRole('button', { name: 'Add', exact: true }).click();
      // The dialog waits for its first connection, then closes.
      await page.getByRole('dialog', { name: `Connecting to ${host.alias}…` }).waitFor();
      await until('the host to connect', async () => (await chip().textContent())?.includes('connected'), WAIT_MS);
      await until('the dialog closed', async () => (await page.getByRole('dialog').count()) === 0);
      // The added host is selected: only its rows, among them its listener.
      await until('its listener', async () => (await remoteRows().filter({ hasText: '7005' }).count()) > 0, WAIT_MS);
      expect(await localRows().count()).toBe(0);
      expect(await remoteRows().count()).toBeGreaterThan(0);
      // All hosts: this machine's rows too, and a Host column that says whose each row is.
      await page.getByRole('combobox', { name: 'Host', exact: true }).selectOption('all');
      await until(
        'rows of both hosts',
        async () => (await localRows().count()) > 0 && (await remoteRows().count()) > 0,
      );
      const remoteHostCell = remoteRows().first().locator('[role="gridcell"][data-column="host"]');
      expect(await remoteHostCell.textContent()).toBe(host.alias);
      expect(await localRows().first().locator('[role="gridcell"][data-column="host"]').textContent()).toBe(
        'this machine',
      );
      // This machine only: no remote rows, no Host column.
      await page.getByRole('combobox', { name: 'Host', exact: true }).selectOption('local');
      await until('no remote rows', async () => (await remoteRows().count()) === 0);
      expect(await page.locator('[role="columnheader"]', { hasText: /^Host$/ }).count()).toBe(0);
      await page.getByRole('combobox', { name: 'Host', exact: true }).selectOption('all');
      await until('remote rows again', async () => (await remoteRows().count()) > 0);
    },
    TEST_MS,
  );

  it(
    'every tab shows the host: its interfaces, routes and counters, alone or beside this machine',
    async () => {
      const tab = (name: string) => page.getByRole('tab', { name }).click();
      const select = (value: string) => page.getByRole('combobox', { name: 'Host', exact: true }).selectOption(value);
      const ids = (selector: string) =>
        page
          .locator(`[role="tabpanel"]:not([hidden]) ${selector} [role="row"][data-row-id]`)
          .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-row-id')!));
      const mine = (all: string[]) => all.filter((id) => id.startsWith(`@${host.alias}/`));
      const others = (all: string[]) => all.filter((id) => !id.startsWith('@'));
      for (const [name, grid, expected] of [
        ['Interfaces', '[role="grid"][aria-label="Interfaces"]', `@${host.alias}/eth0`],
        ['Routes', '[role="grid"][aria-label="IPv4 routes"]', null],
        ['Statistics', '', null],
      ] as const) {
        await tab(name);
        await select(`remote:${host.alias}`);
        const only = await until(`${name} of ${host.alias}`, async () => {
          const all = await ids(grid);
          return mine(all).length > 0 && all;
        });
        expect(others(only)).toEqual([]);
        if (expected) expect(only).toContain(expected);
        await page.screenshot({ path: join(SCREENSHOTS, `remote-host-${name.toLowerCase()}.png`) });
        await select('all');
        await until(`${name} of both hosts`, async () => {
          const all = await ids(grid);
          return mine(all).length > 0 && others(all).length > 0;
        });
        if (name === 'Interfaces') {
          // Its interfaces have rates like this machine's, and its multicast groups are its own.
          const rate = page.locator(`[role="row"][data-row-id="@${host.alias}/eth0"] [data-column="rxRate"]`);
          await until('a rate for its eth0', async () => /\/s$/.test((await rate.textContent()) ?? ''));
          await page.locator(`[role="row"][data-row-id="@${host.alias}/eth0"]`).click();
          await until('its chart title', async () =>
            ((await page.locator('.iface-chart h3').textContent()) ?? '').startsWith(`eth0 on ${host.alias}`),
          );
        }
        await page.screenshot({ path: join(SCREENSHOTS, `remote-host-${name.toLowerCase()}-all.png`) });
      }
      await tab('Connections');
    },
    TEST_MS,
  );

  it(
    'kills a process and closes a connection on the host, after the same confirmation, logged with the host',
    async () => {
      // A listener to kill, and an established connection to close, both only on the remote host.
      const victim = host.spawn('socat', ['-u', 'TCP-LISTEN:7006,bind=127.0.0.1', 'OPEN:/dev/null']);
      programs.push(victim);
      programs.push(host.spawn('socat', ['-u', 'TCP-LISTEN:7007,bind=127.0.0.1,fork', 'OPEN:/dev/null']));
      await until('the second listener', () => host.exec('ss', ['-tlnH', 'sport = :7007']).trim());
      programs.push(host.spawn('sh', ['-c', 'sleep 600 | socat -u - TCP:127.0.0.1:7007']));
      const menu = () => page.getByRole('menu');
      // The port cell says "7006", or "7006 (afs3-errors)" once the service names of the host's
      // connections arrive (7005-7007 are AFS's in the IANA list): either is the port.
      const row = (port: string, state: string) =>
        remoteRows()
          .filter({ has: page.locator('[data-column="localPort"]', { hasText: new RegExp(`^${port}( |$)`) }) })
          .filter({ hasText: state });
      await until('the victim in the table', async () => (await row('7006', 'LISTEN').count()) === 1, WAIT_MS);
      await row('7006', 'LISTEN').click({ button: 'right' });
      await menu().getByRole('menuitem', { name: 'Kill process…' }).click();
      const dialog = page.getByRole('dialog');
      expect(await dialog.getByRole('heading').textContent()).toMatch(
        new RegExp(`^Kill socat \\(PID ${victim.pid}\\) on ${host.alias}\\?$`),
      );
      await dialog.getByRole('button', { name: 'Terminate' }).click();
      const result = dialog.locator('[data-outcome]');
      await until('the kill result', async () => (await result.count()) > 0, WAIT_MS);
      expect(await result.getAttribute('data-outcome')).toBe('killed');
      expect(await result.textContent()).toContain(`Terminated socat (PID ${victim.pid}) on ${host.alias}`);
      await until('the victim to exit', () => victim.exitCode !== null || victim.signalCode !== null);
      await page.keyboard.press('Escape');
      // Close: the established connection to 7007, on the host.
      await until('the connection in the table', async () => (await row('7007', 'ESTABLISHED').count()) > 0, WAIT_MS);
      await row('7007', 'ESTABLISHED').first().click({ button: 'right' });
      await menu().getByRole('menuitem', { name: 'Close connection…' }).click();
      expect(await dialog.textContent()).toContain(`on ${host.alias}`);
      await dialog.getByRole('button', { name: 'Close connection' }).click();
      await until('the close result', async () => (await dialog.locator('[data-outcome]').count()) > 0, WAIT_MS);
      expect(await dialog.locator('[data-outcome]').getAttribute('data-outcome')).toBe('closed');
      expect(await dialog.locator('[data-outcome]').textContent()).toMatch(
        /^Closed 127\.0\.0\.1:\d+ → 127\.0\.0\.1:\d+ on fleet-5/,
      );
      await page.keyboard.press('Escape');
      // The action log names the host of both.
      await page.getByRole('button', { name: 'Action log' }).click();
      const log = page.getByRole('dialog');
      await until('both actions in the log', async () => (await log.getByText(`on ${host.alias}`).count()) >= 2);
      await page.keyboard.press('Escape');
    },
    TEST_MS,
  );

  it(
    'comes back with the host the user added when NetLens starts again',
    async () => {
      expect(JSON.parse(readFileSync(join(app.host.dataDir, 'remote-hosts.json'), 'utf8'))).toEqual({
        hosts: [host.alias],
      });
      // A second NetLens on the same data folder.
      const again = await startHost(['--ssh-config', lab.config], { NETLENS_DATA_DIR: app.host.dataDir });
      const second = await app.browser.newPage({ viewport: { width: 1500, height: 860 } });
      try {
        await second.goto(again.url);
        const chip2 = second.getByRole('status', { name: `Host ${host.alias}` });
        await until(
          'the host, connected again',
          async () => (await chip2.textContent())?.includes('connected'),
          WAIT_MS,
        );
      } finally {
        await second.close();
        await again.stop();
      }
    },
    TEST_MS,
  );

  it(
    'greys the rows of a host that stopped answering, with the time they are from, until it comes back',
    async () => {
      await host.down();
      // Disconnected, or trying again (with backoff): either way its data is stale, and the chip's tooltip says why
      // (the chip itself is compact: its name and state).
      const text = await until(
        'the chip to say the rows are stale',
        async () => {
          const t = (await chip().getAttribute('title')) ?? '';
          return t.includes('stale since') && t;
        },
        WAIT_MS,
      );
      expect(text).toMatch(/^fleet-5: (disconnected|connecting) \(.+\) — stale since \d\d:\d\d:\d\d$/);
      // Its rows stay (those of its last frame), every one greyed, each saying since when.
      const stale = () => remoteRows().and(page.locator('.stale'));
      await until('stale rows', async () => (await stale().count()) > 0, WAIT_MS);
      // Counted in one go in the page: local rows keep arriving and scroll remote ones in and out of the window.
      const shown = await remoteRows().evaluateAll((rows) => ({
        rows: rows.length,
        live: rows.filter((r) => !r.classList.contains('stale')).length,
      }));
      expect(shown.rows).toBeGreaterThan(0);
      expect(shown.live).toBe(0);
      const cell = await remoteRows().first().locator('[role="gridcell"][data-column="host"]').textContent();
      expect(cell).toMatch(new RegExp(`^${host.alias} \\(stale since \\d\\d:\\d\\d:\\d\\d\\)$`));
      await page.screenshot({ path: join(SCREENSHOTS, 'remote-host-stale.png') });
      // Made again, it comes back (reconnecting with backoff) and its rows are live again.
      await host.up();
      await until(
        'the host to come back',
        async () => (await chip().textContent()) === `${host.alias}: connected`,
        90_000,
      );
      await until('live rows again', async () => (await stale().count()) === 0 && (await remoteRows().count()) > 0);
    },
    2 * TEST_MS,
  );

  it(
    'says why a host selected and never reached shows nothing, and counts its sockets, not this machine’s',
    async () => {
      // A new user's review (12-03): an unreachable host said "No socket matches with these toggles.", "0 of 161
      // sockets" (this machine's 161) and, on Statistics, "this system reported no protocol statistics".
      await page.getByRole('tab', { name: 'Connections' }).click();
      await page.getByRole('button', { name: 'Add host…' }).click();
      await page.getByRole('textbox', { name: 'ssh destination' }).fill('nosuchhost.invalid');
      await page.getByRole('button', { name: 'Add', exact: true }).click();
      // A new user's review (12-06): an unreachable host replaced the whole view. The dialog says why instead, and
      // the tabs stay on what they showed until the host is chosen.
      const dialog = page.getByRole('dialog', { name: 'Cannot reach nosuchhost.invalid' });
      await dialog.waitFor({ timeout: WAIT_MS });
      expect(await dialog.getByRole('status').textContent()).toMatch(
        /^nosuchhost\.invalid: disconnected \(.+\)\. If you keep it, NetLens goes on trying/,
      );
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Keep it');
      await page.screenshot({ path: join(SCREENSHOTS, 'add-host-unreachable.png') });
      expect(await page.getByRole('combobox', { name: 'Host', exact: true }).inputValue()).not.toBe(
        'remote:nosuchhost.invalid',
      );
      await dialog.getByRole('button', { name: 'Keep it' }).click();
      await page.getByRole('combobox', { name: 'Host', exact: true }).selectOption('remote:nosuchhost.invalid');
      const said = await until(
        'the reason in the empty grid',
        async () => {
          const t =
            (await page
              .getByText(/^Nothing read from nosuchhost\.invalid/)
              .first()
              .textContent()) ?? '';
          return t.includes('disconnected') && t;
        },
        WAIT_MS,
      );
      expect(said).toMatch(/^Nothing read from nosuchhost\.invalid: disconnected \(.+\)$/);
      expect(await page.locator('[data-status="rows"]').textContent()).toBe('0 of 0 sockets');
      await page.getByRole('tab', { name: 'Statistics' }).click();
      await until(
        'the reason on Statistics',
        async () =>
          (await page
            .getByRole('status')
            .filter({ hasText: /^Nothing read from nosuchhost/ })
            .count()) > 0,
      );
      // The status bar says the host's state where this machine's read time would be ("read in 1.0 ms", beside a host
      // that never answered).
      expect(await page.locator('footer [data-status="host-state"]').textContent()).toMatch(
        /^nosuchhost\.invalid: disconnected/,
      );
      expect(await page.locator('footer').textContent()).not.toContain('read in');
      await page.getByRole('tab', { name: 'Connections' }).click();
      // Its chip's menu: show it alone, or remove it (Remove was only beside the Host selector, once it was chosen).
      const viewport = page.viewportSize()!;
      await page.setViewportSize({ width: 1920, height: viewport.height });
      await page.getByRole('combobox', { name: 'Host', exact: true }).selectOption('all');
      const chipButton = page.getByRole('status', { name: 'Host nosuchhost.invalid' }).getByRole('button');
      await chipButton.click();
      const menu = page.getByRole('menu', { name: 'Host nosuchhost.invalid' });
      await menu.getByRole('menuitem', { name: 'Show nosuchhost.invalid alone' }).click();
      expect(await page.getByRole('combobox', { name: 'Host', exact: true }).inputValue()).toBe(
        'remote:nosuchhost.invalid',
      );
      await chipButton.press('Shift+F10');
      await menu.getByRole('menuitem', { name: 'Remove nosuchhost.invalid' }).click();
      await until(
        'the host removed',
        async () => (await page.getByRole('status', { name: 'Host nosuchhost.invalid' }).count()) === 0,
        WAIT_MS,
      );
      await page.setViewportSize(viewport);
    },
    TEST_MS,
  );
});
