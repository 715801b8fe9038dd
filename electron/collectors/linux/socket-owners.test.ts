// The owner cache's walk triggers, on a /proc-shaped folder whose fd links say "socket:[N]": a new process is
// walked at once when a socket waits for an owner, else only once it has been listed NEW_PID_GRACE_TICKS
// ticks, so short-lived commands cost no walk; a fork that shares its parent's socket is listed as an owner
// after that grace; a parent that exits hands its sockets to its child at once; a full scan is made only for a
// socket still unexplained a tick after it was listed; a socket whose last holder let go of it after the
// tables were read keeps that holder for that read only.
import fs, { mkdirSync, mkdtempSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
const NEW_PID_GRACE_TICKS = 2;
import * as ownersModule from './socket-owners.js';
import { SocketOwners, slicedNote } from './socket-owners.js';
import { UserNames } from './users.js';

let root: string;

function addProcess(pid: number, name: string, sockets: number[], otherFds = 2): void {
  const dir = join(root, String(pid));
  mkdirSync(join(dir, 'fd'), { recursive: true });
  writeFileSync(join(dir, 'comm'), `${name}\n`);
  writeFileSync(join(dir, 'cmdline'), `${name}\0--flag\0`);
  writeFileSync(join(dir, 'stat'), `${pid} (${name}) S 1 ${pid} ${pid} 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 100 0 0`);
  let fd = 0;
  for (let i = 0; i < otherFds; i++) symlinkSync('/dev/null', join(dir, 'fd', String(fd++)));
  for (const inode of sockets) symlinkSync(`socket:[${inode}]`, join(dir, 'fd', String(fd++)));
}

const removeProcess = (pid: number) => rmSync(join(root, String(pid)), { recursive: true, force: true });
const pidsOf = (owners: SocketOwners, inode: number) => owners.processesOf(inode).map((p) => p.pid);

describe('SocketOwners walks', () => {
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'netlens-owners-'));
    writeFileSync(join(root, 'stat'), 'cpu 1 2 3\nbtime 1700000000\n');
    writeFileSync(join(root, 'passwd'), 'root:x:0:0::/root:/bin/sh\n');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const make = (fullScanIntervalMs?: number) =>
    new SocketOwners(new UserNames(join(root, 'passwd')), root, fullScanIntervalMs);

  it('leaves a short-lived process that holds no listed socket unwalked', () => {
    addProcess(10, 'server', [100]);
    const owners = make();
    owners.update([100]);
    const walked = owners.stats.walkedPids;
    addProcess(20, 'date', []);
    for (let i = 0; i < NEW_PID_GRACE_TICKS - 1; i++) owners.update([100]);
    removeProcess(20);
    owners.update([100]);
    owners.update([100]);
    expect(owners.stats.walkedPids).toBe(walked);
    expect(pidsOf(owners, 100)).toEqual([10]);
  });

  it('gives the sockets one process alone holds one owner list, which a new walk of it keeps', () => {
    addProcess(10, 'server', [100, 101]);
    addProcess(20, 'client', [200]);
    const owners = make(0);
    owners.update([100, 101, 200]);
    expect(owners.processesOf(101)).toBe(owners.processesOf(100));
    expect(pidsOf(owners, 100)).toEqual([10]);
    expect(pidsOf(owners, 200)).toEqual([20]);
    // A socket it opens later (found by a walk of it: here, where the fd count never moves, a full scan)
    // joins the same list.
    symlinkSync('socket:[102]', join(root, '10', 'fd', '9'));
    owners.update([100, 101, 102, 200]);
    owners.update([100, 101, 102, 200]);
    expect(pidsOf(owners, 102)).toEqual([10]);
    expect(owners.processesOf(102)).toBe(owners.processesOf(100));
  });

  it('walks a process that lives on once its grace is over, and only once', () => {
    addProcess(10, 'server', [100]);
    const owners = make();
    owners.update([100]);
    const walked = owners.stats.walkedPids;
    addProcess(30, 'editor', []);
    for (let i = 0; i < NEW_PID_GRACE_TICKS + 3; i++) owners.update([100]);
    expect(owners.stats.walkedPids).toBe(walked + 1);
  });

  it("finds a new process's new socket in the tick it is first listed", () => {
    addProcess(10, 'server', [100]);
    const owners = make();
    owners.update([100]);
    addProcess(40, 'client', [400]);
    owners.update([100, 400]);
    expect(pidsOf(owners, 400)).toEqual([40]);
    expect(owners.processesOf(400)[0]).toMatchObject({ name: 'client', cmdline: 'client --flag' });
  });

  it('lists a fork that shares its parent socket as an owner once its grace is over', () => {
    addProcess(10, 'server', [100]);
    const owners = make();
    owners.update([100]);
    addProcess(50, 'server', [100]);
    owners.update([100]);
    expect(pidsOf(owners, 100)).toEqual([10]);
    for (let i = 0; i < NEW_PID_GRACE_TICKS; i++) owners.update([100]);
    expect(pidsOf(owners, 100).sort()).toEqual([10, 50]);
  });

  it('lists each process sharing a socket once, however often each is walked again', () => {
    addProcess(10, 'server', [100]);
    const owners = make(0);
    let now = 1_000;
    owners.update([100], now);
    addProcess(50, 'server', [100]);
    addProcess(60, 'server', [100]);
    for (let i = 0; i <= NEW_PID_GRACE_TICKS; i++) owners.update([100], (now += 1_000));
    expect(pidsOf(owners, 100)).toEqual([10, 50, 60]);
    // Each opens another socket, one after the other: walked again (by a full scan, here).
    const listed = [100];
    for (const [pid, inode] of [
      [60, 101],
      [50, 102],
      [10, 103],
      [60, 104],
    ] as const) {
      symlinkSync(`socket:[${inode}]`, join(root, String(pid), 'fd', String(inode)));
      listed.push(inode);
      for (let t = 0; t < 2; t++) owners.update(listed, (now += 1_000));
      expect(pidsOf(owners, inode)).toEqual([pid]);
      expect(pidsOf(owners, 100)).toEqual([10, 50, 60]);
    }
    // The first of them exits: the others keep the socket, in the order they were found.
    removeProcess(10);
    owners.update([100, 101, 102, 104], (now += 1_000));
    expect(pidsOf(owners, 100)).toEqual([50, 60]);
    removeProcess(60);
    owners.update([100, 102], (now += 1_000));
    expect(pidsOf(owners, 100)).toEqual([50]);
  });

  it('hands the sockets of a parent that exits to its child in the same tick', () => {
    addProcess(10, 'daemon', [100]);
    const owners = make();
    owners.update([100]);
    addProcess(60, 'daemon', [100]);
    removeProcess(10);
    owners.update([100]);
    expect(pidsOf(owners, 100)).toEqual([60]);
  });

  it('makes no full scan for a socket that is gone by the next tick', () => {
    addProcess(10, 'server', [100]);
    const owners = make(0);
    owners.update([100]);
    expect(owners.stats.fullScans).toBe(1);
    owners.update([100, 999]);
    owners.update([100]);
    owners.update([100]);
    expect(owners.stats.fullScans).toBe(1);
  });

  it('scans every process for a socket still unexplained a tick later, once, and finds its owner', () => {
    addProcess(10, 'server', [100]);
    const owners = make(0);
    owners.update([100]);
    // A socket opened by a known process without its fd count moving (this folder's size never does), and
    // one that nobody holds (a kernel socket): only a full scan can tell.
    symlinkSync('socket:[777]', join(root, '10', 'fd', '9'));
    owners.update([100, 777, 888]);
    expect(owners.stats.fullScans).toBe(1);
    expect(pidsOf(owners, 777)).toEqual([]);
    owners.update([100, 777, 888]);
    expect(owners.stats.fullScans).toBe(2);
    expect(pidsOf(owners, 777)).toEqual([10]);
    owners.update([100, 777, 888]);
    owners.update([100, 777, 888]);
    expect(owners.stats.fullScans).toBe(2);
  });

  it('remembers what the first full scan could not attribute: no second scan for it', () => {
    addProcess(10, 'server', [100]);
    const owners = make(0);
    owners.update([100, 555]);
    for (let i = 0; i < 4; i++) owners.update([100, 555]);
    expect(owners.stats.fullScans).toBe(1);
    expect(pidsOf(owners, 555)).toEqual([]);
  });

  it('keeps the owner of a listed socket whose holder exited after the tables were read, for that read only', () => {
    addProcess(10, 'server', [100]);
    const owners = make();
    owners.update([100]);
    removeProcess(10); // killed between the read of the tables (which still list 100) and the owners
    owners.update([100]);
    expect(pidsOf(owners, 100)).toEqual([10]);
    expect(owners.processesOf(100)[0]).toMatchObject({ name: 'server' });
    owners.update([100]); // listed again by nobody: it has no owner
    expect(pidsOf(owners, 100)).toEqual([]);
  });

  it('keeps the owner of a listed socket whose fd was closed after the tables were read, for that read only', () => {
    addProcess(10, 'client', [100]);
    const owners = make(0);
    owners.update([100]);
    owners.update([100, 888]); // a socket nobody holds, so that the next read scans every process
    rmSync(join(root, '10', 'fd', '2')); // socket:[100]: its connection was closed, the process let go
    owners.update([100, 888]);
    expect(owners.stats.fullScans).toBe(2);
    expect(pidsOf(owners, 100)).toEqual([10]);
    owners.update([100, 888]);
    expect(pidsOf(owners, 100)).toEqual([]);
  });
});

