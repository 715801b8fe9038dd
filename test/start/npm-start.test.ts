// `npm start` fetching the Electron binary with Electron's own installer, against a local HTTP server standing
// in for Electron's download mirror (ELECTRON_MIRROR): a mirror that serves a (stand-in) binary opens the
// "window", one that answers 404 falls back to the browser host at once, one that never answers falls back
// when the watchdog's timeout passes. Nothing real is downloaded or touched: start.mjs runs from a scratch
// checkout whose node_modules/electron is a copy of the real package's installer files (its dist/ and
// path.txt are written there), with the real @electron/get and extract-zip linked in; the cache and the
// temporary folder are scratch folders, every mirror variable points at the local server, and each test checks
// that its request reached that server.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { requireBuild, ROOT, until } from '../e2e/support.js';

const REAL_PKG = join(ROOT, 'node_modules', 'electron');
const VERSION = (JSON.parse(readFileSync(join(REAL_PKG, 'package.json'), 'utf8')) as { version: string }).version;
const ZIP_NAME = `electron-v${VERSION}-${process.platform}-${process.arch}.zip`;

/** A zip archive of stored (uncompressed) files with Unix modes, as Electron's own zips carry them. */
function zip(files: { name: string; data: Buffer; mode: number }[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const f of files) {
    const name = Buffer.from(f.name);
    const crc = crc32(f.data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(f.data.length, 18);
    local.writeUInt32LE(f.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4); // made by Unix, so the external attributes hold the mode
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(f.data.length, 20);
    central.writeUInt32LE(f.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(((0o100000 | f.mode) << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, f.data);
    centrals.push(central, name);
    offset += local.length + name.length + f.data.length;
  }
  const dir = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(dir.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, dir, end]);
}

type MirrorMode = 'serve' | '404' | 'silent';

class Mirror {
  readonly requests: string[] = [];
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  constructor(mode: MirrorMode, binary: Buffer) {
    const sums = `${createHash('sha256').update(binary).digest('hex')} *${ZIP_NAME}\n`;
    this.server = createServer((req: IncomingMessage, res) => {
      this.requests.push(`${req.method} ${req.url}`);
      if (mode === 'silent') return; // accepted, never answered: what a black-holed proxy looks like
      if (mode === '404') {
        res.writeHead(404).end('not here');
      } else if (req.url === `/v${VERSION}/${ZIP_NAME}`) {
        res.writeHead(200, { 'content-length': binary.length }).end(binary);
      } else if (req.url === `/v${VERSION}/SHASUMS256.txt`) {
        res.writeHead(200).end(sums);
      } else {
        res.writeHead(404).end();
      }
    });
    this.server.on('connection', (s: Socket) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
  }
  async start(): Promise<string> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
  }
  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise((r) => this.server.close(r));
  }
}

let work: string;
let root: string;
let child: ChildProcess | null = null;

/** A scratch checkout: the real start scripts and the settings they read, the built app, and an electron package
 *  without a binary. */
function scratchCheckout(): string {
  const dir = join(work, 'checkout');
  mkdirSync(join(dir, 'scripts'), { recursive: true });
  for (const f of ['start.mjs', 'electron-binary.mjs']) copyFileSync(join(ROOT, 'scripts', f), join(dir, 'scripts', f));
  // glibc's malloc settings, which start.mjs gives the browser host it falls back to.
  mkdirSync(join(dir, 'electron'));
  copyFileSync(join(ROOT, 'electron', 'malloc-settings.json'), join(dir, 'electron', 'malloc-settings.json'));
  // The build is not under test here (npm test has just built out/): a build step that has nothing to do.
  writeFileSync(join(dir, 'scripts', 'build.mjs'), 'process.exit(0);\n');
  symlinkSync(join(ROOT, 'out'), join(dir, 'out'));
  const pkg = join(dir, 'node_modules', 'electron');
  mkdirSync(pkg, { recursive: true });
  for (const f of ['package.json', 'install.js', 'index.js', 'checksums.json'])
    copyFileSync(join(REAL_PKG, f), join(pkg, f));
  for (const scope of ['@electron', '@electron-internal'])
    symlinkSync(join(ROOT, 'node_modules', scope), join(dir, 'node_modules', scope));
  return dir;
}

/** The environment of a user whose only mirror is the local server, with scratch cache and temp folders. */
function mirrorEnv(mirror: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    // npm passes .npmrc settings as npm_config_*; @electron/get reads them before ELECTRON_MIRROR.
    if (
      !/electron_(mirror|nightly_mirror|custom_dir|custom_filename|custom_version|override_dist_path|config_cache)|electron_use_remote_checksums|force_no_cache/i.test(
        k,
      )
    )
      env[k] = v;
  }
  return {
    ...env,
    ELECTRON_MIRROR: mirror,
    npm_config_electron_mirror: mirror,
    electron_config_cache: join(work, 'cache'),
    TMPDIR: join(work, 'tmp'),
    ...extra,
  };
}

