// TCP sockets as they are destroyed, with their final tcp_info: one long-lived `ss -tinHeE` (sock_diag destroy
// notifications, Linux 4.2+, no privileges needed). A connection that opens and closes between two ticks is
// never in a tick's read; this is how its bytes still reach its process's totals.
//
// ss writes through stdio, which buffers a pipe in 4 KiB blocks: `stdbuf -oL` (coreutils) makes it write each
// line as it is printed, so an event arrives when it happens rather than with the next 4 KiB.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import type { ConnectionTraffic, Diagnostics } from '../../../shared/types.js';
import { recordSkip } from '../../../shared/types.js';
import { familyOfAddress, splitColonEndpoint } from './endpoints.js';
import { parseTcpInfoText } from './tcp-info.js';

export interface DestroyedSocket {
  /** The kernel's socket cookie (`sk:` in ss -e): the same for the socket's whole life. */
  cookie: string;
  family: 'inet' | 'inet6';
  localAddress: string;
  localPort: number;
  remoteAddress: string;
  remotePort: number;
  /** The socket's owner uid (ss prints it only when it is not 0). */
  uid: number;
  traffic: ConnectionTraffic;
  /** When the event arrived (ms since the epoch). */
  at: number;
}

export interface DestroyStreamStats {
  events: number;
  /** Records that could not be read (counted, with samples in diagnostics()). */
  parseFailures: number;
  /** Events dropped because nobody took them and the queue was full. */
  dropped: number;
  /** Times the ss child was started again after it died. */
  restarts: number;
  running: boolean;
  /** Why the stream is not running, when it is not. */
  reason: string | null;
}

export interface DestroyStreamOptions {
  /** The command (default: stdbuf -oL ss -tinHeE, or plain ss where stdbuf is missing). */
  command?: string[];
  /** Told when the child dies and when it is running again: the host shows these as notices. */
  onNotice?: (level: 'info' | 'warning' | 'error', code: string, text: string) => void;
  /** At most this many events wait to be taken; more are dropped and counted. */
  maxQueue?: number;
  restartDelayMs?: number;
}

/** A line longer than this is not ss output: it is dropped (and counted) rather than buffered. */
export const MAX_LINE_BYTES = 64 * 1024;
const DEFAULT_MAX_QUEUE = 100_000;
/** After this many quick deaths in a row the stream gives up (ss without -E support, say). */
const MAX_QUICK_DEATHS = 5;
const QUICK_DEATH_MS = 5_000;

function defaultCommand(): string[] {
  const stdbuf = ['/usr/bin/stdbuf', '/bin/stdbuf'].find((p) => fs.existsSync(p));
  return stdbuf ? [stdbuf, '-oL', 'ss', '-tinHeE'] : ['ss', '-tinHeE'];
}

/** ss -E's words when its netlink socket's queue overflowed (ENOBUFS): events were dropped, it ends. */
const OVERFLOW = /No buffer space available|ENOBUFS/;

export class TcpDestroyStream {
  private child: ChildProcess | null = null;
  private partial = '';
  /** Whether the partial line grew past MAX_LINE_BYTES (the rest of it is skipped). */
  private overlong = false;
  /** The row line of the event being read, waiting for its detail line. */
  private pending: string | null = null;
  private queue: DestroyedSocket[] = [];
  private readonly diag: Diagnostics = { skipped: 0, samples: [], missing: [], notes: [] };
  private stopped = true;
  private restartTimer: ReturnType<typeof setTimeout> | null = null;
  private quickDeaths = 0;
  private startedAt = 0;
  private readonly command: string[];
  private readonly maxQueue: number;
  private readonly restartDelayMs: number;
  readonly stats: DestroyStreamStats = {
    events: 0,
    parseFailures: 0,
    dropped: 0,
    restarts: 0,
    running: false,
    reason: null,
  };

  constructor(private readonly options: DestroyStreamOptions = {}) {
    this.command = options.command ?? defaultCommand();
    this.maxQueue = options.maxQueue ?? DEFAULT_MAX_QUEUE;
    this.restartDelayMs = options.restartDelayMs ?? 1000;
  }

  /** The child's pid while it runs (tests kill it to see it come back). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.quickDeaths = 0;
    this.spawn();
  }

  stop(): void {
    this.stopped = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = null;
    const child = this.child;
    this.child = null;
    child?.kill();
    this.stats.running = false;
  }

  /** Events read and not yet taken, one still waiting for its detail line included. */
  get queued(): number {
    return this.queue.length + (this.pending === null ? 0 : 1);
  }

  /** The events since the last call, oldest first. */
  take(): DestroyedSocket[] {
    const out = this.queue;
    this.queue = [];
    return out;
  }

  /** Skipped records so far (the count and a few samples), for the collector's diagnostics. */
  diagnostics(): Diagnostics {
    return this.diag;
  }

