// Live: the unix rows read from the kernel's unix_diag dump (sock_diag through netlink) are exactly the rows
// /proc/net/unix gives for the same sockets but for their queue lengths, which /proc has no column for and which
// are what `ss -x` prints, on sockets of every kind this test makes (a Python child: Node has
// no unix datagram sockets and pads abstract names to 108 bytes), and the collector falls back to /proc/net/unix,
// saying why, where the dump fails.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleScript } from '../../../test/bundle-script.js';
import { until } from '../../../test/until.js';
import type { Connection } from '../../../shared/types.js';
import { emptyDiagnostics } from '../../../shared/types.js';
import { NETLINK_SOCK_DIAG, NetlinkDumper } from '../linux/netlink.js';
import { SOCK_DIAG_BY_FAMILY, unixDiagRequest } from '../linux/sock-diag.js';
import { LinuxConnectionsCollector, parseProcNetUnix } from './linux.js';
import { UNIX_DUMP_SHOW, unixRowsFromDiag } from './linux-unix-rows.js';

const SOCKETS = String.raw`
import os, socket, sys
d, tag = sys.argv[1], sys.argv[2].encode()
U, S, D, Q = socket.AF_UNIX, socket.SOCK_STREAM, socket.SOCK_DGRAM, socket.SOCK_SEQPACKET
keep = []
def sock(kind=S, name=None, listen=False):
    s = socket.socket(U, kind)
    if name is not None: s.bind(name)
    if listen: s.listen(8)
    keep.append(s)
    return s
listener = sock(S, os.path.join(d, "stream listener.sock").encode(), True)
client = sock(S)
client.connect(listener.getsockname())
keep.append(listener.accept()[0])
sock(S).connect(listener.getsockname())  # connected, never accepted
dgram = os.path.join(d, "dgram.sock").encode()
sock(D, dgram)
sock(D)  # unbound
sock(D).connect(dgram)
sock(D, b"")  # autobound: an abstract name of five hex digits
sock(D, os.path.join(d, "bytes-\xff\xfe.sock").encode("latin1"))
# A path that fills sun_path (108 bytes, no NUL): Python refuses it, bind(2) does not.
import ctypes
full = os.path.join(d, "full-").encode()
full += b"p" * (108 - len(full))
addr = ctypes.create_string_buffer(110)
addr[0:2] = socket.AF_UNIX.to_bytes(2, sys.byteorder)
addr[2:110] = full
s = sock(S)
if ctypes.CDLL(None, use_errno=True).bind(s.fileno(), addr, 110) != 0: raise OSError(ctypes.get_errno(), "bind")
s.listen(1)
for name in [b" with spaces ", b"\0inner nul", "-é-ünï".encode(), b"-\xff\xfe-bytes", b"\nsecond line of the name"]:
    sock(S, b"\0" + tag + name, True)
sock(Q, b"\0" + tag + b"-seqpacket", True)
keep.extend(socket.socketpair(U, S))
keep.extend(socket.socketpair(U, D))
print("ready", flush=True)
sys.stdin.read()
`;

const dir = mkdtempSync(join(tmpdir(), 'unix-rows-'));
const tag = `unix-rows-${process.pid}`;
let child: ChildProcess;
/** The inodes of the child's sockets. */
let inodes: Set<number>;

