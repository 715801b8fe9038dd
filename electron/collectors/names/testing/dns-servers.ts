// DNS servers for the names tests, all on 127.0.0.1: a real dnsmasq (Debian's dnsmasq-base) with PTR
// records, a server that reads queries and never answers, and a small responder that answers NXDOMAIN after
// a delay and counts how many queries were outstanding at once. Tests and nothing else use this file.
import { spawn, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promises as dns } from 'node:dns';

export const DNSMASQ = '/usr/sbin/dnsmasq';

/** The name asked about in a DNS query (the first question), or null for a malformed packet. */
export function queryName(msg: Buffer): string | null {
  const labels: string[] = [];
  let i = 12;
  while (i < msg.length) {
    const len = msg[i]!;
    if (len === 0) return labels.join('.');
    if (len > 63 || i + 1 + len > msg.length) return null;
    labels.push(msg.toString('latin1', i + 1, i + 1 + len));
    i += 1 + len;
  }
  return null;
}

/** The in-addr.arpa / ip6.arpa name of an IPv4 address (the tests only ask about IPv4). */
export function ptrName(ipv4: string): string {
  return `${ipv4.split('.').reverse().join('.')}.in-addr.arpa`;
}

async function freeUdpPort(): Promise<number> {
  const s = dgram.createSocket('udp4');
  s.bind(0, '127.0.0.1');
  await once(s, 'listening');
  const port = s.address().port;
  s.close();
  return port;
}

export interface RunningDnsmasq {
  server: string;
  port: number;
  stop(): Promise<void>;
}

/** Starts dnsmasq on a free loopback port answering only what it is given: `ptr` records (address → name)
 *  and `hosts` (name → address, which also answer the reverse). No upstream servers, no /etc/hosts. */
export async function startDnsmasq(records: {
  ptr?: [string, string][];
  hosts?: [string, string][];
}): Promise<RunningDnsmasq> {
  if (!existsSync(DNSMASQ)) throw new Error(`${DNSMASQ} is missing: apt-get install dnsmasq-base (.ci/run does it)`);
  const errors: string[] = [];
  for (let attempt = 0; ; attempt++) {
    // A folder per attempt: a failed attempt's stop() removes its own (reusing one made every retry fail
    // with "failed to open pidfile").
    const dir = mkdtempSync(join(tmpdir(), 'names-dnsmasq-'));
    const pidFile = join(dir, 'dnsmasq.pid');
    const port = await freeUdpPort();
    const args = [
      '--keep-in-foreground',
      '--conf-file=/dev/null',
      '--no-resolv',
      '--no-hosts',
      '--listen-address=127.0.0.1',
      '--bind-interfaces',
      `--port=${port}`,
      `--pid-file=${pidFile}`,
      ...(records.ptr ?? []).map(([address, name]) => `--ptr-record=${ptrName(address)},${name}`),
      ...(records.hosts ?? []).map(([name, address]) => `--host-record=${name},${address}`),
    ];
    const child: ChildProcess = spawn(DNSMASQ, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    const stop = async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = once(child, 'exit');
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      }
      rmSync(dir, { recursive: true, force: true });
    };
    // Ready when it answers; a port taken meanwhile makes it exit, and we try another.
    const probe = new dns.Resolver({ timeout: 200, tries: 1 });
    probe.setServers([`127.0.0.1:${port}`]);
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && child.exitCode === null) {
      try {
        await probe.resolvePtr(ptrName('127.0.0.254'));
        break;
      } catch (e) {
        // NXDOMAIN (ENOTFOUND) or REFUSED is an answer: dnsmasq is up. (resolvePtr, not reverse(): reverse
        // reports a timeout as ENOTFOUND too.)
        const code = (e as NodeJS.ErrnoException).code;
        if (code !== 'ETIMEOUT' && code !== 'ECONNREFUSED') break;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    if (child.exitCode === null) return { server: `127.0.0.1:${port}`, port, stop };
    await stop();
    errors.push(`port ${port}: ${err.trim() || `exit ${child.exitCode}`}`);
    if (attempt >= 3) throw new Error(`dnsmasq did not start: ${errors.join('; ')}`);
  }
}

export interface SilentServer {
  server: string;
  /** The names asked so far, in order. */
  asked: string[];
  close(): void;
}

/** A UDP socket on loopback that reads every query and never answers. */
export async function startSilentServer(): Promise<SilentServer> {
  const socket = dgram.createSocket('udp4');
  const asked: string[] = [];
  socket.on('message', (msg) => asked.push(queryName(msg) ?? '?'));
  socket.bind(0, '127.0.0.1');
  await once(socket, 'listening');
  return { server: `127.0.0.1:${socket.address().port}`, asked, close: () => socket.close() };
}

export interface CountingResponder {
  server: string;
  received: number;
  maxOutstanding: number;
  close(): void;
}

/** Answers every query with `rcode` (3, NXDOMAIN: no such name; 2, SERVFAIL: the server failed) after `delayMs`,
 *  counting the most queries it held unanswered at once. */
export async function startCountingResponder(delayMs: number, rcode = 3): Promise<CountingResponder> {
  const socket = dgram.createSocket('udp4');
  const state: CountingResponder = { server: '', received: 0, maxOutstanding: 0, close: () => socket.close() };
  let outstanding = 0;
  socket.on('message', (msg, from) => {
    state.received++;
    outstanding++;
    state.maxOutstanding = Math.max(state.maxOutstanding, outstanding);
    setTimeout(() => {
      outstanding--;
      // The header and question back with QR and RA set, the RCODE asked for, no answer or other records.
      let end = 12;
      while (end < msg.length && msg[end] !== 0) end += msg[end]! + 1;
      const reply = Buffer.from(msg.subarray(0, Math.min(msg.length, end + 5)));
      reply[2] = 0x81 | (msg[2]! & 0x01);
      reply[3] = 0x80 | (rcode & 0x0f);
      reply.writeUInt16BE(0, 6);
      reply.writeUInt16BE(0, 8);
      reply.writeUInt16BE(0, 10);
      socket.send(reply, from.port, from.address, () => {});
    }, delayMs);
  });
  socket.bind(0, '127.0.0.1');
  await once(socket, 'listening');
  state.server = `127.0.0.1:${socket.address().port}`;
  return state;
}
