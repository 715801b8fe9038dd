// An offline `electron-builder --linux dir` of the built app, then a look inside the app.asar it made: the
// real check of the `files:` globs and the `main` entry, short of the installers (AppImage, deb and dmg need
// tools that electron-builder downloads, so they cannot be built here).
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import {
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
  mkdirSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const require = createRequire(import.meta.url);
const asar = require('@electron/asar') as {
  extractAll(archive: string, dest: string): void;
  listPackage(archive: string, options: { isPack: boolean }): string[];
  extractFile(archive: string, filename: string): Buffer;
  statFile(archive: string, filename: string): object;
};

// What scripts/build.mjs writes and the app needs at run time. `npm test` builds before vitest runs.
const REQUIRED_BUILD_FILES = [
  'out/main/main.cjs',
  'out/main/worker.cjs',
  'out/main/cli.cjs',
  // SQLite's WebAssembly, loaded from beside the bundles (the record)
  'out/main/node-sqlite3-wasm.wasm',
  'out/preload/preload.cjs',
  'out/renderer/index.html',
  // The places databases the names collector reads (scripts/build-places.mjs).
  'out/data/country.mmdb',
  'out/data/asn.bin',
];

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((name) => join(dir, name))
    .filter((path) => statSync(path).isFile());
}

// Everything under out/ that the package should hold: all of it but build bookkeeping and source maps.
const shippedBuildFiles = () =>
  filesUnder(join(root, 'out'))
    .map((path) => relative(root, path).split(sep).join('/'))
    .filter((path) => path !== 'out/.build-stamp' && !path.endsWith('.map'));

let work = '';
let unpacked = '';
let archive = '';
let entries: string[] = [];

