// Shared by the end-to-end tests: start the real browser host (the built CLI, as a user would) and a
// headless Debian Chromium driven by playwright-core.
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  chmodSync,
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { stopProcess } from '../stop-process.js';
import { until } from '../until.js';
import { QUIET_MAX_MS } from '../../electron/monitor/clients.js';

export { until };

export const ROOT = process.cwd();
export const CLI = join(ROOT, 'out/main/cli.cjs');

export interface RunningHost {
  url: string;
  origin: string;
  port: number;
  token: string;
  child: ChildProcess;
  dataDir: string;
  output: () => string;
  stop(): Promise<void>;
}

export function requireBuild(): void {
  if (!existsSync(CLI) || !existsSync(join(ROOT, 'out/renderer/index.html'))) {
    throw new Error('out/ is not built: run `node scripts/build.mjs` (npm test does it first)');
  }
}

/** The command that runs a built CLI as the `netlens` command runs: the interpreter its #! line names and that
 *  line's argument (the kernel's reading: the first word, then the rest as one argument; scripts/build.mjs writes
 *  the line and says why it stays plain node), then node's own flags (`nodeArgs`), the file and `args`. On
 *  Windows, where the line means nothing, node itself. */
export function cliCommand(
  cli: string,
  args: readonly string[],
  nodeArgs: readonly string[] = [],
): { file: string; args: string[] } {
  const head = Buffer.alloc(256);
  const fd = openSync(cli, 'r');
  const n = readSync(fd, head, 0, head.length, 0);
  closeSync(fd);
  const line = /^#![ \t]*(\S+)(?:[ \t]+([^\n]*\S))?[ \t]*\n/.exec(head.toString('utf8', 0, n));
  if (process.platform === 'win32' || !line) return { file: process.execPath, args: [...nodeArgs, cli, ...args] };
  return { file: line[1]!, args: [...(line[2] ? [line[2]] : []), ...nodeArgs, cli, ...args] };
}

/** Starts `netlens web` on a free port, as the command starts (cliCommand), with a data folder of its own
 *  (removed by stop()), node run with `nodeArgs` (a benchmark's --cpu-prof). */