function startApp(
  env: NodeJS.ProcessEnv,
  prefix: string[] = [],
): { output: () => string; exit: Promise<number | null> } {
  const argv = [...prefix, process.execPath, join(root, 'scripts', 'start.mjs'), '--port', '0'];
  const c = spawn(argv[0]!, argv.slice(1), { env, stdio: ['ignore', 'pipe', 'pipe'] });
  child = c;
  let out = '';
  c.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  c.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  return { output: () => out, exit: new Promise((r) => c.once('exit', (code) => r(code))) };
}

const FALLBACK = 'cannot open its desktop window here: the Electron binary is not installed (fetching it failed:';
const servingUrl = (out: string) => /serving at (http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]+)/.exec(out)?.[1];

beforeEach(() => {
  requireBuild();
  work = mkdtempSync(join(tmpdir(), 'desktop-start-'));
  mkdirSync(join(work, 'tmp'));
  root = scratchCheckout();
});

afterEach(async () => {
  if (child && child.exitCode === null && child.signalCode === null) {
    const gone = new Promise((r) => child!.once('exit', r));
    child.kill('SIGTERM');
    await gone;
  }
  child = null;
  rmSync(work, { recursive: true, force: true });
});

describe("npm start fetches the Electron binary with Electron's installer", () => {
  it('downloads it from the mirror, checks it, unpacks it and opens the window with it', async () => {
    const argsFile = join(work, 'electron-args');
    const fake = `#!/bin/sh\nprintf '%s\\n' "$@" > '${argsFile}'\n`;
    const mirror = new Mirror(
      'serve',
      zip([
        { name: 'electron', data: Buffer.from(fake), mode: 0o755 },
        { name: 'version', data: Buffer.from(VERSION), mode: 0o644 },
      ]),
    );
    const url = await mirror.start();
    try {
      // The bundled checksums.json holds the real zips' sums; this stand-in is checked against the mirror's.
      const app = startApp(mirrorEnv(url, { electron_use_remote_checksums: '1' }));
      const code = await app.exit;
      expect(code, app.output()).toBe(0);
      expect(mirror.requests).toEqual([`GET /v${VERSION}/${ZIP_NAME}`, `GET /v${VERSION}/SHASUMS256.txt`]);
      expect(app.output()).toContain(`Downloading Electron ${VERSION}`);
      expect(app.output()).not.toContain(FALLBACK);
      // The window: the unpacked binary ran with the checkout as its app and start's arguments after it.
      expect(readFileSync(argsFile, 'utf8')).toBe(`${root}\n--port\n0\n`);
      expect(readFileSync(join(root, 'node_modules', 'electron', 'path.txt'), 'utf8')).toBe('electron');
      // Cached where electron_config_cache says, and the watchdog's temporary folder is gone.
      expect(
        readdirSync(join(work, 'cache'), { recursive: true, encoding: 'utf8' }).some((f) => f.endsWith(ZIP_NAME)),
      ).toBe(true);
      expect(readdirSync(join(work, 'tmp'))).toEqual([]);
    } finally {
      await mirror.stop();
    }
  });

  it('a mirror answering 404 gets the browser host at once, with the reason', async () => {
    const mirror = new Mirror('404', Buffer.alloc(0));
    const url = await mirror.start();
    try {
      // A watchdog far longer than the wait below: the fallback comes from the 404 itself.
      const app = startApp(mirrorEnv(url, { NETLENS_DOWNLOAD_TIMEOUT: '600' }));
      const serving = await until('the browser host', () => servingUrl(app.output()), 50_000);
      expect(mirror.requests).toEqual([`GET /v${VERSION}/${ZIP_NAME}`]);
      // The paragraph says why, in the installer's own words, without its stack trace around it.
      expect(app.output().replace(/\s+/g, ' ')).toContain(FALLBACK);
      expect(app.output().replace(/\s+/g, ' ')).toContain(
        `(fetching it failed: Electron's installer failed: HTTPError: Response code 404 (Not Found) for ${url}v${VERSION}/${ZIP_NAME})`,
      );
      expect(app.output()).not.toMatch(/\n\s+at /);
      expect((await fetch(serving)).status).toBe(200);
      expect(existsSync(join(root, 'node_modules', 'electron', 'path.txt'))).toBe(false);
      expect(readdirSync(join(work, 'tmp'))).toEqual([]);
    } finally {
      await mirror.stop();
    }
  });

  it('a mirror that refuses the connection gets the browser host at once, saying it could not be reached', async () => {
    // A port nothing listens on: the one a server just closed.
    const mirror = new Mirror('404', Buffer.alloc(0));
    const url = await mirror.start();
    await mirror.stop();
    const app = startApp(mirrorEnv(url, { NETLENS_DOWNLOAD_TIMEOUT: '600' }));
    const serving = await until('the browser host', () => servingUrl(app.output()), 50_000);
    expect(app.output().replace(/\s+/g, ' ')).toContain(
      "(fetching it failed: Electron's installer failed: fetch failed (the download server could not be reached:",
    );
    expect(app.output()).not.toMatch(/\n\s+at /);
    expect((await fetch(serving)).status).toBe(200);
  });

  it('a mirror that never answers is given up after NETLENS_DOWNLOAD_TIMEOUT seconds', async () => {
    const mirror = new Mirror('silent', Buffer.alloc(0));
    const url = await mirror.start();
    try {
      const app = startApp(mirrorEnv(url, { NETLENS_DOWNLOAD_TIMEOUT: '2' }));
      const serving = await until('the browser host', () => servingUrl(app.output()), 50_000);
      expect(mirror.requests).toEqual([`GET /v${VERSION}/${ZIP_NAME}`]);
      expect(app.output().replace(/\s+/g, ' ')).toContain(
        '(fetching it failed: nothing arrived from the download server within 2 s)',
      );
      expect((await fetch(serving)).status).toBe(200);
      expect(readdirSync(join(work, 'tmp'))).toEqual([]);
    } finally {
      await mirror.stop();
    }
  });
});

