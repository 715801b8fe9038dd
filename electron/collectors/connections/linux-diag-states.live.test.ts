// Live, as root, in a network namespace of its own: the TCP rows read from sock_diag are /proc/net/tcp and tcp6's
// rows, field for field, for sockets in every state a test can hold still (ESTABLISHED, LISTEN, SYN_SENT, SYN_RECV
// behind a dropped final ACK, CLOSE_WAIT, FIN_WAIT2, TIME_WAIT), over IPv4, IPv6, v4-mapped and zoned link-local
// addresses, with bytes queued; the collector with and without sock_diag gives the same rows.
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleScript } from '../../../test/bundle-script.js';
import { killAllIn } from '../../../test/namespaces.js';

const NS = `rv5tcp${process.pid}`;

const SOCKETS = `
import socket, sys, time
A4, A6, S = socket.AF_INET, socket.AF_INET6, socket.SOCK_STREAM
keep = []
def lst(fam, addr, port, v6only=None, scope=0):
    s = socket.socket(fam, S)
    if v6only is not None: s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, v6only)
    s.bind((addr, port) if fam == A4 else (addr, port, 0, scope)); s.listen(8); keep.append(s); return s
def conn(fam, addr, port, scope=0, block=True):
    c = socket.socket(fam, S); c.setblocking(block)
    try: c.connect((addr, port) if fam == A4 else (addr, port, 0, scope))
    except BlockingIOError: pass
    keep.append(c); return c
l4 = lst(A4, '127.0.0.1', 7001)
dual = lst(A6, '::', 7002, v6only=0)
l6 = lst(A6, '::1', 7003, v6only=1)
conn(A4, '127.0.0.1', 7001); keep.append(l4.accept()[0])
conn(A4, '127.0.0.1', 7002); keep.append(dual.accept()[0])
conn(A6, '::1', 7003); keep.append(l6.accept()[0])
c = conn(A4, '127.0.0.1', 7001); keep.append(l4.accept()[0]); c.close(); keep.remove(c)
c = conn(A6, '::1', 7003); a = l6.accept()[0]; c.close(); time.sleep(0.05); a.close(); keep.remove(c)
c = conn(A4, '127.0.0.1', 7001); keep.append(l4.accept()[0]); c.send(b'x' * 1000)
scope = socket.if_nametoindex('rv5v0')
ll = lst(A6, 'fe80::1', 7004, scope=scope)
conn(A6, 'fe80::1', 7004, scope=scope); keep.append(ll.accept()[0])
lst(A4, '127.0.0.1', 7009)
conn(A4, '127.0.0.1', 7009)
conn(A4, '10.77.0.2', 7006, block=False)
time.sleep(0.3)
print('ready', flush=True)
sys.stdin.read()
`;

const READING = (here: string) => `
import { readFileSync } from 'node:fs';
import { emptyDiagnostics } from ${JSON.stringify(join(here, '../../../shared/types.ts'))};
import { NETLINK_SOCK_DIAG, NetlinkDumper } from ${JSON.stringify(join(here, '../linux/netlink.ts'))};
import { AF_INET, AF_INET6, inetDiagRequest, IPPROTO_TCP, SOCK_DIAG_BY_FAMILY, TCP_DUMP_STATES } from ${JSON.stringify(join(here, '../linux/sock-diag.ts'))};
import { tcpRowsFromDiag } from ${JSON.stringify(join(here, 'linux-diag-rows.ts'))};
import { LinuxConnectionsCollector, parseProcNetInet } from ${JSON.stringify(join(here, 'linux.ts'))};
void (async () => {
  const dumper = new NetlinkDumper(NETLINK_SOCK_DIAG);
  const datagrams = [];
  for (const family of [AF_INET, AF_INET6]) {
    const r = await dumper.dump(SOCK_DIAG_BY_FAMILY, inetDiagRequest(family, IPPROTO_TCP, 0, TCP_DUMP_STATES), { timeoutMs: 10_000, maxBytes: 1 << 26 });
    if (!r.ok) throw new Error(r.error);
    datagrams.push(...r.datagrams);
  }
  dumper.close();
  const diagnostics = emptyDiagnostics();
  const fromDiag = tcpRowsFromDiag(datagrams, diagnostics, 0, () => true, false).rows;
  const fromProc = [
    ...parseProcNetInet(readFileSync('/proc/net/tcp', 'latin1'), 'tcp', 'inet').rows,
    ...parseProcNetInet(readFileSync('/proc/net/tcp6', 'latin1'), 'tcp', 'inet6').rows,
  ];
  const options = { tables: ['tcp', 'tcp6'], attributeOwners: false, destroyEvents: { command: ['true'] } };
  const viaDiag = await new LinuxConnectionsCollector(options).read();
  const viaProc = await new LinuxConnectionsCollector({ ...options, sockDiag: false }).read();
  console.log(JSON.stringify({ fromDiag, fromProc, skipped: diagnostics.skipped, viaDiag, viaProc }));
})();
`;

