// Live: unix rows kept from one read to the next on this machine (KeptRows, as the TCP rows are). Sockets whose
// record does not change are given as the same row objects while nothing else changes; a connection waiting on a
// listener (its queue) shows as it comes, the listener kept; a socket that connects gets a new row, and so does
// one whose owners change (a second process that held it exits, the record saying nothing of that); a socket
// closed is gone. A Python child holds the sockets (Node has no unix datagram sockets), and a fork of it holds
// them too until told to exit.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from '../../../shared/types.js';
import { until } from '../../../test/until.js';
import { NetlinkDumper } from '../linux/netlink.js';
import { LinuxConnectionsCollector } from './linux.js';
import { TRAFFIC_NOTES } from './tcp-info.js';

const SOCKETS = String.raw`
import json, os, socket, sys
d, tag = sys.argv[1], sys.argv[2].encode()
U = socket.AF_UNIX
listener = socket.socket(U, socket.SOCK_STREAM)
listener.bind(os.path.join(d, "kept.sock"))
listener.listen(8)
dgram = socket.socket(U, socket.SOCK_DGRAM)
dgram.bind(b"\0" + tag + b"-dgram")
peer = socket.socket(U, socket.SOCK_DGRAM)
peer.bind(b"\0" + tag + b"-peer")
r, w = os.pipe()
holder = os.fork()
if holder == 0:
    # Holds every socket until the parent closes its end of the pipe (or dies).
    os.close(w)
    os.read(r, 1)
    os._exit(0)
os.close(r)
ino = lambda s: os.fstat(s.fileno()).st_ino
print(json.dumps({"listener": ino(listener), "dgram": ino(dgram), "peer": ino(peer), "holder": holder}), flush=True)
for line in sys.stdin:
    cmd = line.strip()
    if cmd == "connect-dgram":
        dgram.connect(b"\0" + tag + b"-peer")
    elif cmd == "release":
        os.close(w)
        os.waitpid(holder, 0)
    elif cmd == "close-dgram":
        dgram.close()
    print("ok " + cmd, flush=True)
`;

const dir = mkdtempSync(join(tmpdir(), 'unix-kept-'));
const tag = `unix-kept-${process.pid}`;
const listenerPath = join(dir, 'kept.sock');
let child: ChildProcess;
let lines: Interface;
const replies: string[] = [];
let made: { listener: number; dgram: number; peer: number; holder: number };

beforeAll(async () => {
  child = spawn('python3', ['-c', SOCKETS, dir, tag], { stdio: ['pipe', 'pipe', 'inherit'] });
  lines = createInterface({ input: child.stdout! });
  lines.on('line', (l) => replies.push(l));
  made = JSON.parse(await until('the child to make its sockets', () => replies.shift()));
});