// A network that drops packets: inside a network namespace of its own, nftables drops every SYN to the mirror's
// port, so the connection never opens (undici alone would wait 10 s per attempt, the way it waits for a
// black-holed route). Root only (netns, nft).
const NETNS = 'desktop-npmstart';
const canNetns = process.platform === 'linux' && process.getuid?.() === 0 && existsSync('/usr/sbin/nft');

describe.runIf(canNetns)('npm start on a network that drops packets', () => {
  const sh = (...argv: string[]) =>
    execFileSync(argv[0]!, argv.slice(1), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  beforeEach(() => {
    try {
      sh('ip', 'netns', 'del', NETNS);
    } catch {
      // not left over from an earlier run
    }
    sh('ip', 'netns', 'add', NETNS);
    sh('ip', '-n', NETNS, 'link', 'set', 'lo', 'up');
    sh(
      'ip',
      'netns',
      'exec',
      NETNS,
      'nft',
      'add table inet desktop; add chain inet desktop in { type filter hook input priority 0; }; add rule inet desktop in tcp dport 9099 counter drop',
    );
  });
  afterEach(() => {
    sh('ip', 'netns', 'del', NETNS);
  });

  it('gives up after NETLENS_DOWNLOAD_TIMEOUT seconds and serves the browser host', async () => {
    const app = startApp(mirrorEnv('http://127.0.0.1:9099/', { NETLENS_DOWNLOAD_TIMEOUT: '2' }), [
      'ip',
      'netns',
      'exec',
      NETNS,
    ]);
    await until('the browser host', () => servingUrl(app.output()), 50_000);
    expect(app.output().replace(/\s+/g, ' ')).toContain(
      '(fetching it failed: nothing arrived from the download server within 2 s)',
    );
    // The installer did try: its SYNs were dropped.
    const counter = /counter packets (\d+)/.exec(sh('ip', 'netns', 'exec', NETNS, 'nft', 'list chain inet desktop in'));
    expect(Number(counter?.[1])).toBeGreaterThan(0);
    expect(readdirSync(join(work, 'tmp'))).toEqual([]);
  });
});