const root = process.platform === 'linux' && process.getuid?.() === 0;
const dir = mkdtempSync(join(tmpdir(), 'rv5-tcp-states-'));
let child: ChildProcess | undefined;

const inNs = (...args: string[]) => execFileSync('ip', ['netns', 'exec', NS, ...args], { encoding: 'utf8' });

describe.runIf(root)('TCP rows from sock_diag and from /proc, in every state', () => {
  beforeAll(async () => {
    spawnSync('ip', ['netns', 'del', NS]);
    execFileSync('ip', ['netns', 'add', NS]);
    for (const cmd of [
      'link set lo up',
      'link add rv5v0 type veth peer name rv5v1',
      'link set rv5v0 up',
      'link set rv5v1 up',
      'addr add fe80::1/64 dev rv5v0 nodad',
      'addr add 10.77.0.1/24 dev rv5v0',
      // An address nobody answers: a connection to it stays SYN_SENT.
      'neigh add 10.77.0.2 lladdr 02:00:00:00:00:99 dev rv5v0',
    ])
      execFileSync('ip', ['-n', NS, ...cmd.split(' ')]);
    // The final ACK to port 7009 is dropped: its listener keeps a SYN_RECV request.
    execFileSync('ip', ['netns', 'exec', NS, 'nft', '-f', '-'], {
      input:
        'table inet rv5 {\n chain out {\n  type filter hook output priority 0;\n  tcp dport 7009 tcp flags & (syn|ack) == ack drop\n }\n}\n',
    });
    child = spawn('ip', ['netns', 'exec', NS, 'python3', '-c', SOCKETS], { stdio: ['pipe', 'pipe', 'inherit'] });
    await once(child.stdout!, 'data');
  });

  afterAll(() => {
    child?.kill('SIGKILL');
    killAllIn(NS);
    spawnSync('ip', ['netns', 'del', NS]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('are the same rows, field for field, and the collector shows them either way', async () => {
    const bundle = await bundleScript(dir, 'reading', READING(__dirname));
    const out = JSON.parse(inNs(process.execPath, bundle)) as {
      fromDiag: { id: string; state: string; uid: number | null; inode: number | null }[];
      fromProc: { id: string }[];
      skipped: number;
      viaDiag: { rows: { id: string }[]; diagnostics: { notes: string[] } };
      viaProc: { rows: { id: string }[] };
    };
    const byId = <T extends { id: string }>(rows: T[]) => [...rows].sort((a, b) => (a.id < b.id ? -1 : 1));
    expect(out.skipped).toBe(0);
    expect(byId(out.fromDiag)).toEqual(byId(out.fromProc));
    expect(out.viaDiag.diagnostics.notes).toEqual([]);
    expect(byId(out.viaDiag.rows)).toEqual(byId(out.viaProc.rows));
    // Not vacuous: every state and kind of address made is there.
    expect(new Set(out.fromDiag.map((r) => r.state))).toEqual(
      new Set(['LISTEN', 'ESTABLISHED', 'SYN_SENT', 'SYN_RECV', 'CLOSE_WAIT', 'FIN_WAIT2', 'TIME_WAIT']),
    );
    // A time-wait socket has no owner (the kernel's uid 0 is not root's), in its FIN_WAIT2 substate too (inode 0);
    // every other socket has its process's.
    const noOwner = (r: { state: string; inode: number | null }) =>
      r.state === 'TIME_WAIT' || (r.state === 'FIN_WAIT2' && r.inode === null);
    for (const r of out.fromDiag) expect([r.state, r.inode, r.uid]).toEqual([r.state, r.inode, noOwner(r) ? null : 0]);
    const ids = out.fromDiag.map((r) => r.id).join('\n');
    expect(ids).toMatch(/::ffff:127\.0\.0\.1/);
    // The collector gives link-local rows their zone, read either way.
    expect(out.viaDiag.rows.map((r) => r.id).join('\n')).toMatch(/fe80::1%rv5v0\|7004\|fe80::1%rv5v0/);
    expect(ids).toMatch(/\|::1\|/);
  });
});
