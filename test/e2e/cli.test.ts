// The command line and `npm start` as a user meets them on a machine without the Electron binary.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { createServer, type AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import pkg from '../../package.json' with { type: 'json' };
import { CLI, ROOT, cliCommand, requireBuild, until } from './support.js';
import { MALLOC_SETTINGS } from '../../electron/malloc-settings.js';
import { stopProcess } from '../stop-process.js';

/** Runs the built command as `netlens` runs (through its first line). */
function cli(args: string[]): { code: number; out: string } {
  const command = cliCommand(CLI, args);
  try {
    return {
      code: 0,
      out: execFileSync(command.file, command.args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }),
    };
  } catch (err) {
    const e = err as { status: number; stdout: string; stderr: string };
    return { code: e.status, out: e.stdout + e.stderr };
  }
}

describe('netlens command', () => {
  it('prints its version and help', () => {
    requireBuild();
    expect(cli(['--version'])).toEqual({ code: 0, out: `${pkg.version}\n` });
    const help = cli(['--help']);
    expect(help.code).toBe(0);
    for (const c of ['web', 'dump', 'parse']) expect(help.out).toContain(`  ${c} `);
    // Where the files are, as the commands will use them (NETLENS_DATA_DIR unset here: the XDG folder).
    const dataHome =
      process.env.NETLENS_DATA_DIR ?? join(process.env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'netlens');
    expect(help.out).toContain(`keep their files (settings, the connection record) in ${dataHome}\n`);
  });

  it('refuses an unknown command or a bad port with exit code 2', () => {
    const unknown = cli(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.out).toContain("unknown command 'frobnicate'");
    const badPort = cli(['web', '--port', 'http']);
    expect(badPort.code).toBe(2);
    expect(badPort.out).toContain('--port wants a number');
  });

  it("quotes hostile arguments inertly in every command's complaint (no escape sequence or bidi control reaches the terminal)", () => {
    // ESC ] 0 ; … BEL sets a terminal's title; U+009B is a C1 CSI; U+202E reverses what follows.
    const hostile = 'x\u001b]0;owned\u0007\u009b31m\u202egnp.exe';
    const cases: [string[], RegExp][] = [
      [[hostile], /^netlens: unknown command 'x\\x1b\]0;owned\\x07\\x9b31m\\u202egnp\.exe'/],
      [['parse', `--${hostile}`], /^netlens parse: /],
      [['watch', `--${hostile}`], /^netlens watch: /],
      [['watch', hostile, '--json'], /^netlens watch: unknown dataset /],
      [['web', `--${hostile}`], /^netlens web: /],
      [['web', '--port', hostile], /^netlens web: --port wants a number/],
      [['metrics', `--${hostile}`], /^netlens metrics: /],
      [['metrics', '--port', hostile], /^netlens metrics: --port wants a number/],
      [['history', `--${hostile}`], /^netlens history: /],
      [['dump', `--${hostile}`], /^netlens dump: /],
      [['agent', `--${hostile}`], /^netlens agent: /],
    ];
    for (const [args, said] of cases) {
      const r = cli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.out, args.join(' ')).toMatch(said);
      // Only line breaks of NetLens's own: no C0 or C1 control, DEL or bidi control from the argument.
      expect(r.out, args.join(' ')).not.toMatch(
        /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/,
      );
      expect(r.out, args.join(' ')).toContain('owned');
    }
  });

  it('says so and exits when the port is taken', async () => {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    try {
      // Several times: the monitor's first reading is still running when the host gives up, and a netlink
      // socket left open then crashed the process as its worker ended (exit 134 or 139, not 1).
      for (let i = 0; i < 6; i++) {
        const busy = cli(['web', '--port', String(port)]);
        expect(busy.code).toBe(1);
        expect(busy.out).toContain(`port ${port} on 127.0.0.1 is in use`);
      }
    } finally {
      server.close();
    }
  });
});

/** The environment a running process started with (Linux). */
const environ = (pid: number) => readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0');

describe('npm start without the Electron binary', () => {
  it('says why the window cannot open and serves the UI at a working URL', async () => {
    const child = spawn(process.execPath, [join(ROOT, 'scripts/start.mjs')], {
      // Points Electron's lookup at a folder without the binary, whatever this machine has installed.
      env: { ...process.env, ELECTRON_OVERRIDE_DIST_PATH: '/nonexistent-electron-dist' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    try {
      const url = await until(
        'the URL',
        () => /serving at (http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]+)/.exec(out)?.[1],
        60_000,
      );
      expect(out.replace(/\s+/g, ' ')).toContain(
        'cannot open its desktop window here: the Electron binary is not installed (ELECTRON_OVERRIDE_DIST_PATH names',
      );
      const res = await fetch(url);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('<div id="root">');
      if (process.platform === 'linux') {
        // The host is start.mjs's child.
        const [host] = readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'latin1').trim().split(' ');
        expect(environ(Number(host))).toContain('MALLOC_ARENA_MAX=2');
      }
    } finally {
      await stopProcess(child);
    }
  });
});

/** glibc's malloc settings the hosts get (their values are spelled out below: electron/malloc-settings.json's). */
const MALLOC_NAMES = Object.keys(MALLOC_SETTINGS);
const DEFAULT_MALLOC = ['MALLOC_ARENA_MAX=2', 'MALLOC_MMAP_THRESHOLD_=131072', 'MALLOC_TRIM_THRESHOLD_=131072'];

/** A host's environment for these tests: a data folder of its own, none of the settings but `mine`. */
function mallocTestEnv(mine: Readonly<Record<string, string>>, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...extra,
    NETLENS_DATA_DIR: mkdtempSync(join(tmpdir(), 'netlens-malloc-')),
    NETLENS_DNS_SERVER: '127.0.0.1:9',
  };
  for (const name of MALLOC_NAMES) delete env[name];
  return Object.assign(env, mine);
}

