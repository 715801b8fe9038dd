// Live, as root, in a network and pid namespace of the test's own (nothing else opens sockets or starts processes
// there): the connections collector gives its last read again while the kernel's socket counters stand still
// (QuietRead in linux.ts), and reads in full at the next read after anything it shows changes: bytes sent by
// another process, a listener opened, a listener closed while another opens (sockstat's counts unmoved: the destroy event tells), a
// listener moved to another address and port without closing (due by time: a dump of the listeners tells), a
// unix socket, a UDP datagram, a listener shared by a fork, the parent's exit, and after fullReadEveryMs with
// nothing moving. Bytes on its own process's connections (as the browser host's page's WebSocket moves them) are
// read by a get of those sockets alone: the read is given again with their rows fresh (bytes sent as the read runs
// too, by a second get; and bytes sent as a full read's dump is asked, after the segments' baseline).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleScript } from '../../../test/bundle-script.js';
import { killAllIn } from '../../../test/namespaces.js';

const NS = `rv5quiet${process.pid}`;

const DRIVER = (here: string) => `
import { spawn } from 'node:child_process';
import dgram from 'node:dgram';
import net from 'node:net';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { LinuxConnectionsCollector } from ${JSON.stringify(join(here, 'linux.ts'))};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const sockstat = () => readFileSync('/proc/net/sockstat', 'latin1') + readFileSync('/proc/net/sockstat6', 'latin1');
const FORK = [
  'import os, socket, sys, time',
  's = socket.socket(); s.bind(("127.0.0.1", 7103)); s.listen()',
  'pid = os.fork()',
  'if pid == 0:',
  '    time.sleep(60)',
  'else:',
  '    print(pid, flush=True); sys.stdin.read()',
].join('\\n');
// Another process's connection to itself, which sends 1,000 bytes for each line it reads; or, told "hold", 100 bytes
// that its other end leaves in its receive queue until told "drain".
const TALKER = [
  'import socket, sys',
  'l = socket.socket(); l.bind(("127.0.0.1", 7105)); l.listen()',
  'c = socket.create_connection(("127.0.0.1", 7105)); s, _ = l.accept()',
  'print("ready", flush=True)',
  'for line in sys.stdin:',
  '    if line.startswith("hold"): c.sendall(b"z" * 100); print("held", flush=True)',
  '    elif line.startswith("drain"): s.recv(100); print("drained", flush=True)',
  '    else: c.sendall(b"y" * 1000); s.recv(1000); print("sent", flush=True)',
].join('\\n');

// A listener on loopback, on a port the kernel chose, that on "move" leaves the kernel's tables and comes back on every
// address at 7106, the same socket: shutdown(2) takes it to CLOSE (its port, not bound by number, freed), bind(2) and
// listen(2) put it back. No segment, sockstat's counts as they were, no destroy event, the same descriptors.
const MOVER = [
  'import socket, sys',
  's = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen()',
  'print(s.getsockname()[1], flush=True)',
  'for line in sys.stdin:',
  '    s.shutdown(socket.SHUT_RDWR); s.bind(("0.0.0.0", 7106)); s.listen(); print("moved", flush=True)',
].join('\\n');

void (async () => {
  // Called as a full read's TCP dump is about to be asked.
  let beforeTcpDump: (() => void) | null = null;
  const collector = new LinuxConnectionsCollector({
    quietReads: { fullReadEveryMs: 3000 },
    beforeTcpDump: () => beforeTcpDump?.(),
  });
  collector.setExtras(['traffic']);
  for (let i = 0; i < 100 && !collector.destroyed.stats.running; i++) await sleep(20);
  // ss -E subscribes once it has started.
  await sleep(300);
  const steps: { step: string; full: boolean; got: boolean; tcpKept: boolean; rows: object[] }[] = [];
  // during: called as the read has read the counters and asked its get (the host writing another dataset's diff to
  // the page then).
  const read = async (step: string, during?: () => void) => {
    // As ticks are apart: the sockets of the last read's netlink dumps are freed after their close (RCU), and
    // until then sockstat counts them. On a busy machine that took longer than the 150 ms waited here before (a full
    // read where none was due, 12-05): sockstat is waited on until it stands still, as a second apart would find it.
    await sleep(150);
    let last = sockstat();
    for (let i = 0; i < 60; i++) {
      await sleep(50);
      const now = sockstat();
      if (now === last) break;
      last = now;
    }
    const before = collector.readCounts.full;
    const gotBefore = collector.readCounts.gets;
    const keptBefore = collector.readCounts.tcpKept;
    const reading = collector.read();
    during?.();
    const r = await reading;
    steps.push({
      step,
      full: collector.readCounts.full > before,
      got: collector.readCounts.gets > gotBefore,
      tcpKept: collector.readCounts.tcpKept > keptBefore,
      rows: r.rows.map((row) => ({
        id: row.id,
        localAddress: row.localAddress,
        localPort: row.localPort,
        remotePort: row.remotePort,
        state: row.state,
        recvQ: row.recvQ,
        bytesSent: row.bytesSent ?? null,
        pids: row.processes.map((p) => p.pid),
      })),
    });
  };
  const server = net.createServer((s) => s.on('data', () => {})).listen(7100, '127.0.0.1');
  await once(server, 'listening');
  const client = net.connect(7100, '127.0.0.1');
  await once(client, 'connect');
  await sleep(200);
  // The first read lists every process and starts the destroy-event reader's child: not rest yet.
  const talker = spawn('python3', ['-c', TALKER], { stdio: ['pipe', 'pipe', 'inherit'] });
  await once(talker.stdout!, 'data');
  await sleep(200);
  await collector.read();
  await read('start');
  await read('still');
  client.write('x'.repeat(1000));
  await sleep(100);
  await read('own bytes');
  client.write('x'.repeat(500));
  await sleep(100);
  await read('more own bytes');
  await read('still after own bytes');
  // Bytes before the read (its counters moved: a get) and as it runs, after its get was asked (a second get).
  client.write('x'.repeat(100));
  await sleep(100);
  await read('own bytes as the read runs', () => client.write('x'.repeat(700)));
  talker.stdin!.write('send\\n');
  await once(talker.stdout!, 'data');
  await sleep(100);
  // And bytes of its own sent as that full read starts (before its dump): the segments' baseline is read just before
  // the dump, so they are not taken for another socket's at the next read.
  await read('bytes', () => client.write('x'.repeat(300)));
  await read('still after bytes');
  // Bytes of its own sent as the full read's dump is asked, after the segments' baseline: the own connection's counts
  // of that baseline come from a get made with it, not from the dump, which has them.
  talker.stdin!.write('send\\n');
  await once(talker.stdout!, 'data');
  await sleep(100);
  beforeTcpDump = () => client.write('x'.repeat(400));
  await read('own bytes as the dump is asked');
  beforeTcpDump = null;
  await read('still after the dump');
  const second = net.createServer().listen(7101, '127.0.0.1');
  await once(second, 'listening');
  await read('listener');
  await read('still after listener');
  second.close();
  const third = net.createServer().listen(7102, '127.0.0.1');
  await once(third, 'listening');
  await sleep(200);
  await read('one listener for another');
  await read('still after the swap');
  const unix = net.createServer().listen('\\0netlens-quiet-${process.pid}');
  await once(unix, 'listening');
  await read('unix');
  await read('still after unix');
  const udp = dgram.createSocket('udp4');
  udp.bind(7104, '127.0.0.1');
  await once(udp, 'listening');
  await read('udp bound');
  udp.send('x', 7104, '127.0.0.1');
  await sleep(100);
  await read('datagram');
  await read('still after the datagram');
  const parent = spawn('python3', ['-c', FORK], { stdio: ['pipe', 'pipe', 'inherit'] });
  const [line] = (await once(parent.stdout!, 'data')) as [Buffer];
  const child = Number(String(line).trim());
  await sleep(100);
  await read('fork');
  await read('still after the fork');
  parent.stdin!.end();
  await once(parent, 'exit');
  await sleep(100);
  await read('parent gone');
  await read('still after the parent');
  // 100 bytes left in a receive queue, then read by their process: no segment, no counter moves.
  talker.stdin!.write('hold\\n');
  await once(talker.stdout!, 'data');
  await sleep(100);
  await read('queued');
  talker.stdin!.write('drain\\n');
  await once(talker.stdout!, 'data');
  await sleep(100);
  await read('drained');
  // Due by time with a queue in the last reading: TCP dumped. Then with none: its TCP rows taken again.
  await sleep(3100);
  await read('time, after a queue');
  await sleep(3100);
  await read('time');
  const mover = spawn('python3', ['-c', MOVER], { stdio: ['pipe', 'pipe', 'inherit'] });
  const [moverLine] = (await once(mover.stdout!, 'data')) as [Buffer];
  const moverPort = Number(String(moverLine).trim());
  await sleep(100);
  await read('mover');
  await read('still after the mover');
  mover.stdin!.write('move\\n');
  await once(mover.stdout!, 'data');
  await sleep(3100);
  // Due by time: the listeners dumped are not those of the last reading's rows, so TCP is dumped in full.
  await read('time, a listener moved');
  await sleep(3100);
  await read('time after the move');
  mover.kill('SIGKILL');
  process.kill(child, 'SIGKILL');
  talker.kill('SIGKILL');
  console.log(
    JSON.stringify({ parent: parent.pid, child, me: process.pid, moverPort, steps, counts: collector.readCounts }),
  );
  collector.dispose();
  process.exit(0);
})();
`;

