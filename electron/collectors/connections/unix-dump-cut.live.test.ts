// Live, as root, in a network namespace of its own: a unix listener with thousands of connections waiting to be
// accepted cannot make the other unix sockets vanish from a reading. The kernel sends a dump in buffers, the
// first of one page; a record that fits no buffer ends the dump as if it were complete. Asked for the inodes of
// every pending connection (UDIAG_SHOW_ICONS, 4 bytes each), the listener's record outgrew the first buffer, and a
// reading through sock_diag had no unix socket at all, without a note (the listener is first in the namespace's
// table here; on a shared machine its owner can arrange that). Its clients connect from this test's namespace:
// only the listener and one other socket are in the new one.
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleScript } from '../../../test/bundle-script.js';
import { killAllIn } from '../../../test/namespaces.js';

const NS = `rv5unix${process.pid}`;
const WAITING = 3000;

const LISTENER = String.raw`
import os, socket, sys
l = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
l.bind(sys.argv[1])
l.listen(4096)
v = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
v.bind(b"\0" + sys.argv[2].encode())
v.listen(1)
print("ready", flush=True)
sys.stdin.read()
`;

const CLIENTS = `
import resource, socket, sys
resource.setrlimit(resource.RLIMIT_NOFILE, (int(sys.argv[2]) + 100, int(sys.argv[2]) + 100))
keep = []
for i in range(int(sys.argv[2])):
    c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    c.connect(sys.argv[1])
    keep.append(c)
print("connected", flush=True)
sys.stdin.read()
`;

const root = process.platform === 'linux' && process.getuid?.() === 0;
const dir = mkdtempSync(join(tmpdir(), 'rv5-unix-cut-'));
const path = join(dir, 'listener.sock');
const tag = `rv5-unix-cut-${process.pid}`;
const children: ChildProcess[] = [];

async function started(args: string[], word: string): Promise<void> {
  const child = spawn(args[0]!, args.slice(1), { stdio: ['pipe', 'pipe', 'inherit'] });
  children.push(child);
  let out = '';
  child.stdout!.on('data', (d) => {
    out += d;
  });
  while (!out.includes(word)) {
    if (child.exitCode !== null) throw new Error(`${args.join(' ')} exited with ${child.exitCode}`);
    await once(child.stdout!, 'data');
  }
}

describe.runIf(root)('a unix dump cut short by a listener with connections waiting', () => {
  beforeAll(async () => {
    spawnSync('ip', ['netns', 'del', NS]);
    execFileSync('ip', ['netns', 'add', NS]);
    await started(['ip', 'netns', 'exec', NS, 'python3', '-c', LISTENER, path, tag], 'ready');
    await started(['python3', '-c', CLIENTS, path, String(WAITING)], 'connected');
  });

  afterAll(() => {
    for (const c of children) c.kill('SIGKILL');
    killAllIn(NS);
    spawnSync('ip', ['netns', 'del', NS]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('loses no socket: the reading in the namespace is /proc/net/unix’s, with the connections waiting', async () => {
    const bundle = await bundleScript(
      dir,
      'reading',
      `import { LinuxConnectionsCollector } from ${JSON.stringify(join(__dirname, 'linux.ts'))};\n` +
        'const options = { tables: ["unix"], attributeOwners: false };\n' +
        'void (async () => {\n' +
        '  const viaDiag = await new LinuxConnectionsCollector(options).read();\n' +
        '  const viaProc = await new LinuxConnectionsCollector({ ...options, sockDiag: false }).read();\n' +
        '  console.log(JSON.stringify({ viaDiag, viaProc }));\n' +
        '})();\n',
    );
    const out = execFileSync('ip', ['netns', 'exec', NS, process.execPath, bundle], {
      encoding: 'utf8',
      cwd: join(__dirname, '../../..'),
      maxBuffer: 64 * 1024 * 1024,
    });
    const { viaDiag, viaProc } = JSON.parse(out) as Record<
      'viaDiag' | 'viaProc',
      {
        rows: { path: string; inode: number | null; state: string }[];
        diagnostics: { notes: string[]; skipped: number };
      }
    >;
    expect(viaDiag.diagnostics.notes).toEqual([]);
    expect(viaDiag.diagnostics.skipped).toBe(0);
    const sockets = (rows: typeof viaDiag.rows) =>
      rows.filter((r) => r.inode !== null).map((r) => `${r.state} ${r.path}`);
    expect(sockets(viaProc.rows)).toHaveLength(2);
    expect(sockets(viaDiag.rows).sort()).toEqual(sockets(viaProc.rows).sort());
    // The connections waiting: their sockets are in this test's namespace, which /proc lists them in; the
    // listener's queue counts them wherever they are.
    expect(viaDiag.rows.filter((r) => r.inode === null && r.path === path)).toHaveLength(WAITING);
  });
});