export async function startHost(
  args: readonly string[] = [],
  env: NodeJS.ProcessEnv = {},
  nodeArgs: readonly string[] = [],
): Promise<RunningHost> {
  requireBuild();
  const dataDir = mkdtempSync(join(tmpdir(), 'netlens-test-data-'));
  const command = cliCommand(CLI, ['web', '--port', '0', ...args], nodeArgs);
  const child = spawn(command.file, command.args, {
    // Host names are asked of a closed port on loopback unless a test names a server (--dns-server): no test
    // host sends a query to the machine's real DNS servers.
    env: {
      ...process.env,
      NETLENS_DATA_DIR: dataDir,
      NETLENS_DNS_SERVER: process.env.NETLENS_DNS_SERVER ?? '127.0.0.1:9',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`browser host did not start:\n${out}`)), 20_000);
    const check = () => {
      const m = /serving at (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout!.on('data', check);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`browser host exited with ${code}:\n${out}`));
    });
  });
  const u = new URL(url);
  return {
    url,
    origin: u.origin,
    port: Number(u.port),
    token: u.searchParams.get('token')!,
    child,
    dataDir,
    output: () => out,
    async stop() {
      await stopProcess(child);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export const CHROMIUM = process.env.NETLENS_CHROMIUM ?? '/usr/bin/chromium';

/** Debian's Chromium, headless. With `scrollbars`, it keeps them as a window does (Playwright hides them in headless
 *  with --hide-scrollbars): for tests of what fits beside or above a scrollbar. */
export function launchChromium(options: { scrollbars?: boolean } = {}): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install chromium (.ci/run does it)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    ...(options.scrollbars ? { ignoreDefaultArgs: ['--hide-scrollbars'] } : {}),
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** The part of settings.json the tests look at (renderer/store/settings.ts has the whole shape). */
export interface SavedSettings {
  theme?: string;
  resolveNames?: boolean;
  toggles?: { unix?: boolean };
  grids?: Record<string, { hidden?: string[]; sort?: { id: string; desc: boolean }[] }>;
}

/** The settings the host last saved for the page (its settings.json), or null before the first save: what a
 *  test waits on instead of the page's 400 ms save debounce. */
export function savedSettings(host: RunningHost): SavedSettings | null {
  try {
    return JSON.parse(readFileSync(join(host.dataDir, 'settings.json'), 'utf8')) as SavedSettings;
  } catch {
    return null;
  }
}

/** Shows a tab by its keyboard shortcut (`Control+5`), pressing it again until the tab is selected: a press that
 *  comes before the page's shortcuts are listening (a loaded machine) is lost. */
export async function showTabByKey(page: Page, key: string, name: string): Promise<void> {
  await until(`the ${name} tab shown by ${key}`, async () => {
    await page.keyboard.press(key);
    return (await page.getByRole('tab', { name }).getAttribute('aria-selected')) === 'true';
  });
}

/** Resolves once the status bar reports `n` more collections than when called (each tick changes the time in its
 *  description). A page at rest hears of a tick at least every QUIET_MAX_MS (quiet ticks wait that long), so the
 *  wait allows that for each. */
export async function afterTicks(page: Page, n: number): Promise<void> {
  const tick = page.locator('footer[aria-label="Status"] [data-status="tick"]');
  let last = await tick.getAttribute('aria-description');
  let seen = 0;
  await until(
    `${n} ticks`,
    async () => {
      const now = await tick.getAttribute('aria-description');
      if (now !== last) {
        last = now;
        seen++;
      }
      return seen >= n;
    },
    10_000 + n * QUIET_MAX_MS,
  );
}

/** Resolves once the page drew two more frames and ran the tasks queued meanwhile: what a resize or a change made
 *  the page measure (ResizeObserver callbacks, the React renders they ask for) has been drawn. */
export function settled(page: Page): Promise<unknown> {
  return page.evaluate(
    () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(r, 0)))),
  );
}

/** The text of the first element `locator` matches now, or null when none does: it does not wait. A locator's
 *  textContent() waits for its element, so a probe that counted an element then read it hung when the element left in
 *  between (polish-select's "nothing selected" waited 30 s for a status that Escape had just removed). */
export function textNow(locator: Locator): Promise<string | null> {
  return locator.evaluateAll((els) => (els.length === 0 ? null : (els[0]!.textContent ?? '')));
}

/** The most samples a receive sparkline (components/Sparkline.tsx) inside `scope` draws: one point each. */
export function sparklinePoints(scope: Locator): Promise<number> {
  return scope
    .locator('svg polyline.spark-rx')
    .evaluateAll((ls) => Math.max(0, ...ls.map((l) => (l.getAttribute('points') ?? '').trim().split(' ').length)));
}

/** Where browser tests save their screenshots (a test artifact; docs/screenshots holds curated copies). */
export const SCREENSHOTS = join(ROOT, 'test-results', 'screenshots');

export interface OpenApp {
  host: RunningHost;
  browser: Browser;
  page: Page;
  close(): Promise<void>;
}

/**
 * A page of the app whose WebSocket runs through the test: `fromHost` gets each of the host's messages and `toPage`, to
 * pass it on (or hold it); the page's messages go to the host as they are. It replaces the app's first page (another
 * call opens one more), and is open once a tab's panel shows (the tab last chosen: the app keeps it).
 */
export async function openRoutedPage(
  app: OpenApp,
  fromHost: (message: string | Buffer, toPage: (message: string | Buffer) => void) => void,
  options: { viewport: { width: number; height: number }; timezoneId?: string },
): Promise<Page> {
  await app.page.close();
  const page = await app.browser.newPage(options);
  await page.routeWebSocket(/\/ws$/, (ws) => {
    const server = ws.connectToServer();
    server.onMessage((message) => fromHost(message, (m) => ws.send(m)));
    ws.onMessage((message) => server.send(message));
  });
  await page.goto(app.host.url);
  await page.locator('[id^="panel-"]:not([hidden])').first().waitFor();
  return page;
}