const root = process.platform === 'linux' && process.getuid?.() === 0;
const dir = mkdtempSync(join(tmpdir(), 'rv5-quiet-'));

interface Step {
  step: string;
  full: boolean;
  /** Given again with NetLens's own connections read by a get. */
  got: boolean;
  /** A full read that took the last reading's TCP rows again rather than dumping TCP. */
  tcpKept: boolean;
  rows: {
    id: string;
    localAddress: string;
    localPort: number | null;
    remotePort: number | null;
    state: string;
    recvQ: number | null;
    bytesSent: number | null;
    pids: number[];
  }[];
}

describe.runIf(root)('connections read again while the kernel counters stand still', () => {
  beforeAll(() => {
    spawnSync('ip', ['netns', 'del', NS]);
    execFileSync('ip', ['netns', 'add', NS]);
    execFileSync('ip', ['-n', NS, 'link', 'set', 'lo', 'up']);
  });

  afterAll(() => {
    killAllIn(NS);
    spawnSync('ip', ['netns', 'del', NS]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads in full after each change it shows, and gives the last read again in between', async () => {
    const bundle = await bundleScript(dir, 'quiet', DRIVER(__dirname));
    const out = JSON.parse(
      // A pid namespace of its own too (with its own /proc): /proc/loadavg's last pid is the reader's pid
      // namespace's, and the processes other tests start would move it between two reads.
      execFileSync(
        'ip',
        ['netns', 'exec', NS, 'unshare', '--pid', '--fork', '--mount-proc', process.execPath, bundle],
        {
          encoding: 'utf8',
          timeout: 60_000,
        },
      ),
    ) as {
      parent: number;
      child: number;
      me: number;
      moverPort: number;
      steps: Step[];
      counts: { full: number; again: number; gets: number; tcpKept: number; listenersMoved: number };
    };
    const step = (name: string) => out.steps.find((s) => s.step === name)!;
    const row = (name: string, port: number) => step(name).rows.find((r) => r.localPort === port);
    expect(out.steps.map((s) => [s.step, s.full])).toEqual([
      ['start', true],
      ['still', false],
      ['own bytes', false],
      ['more own bytes', false],
      ['still after own bytes', false],
      ['own bytes as the read runs', false],
      ['bytes', true],
      ['still after bytes', false],
      ['own bytes as the dump is asked', true],
      ['still after the dump', false],
      ['listener', true],
      ['still after listener', false],
      ['one listener for another', true],
      ['still after the swap', false],
      ['unix', true],
      ['still after unix', false],
      ['udp bound', true],
      ['datagram', true],
      ['still after the datagram', false],
      ['fork', true],
      ['still after the fork', false],
      ['parent gone', true],
      ['still after the parent', false],
      ['queued', true],
      ['drained', false],
      ['time, after a queue', true],
      ['time', true],
      ['mover', true],
      ['still after the mover', false],
      ['time, a listener moved', true],
      ['time after the move', true],
    ]);
    // Full reads due by time alone: TCP dumped while the last reading held a queue, taken again once none did; dumped
    // where a listener had moved since (its row there at once), taken again after.
    expect(out.steps.filter((s) => s.tcpKept).map((s) => s.step)).toEqual(['time', 'time after the move']);
    const mover = (name: string) =>
      step(name)
        .rows.filter((r) => r.state === 'LISTEN' && (r.localPort === out.moverPort || r.localPort === 7106))
        .map((r) => `${r.localAddress}:${r.localPort}`);
    expect(mover('still after the mover')).toEqual([`127.0.0.1:${out.moverPort}`]);
    expect(mover('time, a listener moved')).toEqual(['0.0.0.0:7106']);
    expect(mover('time after the move')).toEqual(['0.0.0.0:7106']);
    // The talker's receiving end (7105, accepted): its queue read fully, given again as it was once read by its
    // process (nothing moved the counters), emptied by the read due by time, and so taken again.
    const queue = (name: string) =>
      step(name).rows.find((r) => r.localPort === 7105 && r.state === 'ESTABLISHED')?.recvQ;
    expect(['queued', 'drained', 'time, after a queue', 'time'].map(queue)).toEqual([100, 100, 0, 0]);
    // Taken again, every row as the full read before it gave it (the TCP rows, the others read afresh).
    expect(step('time').rows).toEqual(step('time, after a queue').rows);
    // The first read, then each step's.
    // The own connection's reads given again read it by a get where its segments had moved since the last reading
    // (a full read's, or a get's that found them alone in moving): its bytes, more of them, those sent as the read
    // runs, those sent as the dump is asked; and after 'bytes' where the peer's acknowledgement of its 300 bytes was
    // delayed past the dump. Not the read after a get found nothing else moving: the counters stood still since.
    expect({ ...out.counts, gets: 0 }).toEqual({ full: 17, again: 15, gets: 0, tcpKept: 2, listenersMoved: 1 });
    expect([4, 5]).toContain(out.counts.gets);
    expect(
      ['own bytes', 'more own bytes', 'still after own bytes', 'own bytes as the read runs'].map((s) => [
        s,
        step(s).got,
      ]),
    ).toEqual([
      ['own bytes', true],
      ['more own bytes', true],
      ['still after own bytes', false],
      ['own bytes as the read runs', true],
    ]);
    expect(step('still after the dump').got).toBe(true);
    // What each full read saw, and each read of the own connection.
    const sent = (name: string) => step(name).rows.find((r) => r.remotePort === 7100)?.bytesSent;
    expect(sent('still')).toBe(0);
    expect(sent('own bytes')).toBe(1000);
    expect(sent('more own bytes')).toBe(1500);
    expect(sent('still after own bytes')).toBe(1500);
    // Sent after the get was asked: asked again, as the counters had moved by them.
    expect(sent('own bytes as the read runs')).toBe(2300);
    const talked = (name: string) => step(name).rows.find((r) => r.remotePort === 7105)?.bytesSent;
    expect(talked('still after own bytes')).toBe(0);
    expect(talked('bytes')).toBe(1000);
    expect(sent('bytes')).toBe(2600);
    expect(sent('still after bytes')).toBe(2600);
    expect(talked('own bytes as the dump is asked')).toBe(2000);
    expect(sent('own bytes as the dump is asked')).toBe(3000);
    expect(sent('still after the dump')).toBe(3000);
    // Given again with the own connection's two ends afresh: every other row as the full read gave it.
    const others = (name: string) => step(name).rows.filter((r) => r.localPort !== 7100 && r.remotePort !== 7100);
    expect(others('more own bytes')).toEqual(others('start'));
    expect(step('more own bytes').rows.length).toBe(step('start').rows.length);
    expect(row('listener', 7101)).toBeDefined();
    expect(row('one listener for another', 7101)).toBeUndefined();
    expect(row('one listener for another', 7102)).toBeDefined();
    expect(step('unix').rows.some((r) => r.id.includes('netlens-quiet'))).toBe(true);
    expect(step('still').rows.some((r) => r.id.includes('netlens-quiet'))).toBe(false);
    expect(row('datagram', 7104)).toBeDefined();
    // A socket nobody was known to hold has every new process walked: the fork's child is there at once.
    expect(row('fork', 7103)?.pids.sort()).toEqual([out.parent, out.child].sort());
    expect(row('parent gone', 7103)?.pids).toEqual([out.child]);
    // A read given again is the last full one, row for row.
    for (const [again, full] of [
      ['still', 'start'],
      ['still after the swap', 'one listener for another'],
      ['still after the parent', 'parent gone'],
    ]) {
      expect(step(again!).rows).toEqual(step(full!).rows);
    }
  }, 90_000);
});
