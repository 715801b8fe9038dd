// "Show all processes…" and `dump --elevate` as an unprivileged user meets them: the browser host and the CLI
// run as a test user, the privileged agent as root through NETLENS_ELEVATE_COMMAND='sudo -n' and a sudoers
// rule this test installs (and removes) for exactly that command. A listener owned by root gains its process;
// a killed agent brings a notice, the owners hide again and the host carries on; a user sudo refuses gets the
// reason and the unprivileged view.
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  mkdirSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from '../../shared/types.js';
import { dropPrivilegesPrefix } from '../../electron/actions/test-support/as-user.js';
import { CLI, SCREENSHOTS, launchChromium, requireBuild, until } from './support.js';

const USER = 'desktop-e2e';
const SUDOERS = '/etc/sudoers.d/desktop-agent-e2e';
const SETPRIV = ['/usr/bin/setpriv', '/bin/setpriv'].find(existsSync);
const canRun =
  process.platform === 'linux' &&
  process.getuid?.() === 0 &&
  existsSync('/usr/bin/sudo') &&
  SETPRIV !== undefined &&
  existsSync('/usr/sbin/useradd');

const sh = (file: string, ...args: string[]) =>
  execFileSync(file, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

let work = '';
let asUser: string[] = [];
let listener: ChildProcess;
let port = 0;

function removeUser(): void {
  rmSync(SUDOERS, { force: true });
  spawnSync('userdel', ['-f', USER], { stdio: 'ignore' });
  spawnSync('groupdel', [USER], { stdio: 'ignore' });
}

beforeAll(async () => {
  if (!canRun) return;
  requireBuild();
  removeUser();
  sh('useradd', '--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', USER);
  const uid = Number(sh('id', '-u', USER).trim());
  const gid = Number(sh('id', '-g', USER).trim());
  asUser = [SETPRIV!, `--reuid=${uid}`, `--regid=${gid}`, '--init-groups'];
  work = mkdtempSync(join(tmpdir(), 'desktop-agent-'));
  chmodSync(work, 0o755);
  // Exactly the agent command, nothing else; validated by visudo before it is installed.
  const rule = join(work, 'sudoers');
  writeFileSync(rule, `${USER} ALL=(root) NOPASSWD: ${process.execPath} ${CLI} agent --parent *\n`, { mode: 0o440 });
  sh('visudo', '-cf', rule);
  writeFileSync(SUDOERS, readFileSync(rule), { mode: 0o440 });
  // A root-owned listener with a name of its own (node exec'd through a symlink).
  const link = join(work, 'desktoplsn');
  symlinkSync(process.execPath, link);
  listener = spawn(
    link,
    ['-e', "const s=require('net').createServer().listen(0,'127.0.0.1',()=>console.log(s.address().port))"],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  port = await new Promise<number>((resolve) =>
    listener.stdout!.once('data', (d: Buffer) => resolve(Number(d.toString().trim()))),
  );
}, 60_000);

afterAll(() => {
  if (!canRun) return;
  listener?.kill('SIGKILL');
  removeUser();
  if (work) rmSync(work, { recursive: true, force: true });
});

function dump(prefix: string[], args: string[]): { code: number | null; rows: Connection[]; stderr: string } {
  const r = spawnSync(
    prefix[0]!,
    [...prefix.slice(1), process.execPath, CLI, 'dump', 'connections', '--json', ...args],
    {
      encoding: 'utf8',
      cwd: '/',
      env: { ...process.env, NETLENS_ELEVATE_COMMAND: 'sudo -n' },
      maxBuffer: 64 * 1024 * 1024,
      timeout: 60_000,
    },
  );
  return { code: r.status, rows: r.status === 0 ? (JSON.parse(r.stdout) as Connection[]) : [], stderr: r.stderr };
}

const listenerRow = (rows: Connection[]) =>
  rows.find((r) => r.proto === 'tcp' && r.localPort === port && r.state === 'LISTEN');

describe.runIf(canRun)('the privileged agent for an unprivileged user', () => {
  it('dump --elevate attributes a root-owned listener; without it the owner stays hidden', () => {
    const plain = dump(asUser, []);
    expect(plain.code, plain.stderr).toBe(0);
    expect(listenerRow(plain.rows)).toMatchObject({ ownerStatus: 'denied', processes: [] });

    const elevated = dump(asUser, ['--elevate']);
    expect(elevated.code, elevated.stderr).toBe(0);
    const row = listenerRow(elevated.rows);
    expect(row?.ownerStatus).toBe('known');
    expect(row?.processes.map((p) => [p.pid, p.name, p.user])).toEqual([[listener.pid, 'desktoplsn', 'root']]);
    expect(elevated.rows.filter((r) => r.ownerStatus === 'denied')).toEqual([]);
    expect(elevated.stderr).not.toMatch(/helper/);
  });

  it('dump --elevate for a user sudo refuses says why and prints what it can see', () => {
    const r = dump(dropPrivilegesPrefix()!, ['--elevate']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/the administrator helper did not start \(sudo needs a password it cannot ask for here/);
    expect(listenerRow(r.rows)?.ownerStatus).toBe('denied');
  });

  describe('the browser host', () => {
    let host: ChildProcess;
    let page: Page;
    let closeBrowser: () => Promise<void>;
    let out = '';

    beforeAll(async () => {
      const data = join(work, 'data');
      sh('mkdir', '-p', data);
      chownSync(data, Number(sh('id', '-u', USER).trim()), Number(sh('id', '-g', USER).trim()));
      host = spawn(asUser[0]!, [...asUser.slice(1), process.execPath, CLI, 'web', '--port', '0'], {
        cwd: '/',
        env: { ...process.env, NETLENS_DATA_DIR: data, NETLENS_ELEVATE_COMMAND: 'sudo -n' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      host.stdout!.on('data', (d: Buffer) => (out += d.toString()));
      host.stderr!.on('data', (d: Buffer) => (out += d.toString()));
      const url = await until('the browser host', () => /serving at (http:\/\/\S+)/.exec(out)?.[1], 30_000);
      const browser = await launchChromium();
      closeBrowser = () => browser.close();
      page = await browser.newPage({ viewport: { width: 1400, height: 820 } });
      await page.goto(url);
      await page.getByRole('searchbox', { name: 'Filter connections' }).fill(`lport:${port} -state:time_wait`);
    }, 60_000);

    afterAll(async () => {
      await closeBrowser?.();
      host?.kill('SIGTERM');
    });

    const pidCell = () =>
      page
        .locator(
          `[role="grid"][aria-label="Connections"] [role="row"][data-row-id] [role="gridcell"][data-column="pid"]`,
        )
        .first();
    const showAll = () => page.locator('[data-status="denied"] [data-action="show-all-processes"]');

    /** The agent: root's node running `cli.cjs agent --parent <host pid>`. */
    function agentPid(): number | null {
      for (const e of readdirSync('/proc')) {
        if (!/^\d+$/.test(e)) continue;
        try {
          const cmd = readFileSync(`/proc/${e}/cmdline`, 'utf8').split('\0');
          if (
            cmd[0] === process.execPath &&
            cmd[2] === 'agent' &&
            cmd[4] === String(host.pid) &&
            statSync(`/proc/${e}`).uid === 0
          )
            return Number(e);
        } catch {
          // exited meanwhile
        }
      }
      return null;
    }

    it('offers "Show all processes…" where owners are hidden, and the root listener gains its process', async () => {
      await until('the listener row, owner hidden', async () => (await pidCell().textContent()) === '?', 20_000);
      await showAll().waitFor();
      mkdirSync(SCREENSHOTS, { recursive: true });
      await page.screenshot({ path: join(SCREENSHOTS, 'show-all-processes.png') });
      await showAll().click();
      await until("the listener's pid", async () => (await pidCell().textContent()) === String(listener.pid), 20_000);
      await page.locator('[data-status="agent"]').waitFor();
      expect(await page.locator('.notice').allTextContents()).toContainEqual(
        expect.stringContaining('processes of every user'),
      );
      expect(agentPid()).not.toBeNull();
      await page.screenshot({ path: join(SCREENSHOTS, 'all-processes.png') });
    });

    it('a killed agent gives a notice, the owners hide again, the host carries on and offers it again', async () => {
      const pid = await until('the agent', () => agentPid());
      process.kill(pid, 'SIGKILL');
      await until(
        'the notice',
        async () =>
          (await page.locator('.notice').allTextContents()).some((t) => t.includes('administrator helper stopped')),
        20_000,
      );
      await until('the owner to hide again', async () => (await pidCell().textContent()) === '?', 20_000);
      await showAll().waitFor();
      expect(host.exitCode).toBeNull();
      expect(out).not.toMatch(/Uncaught|TypeError|unhandled/i);
    });

    it('with the agent running again, Kill process… ends a root-owned process through it', async () => {
      const victim = spawn(
        join(work, 'desktoplsn'),
        ['-e', "const s=require('net').createServer().listen(0,'127.0.0.1',()=>console.log(s.address().port))"],
        {
          stdio: ['ignore', 'pipe', 'inherit'],
        },
      );
      const victimPort = await new Promise<number>((resolve) =>
        victim.stdout!.once('data', (d: Buffer) => resolve(Number(d.toString().trim()))),
      );
      const exited = new Promise<string | null>((r) => victim.once('exit', (_code, signal) => r(signal)));
      try {
        await showAll().click();
        await page.locator('[data-status="agent"]').waitFor();
        await page.getByRole('searchbox', { name: 'Filter connections' }).fill(`lport:${victimPort} -state:time_wait`);
        await until("the victim's pid", async () => (await pidCell().textContent()) === String(victim.pid), 20_000);
        await page
          .locator('[role="grid"][aria-label="Connections"] [role="row"][data-row-id]')
          .first()
          .click({ button: 'right' });
        await page.getByRole('menu', { name: 'Connection' }).getByRole('menuitem', { name: 'Kill process…' }).click();
        const dialog = page.getByRole('dialog');
        await dialog.getByRole('button', { name: 'Terminate' }).click();
        const result = dialog.locator('[data-outcome]');
        await result.waitFor();
        expect(await result.getAttribute('data-outcome')).toBe('killed');
        expect(await exited).toBe('SIGTERM');
        // The user's own action log names the way it went.
        const log = readFileSync(join(work, 'data', 'actions.log'), 'utf8')
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l) as { action: string; pid: number; outcome: string });
        expect(log.at(-1)).toMatchObject({ action: 'kill-agent:TERM', pid: victim.pid, outcome: 'killed' });
      } finally {
        victim.kill('SIGKILL');
      }
    });
  });
});
