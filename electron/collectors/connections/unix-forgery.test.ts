// Forged unix-socket rows (issue 10): the kernel prints socket names raw in /proc/net/unix, so a process
// may bind an abstract socket whose name holds a newline and a line that looks like a row. Real sockets
// made by this test show how NetLens reads them: the fake line stays inside the name that holds it, and
// never becomes a LISTENING row, let alone one owned by the process whose inode it names.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LinuxConnectionsCollector, parseProcNetUnix } from './linux.js';

const dir = mkdtempSync(join(tmpdir(), 'security-unix-'));
const servers: Server[] = [];
const children: ChildProcess[] = [];
afterAll(() => {
  for (const s of servers) s.close();
  for (const c of children) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

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

describe.runIf(process.platform === 'linux')('unix socket names that imitate rows', () => {
  it("cannot forge a row borrowing a real socket's inode, and the real socket keeps its row and owner", async () => {
    const realPath = join(dir, 'real.sock');
    await listen(realPath);
    const inode = unixInode(realPath);
    expect(inode).toBeGreaterThan(0);
    const name = `security-${process.pid}\n${fakeRow(inode)}`;
    const attacker = await abstractListener(name);
    // The kernel really prints it as two lines: the attack is live.
    expect(readFileSync('/proc/net/unix', 'utf8')).toContain(`@${name}\n`);

    const { rows } = await new LinuxConnectionsCollector({ tables: ['unix'] }).read();
    expect(rows.filter((r) => r.path?.startsWith('/run/FORGED'))).toEqual([]);
    const abstract = rows.find((r) => r.path?.startsWith(`@security-${process.pid}`));
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
    const name = `security-tcp-${process.pid}\n${fakeRow(inode, '00000000deadbeef')}`;
    await abstractListener(name);
    const { rows } = await new LinuxConnectionsCollector({ tables: ['tcp', 'tcp6', 'unix'] }).read();
    expect(rows.filter((r) => r.path?.startsWith('/run/FORGED'))).toEqual([]);
    expect(rows.filter((r) => r.inode === inode).map((r) => r.proto)).toEqual(['tcp']);
  });

  it('keeps a name that holds a newline and plain text whole, as one row', async () => {
    const name = `security-text-${process.pid}\nFORGED\x1b]0;title\x07`;
    await abstractListener(name);
    const { rows, diagnostics } = await new LinuxConnectionsCollector({ tables: ['unix'] }).read();
    expect(rows.filter((r) => r.path === `@${name}`)).toHaveLength(1);
    expect(diagnostics.samples.filter((s) => s.line.startsWith('FORGED'))).toEqual([]);
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