afterAll(() => {
  lines?.close();
  child?.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** Tells the child to do `cmd`, and waits until it did. */
async function ask(cmd: string): Promise<void> {
  child.stdin!.write(`${cmd}\n`);
  expect(await until(`the child to ${cmd}`, () => replies.shift())).toBe(`ok ${cmd}`);
}

describe.skipIf(process.platform !== 'linux' || NetlinkDumper.unavailable() !== null)(
  'unix rows kept from read to read, live',
  () => {
    const collector = new LinuxConnectionsCollector({ tables: ['unix'], destroyEvents: { command: ['true'] } });
    const clients: net.Socket[] = [];
    afterAll(() => {
      collector.dispose();
      for (const c of clients) c.destroy();
    });

    const byInode = (rows: readonly Connection[], inode: number) => rows.find((r) => r.inode === inode);
    const waiting = (rows: readonly Connection[]) =>
      rows.filter((r) => r.path === listenerPath && r.state === 'CONNECTING').length;
    const pids = (r: Connection | undefined) => r?.processes.map((p) => p.pid).sort((a, b) => a - b) ?? [];
    const connect = async () => {
      const c = net.createConnection(listenerPath);
      clients.push(c);
      await once(c, 'connect');
    };

    it('keeps unchanged sockets as the same rows, and gives changed ones new rows', async () => {
      // With traffic, as the Connections tab reads: each unix row has its gap, given once.
      collector.setExtras(['traffic']);
      const both = [child.pid!, made.holder].sort((a, b) => a - b);
      const first = await until('the listener owned by both processes', async () => {
        const r = await collector.read();
        expect(r.keptRows).toBe(true);
        return pids(byInode(r.rows, made.listener)).join() === both.join() && r.rows;
      });
      const listener = byInode(first, made.listener)!;
      const dgram = byInode(first, made.dgram)!;
      expect(listener).toMatchObject({ state: 'LISTENING', trafficNote: TRAFFIC_NOTES.unix });
      expect(dgram).toMatchObject({ path: `@${tag}-dgram`, state: 'UNCONNECTED', socketType: 'DGRAM' });
      expect(pids(dgram)).toEqual(both);
      expect(waiting(first)).toBe(0);

      // Nothing changed: the very same objects.
      const second = (await collector.read()).rows;
      expect(byInode(second, made.listener)).toBe(listener);
      expect(byInode(second, made.dgram)).toBe(dgram);

      // A connection waiting on the listener (its queue) shows, one row each; the listener's Recv-Q counts them, a
      // changed record: a new row, kept while its queue stays.
      expect(listener).toMatchObject({ recvQ: 0, sendQ: 8 });
      await connect();
      const one = await until('a connection waiting', async () => {
        const rows = (await collector.read()).rows;
        return waiting(rows) === 1 && rows;
      });
      const listenerOne = byInode(one, made.listener)!;
      expect(listenerOne).not.toBe(listener);
      expect(listenerOne).toMatchObject({ id: listener.id, recvQ: 1, sendQ: 8 });
      expect(listener.recvQ).toBe(0);
      expect(byInode((await collector.read()).rows, made.listener)).toBe(listenerOne);
      await connect();
      const two = await until('two connections waiting', async () => {
        const rows = (await collector.read()).rows;
        return waiting(rows) === 2 && rows;
      });
      const listenerTwo = byInode(two, made.listener)!;
      expect(listenerTwo).toMatchObject({ id: listener.id, recvQ: 2, sendQ: 8 });
      expect(byInode(two, made.dgram)).toBe(dgram);

      // The datagram socket connects: its state changes, a new row; the listener stays.
      await ask('connect-dgram');
      const connected = await until('the datagram socket connected', async () => {
        const rows = (await collector.read()).rows;
        return byInode(rows, made.dgram)?.state === 'CONNECTED' && rows;
      });
      const dgramConnected = byInode(connected, made.dgram)!;
      expect(dgramConnected).not.toBe(dgram);
      expect(dgramConnected).toMatchObject({ id: dgram.id, path: dgram.path, trafficNote: TRAFFIC_NOTES.unix });
      expect(byInode(connected, made.listener)).toBe(listenerTwo);
      // The row given before is as it was given.
      expect(dgram.state).toBe('UNCONNECTED');

      // The second process holding every socket exits: owners change, the records do not: new rows.
      await ask('release');
      const alone = await until('the listener owned by the child alone', async () => {
        const rows = (await collector.read()).rows;
        return pids(byInode(rows, made.listener)).join() === String(child.pid) && rows;
      });
      const listenerAlone = byInode(alone, made.listener)!;
      expect(listenerAlone).not.toBe(listenerTwo);
      expect(listenerAlone).toMatchObject({ id: listener.id, state: 'LISTENING', trafficNote: TRAFFIC_NOTES.unix });
      expect(pids(listenerTwo)).toEqual(both);
      // And the new rows are the ones kept from then on.
      const after = (await collector.read()).rows;
      expect(byInode(after, made.listener)).toBe(listenerAlone);
      expect(waiting(after)).toBe(2);

      // A socket closed is gone.
      await ask('close-dgram');
      await until(
        'the datagram socket gone',
        async () => byInode((await collector.read()).rows, made.dgram) === undefined,
      );

      // Traffic no longer asked for: rows without traffic fields (not the kept rows with them).
      collector.setExtras([]);
      const plain = (await collector.read()).rows;
      const listenerPlain = byInode(plain, made.listener)!;
      expect(listenerPlain).not.toBe(listenerAlone);
      expect(listenerPlain.trafficNote).toBeUndefined();
      expect(listenerAlone.trafficNote).toBe(TRAFFIC_NOTES.unix);
      expect(byInode((await collector.read()).rows, made.listener)).toBe(listenerPlain);
    });
  },
);
