// Shared by the end-to-end tests: start the real browser host (the built CLI, as a user would) and a
// headless Debian Chromium driven by playwright-core.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

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

export async function startHost(args: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<RunningHost> {
  requireBuild();
  const dataDir = mkdtempSync(join(tmpdir(), 'netlens-test-data-'));
  const child = spawn(process.execPath, [CLI, 'web', '--port', '0', ...args], {
    env: { ...process.env, NETLENS_DATA_DIR: dataDir, ...env },
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
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export const CHROMIUM = process.env.NETLENS_CHROMIUM ?? '/usr/bin/chromium';

export function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install chromium (.ci/run does it)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
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

export async function until<T>(what: string, probe: () => Promise<T | null | undefined | false> | T | null | undefined | false, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown = null;
  while (Date.now() < end) {
    try {
      const v = await probe();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

/** Where browser tests save their screenshots (a test artifact; docs/screenshots holds curated copies). */
export const SCREENSHOTS = join(ROOT, 'test-results', 'screenshots');

export interface OpenApp {
  host: RunningHost;
  browser: Browser;
  page: Page;
  close(): Promise<void>;
}

/** The browser host, a headless Chromium and the app's page, opened with the host's token. */
export async function openApp(viewport = { width: 1360, height: 840 }): Promise<OpenApp> {
  const host = await startHost();
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
