// One remote Linux host over the user's own OpenSSH: the ssh child running the frame loop (script.ts), its
// frames (frames.ts), its state, and reconnecting with backoff. Collectors for it (remoteCollectors) answer
// from its latest frame with the Linux parsers (datasets.ts), so the monitor diffs it like local data.
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { makeControlDir } from './control-dirs.js';
import { join } from 'node:path';
import type {
  CollectExtra,
  Connection,
  DatasetResult,
  Diagnostics,
  ProcessTraffic,
  RowTypes,
} from '../../shared/types.js';
import { emptyDiagnostics } from '../../shared/types.js';
import type { Collector, Collectors } from '../collectors/collector.js';
import { ownerCounts, TrafficTotals } from '../collectors/connections/traffic-totals.js';
import { withNames, type OsCollectors } from '../collectors/names/index.js';
import { frameClock, readAtOf, remoteConnections, remoteRows, type RemoteReading } from './datasets.js';
import { FrameReader, type Frame, type Hello } from './frames.js';
import { REMOTE_SCRIPT } from './script.js';
import { run } from '../collectors/run-command.js';
import type { RemoteHostState } from '../../shared/remote.js';

export { checkDestination } from '../../shared/remote.js';

export type RemoteState = RemoteHostState;

export interface RemoteStatus {
  state: RemoteState;
  /** Why it is disconnected: 'host key changed', 'authentication failed', 'timeout', ... */
  reason: string | null;
  since: number;
  /** When the last frame came, or null. */
  lastFrameAt: number | null;
}

export interface RemoteHostOptions {
  /** Anything ssh accepts: user@host, a Host alias of the ssh config. */
  destination: string;
  /** Passed as `ssh -F FILE`. */
  sshConfig?: string;
  intervalMs: number;
  /** Frames to ask for (dump asks for 1); default 0: until closed. */
  frames?: number;
  /** Reconnect after a drop (watch, the app); dump does not. Default true. */
  reconnect?: boolean;
  /** The ssh program (tests may wrap it). */
  ssh?: string;
  /** The prefix of its ControlMaster folder's name in the temp folder (a monitor worker's own: control-dirs.ts). */
  controlPrefix?: string;
  onStatus?: (status: RemoteStatus) => void;
}

/** ssh's complaint as a short reason; its text (which the remote's banner can shape) is kept inert. */
export function classifySshFailure(stderr: string, code: number | null): string {
  if (/REMOTE HOST IDENTIFICATION HAS CHANGED/.test(stderr)) return 'host key changed (refused; check known_hosts)';
  if (/Host key verification failed/.test(stderr))
    return 'host key not trusted (unknown or changed; check known_hosts)';
  if (/Permission denied/.test(stderr)) return 'authentication failed';
  if (/timed out|Timeout/i.test(stderr)) return 'timeout';
  if (/Connection refused/.test(stderr)) return 'connection refused';
  if (/Could not resolve hostname/.test(stderr)) return 'unknown host name';
  if (/No route to host|Network is unreachable/.test(stderr)) return 'host unreachable';
  if (/Connection (closed|reset)|Broken pipe/.test(stderr)) return 'connection lost';
  const last = stderr.trim().split('\n').pop() ?? '';
  const inert = last.replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '?').slice(0, 160);
  return inert ? `ssh exited with code ${code}: ${inert}` : `connection lost (ssh exited with code ${code})`;
}

/**
 * A remote clock's times moved onto this machine's: each plus the gap between the connection's first frame's
 * last stamp and its coming here. Two frames' times then differ exactly as the remote measured them, so a rate
 * over them is the remote's. The gap is not lowered when a later frame comes quicker (the first frame is often
 * the slowest: a cold ss, the channel starting): that would move every later time and shorten one interval, and
 * the rate over it read too high (review of 12-02). A time is then at most that first frame's extra delay after
 * its frame came; past RESYNC_MS the clock is set again from the frame (a host whose clock stepped, a first frame
 * held for seconds), which costs one interval's rate. One per connection: a host that restarted has another clock.
 */
export class RemoteClock {
  private offset: number | null = null;

