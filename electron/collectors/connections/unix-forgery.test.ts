// Forged unix-socket rows (issue 10): the kernel prints socket names raw in /proc/net/unix, so a process
// may bind an abstract socket whose name holds a newline and a line that looks like a row. Real sockets
// made by this test show how NetLens reads them: the fake line stays inside the name that holds it, and
// never becomes a LISTENING row, let alone one owned by the process whose inode it names. Read through
// sock_diag (the default where netlink loads) the name is counted bytes and no line can become a row at all;
// read from /proc/net/unix (sockDiag off, or where netlink does not load) a forged line naming a fresh inode
// still shows as an ownerless row, which is why /proc is only the fallback.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { LinuxConnectionsCollector, parseProcNetUnix } from './linux.js';

const dir = mkdtempSync(join(tmpdir(), 'security-unix-'));
const servers: Server[] = [];
const children: ChildProcess[] = [];
// Each test's attackers and sockets go with it: a forged line of one test must not meet another's sockets.
afterEach(async () => {
  for (const s of servers.splice(0)) s.close();
  const running = children.splice(0).filter((c) => c.exitCode === null && c.signalCode === null);
  const gone = running.map((c) => once(c, 'exit'));
  for (const c of running) c.kill('SIGKILL');
  await Promise.all(gone);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A Python child listening on an abstract socket with exactly this name (Node pads abstract names with
 *  NULs to the full 108 bytes; Python binds the bytes given, as an attacker's program would). */
async function abstractListener(name: string): Promise<ChildProcess> {
  const script =
    'import socket,sys,time\ns=socket.socket(socket.AF_UNIX)\ns.bind(b"\\0"+sys.argv[1].encode())\ns.listen()\nprint("ready",flush=True)\ntime.sleep(600)';
  const child = spawn('python3', ['-c', script, name], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  await once(child.stdout!, 'data');
  return child;
}

async function listen(path: string | number): Promise<Server> {
  const s = createServer();
  servers.push(s);
  s.listen(path as string);
  await once(s, 'listening');
  return s;
}

/** The inode of the unix socket bound at `path`, from /proc/net/unix. */
function unixInode(path: string): number {
  const line = readFileSync('/proc/net/unix', 'utf8')
    .split('\n')
    .find((l) => l.endsWith(` ${path}`));
  return Number(line?.trim().split(/\s+/)[6]);
}

const fakeRow = (inode: number, num = '0000000000000000') =>
  `${num}: 00000002 00000000 00010000 0001 01 ${inode} /run/FORGED`;

const readers = [
  ['sock_diag', {}],
  ['/proc/net/unix', { sockDiag: false }],
] as const;

describe.runIf(process.platform === 'linux').each(readers)(
  'unix socket names that imitate rows, read from %s',
  (reader, options) => {
    // Each reader's sockets named apart (abstract names are the machine's).
    const tag = `security-${reader === 'sock_diag' ? 'diag' : 'proc'}-${process.pid}`;
    it("cannot forge a row borrowing a real socket's inode, and the real socket keeps its row and owner", async () => {
      const realPath = join(dir, `${tag}.sock`);
      await listen(realPath);
      const inode = unixInode(realPath);
      expect(inode).toBeGreaterThan(0);
      const name = `${tag}\n${fakeRow(inode)}`;
      const attacker = await abstractListener(name);
      // The kernel really prints it as two lines: the attack is live.
      expect(readFileSync('/proc/net/unix', 'utf8')).toContain(`@${name}\n`);

      const { rows } = await new LinuxConnectionsCollector({ ...options, tables: ['unix'] }).read();
      expect(rows.filter((r) => r.path?.startsWith('/run/FORGED'))).toEqual([]);
      const abstract = rows.find((r) => r.path?.startsWith(`@${tag}\n`));
      expect(abstract?.path).toBe(`@${name}`);
      expect(abstract?.processes.map((p) => p.pid)).toEqual([attacker.pid]);
      const real = rows.filter((r) => r.inode === inode);
      expect(real).toHaveLength(1);
      expect(real[0]).toMatchObject({ path: realPath, state: 'LISTENING' });
      expect(real[0]?.processes.map((p) => p.pid)).toEqual([process.pid]);
    });

    it("cannot forge a row borrowing an inet socket's inode", async () => {
      const tcp = createServer();
      servers.push(tcp);
      tcp.listen(0, '127.0.0.1');
      await once(tcp, 'listening');
      const port = (tcp.address() as { port: number }).port;
      const tcpLine = readFileSync('/proc/net/tcp', 'utf8')
        .split('\n')
        .find((l) => l.includes(`:${port.toString(16).toUpperCase().padStart(4, '0')} 00000000:0000`));
      const inode = Number(tcpLine?.trim().split(/\s+/)[9]);
      expect(inode).toBeGreaterThan(0);
      const name = `${tag}-tcp\n${fakeRow(inode, '00000000deadbeef')}`;
      await abstractListener(name);
      const { rows } = await new LinuxConnectionsCollector({ ...options, tables: ['tcp', 'tcp6', 'unix'] }).read();
      expect(rows.filter((r) => r.path?.startsWith('/run/FORGED'))).toEqual([]);
      expect(rows.filter((r) => r.inode === inode).map((r) => r.proto)).toEqual(['tcp']);
    });

    it('keeps a name that holds a newline and plain text whole, as one row', async () => {
      const name = `${tag}-text\nFORGED\x1b]0;title\x07`;
      await abstractListener(name);
      const { rows, diagnostics } = await new LinuxConnectionsCollector({ ...options, tables: ['unix'] }).read();
      expect(rows.filter((r) => r.path === `@${name}`)).toHaveLength(1);
      expect(diagnostics.samples.filter((s) => s.line.startsWith('FORGED'))).toEqual([]);
    });
  },
);

describe.runIf(process.platform === 'linux')('unix socket names that imitate rows', () => {
  /** A line that imitates a row with an inode no socket has, and a Num like the real rows' (kernel pointers,
   *  hashed, unless kptr_restrict hides them: then zeros, as theirs). */
  const freshForgery = async (label: string, fresh: number) => {
    const zeros = /^0+:/.test(readFileSync('/proc/net/unix', 'utf8').split('\n')[1] ?? '');
    const name = `${label}-${process.pid}\n${fakeRow(fresh, zeros ? undefined : '00000000deadbeef')}`;
    const attacker = await abstractListener(name);
    expect(readFileSync('/proc/net/unix', 'utf8')).toContain(`@${name}\n`);
    return { name, fresh, attacker };
  };

  it('through sock_diag, a line naming a fresh inode is no row: the socket is one row with its whole name', async () => {
    const { name, fresh, attacker } = await freshForgery('security-fresh', 4_000_000_001);
    const collector = new LinuxConnectionsCollector({ tables: ['unix'] });
    const { rows, diagnostics } = await collector.read();
    expect(diagnostics.notes).toEqual([]);
    expect(rows.filter((r) => r.path?.includes('FORGED') && !r.path.startsWith('@security-'))).toEqual([]);
    expect(rows.filter((r) => r.path?.startsWith(`@security-fresh-${process.pid}`))).toEqual([
      expect.objectContaining({ path: `@${name}`, state: 'LISTENING', socketType: 'STREAM', ownerStatus: 'known' }),
    ]);
    // (Its other sockets are its stdout and stderr, unnamed.)
    const named = rows.filter((r) => r.path !== '' && r.processes.some((p) => p.pid === attacker.pid));
    expect(named.map((r) => r.path)).toEqual([`@${name}`]);
    expect(rows.filter((r) => r.inode === fresh)).toEqual([]);
    expect(diagnostics.skipped).toBe(0);
    collector.dispose();
  });

  it('from /proc/net/unix (the fallback) the same line still shows as an ownerless row', async () => {
    const { fresh } = await freshForgery('security-fallback', 4_000_000_002);
    const { rows } = await new LinuxConnectionsCollector({ tables: ['unix'], sockDiag: false }).read();
    expect(rows.filter((r) => r.inode === fresh)).toEqual([
      expect.objectContaining({ path: '/run/FORGED', state: 'LISTENING', processes: [] }),
    ]);
  });

  it('folds a suspect line that repeats an inode; a line that cannot fit in the name before it is certain', () => {
    const header = 'Num       RefCount Protocol Flags    Type St Inode Path';
    const row = (inode: number, path: string) =>
      `0000000000000000: 00000002 00000000 00010000 0001 01 ${inode} ${path}`;
    const long = `/${'x'.repeat(100)}`;
    const text = [header, row(11, '/real'), row(20, '@x'), fakeRow(11), row(30, long), fakeRow(31), ''].join('\n');
    const { rows, diagnostics } = parseProcNetUnix(text);
    expect(rows.map((r) => r.inode)).toEqual([11, 20, 30, 31]);
    expect(rows[1]?.path).toBe(`@x\n${fakeRow(11)}`);
    expect(rows[3]?.path).toBe('/run/FORGED');
    expect(diagnostics.skipped).toBe(1);
  });
});