  private spawn(): void {
    const [file, ...args] = this.command;
    let child: ChildProcess;
    try {
      child = spawn(file!, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C' } });
    } catch (err) {
      this.died(`${file}: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    this.child = child;
    this.startedAt = Date.now();
    this.partial = '';
    this.pending = null;
    this.overlong = false;
    let stderr = '';
    child.stdout!.setEncoding('latin1');
    child.stdout!.on('data', (chunk: string) => this.feed(chunk));
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (s: string) => {
      if (stderr.length < 1000) stderr += s;
    });
    child.on('error', (e: NodeJS.ErrnoException) => {
      if (this.child === child) this.died(e.code === 'ENOENT' ? `${file} is not installed` : `${file}: ${e.message}`);
    });
    child.on('spawn', () => {
      if (this.child !== child) return;
      this.stats.running = true;
      this.stats.reason = null;
    });
    child.on('close', (code, signal) => {
      if (this.child !== child) return;
      this.finishPending(Date.now());
      this.died(
        `ss -E ${signal ? `was killed (${signal})` : `exited with ${code}`}${stderr.trim() ? `: ${stderr.trim().slice(0, 200)}` : ''}`,
      );
    });
  }

  private died(reason: string): void {
    this.child = null;
    this.stats.running = false;
    this.stats.reason = reason;
    if (this.stopped) return;
    this.quickDeaths = Date.now() - this.startedAt < QUICK_DEATH_MS ? this.quickDeaths + 1 : 1;
    if (this.quickDeaths >= MAX_QUICK_DEATHS) {
      this.stats.reason = `${reason}; stopped after ${MAX_QUICK_DEATHS} quick failures`;
      this.options.onNotice?.(
        'error',
        'traffic-events-failed',
        `Connections that open and close between two readings are no longer counted: ${this.stats.reason}.`,
      );
      return;
    }
    this.options.onNotice?.(
      'warning',
      'traffic-events-restarted',
      // The usual cause in words a user reads (a new user's review of 12-06 met the raw one under heavy churn): the
      // kernel's queue of close events overflowed, and ss -E ends when it does.
      OVERFLOW.test(reason)
        ? `More connections closed at once than NetLens could follow one by one (the kernel's queue of close events overflowed); it follows them again. The traffic of connections that opened and closed meanwhile may be missing from the process totals. (${reason})`
        : `The destroy-event reader (ss -E) stopped (${reason}); restarting it. Connections closed meanwhile may be missing from the process totals.`,
    );
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      if (this.stopped) return;
      this.stats.restarts++;
      this.spawn();
    }, this.restartDelayMs);
  }

  /** Splits the stream into lines with a bounded buffer; a line longer than MAX_LINE_BYTES is dropped. */
  private feed(chunk: string): void {
    const at = Date.now();
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf('\n', start);
      if (nl < 0) break;
      const piece = chunk.slice(start, nl);
      start = nl + 1;
      if (this.overlong) {
        this.overlong = false;
        this.partial = '';
        continue;
      }
      if (this.partial.length + piece.length > MAX_LINE_BYTES) {
        this.tooLong(this.partial + piece.slice(0, 200));
        this.overlong = false;
        continue;
      }
      const line = this.partial + piece;
      this.partial = '';
      this.line(line, at);
    }
    if (start < chunk.length && !this.overlong) {
      this.partial += chunk.slice(start);
      if (this.partial.length > MAX_LINE_BYTES) {
        this.tooLong(this.partial);
        this.overlong = true;
      }
    }
  }

  private tooLong(start: string): void {
    recordSkip(this.diag, 'ss -E', start.slice(0, 200), 'line longer than 64 KiB');
    this.stats.parseFailures++;
    this.partial = '';
  }

  private line(line: string, at: number): void {
    if (line.trim() === '') return;
    const detail = line.charCodeAt(0) === 9 || line.charCodeAt(0) === 32;
    if (!detail) {
      // A new socket: the one before it had no detail line.
      this.finishPending(at);
      this.pending = line;
      return;
    }
    if (this.pending === null) {
      recordSkip(this.diag, 'ss -E', line, 'detail line without a socket line');
      this.stats.parseFailures++;
      return;
    }
    const row = this.pending;
    this.pending = null;
    this.record(row, line, at);
  }

  private finishPending(at: number): void {
    if (this.pending === null) return;
    const row = this.pending;
    this.pending = null;
    this.record(row, '', at);
  }

  private record(row: string, detail: string, at: number): void {
    const reason = this.parse(row, detail, at);
    if (reason !== null) {
      recordSkip(this.diag, 'ss -E', `${row} ${detail.trim()}`.slice(0, 200), reason);
      this.stats.parseFailures++;
    }
  }

  private parse(row: string, detail: string, at: number): string | null {
    const t = row.trim().split(/\s+/);
    if (t.length < 5) return 'too few fields';
    if (!/^\d+$/.test(t[1]!) || !/^\d+$/.test(t[2]!)) return 'bad queues';
    const family = t[3]!.startsWith('[') ? 'inet6' : familyOfAddress(t[3]!.replace(/:[^:]*$/, ''));
    const wildcard = family === 'inet6' ? '::' : '0.0.0.0';
    const local = splitColonEndpoint(t[3]!, wildcard);
    const remote = splitColonEndpoint(t[4]!, wildcard);
    if (!local || !remote) return 'unreadable address';
    let cookie: string | null = null;
    let uid = 0;
    for (let i = 5; i < t.length; i++) {
      const tok = t[i]!;
      if (tok.startsWith('sk:')) cookie = tok.slice(3);
      else if (tok.startsWith('uid:')) uid = Number(tok.slice(4));
    }
    if (cookie === null || !/^[0-9a-f]+$/.test(cookie)) return 'no socket cookie (sk:)';
    if (!Number.isInteger(uid) || uid < 0) return 'bad uid';
    const traffic = parseTcpInfoText(`${t.slice(5).join(' ')} ${detail}`);
    if ('reason' in traffic) return traffic.reason;
    this.stats.events++;
    if (this.queue.length >= this.maxQueue) {
      this.stats.dropped++;
      return null;
    }
    this.queue.push({
      cookie,
      family,
      localAddress: local.address,
      localPort: local.port,
      remoteAddress: remote.address,
      remotePort: remote.port,
      uid,
      traffic,
      at,
    });
    return null;
  }
}
