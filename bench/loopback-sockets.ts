// The benchmarks' loopback sockets: child processes that each hold `count` established TCP connections to
// themselves (both ends, so 2 × count sockets per child), with the fd limit raised for the child alone.
// Shared by bench:collect and bench:traffic. Bench support only.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

// Each child: a listener on 127.0.0.1 and `count` connections to it, kept open until stdin closes. With a
// churn (argv[2], connections per second), that many connections close each second and as many new ones
// open: 1 % churn of 10,000 connections is 100 a second.
const CHILD_SCRIPT = `
const net = require('node:net');
const count = Number(process.argv[1]);
const churn = Number(process.argv[2] || 0);
const clients = [];
let accepted = 0;
const server = net.createServer((s) => { accepted++; s.on('error', () => {}); s.on('close', () => accepted--); });
server.maxConnections = count + churn + 10;
const connect = (port) => new Promise((resolve, reject) => {
  const c = net.connect(port, '127.0.0.1', () => resolve(c));
  c.on('error', reject);
});
server.listen(0, '127.0.0.1', async () => {
  const port = server.address().port;
  const batch = 200;
  for (let i = 0; i < count; i += batch) {
    clients.push(...(await Promise.all(Array.from({ length: Math.min(batch, count - i) }, () => connect(port)))));
  }
  // Wait until the server side has accepted every connection too.
  while (accepted < count) await new Promise((r) => setTimeout(r, 20));
  process.stdout.write('ready ' + clients.length + '\\n');
  if (churn > 0) setInterval(async () => {
    for (let i = 0; i < churn; i++) clients.splice(Math.floor(Math.random() * clients.length), 1)[0].destroy();
    clients.push(...(await Promise.all(Array.from({ length: churn }, () => connect(port).catch(() => null)))).filter(Boolean));
  }, 1000);
});
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
`;

export async function startChild(count: number, churnPerSecond = 0): Promise<ChildProcess> {
  // prlimit raises the fd limit for the child alone (2 fds per connection plus node's own).
  const child = spawn(
    'prlimit',
    [
      `--nofile=${2 * (count + churnPerSecond) + 1024}`,
      process.execPath,
      '-e',
      CHILD_SCRIPT,
      String(count),
      String(churnPerSecond),
    ],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  const lines = createInterface({ input: child.stdout! });
  const [line] = (await Promise.race([once(lines, 'line'), once(child, 'exit').then(() => ['exited'])])) as string[];
  if (!line?.startsWith('ready')) throw new Error(`bench child failed to start: ${line}`);
  return child;
}

/** CPU seconds a process has used so far (all its threads: user and system time of /proc/<pid>/stat). */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] ?? NaN) : ((s[m - 1] ?? 0) + (s[m] ?? 0)) / 2;
}

export function timeCommand(cmd: string, args: string[]): number {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'ignore'] });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status ?? r.signal}`);
  return ms;
}

export const round2 = (x: number) => Math.round(x * 100) / 100;

/** `K=V,K=V` (a bench's option giving a host environment variables of its own) as an object. */
export const envList = (text: string): Record<string, string> =>
  Object.fromEntries(
    text
      .split(',')
      .filter((kv) => kv.includes('='))
      .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
  );

export async function stopChildren(children: ChildProcess[]): Promise<void> {
  for (const c of children) {
    c.stdin?.end();
    if (c.exitCode === null) c.kill('SIGTERM');
  }
  await Promise.all(children.map((c) => (c.exitCode === null && c.signalCode === null ? once(c, 'exit') : null)));
}

/** Runs a benchmark over `connections` loopback connections held by `children` children: prints the JSON
 *  line its body returns, and stops the children whatever happens. */
export function benchWithSockets(
  connections: number,
  children: number,
  body: (pids: Set<number | undefined>) => Promise<object>,
): Promise<void> {
  const run = async () => {
    const held: ChildProcess[] = [];
    try {
      const per = Math.ceil(connections / children);
      for (let i = 0; i < children; i++) held.push(await startChild(per));
      console.log(JSON.stringify(await body(new Set(held.map((c) => c.pid)))));
    } finally {
      await stopChildren(held);
    }
  };
  return run().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