  /** The frame's times on this machine's clock (`arrival` where it gave none). */
  place(
    clock: { proc: number | null; traffic: number | null },
    arrival: number,
  ): { procAt: number; trafficAt: number } {
    // The later stamp (the script takes proc first): a frame whose proc lies past its traffic (a hostile host)
    // cannot place its counters' time beyond RESYNC_MS ahead of its coming, where history would never trim it.
    const last =
      clock.traffic === null ? clock.proc : clock.proc === null ? clock.traffic : Math.max(clock.traffic, clock.proc);
    if (last === null) return { procAt: arrival, trafficAt: arrival };
    const placed = this.offset === null ? null : last + this.offset;
    // Set again when a time would run ahead of its frame (the first frame was held), or lag it by a minute (the
    // remote's clock stepped).
    const offset =
      placed === null || placed > arrival + RESYNC_MS || placed < arrival - LAG_MS
        ? arrival - last
        : (this.offset as number);
    this.offset = offset;
    const trafficAt = clock.traffic === null ? arrival : clock.traffic + offset;
    return { procAt: clock.proc === null ? arrival : clock.proc + offset, trafficAt };
  }
}

/** How far a placed time may run ahead of its frame's coming, or lag behind it, before the clock is set again. */
const RESYNC_MS = 2000;
const LAG_MS = 60_000;

const MAX_STDERR = 16 * 1024;
const BACKOFF_MS = [1000, 2000, 5000, 10_000, 30_000];

export class RemoteHost {
  readonly destination: string;
  private child: ChildProcess | null = null;
  private readonly controlDir: string;
  private hello: Hello | null = null;
  private latest: RemoteReading | null = null;
  /** The remote's clock as this connection's frames give it. */
  private clock = new RemoteClock();
  private waiters: { resolve: (r: RemoteReading) => void; reject: (e: Error) => void }[] = [];
  private statusValue: RemoteStatus = { state: 'connecting', reason: null, since: Date.now(), lastFrameAt: null };
  private attempt = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private watchdog: ReturnType<typeof setInterval> | null = null;
  private closed = false;
  /** A one-shot (`frames`) host that got all its frames: its last one stays readable. */
  private finished = false;
  /** Bytes of the last frame, for the benchmark. */
  lastFrameBytes = 0;

  constructor(private readonly options: RemoteHostOptions) {
    this.destination = options.destination;
    // The ControlMaster socket lives in a directory only this user can enter (mkdtemp makes it 0700).
    this.controlDir = makeControlDir(options.controlPrefix);
    this.connect();
    // A connection that stays open but sends nothing (a host that froze, a network that drops packets
    // silently) is given up after three intervals, at least 15 s.
    const silence = Math.max(15_000, 3 * options.intervalMs);
    this.watchdog = setInterval(() => {
      const s = this.statusValue;
      // The last frame, or the start of this attempt if later: a host back after a silence gets the whole interval
      // for its first frame (the last frame's age alone killed every new attempt within a second, so a host that
      // had been away longer than that never came back: found by remote-ui's test, failing under load).
      const lastSign = Math.max(s.lastFrameAt ?? 0, s.since);
      if (this.child && s.state !== 'disconnected' && Date.now() - lastSign > silence) {
        this.pendingReason = `timeout: nothing from ${this.destination} for ${Math.round(silence / 1000)} s`;
        this.child.kill('SIGTERM');
      }
    }, 1000);
    this.watchdog.unref?.();
  }

  private pendingReason: string | null = null;

  get status(): RemoteStatus {
    return this.statusValue;
  }

  private setStatus(state: RemoteState, reason: string | null): void {
    if (state === this.statusValue.state && reason === this.statusValue.reason) return;
    this.statusValue = { state, reason, since: Date.now(), lastFrameAt: this.statusValue.lastFrameAt };
    this.options.onStatus?.(this.statusValue);
  }