beforeAll(async () => {
  // Its stdin and stdout are unix sockets too (Node's pipes), its stderr not.
  child = spawn('python3', ['-c', SOCKETS, dir, tag], { stdio: ['pipe', 'pipe', 'ignore'] });
  await once(child.stdout!, 'data');
  inodes = new Set();
  for (const fd of readdirSync(`/proc/${child.pid}/fd`)) {
    const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${child.pid}/fd/${fd}`));
    if (m) inodes.add(Number(m[1]));
  }
});

afterAll(() => {
  child?.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** Rows with the queue lengths only the dump gives set as /proc's rows have them (0). */
function withoutQueues(rows: readonly Connection[]): Connection[] {
  return rows.map((r) => ({ ...r, recvQ: 0, sendQ: 0 }));
}

/** The rows of this test's sockets, in a stable order: the child's inodes, and any row naming its files or tag
 *  (a connection not yet accepted has no inode of its own). */
function ours(rows: readonly Connection[]): Connection[] {
  return rows
    .filter((r) => (r.inode !== null && inodes.has(r.inode)) || r.path?.includes(dir) || r.path?.includes(tag))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

async function unixDump(): Promise<Buffer[]> {
  const dumper = new NetlinkDumper(NETLINK_SOCK_DIAG);
  try {
    const r = await dumper.dump(SOCK_DIAG_BY_FAMILY, unixDiagRequest(UNIX_DUMP_SHOW), {
      timeoutMs: 10_000,
      maxBytes: 64 * 1024 * 1024,
    });
    if (!r.ok) throw new Error(r.error);
    return r.datagrams;
  } finally {
    dumper.close();
  }
}

describe.runIf(process.platform === 'linux')('unix rows from sock_diag and from /proc/net/unix', () => {
  it('are the same rows, field for field, for sockets of every kind', async () => {
    expect(NetlinkDumper.unavailable()).toBeNull();
    const diagnostics = emptyDiagnostics();
    const fromDiag = ours(unixRowsFromDiag(await unixDump(), diagnostics));
    const fromProc = ours(parseProcNetUnix(readFileSync('/proc/net/unix', 'utf8')).rows);
    expect(diagnostics.skipped).toBe(0);
    expect(withoutQueues(fromDiag)).toEqual(fromProc);
    // Not vacuous: every kind made is there, as /proc names it.
    const byPath = (p: string) => fromDiag.filter((r) => r.path === p).map((r) => `${r.socketType} ${r.state}`);
    expect(byPath(join(dir, 'stream listener.sock')).sort()).toEqual([
      'STREAM CONNECTED',
      'STREAM CONNECTING',
      'STREAM LISTENING',
    ]);
    // (A datagram socket another connects to is marked connected too.)
    expect(byPath(join(dir, 'dgram.sock'))).toEqual(['DGRAM CONNECTED']);
    const full = `${join(dir, 'full-')}${'p'.repeat(108 - join(dir, 'full-').length)}`;
    expect(byPath(full)).toEqual(['STREAM LISTENING']);
    expect(byPath(join(dir, 'bytes-\ufffd\ufffd.sock'))).toEqual(['DGRAM UNCONNECTED']);
    expect(byPath(`@${tag} with spaces `)).toEqual(['STREAM LISTENING']);
    expect(byPath(`@${tag}@inner nul`)).toEqual(['STREAM LISTENING']);
    expect(byPath(`@${tag}-é-ünï`)).toEqual(['STREAM LISTENING']);
    expect(byPath(`@${tag}-\ufffd\ufffd-bytes`)).toEqual(['STREAM LISTENING']);
    expect(byPath(`@${tag}\nsecond line of the name`)).toEqual(['STREAM LISTENING']);
    expect(byPath(`@${tag}-seqpacket`)).toEqual(['SEQPACKET LISTENING']);
    expect(fromDiag.filter((r) => /^@[0-9a-f]{5}$/.test(r.path ?? ''))).toHaveLength(1);
    expect(
      fromDiag
        .filter((r) => r.path === '')
        .map((r) => `${r.socketType} ${r.state}`)
        .sort(),
    ).toEqual([
      'DGRAM CONNECTED',
      'DGRAM CONNECTED',
      'DGRAM CONNECTED',
      'DGRAM UNCONNECTED',
      'STREAM CONNECTED',
      'STREAM CONNECTED',
      'STREAM CONNECTED',
      'STREAM CONNECTED',
      'STREAM CONNECTED',
      'STREAM CONNECTED',
    ]);
  });

  it('are what the collector shows, owners included, and it says nothing of /proc', async () => {
    const viaDiag = await new LinuxConnectionsCollector({ tables: ['unix'] }).read();
    const viaProc = await new LinuxConnectionsCollector({ tables: ['unix'], sockDiag: false }).read();
    expect(viaDiag.diagnostics.notes).toEqual([]);
    expect(viaProc.diagnostics.notes).toEqual([]);
    const diag = ours(viaDiag.rows);
    expect(diag.length).toBeGreaterThan(15);
    expect(withoutQueues(diag)).toEqual(ours(viaProc.rows));
    for (const r of diag.filter((r) => r.inode !== null)) expect(r.processes.map((p) => p.pid)).toEqual([child.pid]);
  });

  it('falls back to /proc/net/unix, saying why, when the dump fails', async () => {
    const failing = new LinuxConnectionsCollector({
      tables: ['unix'],
      sockDiagLimits: { timeoutMs: 10_000, maxBytes: 1 },
    });
    const viaProc = new LinuxConnectionsCollector({ tables: ['unix'], sockDiag: false });
    const r = await failing.read();
    expect(r.diagnostics.notes).toEqual([
      expect.stringMatching(
        /^unix sockets read from \/proc\/net\/unix: the sock_diag dump failed \(netlink dump larger than/,
      ),
    ]);
    expect(ours(r.rows)).toEqual(ours((await viaProc.read()).rows));
    // And again on the next tick (the dumper re-opens its socket after a failure).
    expect((await failing.read()).diagnostics.notes).toHaveLength(1);
    failing.dispose();
  });

  it('keeps no process running: the sock_diag socket, open between readings, holds no event loop', async () => {
    // A one-shot reading that never disposes its collector, bundled as the app's code is and run on its own.
    const bundle = await bundleScript(
      dir,
      'one-reading',
      `import { LinuxConnectionsCollector } from ${JSON.stringify(join(__dirname, 'linux.ts'))};\n` +
        "void new LinuxConnectionsCollector({ tables: ['unix'] }).read().then((r) => console.log(JSON.stringify(r.diagnostics.notes)));\n",
    );
    const run = spawn(process.execPath, [bundle], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    run.stdout!.on('data', (d) => {
      out += d;
    });
    try {
      await until('the reading to print', () => out.includes('\n'));
      expect(JSON.parse(out)).toEqual([]);
      // It read through sock_diag (no note) and now ends by itself.
      await until('it to exit by itself', () => run.exitCode !== null);
      expect(run.exitCode).toBe(0);
    } finally {
      run.kill('SIGKILL');
    }
  });
});
