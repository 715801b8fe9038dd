// Live: a unix socket's Recv-Q and Send-Q are what `ss -x` prints for it, read from the same kernel field
// (UNIX_DIAG_RQLEN): bytes waiting to be read on a stream and on a datagram socket, the send side's bytes held in
// the kernel, a listener's connections waiting to be accepted and its backlog. /proc/net/unix has no such columns.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readlinkSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from '../../../shared/types.js';
import { LinuxConnectionsCollector } from './linux.js';

const SOCKETS = String.raw`
import socket, sys
U, S, D = socket.AF_UNIX, socket.SOCK_STREAM, socket.SOCK_DGRAM
keep = []
listener = socket.socket(U, S)
listener.bind(b"\0" + sys.argv[1].encode())
listener.listen(8)
for _ in range(2):
    c = socket.socket(U, S)
    c.connect(listener.getsockname())  # waiting, never accepted
    keep.append(c)
a, b = socket.socketpair(U, S)
a.send(b"x" * 1000)  # 1,000 bytes waiting on b
c, d = socket.socketpair(U, D)
d.send(b"y" * 300)  # one datagram of 300 bytes waiting on c
keep += [listener, a, b, c, d]
print(" ".join(str(s.fileno()) for s in keep[2:] + keep[:2]), flush=True)
sys.stdin.read()
`;

const name = `unix-queues-${process.pid}`;
let child: ChildProcess;
/** The child's sockets by what they are: their inodes. */
let inode: Record<'listener' | 'sender' | 'receiver' | 'dgramReceiver' | 'dgramSender', number>;
let all: Set<number>;

function socketInode(pid: number, fd: string): number {
  const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
  return m ? Number(m[1]) : 0;
}

beforeAll(async () => {
  child = spawn('python3', ['-c', SOCKETS, name], { stdio: ['pipe', 'pipe', 'ignore'] });
  const [line] = (await once(child.stdout!, 'data')) as [Buffer];
  // The child's own sockets, not its stdio (Node's socket pairs, whose queues move as Node reads them).
  const inodes = line
    .toString()
    .trim()
    .split(' ')
    .map((fd) => socketInode(child.pid!, fd));
  const [listener, sender, receiver, dgramReceiver, dgramSender] = inodes as [number, number, number, number, number];
  inode = { listener, sender, receiver, dgramReceiver, dgramSender };
  all = new Set(inodes);
});

afterAll(() => {
  child?.kill('SIGKILL');
});

/** `ss -xan`'s Recv-Q and Send-Q of each socket of the child, by inode. Its sockets have no name with a space,
 *  so their lines are eight fields: netid, state, Recv-Q, Send-Q, name, inode, peer's name, peer's inode. */
function ssQueues(): Map<number, [number, number]> {
  const out = execFileSync('ss', ['-xanH'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const queues = new Map<number, [number, number]>();
  for (const line of out.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length === 8 && all.has(Number(f[5]))) queues.set(Number(f[5]), [Number(f[2]), Number(f[3])]);
  }
  return queues;
}

describe.runIf(process.platform === 'linux')('unix queue lengths', () => {
  it('are what ss -x prints, socket for socket', async () => {
    const r = await new LinuxConnectionsCollector({ tables: ['unix'] }).read();
    expect(r.diagnostics.notes).toEqual([]);
    const ours = new Map<number, Connection>();
    for (const row of r.rows) if (row.inode !== null && all.has(row.inode)) ours.set(row.inode, row);
    const ss = ssQueues();
    expect(ss.size).toBe(all.size);
    expect([...ours.keys()].sort()).toEqual([...ss.keys()].sort());
    for (const [ino, [recvQ, sendQ]] of ss)
      expect([ino, ours.get(ino)!.recvQ, ours.get(ino)!.sendQ]).toEqual([ino, recvQ, sendQ]);

    // And what they are: the bytes and connections waiting, the listener's backlog.
    expect(ours.get(inode.listener)).toMatchObject({ state: 'LISTENING', recvQ: 2, sendQ: 8 });
    expect(ours.get(inode.receiver)).toMatchObject({ recvQ: 1000 });
    expect(ours.get(inode.dgramReceiver)).toMatchObject({ recvQ: 300, socketType: 'DGRAM' });
    expect(ours.get(inode.sender)!.sendQ).toBeGreaterThanOrEqual(1000);
    expect(ours.get(inode.dgramSender)!.sendQ).toBeGreaterThanOrEqual(300);
  });
});