/** The browser host, a headless Chromium and the app's page, opened with the host's token; `env` for the host (a
 *  NETLENS_DATA_DIR holding a record made beforehand). */
export async function openApp(
  viewport = { width: 1360, height: 840 },
  args: string[] = [],
  env: NodeJS.ProcessEnv = {},
): Promise<OpenApp> {
  const host = await startHost(args, env);
  const browser = await launchChromium();
  const page = await browser.newPage({ viewport });
  await page.goto(host.url);
  mkdirSync(SCREENSHOTS, { recursive: true });
  return {
    host,
    browser,
    page,
    async close() {
      await browser.close();
      await host.stop();
    },
  };
}

/** For a describe block of tests of what a network namespace of their own holds (routes, interfaces): before them, the
 *  namespace `ns` made, its loopback up and a veth pair nl0-nl1 up in it, then set up by `ip -n ns` `commands` (each
 *  split at spaces, such as `addr add 10.0.0.1/24 dev nl0`); the browser host and Debian's Chromium both run in it
 *  (the host listens on its loopback) through wrappers on the host's PATH and as Chromium's executable; the app's
 *  page on the tab `tab` once its rows show. After them, all taken down, the namespace too. */
export function namespaceSession(
  ns: string,
  commands: readonly string[],
  viewport: { width: number; height: number },
  tab: string,
): { page: Page } {
  const session = { page: null as unknown as Page };
  let dir = '';
  let host: RunningHost | null = null;
  let browser: Browser | null = null;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'netlens-netns-'));
    spawnSync('ip', ['netns', 'del', ns]);
    execFileSync('ip', ['netns', 'add', ns]);
    const all = ['link set lo up', 'link add nl0 type veth peer name nl1', 'link set nl0 up', 'link set nl1 up'];
    for (const command of [...all, ...commands])
      execFileSync('ip', ['-n', ns, ...command.split(' ')], { stdio: 'pipe' });
    const wrap = (name: string, target: string) => {
      const file = join(dir, name);
      writeFileSync(file, `#!/bin/sh\nexec ip netns exec ${ns} ${target} "$@"\n`);
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
    session.page = await browser.newPage({ viewport });
    await session.page.goto(host.url);
    await session.page.locator(`#tab-${tab}`).click();
    await session.page.locator(`#panel-${tab} [role="row"][data-row-id]`).first().waitFor();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await host?.stop();
    spawnSync('ip', ['netns', 'del', ns]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  return session;
}

export interface Probe {
  child: ChildProcess;
  lines: string[];
  /** The next line the child prints after the ones already taken. */
  next: () => Promise<string>;
}

/** Starts node children whose process name (comm) is chosen: each is exec'd through a symlink of that name
 *  in a temporary folder. Each probe resolves once the child printed its first line (it is ready). */
export function probes(): { start(name: string, script: string): Promise<Probe>; cleanup(): void } {
  const binDir = mkdtempSync(join(tmpdir(), 'netlens-probe-'));
  const children: ChildProcess[] = [];
  return {
    start(name, script) {
      const link = join(binDir, name);
      symlinkSync(process.execPath, link);
      const child = spawn(link, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
      children.push(child);
      const lines: string[] = [];
      let read = 0;
      child.stdout!.on('data', (d: Buffer) => lines.push(...d.toString().split('\n').filter(Boolean)));
      const next = () => until(`a line from ${name}`, () => (lines.length > read ? lines[read++]! : null));
      return next().then(() => ({ child, lines, next }));
    },
    cleanup() {
      for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
      rmSync(binDir, { recursive: true, force: true });
    },
  };
}

/** For a test file: the app on its Connections tab, refreshing every 500 ms (tests that watch sockets come
 *  and go), opened before the file's tests and closed after them with every probe they started. */
export function fastConnectionsSession(viewport = { width: 1400, height: 820 }) {
  const started = probes();
  const session = { app: null as unknown as OpenApp, page: null as unknown as Page, probe: started.start };
  beforeAll(async () => {
    session.app = await openApp(viewport);
    session.page = session.app.page;
    await session.page.locator('[role="grid"][aria-label="Connections"]').waitFor();
    await session.page.getByRole('combobox', { name: 'Refresh interval' }).selectOption('500');
  });
  afterAll(async () => {
    started.cleanup();
    await session.app?.close();
  });
  return session;
}

/** A loopback TCP pair on 127.0.0.1 that keeps writing until stopped; the server echoes every byte back.
 *  `bytes(elapsedMs)` says how much to write every `everyMs`. Both ends swallow resets: stopping tears the
 *  pair down with bytes still in flight, which the kernel answers with an RST (ECONNRESET on the other end),
 *  and an unhandled socket error would fail whichever test happens to be running. */
export async function loopbackTraffic(
  bytes: (elapsedMs: number) => number,
  everyMs: number,
): Promise<{ stop: () => Promise<void> }> {
  const accepted = new Set<Socket>();
  const server = createServer((s) => {
    accepted.add(s);
    s.on('error', () => undefined);
    s.on('close', () => accepted.delete(s));
    s.pipe(s);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const client = connect((server.address() as { port: number }).port, '127.0.0.1');
  client.on('error', () => undefined);
  await new Promise<void>((r) => client.once('connect', () => r()));
  client.on('data', () => undefined);
  const started = Date.now();
  const timer = setInterval(() => client.write(Buffer.alloc(bytes(Date.now() - started), 0x61)), everyMs);
  return {
    async stop() {
      clearInterval(timer);
      client.destroy();
      for (const s of accepted) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** Sockets that widen the Connections grid's fitted columns, as on most desktops: a unix socket with a long path
 *  (Local Address at its cap), one shared by four processes (a shell and its three children: PID lists them) and a
 *  datagram socket nothing connected to, as journald's and syslog's are (State: UNCONNECTED, its widest text).
 *  `shown` turns UNIX on and waits for them in the grid (socat is among the tools .ci/run installs: a missing one
 *  fails there, said, rather than crashing the file). */
export function wideSockets(dir: string) {
  const path = join(dir, `a-socket-with-a-long-name-${'x'.repeat(40)}.sock`);
  const server = createServer().listen(path);
  const shared = spawn('sh', ['-c', 'sleep 120 & sleep 120 & sleep 120 & wait'], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const datagram = spawn('socat', ['-u', `UNIX-RECV:${join(dir, 'log.sock')}`, 'OPEN:/dev/null'], {
    stdio: 'ignore',
  });
  let socatError: Error | null = null;
  datagram.on('error', (err) => {
    socatError = err;
  });
  return {
    path,
    async shown(page: Page): Promise<void> {
      const grid = page.locator('[role="grid"][aria-label="Connections"]');
      const filter = page.getByRole('searchbox', { name: 'Filter connections' });
      await page.getByRole('button', { name: 'UNIX', exact: true }).click();
      await filter.fill('a-socket-with-a-long-name');
      await until('the long path', async () => (await grid.locator('[role="row"][data-row-id]').count()) > 0);
      await filter.fill('log.sock');
      await until('the datagram socket', async () => {
        if (socatError) throw new Error(`socat (apt-get install socat) could not run: ${socatError}`);
        return (await grid.locator('[role="gridcell"][data-column="state"]').allTextContents()).includes('UNCONNECTED');
      });
      await filter.fill('');
    },
    stop(): void {
      shared.kill('SIGKILL');
      datagram.kill('SIGKILL');
      server.close();
    },
  };
}