// The same folder, with fd counts as Linux 6.2 and later report them (st_size of /proc/<pid>/fd: the number
// of open fds), so that a process opening or closing an fd is walked again; the walk then reads only the fd
// links it cannot vouch for. Each fd link read is counted.
describe('SocketOwners walks a process whose fd count moves', () => {
  const realStat = fs.statSync;
  const realReaddir = fs.readdirSync;
  const realReadlink = fs.readlinkSync;
  const realLstat = fs.lstatSync;
  const realReadFile = fs.readFileSync;
  let reads: string[] = [];
  /** Listings of fd folders, and reads of files under /proc/<pid> (comm, status), by pid/what. */
  let listings: string[] = [];
  let files: string[] = [];
  let denied = new Set<number>();

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'netlens-owners-'));
    writeFileSync(join(root, 'stat'), 'cpu 1 2 3\nbtime 1700000000\n');
    writeFileSync(join(root, 'passwd'), 'root:x:0:0::/root:/bin/sh\n');
    reads = [];
    listings = [];
    files = [];
    denied = new Set();
    vi.spyOn(fs, 'statSync').mockImplementation(((path: string, options?: fs.StatSyncOptions) => {
      const st = realStat(path, options) as fs.Stats;
      if (path.startsWith(root) && path.endsWith('/fd')) st.size = realReaddir(path).length;
      return st;
    }) as typeof fs.statSync);
    vi.spyOn(fs, 'readdirSync').mockImplementation(((path: string, options?: never) => {
      const pid = Number(path.slice(root.length + 1).split('/')[0]);
      if (path.startsWith(root) && denied.has(pid))
        throw Object.assign(new Error(`EACCES: permission denied, scandir '${path}'`), { code: 'EACCES' });
      if (path.startsWith(root) && path.endsWith('/fd')) listings.push(path.slice(root.length + 1));
      return realReaddir(path, options);
    }) as typeof fs.readdirSync);
    vi.spyOn(fs, 'readlinkSync').mockImplementation(((path: string, options?: never) => {
      if (path.startsWith(root) && path.includes('/fd/')) reads.push(path.slice(root.length + 1));
      return realReadlink(path, options);
    }) as typeof fs.readlinkSync);
    // The owner cache's probe of an fd number (rmSync's lstat, which throws, is not one).
    vi.spyOn(fs, 'lstatSync').mockImplementation(((path: string, options?: fs.StatSyncOptions) => {
      if (path.startsWith(root) && path.includes('/fd/') && options?.throwIfNoEntry === false)
        reads.push(path.slice(root.length + 1));
      return realLstat(path, options);
    }) as typeof fs.lstatSync);
    // /proc/<pid>/status as the kernel makes it, as far as the owner cache reads it: FDSize, the size of the fd
    // table, a multiple of 64 above the highest fd number (kept as it grows: it never shrinks).
    const tables = new Map<string, number>();
    vi.spyOn(fs, 'readFileSync').mockImplementation(((path: fs.PathOrFileDescriptor, options?: never) => {
      if (typeof path !== 'string' || !path.startsWith(root)) return realReadFile(path, options);
      files.push(path.slice(root.length + 1));
      if (!path.endsWith('/status')) return realReadFile(path, options);
      const fdDir = join(path, '..', 'fd');
      let top = -1;
      for (const name of realReaddir(fdDir)) top = Math.max(top, Number(name));
      const size = Math.max(tables.get(path) ?? 64, Math.ceil((top + 1) / 64) * 64);
      tables.set(path, size);
      return `Name:\tfake\nFDSize:\t${size}\n`;
    }) as typeof fs.readFileSync);
  });
  afterEach(() => {
    vi.restoreAllMocks();
    rmSync(root, { recursive: true, force: true });
  });

  const make = () => new SocketOwners(new UserNames(join(root, 'passwd')), root, 10_000);
  const fdPath = (pid: number, fd: number) => join(root, String(pid), 'fd', String(fd));
  const setFd = (pid: number, fd: number, target: string) => {
    // Not rmSync's force, whose lstat would count as a probe of the owner cache's.
    if (realLstat(fdPath(pid, fd), { throwIfNoEntry: false })) unlinkSync(fdPath(pid, fd));
    symlinkSync(target, fdPath(pid, fd));
  };
  const closeFd = (pid: number, fd: number) => rmSync(fdPath(pid, fd));
  const range = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);
  // Process 10 holds sockets 100-199 on fds 2-101 (fds 0 and 1 are /dev/null).
  const sockets = range(100, 100);
  const start = () => {
    addProcess(10, 'server', sockets);
    const owners = make();
    owners.update(sockets, 0);
    reads = [];
    return owners;
  };

  it('reads only the fd it has not seen when a socket holder opens one', () => {
    const owners = start();
    setFd(10, 102, 'socket:[500]');
    owners.update([...sockets, 500], 1_000);
    expect(reads).toEqual(['10/fd/102']);
    expect(pidsOf(owners, 500)).toEqual([10]);
    expect(pidsOf(owners, 199)).toEqual([10]);
  });

  it('keeps sockets held in fds out of inode order, or in two fds, until the last fd holding each closes', () => {
    const owners = start();
    setFd(10, 102, 'socket:[900]');
    setFd(10, 103, 'socket:[800]');
    setFd(10, 104, 'socket:[900]');
    setFd(10, 105, 'socket:[850]');
    owners.update([...sockets, 800, 850, 900], 1_000);
    for (const s of [800, 850, 900, 100, 199]) expect(pidsOf(owners, s)).toEqual([10]);
    closeFd(10, 102); // 900 still held on fd 104
    closeFd(10, 105);
    owners.update([...sockets, 800, 900], 2_000);
    owners.update([...sockets, 800, 900], 3_000);
    expect(pidsOf(owners, 850)).toEqual([]);
    for (const s of [800, 900, 100, 199]) expect(pidsOf(owners, s)).toEqual([10]);
    closeFd(10, 104);
    owners.update([...sockets, 800], 4_000);
    owners.update([...sockets, 800], 5_000);
    expect(pidsOf(owners, 900)).toEqual([]);
    expect(pidsOf(owners, 800)).toEqual([10]);
  });

  it('follows many sockets closing at once as it follows a few', () => {
    const owners = start();
    for (let fd = 2; fd < 82; fd++) closeFd(10, fd); // sockets 100-179
    setFd(10, 150, 'socket:[190]'); // also held on fd 92 still
    setFd(10, 151, 'socket:[502]');
    owners.update([...sockets.slice(80), 502], 1_000);
    expect(pidsOf(owners, 190)).toEqual([10]);
    expect(pidsOf(owners, 502)).toEqual([10]);
    closeFd(10, 92);
    setFd(10, 152, 'socket:[503]');
    owners.update([...sockets.slice(80), 502, 503], 2_000);
    expect(pidsOf(owners, 150)).toEqual([]);
    expect(pidsOf(owners, 190)).toEqual([10]);
    closeFd(10, 150);
    closeFd(10, 151);
    owners.update([...sockets.slice(80), 503], 3_000);
    owners.update([...sockets.slice(80), 503], 4_000);
    expect(pidsOf(owners, 190)).toEqual([]);
    expect(pidsOf(owners, 502)).toEqual([]);
    expect(pidsOf(owners, 503)).toEqual([10]);
    expect(pidsOf(owners, 199)).toEqual([10]);
  });

  it('keeps a socket moved to another fd number as the one it was, and forgets it once closed', () => {
    const owners = start();
    closeFd(10, 2); // socket:[100], moved (dup2) to fd 150
    setFd(10, 150, 'socket:[100]');
    setFd(10, 151, 'socket:[501]');
    owners.update([...sockets, 501], 1_000);
    expect(reads.sort()).toEqual(['10/fd/150', '10/fd/151']);
    expect(pidsOf(owners, 100)).toEqual([10]);
    expect(pidsOf(owners, 501)).toEqual([10]);
    closeFd(10, 150);
    owners.update([...sockets.slice(1), 501], 2_000);
    owners.update([...sockets.slice(1), 501], 3_000);
    expect(pidsOf(owners, 100)).toEqual([]);
    expect(pidsOf(owners, 101)).toEqual([10]);
  });

  it('reads again an fd whose socket the tables no longer list: its number may hold a new socket', () => {
    const owners = start();
    setFd(10, 2, 'socket:[600]'); // socket 100 closed, its fd number reused by a new one
    closeFd(10, 3); // socket 101 closed
    const listed = [...sockets.slice(2), 600];
    owners.update(listed, 1_000);
    expect(reads).toEqual(['10/fd/2']);
    expect(pidsOf(owners, 600)).toEqual([10]);
    owners.update(listed, 2_000);
    expect(pidsOf(owners, 100)).toEqual([]);
    expect(pidsOf(owners, 101)).toEqual([]);
    expect(owners.stats.fullScans).toBe(1);
  });

  it('finds a new socket in an fd number that held a file, in the same tick and without a full scan', () => {
    const owners = start();
    setFd(10, 0, 'socket:[700]'); // /dev/null closed, its number reused by a socket
    closeFd(10, 3);
    owners.update([...sockets.filter((s) => s !== 101), 700], 1_000);
    expect(pidsOf(owners, 700)).toEqual([10]);
    expect(owners.stats.fullScans).toBe(1);
    // Only the fds that held files are read again, not the listed sockets.
    expect(reads.sort()).toEqual(['10/fd/0', '10/fd/1']);
  });

  it('finds a new socket in the fd number of a socket it passed to another process, in the same tick', () => {
    const owners = start();
    addProcess(20, 'worker', [200]);
    for (let t = 1_000; t <= 3_000; t += 1_000) owners.update([...sockets, 200], t);
    reads = [];
    // Socket 100 passed to process 20 (SCM_RIGHTS); its fd number in 10 reused at once by a new socket.
    setFd(20, 3, 'socket:[100]');
    setFd(10, 2, 'socket:[900]');
    setFd(10, 102, 'socket:[901]');
    owners.update([...sockets, 200, 900, 901], 4_000);
    expect(pidsOf(owners, 900)).toEqual([10]);
    expect(pidsOf(owners, 100)).toEqual([20]);
    expect(owners.stats.fullScans).toBe(1);
    // Not every fd of 10: its new one, then those that held a file or a socket another process holds too.
    expect(reads.filter((r) => r.startsWith('10/')).sort()).toEqual(['10/fd/0', '10/fd/1', '10/fd/102', '10/fd/2']);
  });

  it('reads every fd link of a walked process again once fullScanIntervalMs has passed', () => {
    const owners = start();
    // Socket 100 passed to process 20 (SCM_RIGHTS), its fd number in 10 reused for a file within one tick.
    addProcess(20, 'worker', [200]);
    owners.update([...sockets, 200], 1_000);
    owners.update([...sockets, 200], 2_000);
    owners.update([...sockets, 200], 3_000);
    expect(pidsOf(owners, 200)).toEqual([20]);
    setFd(20, 3, 'socket:[100]');
    setFd(10, 2, '/dev/null');
    setFd(10, 102, 'socket:[800]');
    owners.update([...sockets, 200, 800], 4_000);
    expect(pidsOf(owners, 100)).toContain(20);
    expect(pidsOf(owners, 800)).toEqual([10]);
    reads = [];
    setFd(10, 103, 'socket:[801]');
    owners.update([...sockets, 200, 800, 801], 10_000);
    expect(reads.filter((r) => r.startsWith('10/')).length).toBe(realReaddir(join(root, '10', 'fd')).length);
    expect(pidsOf(owners, 100)).toEqual([20]);
    expect(pidsOf(owners, 801)).toEqual([10]);
  });

  it('leaves a forked child the owner of the sockets its parent closes, and both of those it keeps', () => {
    const owners = start();
    addProcess(50, 'server', sockets);
    for (let i = 1; i <= NEW_PID_GRACE_TICKS + 1; i++) owners.update(sockets, i * 1_000);
    expect(pidsOf(owners, 100).sort()).toEqual([10, 50]);
    reads = [];
    closeFd(10, 2);
    owners.update(sockets, 5_000);
    expect(reads).toEqual([]);
    expect(pidsOf(owners, 100)).toEqual([50]);
    expect(pidsOf(owners, 101).sort()).toEqual([10, 50]);
  });

  it('forgets a churning process that exits, its sockets keeping it for the read that listed them', () => {
    const owners = start();
    addProcess(20, 'client', [200]);
    owners.update([...sockets, 200], 1_000);
    setFd(10, 102, 'socket:[500]');
    owners.update([...sockets, 200, 500], 2_000);
    removeProcess(10);
    owners.update([...sockets, 200, 500], 3_000);
    expect(pidsOf(owners, 500)).toEqual([10]);
    owners.update([200], 4_000);
    expect(pidsOf(owners, 500)).toEqual([]);
    expect(pidsOf(owners, 200)).toEqual([20]);
    expect(owners.cachedPids).toBe(1);
  });

  it("counts another user's process it may not read, and still follows the churn of its own", () => {
    addProcess(30, 'other', [300]);
    denied.add(30);
    const owners = start(); // its first full scan meets 30
    expect(owners.someDenied).toBe(true);
    expect(owners.stats.deniedPids).toBe(1);
    setFd(30, 3, 'socket:[301]'); // a new socket of theirs, and one of ours
    setFd(10, 102, 'socket:[500]');
    for (let t = 1_000; t <= 4_000; t += 1_000) owners.update([...sockets, 300, 301, 500], t);
    expect(pidsOf(owners, 301)).toEqual([]);
    expect(pidsOf(owners, 500)).toEqual([10]);
    expect(owners.stats.deniedPids).toBe(1);
    // Once it may be read (it changed hands, or NetLens runs elevated), the next full scan finds its sockets.
    denied.clear();
    setFd(30, 4, 'socket:[302]');
    owners.update([...sockets, 300, 301, 302, 500], 20_000);
    owners.update([...sockets, 300, 301, 302, 500], 21_000);
    expect(pidsOf(owners, 302)).toEqual([30]);
    expect(owners.someDenied).toBe(false);
  });

  // socket-owners.ts's LARGE_FD_MARGIN and LARGE_LINKS_PER_TICK (checked below), as numbers here.
  const LARGE_FD_MARGIN = 8192;
  const LARGE_LINKS_PER_TICK = 4096;
  it('reads large processes in slices by the budget these tests assume', () => {
    expect([ownersModule.LARGE_FD_MARGIN, ownersModule.LARGE_LINKS_PER_TICK]).toEqual([8192, 4096]);
  });

  // Attack review A8: fds dup'ed by the thousand (one socket, no privilege needed) made every walk of their
  // process read them all: 195,000 in 10 processes took a root dump from 2.3 to 8.5-31 s.
  it('reads a process holding far more fds than there are sockets in slices; ordinary ones as before, in the tick', () => {
    const owners = start();
    // Process 20: socket 200 in fd 2, then dup'ed into every fd up to past two ticks' links; socket 201 in the last.
    const last = LARGE_FD_MARGIN + sockets.length + 2 * LARGE_LINKS_PER_TICK;
    addProcess(20, 'dupper', [200], 2);
    for (let fd = 3; fd < last; fd++) symlinkSync('socket:[200]', fdPath(20, fd));
    symlinkSync('socket:[201]', fdPath(20, last));
    const readOf = (pid: number) => reads.filter((r) => r.startsWith(`${pid}/`)).length;
    const listed = [...sockets, 200, 201];
    // A socket nobody is known to hold: process 20 is new, and walked at once.
    owners.update(listed, 1_000);
    expect(readOf(20)).toBeLessThanOrEqual(LARGE_LINKS_PER_TICK);
    expect(pidsOf(owners, 200)).toEqual([20]); // its first fds were read
    expect(owners.processesOf(200)[0]?.name).toBe('dupper');
    expect(pidsOf(owners, 199)).toEqual([10]);
    const note = slicedNote(owners.sliced());
    expect(note).toMatch(/^process 20 \(dupper, [\d,]+ fds\) holds far more fds than there are sockets/);
    expect(note).toMatch(/owners of their sockets may lag$/);
    // Each later tick reads at most the budget of it, going on where the last stopped, while an ordinary process's
    // new socket is found in the tick it is first listed.
    let t = 1_000;
    for (let tick = 0; tick < 10 && owners.sliced().count > 0; tick++) {
      reads = [];
      setFd(10, 102 + tick, `socket:[${600 + tick}]`);
      listed.push(600 + tick);
      owners.update(listed, (t += 1_000));
      expect(readOf(20)).toBeLessThanOrEqual(LARGE_LINKS_PER_TICK);
      expect(reads).toContain(`10/fd/${102 + tick}`);
      expect(pidsOf(owners, 600 + tick)).toEqual([10]);
      expect(pidsOf(owners, 200)).toEqual([20]);
    }
    expect(owners.sliced().count).toBe(0);
    expect(slicedNote(owners.sliced())).toBeNull();
    expect(pidsOf(owners, 201)).toEqual([20]);
    // Its fds were read by number, its folder never listed (a listing a tick cost an entry per fd it holds).
    expect(listings.filter((l) => l === '20/fd')).toEqual([]);
    // Done: a new fd of it is read alone, as for any process.
    reads = [];
    setFd(20, last + 1, 'socket:[202]');
    owners.update([...listed, 202], (t += 1_000));
    expect(reads).toEqual([`20/fd/${last + 1}`]);
    expect(pidsOf(owners, 202)).toEqual([20]);
  }, 60_000);

  it('shares the budget among several large processes, each going on in turn', () => {
    const owners = start();
    const n = LARGE_FD_MARGIN + sockets.length + LARGE_LINKS_PER_TICK / 2;
    for (const pid of [20, 21, 22]) {
      addProcess(pid, `dupper${pid}`, [pid * 10], 2);
      for (let fd = 3; fd < n; fd++) symlinkSync(`socket:[${pid * 10}]`, fdPath(pid, fd));
    }
    const listed = [...sockets, 200, 210, 220];
    let t = 0;
    let ticks = 0;
    do {
      reads = [];
      owners.update(listed, (t += 1_000));
      ticks++;
      expect(reads.length).toBeLessThanOrEqual(LARGE_LINKS_PER_TICK);
    } while (owners.sliced().count > 0 && ticks < 20);
    expect(owners.sliced().count).toBe(0);
    for (const pid of [20, 21, 22]) expect(pidsOf(owners, pid * 10)).toEqual([pid]);
  }, 60_000);

  // Read by number, fd after fd, a large process's holes cost a read each: where they run on (a table far larger
  // than what it holds), a listing is read instead once they have cost as much as one.
  it('reads a large process by fd number across holes, to a socket far past the rest, with one listing', () => {
    const owners = start();
    const n = LARGE_FD_MARGIN + sockets.length + LARGE_LINKS_PER_TICK / 2;
    addProcess(20, 'dupper', [200], 2);
    for (let fd = 3; fd < n; fd++) symlinkSync('socket:[200]', fdPath(20, fd));
    // Holes, each followed by a socket of its own; and one at fd 1,000,000 (its table 1,000,064 fds).
    closeFd(20, 3000);
    setFd(20, 3001, 'socket:[210]');
    for (let fd = 6000; fd < 6010; fd++) closeFd(20, fd);
    setFd(20, 6010, 'socket:[211]');
    setFd(20, 1_000_000, 'socket:[212]');
    const listed = [...sockets, 200, 210, 211, 212];
    let t = 1_000;
    let ticks = 0;
    do {
      reads = [];
      owners.update(listed, (t += 1_000));
      ticks++;
      expect(reads.filter((r) => r.startsWith('20/')).length).toBeLessThanOrEqual(LARGE_LINKS_PER_TICK);
      expect(pidsOf(owners, 200)).toEqual([20]);
    } while (owners.sliced().count > 0 && ticks < 20);
    expect(owners.sliced().count).toBe(0);
    for (const inode of [210, 211, 212]) expect(pidsOf(owners, inode), String(inode)).toEqual([20]);
    expect(ticks).toBeGreaterThan(2);
    // The holes past fd 8,291 cost a listing's worth of reads (1,200-odd), then one listing found fd 1,000,000.
    expect(listings.filter((l) => l === '20/fd')).toEqual(['20/fd']);
  }, 60_000);

  it('follows a large process that closes fds and grows its table mid-walk, reading its name once', () => {
    const owners = start();
    // Process 20: files (pipes, say) in fds 0-12,499, socket 201 in the last and 200 in fd 11,000.
    const n = 12_500;
    addProcess(20, 'filer', [], n - 1);
    setFd(20, 11_000, 'socket:[200]');
    symlinkSync('socket:[201]', fdPath(20, n - 1));
    let listed = [...sockets, 200, 201];
    let t = 1_000;
    owners.update(listed, t);
    expect(owners.sliced().count).toBe(1);
    // The diagnostics ask each tick; no socket of it found yet, its name is read for them, once.
    const names = () => files.filter((f) => f === '20/comm').length;
    for (let i = 0; i < 5; i++) expect(owners.sliced().processes[0]?.name).toBe('filer');
    expect(names()).toBe(1);
    // Ahead of the walk it closes fds 11,500 and up (socket 201 with them), then opens socket 202 in fd 12,600: past
    // its fd table's end when the walk began (12,544).
    for (let fd = 11_500; fd < n; fd++) closeFd(20, fd);
    listed = [...sockets, 200, 202];
    setFd(20, 12_600, 'socket:[202]');
    let ticks = 0;
    do {
      reads = [];
      owners.update(listed, (t += 1_000));
      owners.sliced();
      ticks++;
      expect(reads.filter((r) => r.startsWith('20/')).length).toBeLessThanOrEqual(LARGE_LINKS_PER_TICK);
    } while (owners.sliced().count > 0 && ticks < 20);
    expect(owners.sliced().count).toBe(0);
    expect(pidsOf(owners, 200)).toEqual([20]);
    expect(pidsOf(owners, 201)).toEqual([]);
    expect(pidsOf(owners, 202)).toEqual([20]);
    expect(listings.filter((l) => l === '20/fd')).toEqual([]);
    // Its name: once for the diagnostics, then with the rest of what is shown of it, when its first socket was
    // found and when the walk was done (as for any process walked).
    expect(names()).toBe(3);
    // Another, killed while its first walk goes on: forgotten, with nothing thrown.
    addProcess(30, 'dupper', [300], 2);
    for (let fd = 3; fd < n; fd++) symlinkSync('socket:[300]', fdPath(30, fd));
    listed = [...listed, 300];
    const sliced = () => owners.sliced(5).processes.map((p) => p.pid);
    owners.update(listed, (t += 1_000));
    expect(sliced()).toContain(30);
    expect(pidsOf(owners, 300)).toEqual([30]);
    removeProcess(30);
    owners.update(listed, (t += 1_000));
    expect(sliced()).not.toContain(30);
    owners.update(listed, (t += 1_000));
    expect(pidsOf(owners, 300)).toEqual([]);
    // What process 20 holds stays as its walks found it (one more followed: its fd count moved meanwhile).
    for (let i = 0; i < 10 && owners.sliced().count > 0; i++) owners.update(listed, (t += 1_000));
    expect(owners.sliced().count).toBe(0);
    expect([200, 201, 202].map((inode) => pidsOf(owners, inode))).toEqual([[20], [], [20]]);
  }, 60_000);

  it('passes a large process read whole by in a full scan while its fd count stays, and reads it again later', () => {
    const owners = start();
    const n = LARGE_FD_MARGIN + sockets.length + LARGE_LINKS_PER_TICK;
    addProcess(20, 'dupper', [200], 2);
    for (let fd = 3; fd < n; fd++) symlinkSync('socket:[200]', fdPath(20, fd));
    let t = 1_000;
    for (let i = 0; i < 10 && (i === 0 || owners.sliced().count > 0); i++)
      owners.update([...sockets, 200], (t += 1_000));
    expect(owners.sliced().count).toBe(0);
    // A socket nobody holds, two ticks running, past the full-scan interval: a full scan.
    const scans = owners.stats.fullScans;
    reads = [];
    t += 10_000;
    owners.update([...sockets, 200, 999], t);
    owners.update([...sockets, 200, 999], (t += 1_000));
    expect(owners.stats.fullScans).toBe(scans + 1);
    expect(reads.filter((r) => r.startsWith('20/'))).toEqual([]);
    expect(reads.filter((r) => r.startsWith('10/')).length).toBeGreaterThan(0);
    // Past ownersModule.LARGE_FULL_WALK_MS its next full scan reads it whole again, in slices.
    reads = [];
    t += ownersModule.LARGE_FULL_WALK_MS;
    owners.update([...sockets, 200, 998], t);
    owners.update([...sockets, 200, 998], (t += 1_000));
    expect(reads.filter((r) => r.startsWith('20/')).length).toBe(LARGE_LINKS_PER_TICK);
    expect(pidsOf(owners, 200)).toEqual([20]);
  }, 60_000);
});