beforeAll(() => {
  const missing = REQUIRED_BUILD_FILES.filter((file) => !existsSync(join(root, file)));
  if (missing.length > 0) {
    throw new Error(
      `The packaging test needs the built app, and ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} ` +
        'missing. Run `node scripts/build.mjs` first (`npm test` does).',
    );
  }

  work = mkdtempSync(join(tmpdir(), 'netlens-pack-'));
  // A stand-in for the Electron binary: electron-builder copies an unpacked electronDist folder as is and
  // reads the version from it, so nothing is downloaded.
  const electronDist = join(work, 'electron-dist');
  mkdirSync(electronDist);
  writeFileSync(join(electronDist, 'electron'), '#!/bin/sh\necho "stand-in for the Electron binary" >&2\nexit 1\n', {
    mode: 0o755,
  });
  const electronVersion = (require('electron/package.json') as { version: string }).version;
  writeFileSync(join(electronDist, 'version'), `${electronVersion}\n`);
  writeFileSync(join(electronDist, 'LICENSE'), 'Stand-in for the Electron license in the packaging test.\n');

  // The repo's config, with four overrides for this check only. electronFuses: null, because fuses are
  // flipped by patching sentinels inside the real Electron binary, and a stand-in has none ("Could not find
  // sentinel"); builder-config.test.ts checks the fuse settings instead. electronDist: the stand-in.
  // directories.output: a temp folder, not the repo's release/. afterPack: writes the desktop entry and icon
  // set the AppImage and deb targets would install (linux-desktop-hook.cjs).
  const override = join(work, 'electron-builder.override.json');
  writeFileSync(
    override,
    JSON.stringify({
      extends: `file:${join(root, 'electron-builder.yml')}`,
      electronFuses: null,
      electronDist,
      directories: { output: join(work, 'release') },
      afterPack: join(import.meta.dirname, 'linux-desktop-hook.cjs'),
    }),
  );

  // Every place electron-builder or @electron/get could fetch from points at a closed loopback port, and the
  // cache is empty: a download attempt fails the build (and so the test) at once instead of being hidden by
  // a warm cache or hanging on the network.
  const nowhere = 'http://127.0.0.1:9/';
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ELECTRON_BUILDER_CACHE: join(work, 'cache'),
    ELECTRON_BUILDER_BINARIES_MIRROR: nowhere,
    ELECTRON_BUILDER_BINARIES_DOWNLOAD_OVERRIDE_URL: nowhere,
    ELECTRON_MIRROR: nowhere,
    npm_config_electron_mirror: nowhere,
    ELECTRON_CACHE: join(work, 'cache'),
    electron_config_cache: join(work, 'cache'),
    CSC_IDENTITY_AUTO_DISCOVERY: 'false',
  };
  const result = spawnSync(
    process.execPath,
    [require.resolve('electron-builder/cli.js'), '--linux', 'dir', '--x64', '--config', override, '--publish', 'never'],
    { cwd: root, env, encoding: 'utf8', timeout: 240_000 },
  );
  if (result.status !== 0) {
    throw new Error(
      `electron-builder --linux dir failed (${result.status ?? result.signal}):\n${result.stdout}\n${result.stderr}`,
    );
  }
  unpacked = join(work, 'release', 'linux-unpacked');
  archive = join(unpacked, 'resources', 'app.asar');
  entries = asar.listPackage(archive, { isPack: false }).map((entry) => entry.split(sep).join('/').replace(/^\//, ''));
}, 300_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('electron-builder --linux dir (offline, stand-in Electron)', () => {
  it('names the executable after the config and keeps the whole app in app.asar', () => {
    expect(existsSync(join(unpacked, 'netlens'))).toBe(true);
    // Nothing unpacked beside the archive: it would escape the asar integrity check.
    expect(readdirSync(join(unpacked, 'resources')).sort()).toEqual(['app.asar']);
  });

  it('holds the built main, worker, CLI, preload and renderer', () => {
    for (const file of REQUIRED_BUILD_FILES) expect(entries, file).toContain(file);
    const rendererAssets = entries.filter((entry) => entry.startsWith('out/renderer/assets/'));
    expect(
      rendererAssets.some((entry) => entry.endsWith('.js')),
      'a renderer script bundle',
    ).toBe(true);
  });

  it('holds exactly the build output (less maps) and package.json', () => {
    const files = entries.filter((entry) => !('files' in asar.statFile(archive, entry)));
    expect(files.sort()).toEqual([...shippedBuildFiles(), 'package.json'].sort());
  });

  it('holds no tests, source maps, TypeScript sources or node_modules', () => {
    const forbidden = entries.filter(
      (entry) =>
        /\.(test|spec)\.[cm]?[jt]sx?$/.test(entry) ||
        entry.endsWith('.map') ||
        /\.(ts|tsx|mts|cts)$/.test(entry) ||
        entry.split('/').includes('node_modules'),
    );
    expect(forbidden).toEqual([]);
  });

  it('packs a package.json whose main is in the archive and that needs no runtime dependencies', () => {
    const pkg = JSON.parse(asar.extractFile(archive, 'package.json').toString('utf8')) as {
      main?: string;
      dependencies?: Record<string, string>;
    };
    expect(pkg.main).toBeDefined();
    expect(entries).toContain(pkg.main?.replace(/^\.\//, ''));
    expect(Object.keys(pkg.dependencies ?? {})).toEqual([]);
  });

  it('gives AppImage and deb a desktop entry in Network;System; with a comment and a window class', () => {
    const { desktopEntry } = linuxDesktop();
    const lines = desktopEntry.trim().split('\n');
    expect(lines[0]).toBe('[Desktop Entry]');
    const entry = new Map(
      lines.slice(1).map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    );
    expect(
      lines.slice(1).every((line) => /^[A-Za-z][A-Za-z0-9-]*=\S/.test(line)),
      desktopEntry,
    ).toBe(true);
    expect(entry.size, 'no key twice').toBe(lines.length - 1);
    expect(entry.get('Type')).toBe('Application');
    expect(entry.get('Name')).toBe('NetLens');
    expect(entry.get('Icon')).toBe('netlens');
    expect(entry.get('Exec')).toMatch(/\/netlens %U$/);
    expect(entry.get('Categories')).toBe('Network;System;');
    expect(entry.get('Comment')?.length).toBeGreaterThan(10);
    expect(entry.get('StartupWMClass')).toBe('netlens');
  });

  it('installs the icon set from assets/icons, every size from 16 to 1024', () => {
    const { icons } = linuxDesktop();
    expect(icons.map((icon) => icon.size)).toEqual([16, 24, 32, 48, 64, 128, 256, 512, 1024]);
    for (const icon of icons)
      expect(relative(root, icon.file)).toBe(join('assets', 'icons', `${icon.size}x${icon.size}.png`));
  });
});

function linuxDesktop(): { desktopEntry: string; icons: { file: string; size: number }[] } {
  return JSON.parse(readFileSync(join(work, 'release', 'linux-desktop.json'), 'utf8')) as ReturnType<
    typeof linuxDesktop
  >;
}

// The packaged binary is the only executable a packaged install has, and RunAsNode is off: the CLI and the
// privileged agent are that binary in a headless mode (electron/headless.ts). The stand-in Electron cannot run,
// so the packaged main.cjs runs here in Node the way the binary would run it (argv without a script, Electron's
// version set), against a stand-in `electron` module whose window APIs end the process with code 3 when
// touched: a headless command must not reach them, the desktop launch must.
describe("the packaged binary's headless modes", () => {
  let extracted = '';
  const FAKE_ELECTRON = `
    const windowCode = (what) => { process.stderr.write('window code reached: ' + what + '\\n'); process.exit(3); };
    const gui = (name) => new Proxy({}, { get: (_, p) => (p === 'then' ? undefined : () => windowCode(name + '.' + String(p))) });
    module.exports = new Proxy({
      app: new Proxy({ isPackaged: true, exit: (code) => process.exit(code), dock: undefined }, { get: (t, p) => (p in t ? t[p] : () => windowCode('app.' + String(p))) }),
    }, { get: (t, p) => (p in t ? t[p] : gui(String(p))) });
  `;
  const PRELOAD = `
    Object.defineProperty(process.versions, 'electron', { value: '0.0.0-stand-in', enumerable: true });
    process.argv.splice(1, 1); // the packaged binary sees [binary, ...arguments]
  `;

  beforeAll(() => {
    extracted = join(work, 'extracted');
    asar.extractAll(archive, extracted);
    mkdirSync(join(extracted, 'node_modules', 'electron'), { recursive: true });
    writeFileSync(join(extracted, 'node_modules', 'electron', 'index.js'), FAKE_ELECTRON);
    writeFileSync(join(work, 'as-binary.cjs'), PRELOAD);
  });

  const main = () => {
    const pkg = JSON.parse(asar.extractFile(archive, 'package.json').toString('utf8')) as { main: string };
    return join(extracted, pkg.main);
  };
  const asBinary = (args: string[]) =>
    spawnSync(process.execPath, ['-r', join(work, 'as-binary.cjs'), main(), ...args], {
      encoding: 'utf8',
      timeout: 60_000,
      maxBuffer: 64 * 1024 * 1024,
    });

  it('`netlens dump connections --json` runs the CLI from app.asar and touches no window code', () => {
    const r = asBinary(['dump', 'connections', '--json']);
    expect(r.stderr).not.toContain('window code reached');
    expect(r.status, r.stderr).toBe(0);
    expect(Array.isArray(JSON.parse(r.stdout))).toBe(true);
    expect(asBinary(['--version']).stdout.trim()).toBe((require('../../package.json') as { version: string }).version);
  });

  it('`netlens --no-sandbox … agent --parent PID` speaks the agent protocol and exits when its input closes', async () => {
    const child = spawn(
      process.execPath,
      [
        '-r',
        join(work, 'as-binary.cjs'),
        main(),
        '--no-sandbox',
        '--ozone-platform=headless',
        '--disable-gpu',
        'agent',
        '--parent',
        String(process.pid),
      ],
      {
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.stdin.write('{"v":2,"id":1,"method":"owners","params":{"inodes":[1]}}\n');
    const exited = once(child, 'exit');
    // Ends its input once it answered: the agent then exits by itself.
    child.stdout.on('data', () => {
      if (out.includes('"type":"result"')) child.stdin.end();
    });
    const [code] = (await exited) as [number];
    expect(err).not.toContain('window code reached');
    expect(code, err).toBe(0);
    const lines = out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; id?: number; ok?: boolean });
    expect(lines[0]).toMatchObject({ type: 'hello' });
    expect(lines[1]).toMatchObject({ type: 'result', id: 1, ok: true });
  });

  it('`dump --elevate` starts the agent as the binary in agent mode, not as a script the binary cannot run', () => {
    // An elevation prefix that records what it was asked to run, then refuses.
    const recorder = join(work, 'record-elevation');
    const record = join(work, 'elevation-argv');
    writeFileSync(recorder, `#!/bin/sh\nprintf '%s\\n' "$@" > '${record}'\necho refused >&2\nexit 1\n`, {
      mode: 0o755,
    });
    const r = spawnSync(
      process.execPath,
      ['-r', join(work, 'as-binary.cjs'), main(), 'dump', 'connections', '--json', '--elevate'],
      {
        encoding: 'utf8',
        env: { ...process.env, NETLENS_ELEVATE_COMMAND: recorder },
        maxBuffer: 64 * 1024 * 1024,
      },
    );
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain('the administrator helper did not start (the helper exited with code 1: refused)');
    const argv = readFileSync(record, 'utf8').trim().split('\n');
    expect(argv).toEqual([
      process.execPath,
      '--no-sandbox',
      '--ozone-platform=headless',
      '--disable-gpu',
      'agent',
      '--parent',
      expect.stringMatching(/^\d+$/),
    ]);
  });

  it('without a command it is the desktop app, which reaches the window code', () => {
    const r = asBinary([]);
    expect(r.status).toBe(3);
    expect(r.stderr).toContain('window code reached: protocol.registerSchemesAsPrivileged');
  });
});

describe('the polkit action the deb installs for the agent', () => {
  const POLICY = join(root, 'build', 'polkit', 'org.netlens.NetLens.agent.policy');

  it('is generated by the build with the wrapper beside the binary the deb installs and runs', () => {
    const policy = readFileSync(POLICY, 'utf8');
    const exec = /<annotate key="org\.freedesktop\.policykit\.exec\.path">([^<]+)<\/annotate>/.exec(policy)?.[1];
    const entryExec = new Map(
      linuxDesktop()
        .desktopEntry.trim()
        .split('\n')
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    ).get('Exec');
    expect(entryExec).toBe('/opt/NetLens/netlens %U');
    expect(exec).toBe('/opt/NetLens/netlens-agent');
    expect(policy).toContain('<action id="org.netlens.NetLens.agent">');
    expect(policy).toMatch(/<allow_active>auth_admin<\/allow_active>/);
    expect(policy).toMatch(/<allow_any>auth_admin<\/allow_any>/);
    expect(policy.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
    // The wrapper, executable, runs the binary the desktop entry runs.
    const wrapper = join(root, 'build', 'polkit', 'agent-wrapper');
    expect(statSync(wrapper).mode & 0o777).toBe(0o755);
    expect(readFileSync(wrapper, 'utf8')).toMatch(
      /^exec \/opt\/NetLens\/netlens --no-sandbox .* agent --parent "\$1"$/m,
    );
  });

  it('is mapped by the deb into /usr/share/polkit-1/actions, and its wrapper beside the binary', () => {
    const config = readFileSync(join(root, 'electron-builder.yml'), 'utf8');
    expect(config).toContain(
      '- build/polkit/org.netlens.NetLens.agent.policy=/usr/share/polkit-1/actions/org.netlens.NetLens.agent.policy',
    );
    expect(config).toContain('- build/polkit/agent-wrapper=/opt/NetLens/netlens-agent');
    expect(config).toMatch(/^beforePack: scripts\/polkit-policy\.cjs$/m);
  });
});