  sshArgs(): string[] {
    const args = [
      '-T',
      '-o',
      'BatchMode=yes',
      '-o',
      'ConnectTimeout=10',
      '-o',
      'ServerAliveInterval=5',
      '-o',
      'ServerAliveCountMax=3',
      '-o',
      'ControlMaster=auto',
      '-o',
      `ControlPath=${join(this.controlDir, '%C')}`,
      '-o',
      'ControlPersist=60',
    ];
    if (this.options.sshConfig !== undefined) args.unshift('-F', this.options.sshConfig);
    return args;
  }

  private connect(): void {
    if (this.closed) return;
    this.setStatus('connecting', this.statusValue.reason);
    this.hello = null;
    this.clock = new RemoteClock();
    this.pendingReason = null;
    const seconds = (this.options.intervalMs / 1000).toFixed(3);
    const child = spawn(
      this.options.ssh ?? 'ssh',
      [...this.sshArgs(), '--', this.destination, `exec sh -s -- ${seconds} ${this.options.frames ?? 0}`],
      {
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
    this.child = child;
    const reader = new FrameReader();
    let stderr = '';
    child.stdin!.on('error', () => {}); // ssh gone before the script was written: its exit says why
    child.stdin!.end(REMOTE_SCRIPT);
    child.stderr!.on('data', (d: Buffer) => {
      if (stderr.length < MAX_STDERR) stderr += d.toString('utf8');
    });
    child.stdout!.on('data', (chunk: Buffer) => {
      for (const e of reader.push(chunk)) {
        if (e.type === 'hello') this.hello = e.hello;
        else if (e.type === 'notLinux') this.pendingReason = `remote is not Linux (${e.system})`;
        else if (e.type === 'error') {
          this.pendingReason = e.message;
          child.kill('SIGTERM');
        } else if (this.hello) this.onFrame(e.frame, this.hello);
        else {
          this.pendingReason = 'a frame came before the remote said hello';
          child.kill('SIGTERM');
        }
      }
    });
    child.on('error', (err) => {
      this.pendingReason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'ssh is not installed' : err.message;
    });
    child.on('close', (code) => {
      if (this.child === child) this.child = null;
      const finished =
        this.options.frames !== undefined && this.options.frames > 0 && code === 0 && this.latest !== null;
      this.finished = finished;
      const reason = this.pendingReason ?? (finished ? null : classifySshFailure(stderr, code));
      this.setStatus('disconnected', reason);
      this.failWaiters(new Error(`${this.destination}: ${reason ?? 'closed'}`));
      if (!this.closed && !finished && (this.options.reconnect ?? true)) {
        const delay = BACKOFF_MS[Math.min(this.attempt, BACKOFF_MS.length - 1)]!;
        this.attempt++;
        this.retryTimer = setTimeout(() => this.connect(), delay);
      }
    });
  }

  private onFrame(frame: Frame, hello: Hello): void {
    this.attempt = 0;
    this.lastFrameBytes = frame.bytes;
    const at = Date.now();
    this.latest = { host: this.destination, hello, frame, at, ...this.clock.place(frameClock(frame), at) };
    this.statusValue = { ...this.statusValue, lastFrameAt: at };
    this.setStatus('connected', null);
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w.resolve(this.latest);
  }

  private failWaiters(err: Error): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w.reject(err);
  }

  /** The last frame that came, whatever the state now (a host that went away: what it said last). */
  get lastReading(): RemoteReading | null {
    return this.latest;
  }

  /** The latest frame; the first one is waited for. A disconnected host rejects with the reason. */
  reading(): Promise<RemoteReading> {
    if (this.closed) return Promise.reject(new Error(`${this.destination}: closed`));
    if ((this.statusValue.state === 'connected' || this.finished) && this.latest) return Promise.resolve(this.latest);
    if (this.statusValue.state === 'disconnected') {
      return Promise.reject(new Error(`${this.destination} is disconnected: ${this.statusValue.reason ?? 'closed'}`));
    }
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  async read<D extends keyof OsCollectors>(dataset: D): Promise<DatasetResult<RowTypes[D]>> {
    return remoteRows(dataset, await this.reading());
  }

  /** Stops the loop, the ssh master of this host, and removes the control directory. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.watchdog) clearInterval(this.watchdog);
    this.failWaiters(new Error(`${this.destination}: closed`));
    const child = this.child;
    if (child) {
      const exited = new Promise((r) => child.once('close', r));
      child.kill('SIGTERM');
      await exited;
    }
    // The master connection's exit; whatever ssh answers (or not, within the runner's timeout), the folder goes.
    await run(this.options.ssh ?? 'ssh', [...this.sshArgs(), '-O', 'exit', '--', this.destination]);
    rmSync(this.controlDir, { recursive: true, force: true });
  }
}

const OS_DATASETS = [
  'connections',
  'routes',
  'interfaces',
  'statistics',
  'multicast',
] as const satisfies readonly (keyof OsCollectors)[];

/**
 * A remote host's connections, with their traffic while it is asked for (as the local collector's), and its
 * per-process totals: each reading adds the growth of each TCP socket's counters to the process holding it
 * (TrafficTotals, followed by socket cookie). Destroy events are not read remotely, so bytes a connection moved
 * after the last reading that listed it, and connections that opened and closed between two readings, are
 * not counted, and no connection is counted as closed: the rows say so.
 */
export class RemoteConnectionsCollector implements Collector<Connection> {
  private traffic = false;
  // The uid matters only for destroy events, which are not read remotely.
  private readonly totals = new TrafficTotals(-1);
  private lastRows: readonly Connection[] = [];
  /** The reading the totals last counted: a reading read twice (connections, then processes) counts once. */
  private counted: RemoteReading | null = null;
  /** Why the last read has no counters (ss missing or failed there), for the processes' diagnostics. */
  private lastMissing: Diagnostics['missing'] = [];

  constructor(private readonly host: RemoteHost) {}

  setExtras(extras: readonly CollectExtra[]): void {
    this.traffic = extras.length > 0;
  }

  async read(): Promise<DatasetResult<Connection>> {
    return this.rowsOf(await this.host.reading());
  }

  /** The rows of a reading (the latest, or the last one of a host that went away). */
  rowsOf(reading: RemoteReading): DatasetResult<Connection> {
    const { result, cookies } = remoteConnections(reading, this.traffic);
    if (this.traffic && this.counted !== reading) {
      this.counted = reading;
      this.totals.update(result.rows, cookies, [], reading.trafficAt ?? reading.at);
    }
    this.lastRows = result.rows;
    this.lastMissing = result.diagnostics.missing.filter((m) => m.source.startsWith('ss'));
    return result;
  }

  async processes(): Promise<DatasetResult<ProcessTraffic>> {
    // The monitor asks for connections first in a tick: their reading is not parsed again.
    if (!this.traffic || this.counted !== (await this.host.reading())) await this.read();
    const diagnostics = emptyDiagnostics();
    diagnostics.missing.push(...this.lastMissing);
    const partial = `${REMOTE_TOTALS_NOTE} on ${this.host.destination}`;
    diagnostics.notes.push(partial);
    const rows = this.totals.rows(ownerCounts(this.lastRows));
    for (const row of rows) if (row.bytesSent !== null) row.note = row.note ? `${row.note}; ${partial}` : partial;
    // The totals are as of the reading they last counted: their rates are measured between readings too.
    const readAt = this.counted === null ? undefined : readAtOf('connections', this.counted);
    return { rows, diagnostics, ...(readAt ? { readAt } : {}) };
  }
}

/** Why a remote host's per-process totals are partial. */
export const REMOTE_TOTALS_NOTE =
  'partial: counts the connections open at each reading (destroy events are not read remotely: bytes moved ' +
  "after a connection's last reading, and connections opened and closed between two readings, are left out)";

/** Collectors that answer from a remote host's frames, with names (services, places) of its connections. */
export function remoteCollectors(host: RemoteHost): Collectors {
  const connections = new RemoteConnectionsCollector(host);
  const os = Object.fromEntries(OS_DATASETS.map((d) => [d, { read: () => host.read(d) }])) as unknown as OsCollectors;
  os.connections = connections;
  os.processes = { read: () => connections.processes() };
  return withNames(os);
}
