// The owner cache's walk triggers, on a /proc-shaped folder whose fd links say "socket:[N]": a new process is
// walked at once when a socket waits for an owner, else only once it has been listed NEW_PID_GRACE_TICKS
// ticks, so short-lived commands cost no walk; a fork that shares its parent's socket is listed as an owner
// after that grace; a parent that exits hands its sockets to its child at once; a full scan is made only for a
// socket still unexplained a tick after it was listed; a socket whose last holder let go of it after the
// tables were read keeps that holder for that read only.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
const NEW_PID_GRACE_TICKS = 2;
import { SocketOwners } from './socket-owners.js';
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