/** The settings a running process has in its environment, sorted. */
const mallocGiven = (pid: number) =>
  environ(pid)
    .filter((v) => MALLOC_NAMES.some((name) => v.startsWith(`${name}=`)))
    .sort();

/**
 * A node with process.execve (22.15, 23.11 and later): this one, or the one NETLENS_TEST_EXECVE_NODE names
 * (.ci/run fetches node 22 from the npm registry for it); null when neither is.
 */
function execveNode(): string | null {
  const named = process.env.NETLENS_TEST_EXECVE_NODE;
  if (named) return named;
  return typeof (process as unknown as { execve?: unknown }).execve === 'function' ? process.execPath : null;
}

describe('the netlens command on a node with process.execve', () => {
  const node = execveNode();
  it.runIf(process.platform === 'linux' && node !== null)(
    "restarts `netlens web` in its own pid with glibc's malloc settings, each unless the environment names a value",
    async () => {
      requireBuild();
      for (const [mine, expected] of [
        [{}, DEFAULT_MALLOC],
        [
          { MALLOC_ARENA_MAX: '4', MALLOC_MMAP_THRESHOLD_: '' },
          ['MALLOC_ARENA_MAX=4', 'MALLOC_MMAP_THRESHOLD_=', 'MALLOC_TRIM_THRESHOLD_=131072'],
        ],
      ] as const) {
        // The command's first line finds node on the PATH, as where a user installed it.
        const env = mallocTestEnv(mine, { PATH: `${dirname(node!)}:${process.env.PATH ?? ''}` });
        const command = cliCommand(CLI, ['web', '--port', '0']);
        const child = spawn(command.file, command.args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
        child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
        try {
          const url = await until('the URL', () => /serving at (http:\/\/\S+)/.exec(out)?.[1], 60_000);
          // The process spawned is the host, on that node, with the settings: a process started in its place would
          // have them and leave this one without.
          expect(realpathSync(`/proc/${child.pid}/exe`)).toBe(realpathSync(node!));
          expect(mallocGiven(child.pid!)).toEqual([...expected]);
          expect((await fetch(url)).status).toBe(200);
          expect(out).not.toMatch(/warning/i);
        } finally {
          await stopProcess(child);
          rmSync(env.NETLENS_DATA_DIR!, { recursive: true, force: true });
        }
      }
    },
  );
});

describe('npm run cli and npm run web (start.mjs --cli)', () => {
  it('runs the command line with its arguments', () => {
    const out = execFileSync(process.execPath, [join(ROOT, 'scripts/start.mjs'), '--cli', '--version'], {
      encoding: 'utf8',
    });
    expect(out).toBe(`${pkg.version}\n`);
  });

  it.runIf(process.platform === 'linux')(
    "gives the host glibc's malloc settings (two arenas, thresholds fixed), each unless the environment names a value",
    async () => {
      for (const [mine, expected] of [
        [{}, DEFAULT_MALLOC],
        [
          { MALLOC_ARENA_MAX: '4', MALLOC_TRIM_THRESHOLD_: '1048576' },
          ['MALLOC_ARENA_MAX=4', 'MALLOC_MMAP_THRESHOLD_=131072', 'MALLOC_TRIM_THRESHOLD_=1048576'],
        ],
      ] as const) {
        const env = mallocTestEnv(mine);
        const child = spawn(process.execPath, [join(ROOT, 'scripts/start.mjs'), '--cli', 'web', '--port', '0'], {
          env,
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let out = '';
        child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
        try {
          await until('the URL', () => /serving at http/.test(out), 60_000);
          const [host] = readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'latin1').trim().split(' ');
          expect(mallocGiven(Number(host))).toEqual([...expected]);
        } finally {
          await stopProcess(child);
          rmSync(env.NETLENS_DATA_DIR!, { recursive: true, force: true });
        }
      }
    },
  );

  it.runIf(process.platform === 'linux')(
    'stops the host when what started the launcher ends (npm’s sh killed): it does not serve on unseen',
    async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'netlens-start-'));
      const env = { ...process.env, NETLENS_DATA_DIR: dataDir, NETLENS_DNS_SERVER: '127.0.0.1:9' };
      // As `npm run web` runs it: a shell, the launcher, the host.
      const shell = spawn(
        'sh',
        ['-c', `"${process.execPath}" "${join(ROOT, 'scripts/start.mjs')}" --cli web --port 0`],
        {
          env,
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let out = '';
      shell.stdout!.on('data', (d: Buffer) => (out += d.toString()));
      shell.stderr!.on('data', (d: Buffer) => (out += d.toString()));
      const childrenOf = (pid: number) =>
        readFileSync(`/proc/${pid}/task/${pid}/children`, 'latin1').trim().split(' ').filter(Boolean).map(Number);
      const alive = (pid: number) => {
        try {
          process.kill(pid, 0);
          return true;
        } catch {
          return false;
        }
      };
      let pids: number[] = [];
      try {
        await until('the URL', () => /serving at http/.test(out), 60_000);
        const [launcher] = childrenOf(shell.pid!);
        const [host] = childrenOf(launcher!);
        pids = [launcher!, host!];
        expect(pids.every(alive)).toBe(true);
        shell.kill('SIGKILL');
        await until('the launcher and the host to end', () => !pids.some(alive), 20_000);
        expect(out).toContain(`the process that started it (PID ${shell.pid}) ended; stopping`);
      } finally {
        for (const pid of pids) if (alive(pid)) process.kill(pid, 'SIGKILL');
        shell.kill('SIGKILL');
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
  );
});
