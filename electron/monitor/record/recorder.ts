// The recorder: turns each tick's connection diff and each interfaces read into rows of the record (see
// database.ts), off the collector's path. Observing costs a map lookup per changed row; the writing happens
// in one transaction every FLUSH_MS (a batch), so a kill -9 loses at most that batch.
//
// - A connection is inserted when first seen (with the monitor's own firstSeen), updated when its state,
//   owner or byte totals change, and closed when the monitor marks it closed. Rows still open when a
//   recording ends (quit, crash, pause) keep closed_at NULL; their session's `alive` bounds them. A socket still
//   open as the next recording starts (a restart of NetLens, a pause's end) continues its row, which becomes the
//   new session's: the same endpoints, listening or not, and owner (pid and name), and no reboot between
//   (continuationKey, previousOpen). Else each restart wrote every listener anew: `listen` three times, no close
//   between, and What changed's "Since" the restart's time.
// - Per-interface bytes per minute are summed from counter deltas (a reset adds nothing); per-process bytes
//   per minute from the connections' byte totals where the collector reports them (bytesSent/bytesReceived:
//   the monitor asks for traffic while recording), a connection new since the last read with all it moved.
// - First sightings (processes, remote addresses, and the places each process reached: networkNews subjects
//   from the names collector's places) are kept beyond the retention, so alerts and "what changed" know new.
// - Pruning (retention, size cap) deletes one small batch per flush, so no flush blocks a tick for long.
// - Failures never reach the monitor: a corrupt file is moved aside and a fresh one started; any other write
//   or open failure (a full disk, a read-only folder) pauses recording with a notice, retried every RETRY_MS;
//   on resuming, the connections open now are recorded afresh.
import { accessSync, constants, existsSync, renameSync, unlinkSync } from 'node:fs';
import { makeDataDirSync } from '../../collectors/data-dir.js';
import { uptime } from 'node:os';
import { dirname } from 'node:path';
import { pidExists } from '../../actions/process-identity.js';
import type { PortRange } from '../../collectors/ephemeral-ports.js';
import type { Diff, RowPatch } from '../../../shared/protocol.js';
import {
  DEFAULT_RECORDING,
  MAX_RECORDED_OTHERS,
  MAX_STATES,
  networkNews,
  usesNetwork,
  type Alert,
  type AlertKind,
  type NetworkNews,
  type PlaceInfo,
  type RecordingConfig,
  type RecordingState,
  type RecordingStatus,
} from '../../../shared/record.js';
import type { Connection, NetInterface, ProcessInfo } from '../../../shared/types.js';
import { isLoopback } from '../../../shared/address.js';
import { inertText } from '../../../shared/inert-text.js';
import type { Statement } from 'node-sqlite3-wasm';
import {
  busy,
  clearStaleLock,
  cutUntil,
  failureKind,
  NotARecordError,
  openRecord,
  type RecordDatabase,
  recordPath,
} from './database.js';
import { recordBegins } from './queries.js';
import type { JournalOutcome } from './journal.js';
import {
  type LockUser,
  moveUsersAside,
  nameUser,
  readSmall,
  Turn,
  unnameUser,
  userAlive,
  userName,
  usersNotAFolder,
  writeFresh,
} from './lock.js';
import { errorText } from '../../../shared/error-text.js';
import { OpenConnections, type RecordedRow, type States } from './open-connections.js';

/** One batch (transaction) per this long: what a kill -9 may lose. */
export const FLUSH_MS = 5000;
/** States and byte totals of connections still open are written at most this often (and always at close). */
export const CHECKPOINT_MS = 5 * 60_000;
export const RETRY_MS = 60_000;

/** Resumes that start recording at once within RESUMES_WINDOW_MS, at most; the next waits for the window's end. Each
 *  begins a session and writes its baseline: Pause toggled by a script (any client may pause) would otherwise open
 *  the record and write a session many times a second. */
export const RESUMES_AT_ONCE = 3;
export const RESUMES_WINDOW_MS = 10_000;

/** Why a resume's recording waits (Recorder.resume). */
export const resumedTooOften = (times: number, windowMs: number): string =>
  `NetLens was resumed ${times} times within ${windowMs / 1000} s`;

/** What the status says while the monitor is paused (Recorder.hold). */
export const HELD_REASON = 'NetLens itself is paused; Resume reads and records again';
/** An open that meets another process's lock (`netlens history` reading), or another's turn (lock.ts Turn), is
 *  retried in its turn: after 50 ms, then twice as late each time up to BUSY_OPEN_RETRY_MS, BUSY_OPENS times without
 *  a notice (about 27 s; the worker's thread never sleeps on the lock), then like any failure (RETRY_MS). */
const BUSY_OPEN_RETRY_MS = 1000;
const BUSY_OPENS = 30;
/** A flush that met another process's lock, or came after another's turn (lock.ts Turn), is tried again this
 *  soon, then twice as late each time up to BUSY_FLUSH_MAX_MS: in its turn, kept meanwhile, so that a process
 *  reading the record back to back lets it write first. */
const BUSY_FLUSH_RETRY_MS = 25;
const BUSY_FLUSH_MAX_MS = 250;
/** The last flush (close) waits this long at most for a lock another holds (host.ts gives a closing worker 2 s). */
const CLOSE_WAIT_MS = 1000;
/** Rows a flush that keeps meeting another process's lock holds for the next one, at most (about 50 MB); past
 *  this recording pauses (with a notice) instead of growing. */
export const MAX_WAITING_ROWS = 100_000;
/** Remote addresses remembered as already in the record (sighted): at most this many (~10 MB); the same for
 *  process names and for places reached. */
export const MAX_REMEMBERED_REMOTES = 100_000;
export const PRUNE_EVERY_MS = 60_000;
/** Subjects marked known (History → Alerts) kept at most: the most recently marked (up to ~5 MB at 512 characters
 *  each). A mark is a request with no rate limit: past this, the oldest marks are forgotten. */
export const MAX_KNOWN = 10_000;
/** Rows deleted per pruning batch: a few milliseconds of work. */
export const PRUNE_BATCH = 500;
/** Rows of per-minute traffic deleted per pruning batch, of each table. */
export const MINUTES_BATCH = 4 * PRUNE_BATCH;
const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

export type NoticeLevel = 'info' | 'warning' | 'error';

export interface RecorderOptions {
  file: string;
  config?: RecordingConfig;
  /** The connections open now (the monitor's table): recorded afresh after a pause or when switched on. */
  liveRows: () => readonly Connection[];
  /** A notice for every client (recording paused, resumed, a corrupt file moved aside). */
  notify: (level: NoticeLevel, code: string, text: string) => void;
  /** The status changed (the monitor re-sends its status). */
  changed?: () => void;
  /** Something new the user asked to be alerted about (already in the record). */
  alert?: (alert: Alert) => void;
  /** The country and AS of a remote address, from the names dataset's places (the same lookup and cache).
   *  Without it every remote address is known by its /24 or /48 alone. */
  placeOf?: (address: string) => PlaceInfo | null;
  /** The kernel's ephemeral port range (collectors/ephemeral-ports.ts): an unconnected UDP socket on one of
   *  these ports is a client's, and its alerts are one per process. Without it every port is its own. */
  ephemeralPorts?: PortRange;
  log?: (line: string) => void;
  now?: () => number;
  flushMs?: number;
  retryMs?: number;
  /** MAX_REMEMBERED_REMOTES, smaller in tests. */
  maxRememberedRemotes?: number;
  /** MAX_WAITING_ROWS, smaller in tests. */
  maxWaitingRows?: number;
  /** RESUMES_WINDOW_MS, shorter in tests. */
  resumesWindowMs?: number;
  /** MAX_KNOWN, smaller in tests. */
  maxKnown?: number;
  /** When this machine booted (by `now`'s clock): a recording that ended before it ended before a reboot, and none of
   *  its sockets is continued (continuing). Default: the clock less os.uptime(). */
  bootedAt?: () => number;
}

/** A slot's latest state. */
function lastState(states: States): string {
  return typeof states === 'string' ? states : states[states.length - 1]!;
}

/** A slot's states with one more (bounded: the first states and the latest one, MAX_STATES). */
function withState(states: States, state: string): States {
  let all: string[];
  if (typeof states === 'string') all = [states, state];
  else {
    all = states;
    all.push(state);
  }
  if (all.length > MAX_STATES) all.splice(MAX_STATES - 1, all.length - MAX_STATES);
  return all;
}

function statesText(states: States): string {
  return typeof states === 'string' ? states : states.join(' ');
}

interface Traffic {
  rx: number;
  tx: number;
}

function listenerSubject(row: RecordedRow): string {
  const proto = row.family === 'inet6' ? `${row.proto}6` : row.proto;
  const local = row.localAddress.includes(':') ? `[${row.localAddress}]` : row.localAddress;
  return `${proto} ${local}:${row.localPort} ${row.processes[0]?.name ?? '(unknown process)'}`;
}

/** Whether the record knows a subject: its first sighting, or marked known (listeners: marked known only). */
const KNOWN_SQL: Record<AlertKind, string> = {
  listener: "SELECT 1 AS k FROM known WHERE kind = 'listener' AND subject = ?",
  process:
    "SELECT 1 AS k FROM processes WHERE name = ? UNION ALL SELECT 1 FROM known WHERE kind = 'process' AND subject = ? LIMIT 1",
  network:
    "SELECT 1 AS k FROM reached WHERE subject = ? UNION ALL SELECT 1 FROM known WHERE kind = 'network' AND subject = ? LIMIT 1",
};

/** Subjects alerted once per run remembered at most (then forgotten all at once). */
const MAX_ALERTED_ONCE = 10_000;

/** Who a process is beyond its name: the user it runs as and its executable, each null where not known. */
interface Program {
  user: string | null;
  exe: string | null;
}

/** A row's owner as a Program (its first process's user, else the socket's). */
function programOf(row: RecordedRow): Program {
  const p = row.processes[0];
  return { user: p?.user ?? row.user ?? null, exe: p?.exe ?? null };
}

/** The key of a TCP port this machine listens on: a connection on such a port came in (its peer connected). */
function listenKey(row: RecordedRow): string | null {
  return row.proto === 'tcp' ? String(row.localPort) : null;
}

function isListener(row: RecordedRow): boolean {
  if (row.proto === 'tcp') return row.state === 'LISTEN';
  if (row.proto === 'unix') return row.state === 'LISTENING';
  return row.state === 'UNCONN' && row.remotePort === 0;
}

/** Whether a socket uses the network (shared/record.ts usesNetwork: it listens beyond loopback, or reaches another
 *  machine). */
function networkUse(row: RecordedRow, listener = isListener(row)): boolean {
  return usesNetwork(row.proto, listener, row.localAddress, row.remoteAddress);
}

/** A connection to another machine: what "new country or network" is about. */
function reachesOut(row: RecordedRow): boolean {
  return !isListener(row) && networkUse(row, false);
}

/** States of a closing TCP socket that the kernel may keep after its process closed it or ended. */
const CLOSING: ReadonlySet<string> = new Set(['FIN_WAIT1', 'FIN_WAIT2', 'TIME_WAIT', 'CLOSING', 'LAST_ACK', 'CLOSE']);

/** A closing socket that no process owns (not one whose owner this user cannot see: that is 'denied'). */
function isLeftBehind(row: RecordedRow): boolean {
  return row.processes.length === 0 && row.ownerStatus === 'none' && CLOSING.has(row.state);
}

/** A row's owners after its first, as its `others` column keeps them (database.ts): [pid, name] pairs, at most
 *  MAX_RECORDED_OTHERS; null for one owner or none. */
export function othersJson(processes: readonly ProcessInfo[]): string | null {
  if (processes.length < 2) return null;
  return JSON.stringify(processes.slice(1, 1 + MAX_RECORDED_OTHERS).map((p) => [p.pid, p.name]));
}

/** `processes` with `first` ahead of them (once): a row's owners when the ones beside its recorded owner change. */
function withFirst(first: ProcessInfo, processes: readonly ProcessInfo[]): ProcessInfo[] {
  return [first, ...processes.filter((p) => p.pid !== first.pid)];
}

/** Whether two owner lists name the same pids in the same order. */
function samePids(a: readonly ProcessInfo[], b: readonly ProcessInfo[]): boolean {
  return a.length === b.length && a.every((p, i) => p.pid === b[i]!.pid);
}

/** Byte totals, once the collector reports them (the traffic collector adds these fields). */
function bytesOf(row: object, field: 'bytesSent' | 'bytesReceived'): number | null | undefined {
  if (!(field in row)) return undefined;
  const value = (row as Record<string, unknown>)[field];
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

const minuteOf = (at: number) => at - (at % MINUTE_MS);

/**
 * What tells a socket open as one recording ended from a new one as the next began: its endpoints (or path), whether
 * it listens, and its owner's pid and name (a process restarted has another pid, and its sockets are new). A socket
 * with no owner known (none, or one this user may not see) has its endpoints alone: the same listener, or the same
 * connection (two cannot share their four endpoints while open), open before and after, is the one socket for all
 * NetLens can tell (recorded afresh, it was a second row, "new" since the restart, of a listener open all along);
 * where endpoints name no one socket (an unnamed unix socket, a raw one, port 0) it is recorded afresh.
 */
function continuationKey(
  endpoints: unknown[],
  listener: unknown,
  pid: unknown,
  name: unknown,
  path: unknown,
  inode: unknown,
): string | null {
  if (pid !== null && (typeof pid !== 'number' || !Number.isInteger(pid))) return null;
  // An unnamed unix socket and a raw one are told apart by their inode alone: a process's many share all else (its
  // two socketpair ends, say), and one of them would continue another's row, the other a row of its own first seen
  // before the pause, beside the old one (a new user's review of 12-06). A row recorded without one (schema 2) is
  // continued by its owner where it is its owner's only such socket.
  const [proto, , , localPort] = endpoints;
  const byInode = proto === 'unix' ? !path : proto === 'raw';
  const knownInode = typeof inode === 'number' && Number.isInteger(inode) && inode > 0 ? inode : null;
  // With no owner, only what its endpoints name alone: nor a port 0.
  if (pid === null && ((byInode && knownInode === null) || (!byInode && localPort === 0))) return null;
  return JSON.stringify([...endpoints, listener, pid, name, path ?? null, byInode ? knownInode : null]);
}

/** Over the size cap: the oldest first sightings of each kind go, a batch at a time (found by first_seen's index). */
export const PRUNE_FIRST_SIGHTINGS: readonly string[] = [
  `DELETE FROM remotes WHERE address IN (SELECT address FROM remotes ORDER BY first_seen LIMIT ${PRUNE_BATCH})`,
  `DELETE FROM reached WHERE subject IN (SELECT subject FROM reached ORDER BY first_seen LIMIT ${PRUNE_BATCH})`,
  `DELETE FROM processes WHERE name IN (SELECT name FROM processes ORDER BY first_seen LIMIT ${PRUNE_BATCH})`,
];

/** This thread named among the users of `file` by a placeholder holding nothing (a turn counts only with its
 *  entry), or null when it cannot be named (the open then says why). */
function namePlaceholder(file: string): LockUser | null {
  const user: LockUser = { inTransaction: false };
  if (nameUser(file, user) === null) return user;
  unnameUser(file, user);
  return null;
}

export class Recorder {
  private config: RecordingConfig;
  private db: RecordDatabase | null = null;
  private session = 0;
  private state: RecordingState = 'off';
  private message: string | null = null;
  /** The connections open (and those closed, until the flush that writes their close), by slot. */
  private readonly open = new OpenConnections();
  /** Open TCP listeners per port (v4 and v6, or several addresses, may share one; a v6 socket may take v4 peers): what makes a
   *  connection inbound in the alerts' words. */
  private readonly listening = new Map<string, number>();
  /** Subjects alerted once while NetLens runs: ephemeral-port listeners, a process name's other programs (bounded: a
   *  flood of process names starts it over). */
  private readonly alertedOnce = new Set<string>();
  /** The Program each process name was first seen as (recordedProgram), as far as asked (bounded). */
  private readonly programs = new Map<string, Program>();
  private programLookup: Statement | null = null;
  /** The slots (in `open`) of connections to write at the next flush. */
  private readonly dirty = new Set<number>();
  /** Each interface's counters at the last read: of the interfaces that read had (containers come and go, each
   *  with a veth of a name of its own). */
  private ifaceLast = new Map<string, { rx: number; tx: number }>();
  /** `${minute}\n${name}` -> bytes not yet written. */
  private readonly ifaceMinutes = new Map<string, Traffic>();
  private readonly processMinutes = new Map<string, Traffic>();
  private flushTimer: ReturnType<typeof setTimeout> | null = null;
  /** The turn of a flush that waits for the lock (lock.ts Turn), and its tries so far. */
  private flushTurn: Turn | null = null;
  private busyFlushes = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  /** A resume's start put off (RESUMES_AT_ONCE), and when the last ones started (real clock). */
  private resumeTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly resumedAt: number[] = [];
  /** Opens in a row that met another process's lock (start): retried soon, and quietly, up to BUSY_OPENS. */
  private busyOpens = 0;
  /** While opens wait their turn (lock.ts Turn): this thread named among the record's users by a placeholder, as
   *  an open that met the lock closed its connection and its entry with it (a turn counts only with its entry). */
  private opening: { file: string; user: LockUser; turn: Turn } | null = null;
  /** The same for the reader's open (readable): a request retrying it (whenFree) queues by this thread's entry. */
  private readerNamed: { file: string; user: LockUser } | null = null;
  /** This recorder wrote `<file>.pid` before (a retry's claim finds its own pid there, not a dead worker's). */
  private claimed = false;
  /** The previous recorder of the file ended uncleanly: the next open that succeeds checks the whole file. */
  private checkDue = false;
  /** A pause was announced (record-paused): its end is announced too (record-resumed). */
  private pauseAnnounced = false;
  /** The monitor is paused (hold): no recording starts until it resumes. */
  private held = false;
  /** The hold ended a recording cleanly (everything written): a close then releases the file as at a quit. */
  private heldClean = false;
  private lastPrune = 0;
  private lastCheckpoint = 0;
  /** Statements prepared once per open database (preparing costs as much as running them). */
  private statements: Record<
    'insert' | 'update' | 'checkpoint' | 'process' | 'remote' | 'reached',
    ReturnType<RecordDatabase['prepare']>
  > | null = null;
  /** Process names, remote addresses and places reached (networkNews subjects) already in the record's
   *  first-sighting tables. */
  private sightings: { process: Set<string>; remote: Set<string>; reached: Set<string> } | null = null;
  private pruning = false;
  private sizeBytes = 0;
  private oldest: number | null = null;
  private readonly now: () => number;
  private readonly log: (line: string) => void;
  /** What alerts compare with: processes and networks in the record or marked known, listeners marked known.
   *  A bounded cache in front of those tables (isKnown asks them on a miss): emptied past the bound once a flush
   *  has written every first sighting it holds. Null while no alert kind is on. */
  private knownSets: Record<AlertKind, Set<string>> | null = null;
  private knownLookups: Partial<Record<AlertKind, Statement>> = {};
  /** While a read is observed (lookingUp): 'idle' until a lookup needs the record, then 'open' if it began the
   *  read transaction that the end of the read commits. Null outside. */
  private lookupTransaction: 'idle' | 'open' | null = null;
  /** Alerts found in the read being observed, recorded and sent out together at its end (writeAlerts). */
  private readonly newAlerts: Alert[] = [];
  /** The first diff after starting is the connections open at that moment: a baseline, not news. */
  private baseline = true;
  /** When the baseline was read, until a flush writes it as its session's start (sessions.started): the record of
   *  a recording begins when it knew what was open, so that what was open then is not news (queries.ts gapAt). */
  private baselineAt: number | null = null;
  /** The rows the previous recording of the record left open (its last session's, since this boot), by what the
   *  socket is (continuationKey): a socket of the baseline that is one of them continues its row (see start). Null
   *  once the baseline is written. */
  private continuing: Map<string, { id: number; states: string; firstSeen: number }> | null = null;
  /** The baseline's slots not written yet, which may continue a row of `continuing`. */
  private readonly mayContinue = new Set<number>();
  /** A database opened for reading while recording is off or paused (the History view still reads). */
  private reader: RecordDatabase | null = null;
  /** The record's real path (database.ts recordPath) as last opened: its lock, `.pid` and journal are beside it. */
  private file: string;
  /** How many rows `known` holds in a database (the recording one or the reader): see markKnown. */
  private knownRows: { db: RecordDatabase; count: number } | null = null;
  /** Flushes done and the time they took (the benchmark reads these). */
  readonly stats = { flushes: 0, flushMs: 0, rowsWritten: 0, pruned: 0 };

  constructor(private readonly options: RecorderOptions) {
    this.config = options.config ?? DEFAULT_RECORDING;
    this.file = options.file;
    this.now = options.now ?? Date.now;
    this.log = options.log ?? ((line) => console.warn(line));
    if (this.config.enabled) this.start(false);
  }

  /** The file whose lock a record request waits on (requests.ts): the record's real path, as the next open
   *  resolves it (the configured name when it cannot be resolved: the open then fails and says why). */
  lockFile(): string {
    try {
      return recordPath(this.options.file, true);
    } catch {
      return this.options.file;
    }
  }

  /** Whether the monitor should keep connections polled for the recorder. */
  get wantsConnections(): boolean {
    return this.state === 'recording';
  }

  status(): RecordingStatus {
    return {
      state: this.state,
      config: { ...this.config },
      file: this.options.file,
      message: this.message,
      sizeBytes: this.sizeBytes,
      oldest: this.oldest,
    };
  }

  /** How many remote addresses it remembers as already recorded (bounded: MAX_REMEMBERED_REMOTES). */
  get rememberedRemotes(): number {
    return this.sightings?.remote.size ?? 0;
  }

  /** How many interfaces' counters it keeps (those of the last read). */
  get rememberedInterfaces(): number {
    return this.ifaceLast.size;
  }

  /** How many process names it remembers as already recorded (bounded the same way). */
  get rememberedProcesses(): number {
    return this.sightings?.process.size ?? 0;
  }

  /** How many places reached (alert subjects) it remembers as already recorded (bounded the same way). */
  get rememberedPlaces(): number {
    return this.sightings?.reached.size ?? 0;
  }

  /** The open database, for queries (null while off or paused). */
  get database(): RecordDatabase | null {
    return this.db;
  }

  configure(config: RecordingConfig): void {
    const was = this.config;
    this.config = { ...config, alerts: { ...config.alerts } };
    if (!Object.values(config.alerts).some(Boolean)) this.knownSets = null;
    else if (this.db && !this.knownSets) this.loadKnown();
    if (config.enabled && !was.enabled) {
      if (this.held) this.setState('paused', HELD_REASON);
      else this.start(true);
    } else if (!config.enabled && was.enabled) {
      const recording = this.state === 'recording';
      this.stop();
      // Turned off: the file is no longer this recorder's (another NetLens may record to it), as at close. Not
      // after a pause (a failed write: the next recorder checks the whole file).
      if (recording) releaseWriter(this.file);
      this.setState('off', null);
    } else {
      // New retention or cap: prune at the next flush.
      this.lastPrune = 0;
      this.options.changed?.();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Observing (called by the monitor on each publish: cheap, no I/O)

  connections(diff: Diff<Connection>, get: (id: string) => Connection | undefined): void {
    if (this.state !== 'recording') return;
    // After the baseline, a row is new since the last read, and so are the bytes it has moved. A row added
    // already closed is a socket born and gone between two reads (a destroy event gave its final totals).
    const fresh = !this.baseline;
    if (!fresh) {
      // The baseline's moment: the read's (its rows first seen by then), as this clock has it.
      let at = Math.max(this.baselineAt ?? 0, this.now());
      for (const row of diff.added) if (typeof row.firstSeen === 'number' && row.firstSeen > at) at = row.firstSeen;
      this.baselineAt = at;
    }
    this.lookingUp(() => {
      // Listeners first: a connection accepted in the same read is then known to have come in.
      for (const pass of [true, false])
        for (const row of diff.added)
          if (isListener(row) === pass && (row.closedAt == null || (fresh && this.open.slotOf(row.id) < 0)))
            this.opened(row, fresh);
      for (const patch of diff.changed) this.patched(patch, get);
    });
    this.baseline = false;
    this.writeAlerts();
    // diff.removed: rows whose linger ended; their close was recorded when closedAt was set.
    this.schedule();
  }

  interfaces(rows: readonly NetInterface[], at: number): void {
    if (this.state !== 'recording') return;
    const minute = minuteOf(at);
    const previous = this.ifaceLast;
    this.ifaceLast = new Map();
    for (const row of rows) {
      const now = { rx: row.counters.rxBytes, tx: row.counters.txBytes };
      const last = previous.get(row.id);
      this.ifaceLast.set(row.id, now);
      if (!last) continue;
      // A counter reset (driver reload, 32-bit wrap) adds nothing rather than a bogus spike.
      this.addTraffic(this.ifaceMinutes, minute, row.id, Math.max(0, now.rx - last.rx), Math.max(0, now.tx - last.tx));
    }
    this.schedule();
  }

  /** A connection seen for the first time; `fresh`: since the last read (not open when recording began), so
   *  its bytes so far count in its process's minute. */
  private opened(row: Connection, fresh: boolean): void {
    const previous = this.open.slotOf(row.id);
    if (previous >= 0 && this.open.closedAt(previous) === null) return;
    const closedAt = row.closedAt ?? null;
    const bytesSent = bytesOf(row, 'bytesSent') ?? null;
    const bytesReceived = bytesOf(row, 'bytesReceived') ?? null;
    const process = row.processes[0]?.name;
    if (fresh && process !== undefined)
      this.addTraffic(this.processMinutes, minuteOf(this.now()), process, bytesReceived ?? 0, bytesSent ?? 0);
    // A connection that closed and reopened before the flush: the closed one is still written (its slot is in
    // `dirty`), the new one gets a slot and a row of its own.
    const slot = this.open.add(row, closedAt, bytesSent, bytesReceived);
    this.dirty.add(slot);
    if (!fresh && this.continuing !== null) this.mayContinue.add(slot);
    if (closedAt === null) this.countListener(row, 1);
    if (this.knownSets) this.checkAlerts(row);
  }

  // ---------------------------------------------------------------------------------------------
  // Alerts

  private loadKnown(): void {
    const sets: Record<AlertKind, Set<string>> = { listener: new Set(), process: new Set(), network: new Set() };
    // What was seen but not written yet (what was written, the tables answer: isKnown).
    for (const slot of this.dirty) {
      const e = this.open.row(slot);
      if (e.processes[0] && networkUse(e)) sets.process.add(e.processes[0].name);
      for (const n of this.reachedBy(e)) sets.network.add(n.subject);
    }
    this.knownSets = sets;
  }

  /** Whether a subject is old news: in the cache, else in the record (a first sighting, or marked known). */
  private isKnown(kind: AlertKind, subject: string): boolean {
    const sets = this.knownSets!;
    if (sets[kind].has(subject)) return true;
    // Another process holding the record's lock for a moment: rather an alert that may repeat one than none.
    const found =
      (this.lookUp(
        (db) => (this.knownLookups[kind] ??= db.prepare(KNOWN_SQL[kind])),
        kind === 'listener' ? [subject] : [subject, subject],
      )?.length ?? 0) > 0;
    if (found) sets[kind].add(subject);
    return found;
  }

  /** The rows of an alert's lookup in the record, or null when there is none open or it cannot be read now (another
   *  process holds its lock for a moment). One read transaction for the whole read observed, begun by its first
   *  lookup (none when the caches answer everything): the lock is taken once, not once per lookup (an alert storm
   *  asks thousands in one read). The statement is prepared once per database; all(), not get(): a statement left
   *  on its row would keep the record locked for every other process. */
  private lookUp(statement: (db: RecordDatabase) => Statement, params: unknown[]): unknown[] | null {
    const db = this.db;
    if (!db) return null;
    try {
      if (this.lookupTransaction === 'idle' && !db.inTransaction) {
        db.exec('BEGIN');
        this.lookupTransaction = 'open';
      }
      return statement(db).all(params as never) as unknown[];
    } catch {
      return null;
    }
  }

  /** Runs `observe` with the lookups of alerts (isKnown) in one read transaction, begun by the first of them. */
  private lookingUp(observe: () => void): void {
    const outer = this.lookupTransaction;
    this.lookupTransaction ??= 'idle';
    try {
      observe();
    } finally {
      if (outer === null) {
        const began = this.lookupTransaction === 'open';
        this.lookupTransaction = null;
        const db = this.db;
        try {
          if (began && db?.inTransaction) db.exec('COMMIT');
        } catch {
          // Ending a read transaction cannot lose anything; none may stay open for the next write to meet.
          try {
            if (db?.inTransaction) db.exec('ROLLBACK');
          } catch {
            // The flush then meets the failure and handles it.
          }
        }
      }
    }
  }

  /**
   * A process name seen before, used now by another user or executable than the one it was first seen with (both
   * known, either different): news of its own (subject `name · user · exe`, which Mark as known matches), once. A
   * process may name itself anything, so a name alone would let any program use the network as one seen before,
   * unannounced. Null when nothing differs, or either side is not known.
   */
  private otherProgram(name: string, row: RecordedRow): { subject: string; text: string } | null {
    const now = programOf(row);
    let was = this.programs.get(name);
    if (was === undefined) {
      was = this.recordedProgram(name) ?? now;
      if (this.programs.size >= MAX_ALERTED_ONCE) this.programs.clear();
      this.programs.set(name, was);
    }
    const differs = (a: string | null, b: string | null) => a !== null && b !== null && a !== b;
    if (!differs(was.user, now.user) && !differs(was.exe, now.exe)) return null;
    const subject = `${name} · ${now.user ?? '?'} · ${now.exe ?? '?'}`;
    if (this.alertedOnce.has(subject) || this.isKnown('process', subject)) return null;
    if (this.alertedOnce.size >= MAX_ALERTED_ONCE) this.alertedOnce.clear();
    this.alertedOnce.add(subject);
    const as = (p: Program) => `user ${p.user ?? 'unknown'}, ${p.exe ?? 'executable unknown'}`;
    return {
      subject,
      text: `${name} is using the network as ${as(now)}; it was first seen as ${as(was)}`,
    };
  }

  /** The user and executable the record keeps for a process name, or null (none kept, or not readable now). */
  private recordedProgram(name: string): Program | null {
    // Not readable now: this sighting is compared with the next.
    const rows = this.lookUp(
      (db) => (this.programLookup ??= db.prepare('SELECT user, exe FROM processes WHERE name = ?')),
      [name],
    );
    const row = rows?.[0] as { user: unknown; exe: unknown } | undefined;
    if (row === undefined) return null;
    const text = (v: unknown) => (typeof v === 'string' ? v : null);
    return { user: text(row.user), exe: text(row.exe) };
  }

  /** Empties the caches of known subjects past the bound, after a flush wrote every first sighting they hold. */
  private trimKnown(): void {
    const max = this.options.maxRememberedRemotes ?? MAX_REMEMBERED_REMOTES;
    for (const set of Object.values(this.knownSets ?? {})) if (set.size > max) set.clear();
  }

  /** How many known subjects the alerts hold in memory (bounded: see knownSets). */
  get rememberedKnown(): number {
    return Object.values(this.knownSets ?? {}).reduce((n, set) => n + set.size, 0);
  }

  /** The places a connection reaches, as alert subjects (none for listeners, loopback and unix sockets, nor for
   *  the tail the kernel keeps of a closed connection: a TIME_WAIT or orphaned FIN_WAIT socket is a row of its own
   *  that no process owns, and would be "(unknown process)" news about every place a process just left). */
  private reachedBy(row: RecordedRow): NetworkNews[] {
    if (!reachesOut(row) || isLeftBehind(row)) return [];
    const place = this.options.placeOf?.(row.remoteAddress) ?? null;
    const key = listenKey(row);
    const inbound = key !== null && this.listening.has(key);
    return networkNews(row.processes[0]?.name ?? null, row.remoteAddress, place, inbound);
  }

  private checkAlerts(row: RecordedRow): void {
    const sets = this.knownSets!;
    const process = row.processes[0]?.name ?? null;
    const news: [AlertKind, string, string][] = [];
    if (isListener(row) && networkUse(row, true)) {
      const ephemeral = this.ephemeralSubject(row);
      if (ephemeral !== null) {
        // A UDP client's sockets (dgram, WebRTC) get a random port each: one alert per process, and one Mark
        // as known covers them all.
        if (!this.alertedOnce.has(ephemeral) && !this.isKnown('listener', ephemeral)) {
          if (this.alertedOnce.size >= MAX_ALERTED_ONCE) this.alertedOnce.clear();
          this.alertedOnce.add(ephemeral);
          news.push([
            'listener',
            ephemeral,
            `New listener reachable beyond this machine: ${ephemeral} (first ${listenerSubject(row)}; one alert for all of them, as their ports change)`,
          ]);
        }
      } else {
        const subject = listenerSubject(row);
        // Each appearance of a listener not marked known is news (a service that comes back is worth a look).
        if (!this.isKnown('listener', subject))
          news.push(['listener', subject, `New listener reachable beyond this machine: ${subject}`]);
      }
    }
    if (process !== null && networkUse(row)) {
      if (!this.isKnown('process', process)) {
        sets.process.add(process);
        this.programs.set(process, programOf(row));
        news.push(['process', process, `${process} is using the network for the first time`]);
      } else {
        const other = this.otherProgram(process, row);
        if (other !== null) news.push(['process', other.subject, other.text]);
      }
    }
    for (const { subject, text } of this.reachedBy(row)) {
      if (this.isKnown('network', subject)) continue;
      sets.network.add(subject);
      news.push(['network', subject, text]);
    }
    if (this.baseline || !this.db) return;
    for (const [kind, subject, raw] of news) {
      if (!this.config.alerts[kind]) continue;
      // Process names are anybody's choice: a bidi override or a newline must not reword a notification. The
      // subject stays as it is (it is what "Mark as known" matches).
      this.newAlerts.push({ id: 0, at: this.now(), kind, subject, text: inertText(raw), known: false });
    }
  }

  /** Records the alerts of one read in one transaction (one sync, not one per alert: a scan reaching 5,000 new
   *  /24s in one read held the tick 21 s that way), then sends them out. */
  private writeAlerts(): void {
    const alerts = this.newAlerts.splice(0);
    const db = this.db;
    if (alerts.length === 0 || !db) return;
    let insert: Statement | null = null;
    try {
      insert = db.prepare('INSERT INTO alerts (at, kind, subject, text) VALUES (?, ?, ?, ?)');
      db.exec('BEGIN IMMEDIATE');
      for (const a of alerts) a.id = Number(insert.run([a.at, a.kind, a.subject, a.text]).lastInsertRowid);
      db.exec('COMMIT');
    } catch (err) {
      // Busy (a reader) or a write error: the next flush meets it too and handles it; the alerts still go out.
      try {
        if (db.inTransaction) db.exec('ROLLBACK');
      } catch {
        // The flush deals with a connection that cannot roll back.
      }
      for (const a of alerts) a.id = 0;
      this.log(`recorder: recording ${alerts.length} alert(s) failed: ${errorText(err)}`);
    } finally {
      insert?.finalize();
    }
    for (const a of alerts) this.options.alert?.(a);
  }

  /** Accepts something as known: no more alerts for it. The oldest marks past MAX_KNOWN are forgotten. */
  markKnown(kind: AlertKind, subject: string): void {
    const db = this.readable();
    if (!db) throw new Error('the record is not available');
    const count = this.knownCount(db);
    db.exec('BEGIN IMMEDIATE');
    try {
      const had = db.get('SELECT 1 AS k FROM known WHERE kind = ? AND subject = ?', [kind, subject]) !== null;
      db.run('INSERT OR REPLACE INTO known (kind, subject, at) VALUES (?, ?, ?)', [kind, subject, this.now()]);
      this.knownRows = { db, count: had ? count : count + 1 };
      this.forgetOldestKnown(db, Infinity);
      db.exec('COMMIT');
    } catch (err) {
      if (db.inTransaction) db.exec('ROLLBACK');
      this.knownRows = null;
      throw err;
    }
    this.knownSets?.[kind].add(subject);
  }

  /** How many subjects are marked known in `db` (counted once per database, then kept). */
  private knownCount(db: RecordDatabase): number {
    if (this.knownRows?.db !== db)
      this.knownRows = { db, count: Number((db.get('SELECT count(*) AS n FROM known') as { n: number }).n) };
    return this.knownRows.count;
  }

  /** Deletes the oldest marks past the bound (at most `batch` of them), by the index on their time. */
  private forgetOldestKnown(db: RecordDatabase, batch: number): number {
    const over = this.knownCount(db) - (this.options.maxKnown ?? MAX_KNOWN);
    if (over <= 0) return 0;
    const n = Math.min(over, batch);
    const deleted = db.run(
      'DELETE FROM known WHERE (kind, subject) IN (SELECT kind, subject FROM known ORDER BY at LIMIT ?)',
      [n],
    ).changes;
    this.knownRows = { db, count: this.knownCount(db) - deleted };
    // The alerts' cache may hold the subjects forgotten: it is asked afresh.
    if (deleted > 0) for (const set of Object.values(this.knownSets ?? {})) set.clear();
    return deleted;
  }

  alerts(limit: number): Alert[] {
    const db = this.readable();
    if (!db) return [];
    const rows = db.all(
      `SELECT a.id, a.at, a.kind, a.subject, a.text, EXISTS (SELECT 1 FROM known k WHERE k.kind = a.kind AND k.subject = a.subject) AS known
         FROM alerts a ORDER BY a.id DESC LIMIT ?`,
      [limit],
    ) as { id: number; at: number; kind: AlertKind; subject: string; text: string; known: number }[];
    return rows.map((r) => ({
      id: Number(r.id),
      at: Number(r.at),
      kind: r.kind,
      subject: r.subject,
      text: r.text,
      known: Number(r.known) === 1,
    }));
  }

  /** The database for queries: the recording one, or (off or paused) the file opened for reading. Throws a busy
   *  error when that open met another process's lock (the request retries: requests.ts). */
  /** The session of the recording running now (the rows it left open are open now), or null while none runs. */
  runningSession(): number | null {
    return this.db !== null && this.state === 'recording' && this.session > 0 ? this.session : null;
  }

  readable(): RecordDatabase | null {
    if (this.db) return this.db;
    if (this.reader) return this.reader;
    if (!existsSync(this.options.file)) return null;
    try {
      this.file = recordPath(this.options.file, false);
      this.nameReader(this.file);
      // Never sleeping on another process's lock (this is the monitor's thread): the request retries (whenFree). A
      // journal a killed writer left is played back by this open, or (not sound) moved aside: said, and the record
      // checked whole as recording next starts (a check here would stall every tab's live view for seconds).
      this.reader = openRecord(this.file, {
        create: false,
        wait: false,
        journal: (journal) => {
          if (journal.kind === 'refused') this.checkDue = true;
          this.journalSaid(
            journal,
            'The History tab reads the record as that write left it (part of it may be there); NetLens checks the record whole as recording next starts.',
          );
        },
      }).db;
      this.unnameReader();
    } catch (err) {
      if (failureKind(err) === 'busy') throw err;
      // (A file that was no record: the folder of users too, if this thread made it.)
      this.unnameReader(err instanceof NotARecordError);
      this.log(`recorder: cannot read ${this.options.file}: ${errorText(err)}`);
      // A file that is no record of this NetLens's (another schema, a table or column missing): the History tab
      // says why (the request fails with it), not a blank answer.
      if (err instanceof NotARecordError) throw err;
      return null;
    }
    return this.reader;
  }

  private patched(patch: RowPatch<Connection>, get: (id: string) => Connection | undefined): void {
    const entry = this.open.slotOf(patch.id);
    const closed = entry >= 0 && this.open.closedAt(entry) !== null;
    if (closed && patch.closedAt === undefined) {
      // A closed connection not written yet: these are its final totals, from its destroy event, which comes
      // in a patch of its own after the close (in the same read, or the next). They are written with the close.
      if (this.bytesChanged(entry, patch)) this.dirty.add(entry);
      return;
    }
    if (patch.closedAt === null || entry < 0 || closed) {
      // Reopened after closing (a fresh firstSeen), or never seen open: record it as new.
      const row = get(patch.id);
      if (row && row.closedAt == null) this.opened(row, true);
      return;
    }
    // Bytes first: a closing patch may carry the final totals (a destroy event's).
    let pending = this.bytesChanged(entry, patch);
    if (typeof patch.closedAt === 'number') {
      this.open.setClosedAt(entry, patch.closedAt);
      this.dirty.add(entry);
      this.countListener(this.open.row(entry), -1);
      return;
    }
    let touched = false;
    const states = this.open.states(entry);
    if (patch.state !== undefined && patch.state !== lastState(states)) {
      this.open.setStates(entry, withState(states, patch.state));
      pending = true;
    }
    if (patch.processes !== undefined && patch.processes.length === 0 && this.open.processes(entry).length > 0) {
      // Its process let go of it (closed it, or ended) and the kernel keeps its tail (FIN_WAIT, TIME_WAIT): one row
      // in the table still (keys.ts keyedByEndpoints), but the process's use of it ends here, so that History says
      // when the process stopped using the network. The ownerless tail, if it changes later, is a row of its own.
      const row = get(patch.id);
      if (row && isLeftBehind(row)) {
        this.open.setClosedAt(entry, this.now());
        this.dirty.add(entry);
        this.countListener(this.open.row(entry), -1);
        return;
      }
    }
    if (patch.processes !== undefined && patch.processes.length > 0) {
      const had = this.open.processes(entry);
      if (had.length === 0) {
        this.open.setOwner(entry, patch.processes, patch.user ?? this.open.user(entry));
        touched = true;
      } else {
        // Owners that came or went beside the one recorded (a server's workers, a child that inherited it): the
        // row keeps its owner and writes the others with its next checkpoint or its close.
        const others = withFirst(had[0]!, patch.processes);
        if (!samePids(others, had)) {
          this.open.setOwner(entry, others, this.open.user(entry));
          pending = true;
        }
      }
    }
    // An owner found late is written with the next batch; states and totals wait for the close or a
    // checkpoint (at 1% churn they are half the writes, and what matters most of them is the last).
    if (pending) this.open.setPending(entry, true);
    if (touched) this.dirty.add(entry);
  }

  /** New byte totals in a patch: what they add goes to the process's minute. */
  private bytesChanged(entry: number, patch: RowPatch<Connection>): boolean {
    const sent = bytesOf(patch, 'bytesSent');
    const received = bytesOf(patch, 'bytesReceived');
    if (sent === undefined && received === undefined) return false;
    const process = this.open.processes(entry)[0]?.name ?? null;
    const sentBefore = this.open.bytesSent(entry);
    const receivedBefore = this.open.bytesReceived(entry);
    const dtx = sent != null && sentBefore != null ? Math.max(0, sent - sentBefore) : 0;
    const drx = received != null && receivedBefore != null ? Math.max(0, received - receivedBefore) : 0;
    if (process !== null) this.addTraffic(this.processMinutes, minuteOf(this.now()), process, drx, dtx);
    this.open.setBytes(entry, sent, received);
    return true;
  }

  private addTraffic(into: Map<string, Traffic>, minute: number, name: string, rx: number, tx: number): void {
    if (rx === 0 && tx === 0) return;
    const key = `${minute}\n${name}`;
    const t = into.get(key);
    if (t) {
      t.rx += rx;
      t.tx += tx;
    } else into.set(key, { rx, tx });
  }

  // ---------------------------------------------------------------------------------------------
  // Writing

  private schedule(): void {
    if (this.flushTimer !== null || this.state !== 'recording') return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = null;
      this.flush();
    }, this.options.flushMs ?? FLUSH_MS);
  }

  /** Since when the record holds what it holds: its first recording's start (queries.ts's RecordGap says "the record
   *  begins at" the same), not the first sighting of a connection open then, which the live table may have made long
   *  before recording began (the History tab said "since 11:05:39" beside "The record begins at 11:13:25": a new
   *  user's review of 12-07). */
  private readOldest(db: RecordDatabase): void {
    this.oldest = recordBegins(db)?.begins ?? null;
  }

  /** Writes everything observed since the last flush in one transaction, then one pruning batch if due. `last`:
   *  the recorder closes (nothing is observed after): in no turn, and a lock met is waited for a moment. */
  flush(last = false): void {
    const db = this.db;
    if (!db || this.state !== 'recording') return;
    const started = performance.now();
    const at = this.now();
    let written = 0;
    if (at - this.lastCheckpoint >= CHECKPOINT_MS) {
      this.lastCheckpoint = at;
      this.open.forEachSlot((slot) => {
        if (this.open.pending(slot)) this.dirty.add(slot);
      });
    }
    const turn = (this.flushTurn ??= new Turn(this.file));
    // Others waiting for the lock since before: after them (what was observed stays, and goes at the retry).
    if (!last && turn.ahead()) {
      this.flushWaits();
      return;
    }
    const write = (): number => {
      db.exec('BEGIN IMMEDIATE');
      const rows =
        this.writeConnections(db, at) +
        this.writeTraffic(db, 'iface_minutes', this.ifaceMinutes) +
        this.writeTraffic(db, 'process_minutes', this.processMinutes);
      db.run('UPDATE sessions SET alive = ? WHERE id = ?', [at, this.session]);
      // The baseline written: its moment is the recording's start (a clock behind the monitor's: its end too).
      if (this.baselineAt !== null)
        db.run('UPDATE sessions SET started = max(started, ?1), alive = max(alive, ?1) WHERE id = ?2', [
          this.baselineAt,
          this.session,
        ]);
      db.exec('COMMIT');
      return rows;
    };
    try {
      try {
        written = write();
      } catch (err) {
        if (failureKind(err) !== 'busy') throw err;
        turn.met();
        if (!last) throw err;
        // Closing (its ticks stopped: a sleep holds nothing up), within the host's bound on a worker's close: in
        // its turn, the others let it write, rather than the batch lost.
        written = busy(this.file, write, turn, CLOSE_WAIT_MS);
      }
    } catch (err) {
      this.writeFailed(err);
      return;
    }
    this.endFlushTurn();
    // A recording's start written (its baseline's moment): where the record begins may have moved.
    if (this.baselineAt !== null) this.readOldest(db);
    this.baselineAt = null;
    // A closed connection written is let go (its id, unless it reopened meanwhile under a slot of its own).
    for (const slot of this.dirty) if (this.open.closedAt(slot) !== null) this.open.release(slot);
    this.dirty.clear();
    this.ifaceMinutes.clear();
    this.processMinutes.clear();
    this.trimKnown();
    this.stats.flushes++;
    this.stats.rowsWritten += written;
    if (this.pruning || at - this.lastPrune >= PRUNE_EVERY_MS) this.pruneBatch(db, at);
    this.stats.flushMs += performance.now() - started;
  }

  private writeConnections(db: RecordDatabase, at: number): number {
    if (this.dirty.size === 0) return 0;
    const statements = (this.statements ??= {
      // A name first seen before the record kept who ran it (schema 4): its next sighting says.
      process: db.prepare(`INSERT INTO processes (name, first_seen, user, exe) VALUES (?, ?, ?, ?) ON CONFLICT (name)
        DO UPDATE SET user = excluded.user, exe = excluded.exe WHERE user IS NULL AND exe IS NULL`),
      remote: db.prepare('INSERT OR IGNORE INTO remotes (address, first_seen, process) VALUES (?, ?, ?)'),
      reached: db.prepare('INSERT OR IGNORE INTO reached (subject, first_seen) VALUES (?, ?)'),
      insert: db.prepare(`INSERT INTO conns (session, proto, family, local_addr, local_port, remote_addr, remote_port,
        states, listener, pid, process, user, exe, others, path, first_seen, closed_at, bytes_sent, bytes_received, inode)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      update: db.prepare(`UPDATE conns SET states = ?, pid = ?, process = ?, user = ?, exe = ?, others = ?,
        closed_at = ?, bytes_sent = ?, bytes_received = ? WHERE id = ?`),
      // A row still open: closed_at not set, so its entries in conns_live and conns_span are left as they are
      // (SQLite rewrites an index's entry whenever the UPDATE sets a column the index or its WHERE names).
      checkpoint: db.prepare(`UPDATE conns SET states = ?, pid = ?, process = ?, user = ?, exe = ?, others = ?,
        bytes_sent = ?, bytes_received = ? WHERE id = ?`),
    });
    const { insert, update, checkpoint } = statements;
    const open = this.open;
    for (const slot of this.dirty) {
      const e = open.row(slot);
      const closedAt = open.closedAt(slot);
      const bytesSent = open.bytesSent(slot);
      const bytesReceived = open.bytesReceived(slot);
      const rowid = open.rowid(slot);
      const p = e.processes[0];
      const owner = [p?.pid ?? null, p?.name ?? null, p?.user ?? e.user, p?.exe ?? null, othersJson(e.processes)];
      // A socket of the baseline may continue a row the previous recording left open (continued).
      const id = rowid ?? (this.mayContinue.delete(slot) ? this.continued(db, slot, owner) : null);
      if (id === null) {
        const result = insert.run([
          this.session,
          e.proto,
          e.family,
          e.localAddress,
          e.localPort,
          e.remoteAddress,
          e.remotePort,
          statesText(open.states(slot)),
          isListener(e) ? 1 : 0,
          ...owner,
          e.path ?? null,
          e.firstSeen ?? at,
          closedAt,
          bytesSent,
          bytesReceived,
          e.inode,
        ]);
        open.setRowid(slot, Number(result.lastInsertRowid));
        this.sighted(e, statements, at);
      } else {
        const states = statesText(open.states(slot));
        if (closedAt === null) checkpoint.run([states, ...owner, bytesSent, bytesReceived, id]);
        else update.run([states, ...owner, closedAt, bytesSent, bytesReceived, id]);
        this.sighted(e, statements, at);
      }
      open.setPending(slot, false);
    }
    // The baseline written: no socket seen later continues a row of the previous recording.
    if (!this.baseline) {
      this.continuing = null;
      this.mayContinue.clear();
    }
    return this.dirty.size;
  }

  /**
   * The row of the previous recording that the socket in `slot` (of the baseline, not written yet) continues, made
   * this session's (its first sighting, and its states before, kept), or null: a new row is inserted.
   */
  private continued(db: RecordDatabase, slot: number, owner: unknown[]): number | null {
    const e = this.open.row(slot);
    const ends = [e.proto, e.family, e.localAddress, e.localPort, e.remoteAddress, e.remotePort];
    const key = continuationKey(ends, isListener(e) ? 1 : 0, owner[0], owner[1], e.path, e.inode);
    const earlier = key === null ? undefined : this.continuing?.get(key);
    if (earlier === undefined) return null;
    this.continuing!.delete(key!);
    db.run('UPDATE conns SET session = ? WHERE id = ?', [this.session, earlier.id]);
    // Its states as recorded, then those seen since (the first of which is often the last of those).
    let states: States = earlier.states.split(' ').filter(Boolean);
    if (states.length === 0) states = this.open.states(slot);
    else {
      const now = this.open.states(slot);
      for (const state of typeof now === 'string' ? [now] : now)
        if (state !== lastState(states)) states = withState(states, state);
      if (states.length === 1) states = states[0]!;
    }
    this.open.setStates(slot, states);
    this.open.setRowid(slot, earlier.id);
    return earlier.id;
  }

  /** When the socket of a live row, seen for the first time since NetLens started, was first seen by the recording
   *  before this one, where this one's baseline continues its row (continuing: the previous recording's rows left
   *  open, until the baseline is written); else null. This machine's rows alone. */
  continuedSince(row: Connection): number | null {
    const continuing = this.continuing;
    if (continuing === null || continuing.size === 0 || row.host !== undefined) return null;
    const p = row.processes[0];
    const ends = [row.proto, row.family, row.localAddress, row.localPort, row.remoteAddress, row.remotePort];
    const key = continuationKey(ends, isListener(row) ? 1 : 0, p?.pid ?? null, p?.name ?? null, row.path, row.inode);
    return key === null ? null : (continuing.get(key)?.firstSeen ?? null);
  }

  /** The rows the last session before this one left open, by continuationKey, when that session's last write was
   *  after this machine booted (else none: a reboot ended every socket, whatever pids came back the same). */
  private previousOpen(db: RecordDatabase): Map<string, { id: number; states: string; firstSeen: number }> {
    const rows = new Map<string, { id: number; states: string; firstSeen: number }>();
    const previous = db.get('SELECT id, alive FROM sessions WHERE id < ? ORDER BY id DESC LIMIT 1', [this.session]) as {
      id: number;
      alive: number;
    } | null;
    const bootedAt = this.options.bootedAt?.() ?? Date.now() - uptime() * 1000;
    if (previous === null || !(Number(previous.alive) >= bootedAt)) return rows;
    const open = db.prepare(`SELECT id, proto, family, local_addr, local_port, remote_addr, remote_port, listener, pid,
      process, path, states, inode, first_seen FROM conns WHERE session = ? AND closed_at IS NULL`);
    try {
      for (const r of open.iterate([previous.id]) as Iterable<Record<string, unknown>>) {
        const ends = [r.proto, r.family, r.local_addr, r.local_port, r.remote_addr, r.remote_port];
        const key = continuationKey(ends, r.listener, r.pid, r.process, r.path, r.inode);
        // Two rows of one key (a record altered by hand): neither is continued.
        if (key === null || typeof r.states !== 'string' || typeof r.first_seen !== 'number') continue;
        if (rows.has(key)) rows.set(key, { id: -1, states: '', firstSeen: 0 });
        else rows.set(key, { id: Number(r.id), states: r.states, firstSeen: r.first_seen });
      }
    } finally {
      open.finalize();
    }
    for (const [key, row] of rows) if (row.id < 0) rows.delete(key);
    return rows;
  }

  /** First sightings of a process, a remote address and a place reached: a row in a small table, once each. */
  private sighted(r: RecordedRow, st: Record<'process' | 'remote' | 'reached', Statement>, at: number): void {
    const seen = this.sightings!;
    const name = r.processes[0]?.name;
    const first = r.firstSeen ?? at;
    // The caches are of what needs no INSERT (the tables keep the first sighting whatever they hold): bounded,
    // as a public server meets millions of addresses (and a LAN scan as many /24 or /48 subjects, which have no
    // place to fold them into), and a process may name itself anything (a flood of names).
    const max = this.options.maxRememberedRemotes ?? MAX_REMEMBERED_REMOTES;
    const remember = (cache: Set<string>, key: string) => {
      if (cache.size >= max) cache.clear();
      cache.add(key);
    };
    // A process is first seen using the network (networkUse): what it did over loopback alone is not that.
    if (name !== undefined && !seen.process.has(name) && networkUse(r)) {
      const { user, exe } = programOf(r);
      st.process.run([name, first, user, exe]);
      remember(seen.process, name);
    }
    // Remote hosts are other machines: a loopback peer (any of 127.0.0.0/8) is this one.
    if (reachesOut(r) && !seen.remote.has(r.remoteAddress)) {
      st.remote.run([r.remoteAddress, first, name ?? null]);
      remember(seen.remote, r.remoteAddress);
    }
    for (const { subject } of this.reachedBy(r)) {
      if (seen.reached.has(subject)) continue;
      st.reached.run([subject, first]);
      remember(seen.reached, subject);
    }
  }

  private writeTraffic(
    db: RecordDatabase,
    table: 'iface_minutes' | 'process_minutes',
    from: Map<string, Traffic>,
  ): number {
    if (from.size === 0) return 0;
    const name = table === 'iface_minutes' ? 'iface' : 'process';
    const upsert = db.prepare(`INSERT INTO ${table} (minute, ${name}, rx, tx) VALUES (?, ?, ?, ?)
      ON CONFLICT (minute, ${name}) DO UPDATE SET rx = rx + excluded.rx, tx = tx + excluded.tx`);
    try {
      for (const [key, t] of from) {
        const cut = key.indexOf('\n');
        upsert.run([Number(key.slice(0, cut)), key.slice(cut + 1), t.rx, t.tx]);
      }
    } finally {
      upsert.finalize();
    }
    return from.size;
  }

  /** One small batch: rows past retention first, then (over the size cap) the oldest rows whatever their age. */
  private pruneBatch(db: RecordDatabase, at: number): void {
    this.lastPrune = at;
    try {
      const pageSize = Number((db.get('PRAGMA page_size') as { page_size: number }).page_size);
      const used = () =>
        (Number((db.get('PRAGMA page_count') as { page_count: number }).page_count) -
          Number((db.get('PRAGMA freelist_count') as { freelist_count: number }).freelist_count)) *
        pageSize;
      const cutoff = at - this.config.retentionDays * DAY_MS;
      const overCap = used() > this.config.maxMb * 1024 * 1024;
      db.exec('BEGIN IMMEDIATE');
      // A row closed before the cutoff was first seen before it too: the first_seen index finds them.
      let deleted = db.run(
        `DELETE FROM conns WHERE id IN (SELECT id FROM conns WHERE first_seen < ? AND closed_at < ? LIMIT ${PRUNE_BATCH})`,
        [cutoff, cutoff],
      ).changes;
      // Rows left open by a recording that ended before the cutoff: by session (a few), then conns_live (the rows
      // still open alone; CROSS JOIN keeps that order), not the first_seen index through every row first seen
      // before the cutoff (those kept, closed since or still open, are walked every minute: prune.test.ts).
      deleted += db.run(
        `DELETE FROM conns WHERE id IN (SELECT c.id FROM sessions s CROSS JOIN conns c ON c.session = s.id
          WHERE c.first_seen < ? AND c.closed_at IS NULL AND s.alive < ? AND c.session != ? LIMIT ${PRUNE_BATCH})`,
        [cutoff, cutoff, this.session],
      ).changes;
      if (deleted === 0 && overCap) {
        // Over the cap: the oldest connections go, and the oldest first sightings with them (those are kept
        // beyond the retention otherwise). Before the last close among them the record is no longer whole: that
        // moment is kept (CUT_UNTIL), and the record said to begin there (queries.ts gapAt), so that a flood of
        // connections that pushed older ones out (anyone's loopback churn can) does not leave a History that
        // looks complete.
        const oldest = `SELECT id, closed_at FROM conns WHERE closed_at IS NOT NULL ORDER BY id LIMIT ${PRUNE_BATCH}`;
        const lastClose = (db.get(`SELECT max(closed_at) AS t FROM (${oldest})`) as { t: number | null }).t;
        deleted = db.run(`DELETE FROM conns WHERE id IN (SELECT id FROM (${oldest}))`).changes;
        if (deleted > 0 && lastClose !== null) cutUntil(db, Number(lastClose));
        for (const sql of PRUNE_FIRST_SIGHTINGS) deleted += db.run(sql).changes;
      }
      const oldestMinute = (table: string) =>
        Number((db.get(`SELECT min(minute) AS m FROM ${table}`) as { m: number | null }).m ?? Infinity);
      for (const [table, name] of [
        ['iface_minutes', 'iface'],
        ['process_minutes', 'process'],
      ] as const) {
        // An hour of minutes per batch (a handful of rows per interface or process), at most MINUTES_BATCH rows of
        // it: a flood of process names makes an hour of millions.
        const hour = oldestMinute(table) + 3_600_000;
        if (Number.isFinite(hour))
          deleted += db.run(
            `DELETE FROM ${table} WHERE (minute, ${name}) IN (SELECT minute, ${name} FROM ${table} WHERE minute < ? ORDER BY minute LIMIT ${MINUTES_BATCH})`,
            [overCap ? hour : Math.min(cutoff, hour)],
          ).changes;
      }
      // A record kept before MAX_KNOWN may hold more marks: the oldest go, a batch at a time.
      deleted += this.forgetOldestKnown(db, PRUNE_BATCH);
      deleted += db.run(`DELETE FROM alerts WHERE id IN (SELECT id FROM alerts WHERE at < ? LIMIT ${PRUNE_BATCH})`, [
        cutoff,
      ]).changes;
      db.run(
        'DELETE FROM sessions WHERE alive < ? AND id != ? AND NOT EXISTS (SELECT 1 FROM conns WHERE session = sessions.id)',
        [cutoff, this.session],
      );
      db.exec('COMMIT');
      // Give freed pages back to the file system, a few at a time.
      db.exec('PRAGMA incremental_vacuum(256)');
      this.stats.pruned += deleted;
      this.pruning = deleted > 0;
      this.sizeBytes = used();
      this.readOldest(db);
    } catch (err) {
      // The count of marks known may have been lowered by a batch rolled back: counted again.
      this.knownRows = null;
      this.writeFailed(err);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Starting, stopping, failing

  private start(seed: boolean): void {
    const file = this.options.file;
    try {
      makeDataDirSync(dirname(file));
      // One real path for the record, its claim and its lock, whatever name leads to it (database.ts recordPath).
      const real = recordPath(file, true);
      this.file = real;
      // SQLite would say only "unable to open database file": ask first, for a message that says why.
      accessSync(dirname(real), constants.W_OK);
      const { other, unclean } = claimWriter(real, this.claimed);
      // Kept until an open succeeds: a retry (the lock busy at the first) finds this recorder's own pid.
      if (unclean) this.checkDue = true;
      this.claimed = true;
      if (other !== null) {
        this.endOpenTurn();
        this.pause(`another NetLens process (pid ${other}) is recording to ${file}`);
        return;
      }
      // Something else than the folder of the record's users put in its place (no opener could name itself, so
      // none would take the lock: lock.ts): moved aside, neither followed nor removed (else the open says why). Only
      // once the file is this recorder's: not from under another NetLens recording to it (named through a link).
      const planted = usersNotAFolder(real);
      const aside = moveUsersAside(real);
      if (aside !== null)
        this.options.notify(
          'warning',
          'record-users-moved',
          `${real}.users was ${planted ?? 'not a folder'}, not the folder where NetLens names the processes that use the record; it was moved aside to ${aside}, and recording goes on.`,
        );
      // Others waiting for the lock since before this open's first try: after them (a busy try, retried).
      if (this.openTurn(real)?.ahead()) throw new Error('database is locked (others waited first)');
      // The whole file checked only after an unclean end (database.ts: what is checked when).
      const { db, movedAside } = openRecord(real, {
        create: true,
        now: this.now(),
        wait: false,
        check: this.checkDue,
        journal: (journal) => this.journalSaid(journal, 'The record is checked whole before recording goes on.'),
      });
      this.checkDue = false;
      const at = this.now();
      this.db = db;
      this.session = Number(db.run('INSERT INTO sessions (started, alive) VALUES (?, ?)', [at, at]).lastInsertRowid);
      this.lastPrune = 0;
      this.lastCheckpoint = at;
      this.sightings = {
        // Not read back: the tables may hold millions (see sighted).
        process: new Set(),
        remote: new Set(),
        reached: new Set(),
      };
      this.fillReached(db);
      this.closeReader();
      this.baseline = true;
      this.baselineAt = null;
      // Sockets still open from the previous recording (a restart of NetLens, a pause) continue their rows.
      this.continuing = this.previousOpen(db);
      this.mayContinue.clear();
      if (Object.values(this.config.alerts).some(Boolean)) this.loadKnown();
      this.busyOpens = 0;
      this.setState(
        'recording',
        movedAside ? `The record was damaged and was moved aside to ${movedAside}; a new one was started.` : null,
      );
      if (movedAside) {
        this.options.notify(
          'warning',
          'record-reset',
          `The connection record was damaged; it was moved aside (${movedAside}) and a new one started.`,
        );
      }
      if (seed)
        this.lookingUp(() => {
          for (const row of this.options.liveRows()) if (row.closedAt == null) this.opened(row, false);
        });
      this.pruneBatch(db, at);
      this.endOpenTurn();
      this.schedule();
    } catch (err) {
      this.closeDb();
      if (failureKind(err) === 'busy' && this.busyOpens < BUSY_OPENS) {
        this.opening?.turn.met();
        this.busyOpens++;
        this.pause(`waiting for another process to release ${file}`, { quiet: true });
        return;
      }
      this.endOpenTurn();
      this.busyOpens = 0;
      this.pause(`cannot open ${file}: ${describe(err)}`);
    }
  }

  /** The turn of the opens of `file` (lock.ts Turn), this thread named for it; null when it cannot be named (the
   *  open then says why). */
  private openTurn(file: string): Turn | null {
    if (this.opening?.file !== file) {
      this.endOpenTurn();
      const user = namePlaceholder(file);
      if (user === null) return null;
      this.opening = { file, user, turn: new Turn(file) };
    }
    return this.opening.turn;
  }

  /** Names this thread among the users of `file` while the reader's open is retried (readerNamed). */
  private nameReader(file: string): void {
    if (this.readerNamed?.file === file) return;
    this.unnameReader();
    const user = namePlaceholder(file);
    if (user !== null) this.readerNamed = { file, user };
  }

  private unnameReader(notARecord = false): void {
    if (this.readerNamed) unnameUser(this.readerNamed.file, this.readerNamed.user, notARecord);
    this.readerNamed = null;
  }

  /** The open succeeded, or is no longer retried soon: its turn, and the placeholder named for it, are over. */
  private endOpenTurn(): void {
    if (!this.opening) return;
    this.opening.turn.end();
    unnameUser(this.opening.file, this.opening.user);
    this.opening = null;
  }

  /** Says what an open did with a journal a killed writer left (database.ts openRecord, journal.ts): one played back
   *  in the log; one that is not sound, moved aside, in a notice with what follows (`then`). One that stays where it
   *  is fails the open, which says why. */
  private journalSaid(journal: JournalOutcome, then: string): void {
    if (journal.kind === 'rolled-back')
      this.log(`recorder: rolled back a write left unfinished (${journal.pages} pages of ${this.file}-journal)`);
    if (journal.kind === 'refused' && journal.aside !== null)
      this.options.notify(
        'warning',
        'record-journal-left',
        `${this.file}-journal, a write left unfinished, could not be rolled back: ${journal.reason}. It was moved aside to ${journal.aside}, kept for you to look at (NetLens does not use it; remove it when done). ${then}`,
      );
  }

  /** A record kept before places (it has remote addresses but no places) gets them from its first sightings of
   *  remote addresses, each with the process that first reached it. Read a row at a time: nothing is held. */
  private fillReached(db: RecordDatabase): void {
    if (db.get('SELECT 1 AS k FROM reached LIMIT 1') !== null) return;
    const remotes = db.prepare('SELECT address, first_seen, process FROM remotes ORDER BY first_seen');
    const insert = db.prepare('INSERT OR IGNORE INTO reached (subject, first_seen) VALUES (?, ?)');
    try {
      db.exec('BEGIN IMMEDIATE');
      for (const r of remotes.iterate() as Iterable<{ address: string; first_seen: number; process: string | null }>) {
        if (isLoopback(r.address)) continue;
        const place = this.options.placeOf?.(r.address) ?? null;
        for (const { subject } of networkNews(r.process, r.address, place)) insert.run([subject, Number(r.first_seen)]);
      }
      db.exec('COMMIT');
    } finally {
      remotes.finalize();
      insert.finalize();
    }
  }

  private writeFailed(err: unknown): void {
    const db = this.db;
    try {
      if (db?.inTransaction) db.exec('ROLLBACK');
    } catch {
      // The rollback failing too changes nothing: the connection is closed next.
    }
    const kind = failureKind(err);
    if (kind === 'busy') {
      this.flushWaits();
      return;
    }
    this.stop();
    if (kind === 'corrupt') {
      const aside = `${this.file}.corrupt-${new Date(this.now()).toISOString().replace(/[:.]/g, '-')}`;
      try {
        renameSync(this.file, aside);
        if (existsSync(`${this.file}-journal`)) renameSync(`${this.file}-journal`, `${aside}-journal`);
        this.options.notify(
          'warning',
          'record-reset',
          `The connection record was damaged; it was moved aside (${aside}) and a new one started.`,
        );
        this.start(true);
        return;
      } catch (moveErr) {
        this.pause(`the record is damaged and could not be moved aside: ${describe(moveErr)}`);
        return;
      }
    }
    this.pause(`writing ${this.options.file} failed: ${describe(err)}`);
  }

  /** Another process (`netlens history`, a History tab) holds the lock, or waited for it first: what was observed
   *  stays and goes with the flush tried again soon, in its turn (BUSY_FLUSH_RETRY_MS), up to a bound (closed
   *  connections wait in `open` and the minutes of traffic pile up while another holds it). */
  private flushWaits(): void {
    clearStaleLock(this.file);
    const waiting = this.dirty.size + this.ifaceMinutes.size + this.processMinutes.size;
    if (waiting <= (this.options.maxWaitingRows ?? MAX_WAITING_ROWS)) {
      if (this.flushTimer) clearTimeout(this.flushTimer);
      const ms = Math.min(BUSY_FLUSH_MAX_MS, BUSY_FLUSH_RETRY_MS * 2 ** this.busyFlushes);
      this.busyFlushes = Math.min(this.busyFlushes + 1, 8);
      this.flushTimer = setTimeout(() => {
        this.flushTimer = null;
        this.flush();
      }, ms);
      return;
    }
    this.stop();
    this.pause(`another process has held the record's lock for too long (${waiting} rows were waiting to be written)`);
  }

  /** The flush wrote, or will not be retried: its turn, if it took one, is over. */
  private endFlushTurn(): void {
    this.flushTurn?.end();
    this.flushTurn = null;
    this.busyFlushes = 0;
  }

  /** Paused, retried after a while. Quiet: no notice (a wait of a second for another process's lock). */
  private pause(reason: string, { quiet = false } = {}): void {
    this.log(`recorder: ${reason}`);
    this.setState('paused', reason);
    const retryMs = this.options.retryMs ?? RETRY_MS;
    if (!quiet) {
      this.pauseAnnounced = true;
      this.options.notify(
        'warning',
        'record-paused',
        `Recording is paused: ${reason}. NetLens keeps running and retries every minute.`,
      );
    }
    this.retryTimer = setTimeout(
      () => {
        this.retryTimer = null;
        if (!this.config.enabled || this.state !== 'paused' || this.held) return;
        this.start(true);
        if (this.pauseAnnounced && (this.state as RecordingState) === 'recording') {
          this.pauseAnnounced = false;
          this.options.notify('info', 'record-resumed', 'Recording resumed.');
        }
      },
      quiet ? Math.min(retryMs, BUSY_OPEN_RETRY_MS, 25 * 2 ** Math.min(this.busyOpens, 6)) : retryMs,
    );
  }

  /** The subject of an unconnected UDP socket on a port of the kernel's ephemeral range, else null. */
  private ephemeralSubject(row: RecordedRow): string | null {
    const range = this.options.ephemeralPorts;
    if (row.proto !== 'udp' || !range || row.localPort < range.low || row.localPort > range.high) return null;
    return `UDP sockets on ephemeral ports of ${row.processes[0]?.name ?? '(unknown process)'}`;
  }

  private countListener(row: RecordedRow, by: 1 | -1): void {
    const key = listenKey(row);
    if (key === null || !isListener(row)) return;
    const n = (this.listening.get(key) ?? 0) + by;
    if (n > 0) this.listening.set(key, n);
    else this.listening.delete(key);
  }

  /** Drops what was observed and closes the database (after a failure or when switched off). */
  private stop(): void {
    this.endFlushTurn();
    this.endOpenTurn();
    if (this.flushTimer) clearTimeout(this.flushTimer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.flushTimer = this.retryTimer = null;
    this.continuing = null;
    this.mayContinue.clear();
    this.open.clear();
    this.listening.clear();
    this.dirty.clear();
    this.ifaceMinutes.clear();
    this.processMinutes.clear();
    this.ifaceLast.clear();
    this.closeDb();
  }

  private closeReader(): void {
    this.unnameReader();
    try {
      this.reader?.close();
    } catch {
      // Closing a reader cannot lose anything.
    }
    this.reader = null;
  }

  private closeDb(): void {
    // Each on its own: finalize reports the statement's last error (a full disk), and one left unfinalized keeps
    // the database open after close (sqlite3_close_v2 leaves it a zombie: the file stays open, its mount busy).
    const prepared = [...Object.values(this.statements ?? {}), ...Object.values(this.knownLookups), this.programLookup];
    for (const st of prepared) {
      try {
        st?.finalize();
      } catch {
        // Finalizing cannot lose data.
      }
    }
    this.statements = null;
    this.knownLookups = {};
    this.programLookup = null;
    // What another record said of the names is not this one's.
    this.programs.clear();
    try {
      this.db?.close();
    } catch (err) {
      this.log(`recorder: closing the record failed: ${errorText(err)}`);
    }
    this.db = null;
  }

  private setState(state: RecordingState, message: string | null): void {
    this.state = state;
    this.message = message;
    this.options.changed?.();
  }

  /**
   * The monitor paused (`on`: nothing is read) or resumed. Paused, the recording ends as at a quit: its last write
   * says when, and what was open then stays open there, so that the record says nothing was recorded while paused
   * (History's "Nothing was recorded from … to …") instead of showing what was open at the pause as open until the
   * resume and what opened and closed meanwhile as never there (a new user's review of 12-06). The status says
   * paused, and why; the writer's claim is kept, as at a failed write's pause. Resumed, a new recording begins from
   * the rows open now, those still open continuing their rows.
   */
  hold(on: boolean): void {
    if (on === this.held) return;
    this.held = on;
    if (on) {
      // Paused again before a resume put off started: it never did, and stays paused.
      if (this.resumeTimer !== null) {
        clearTimeout(this.resumeTimer);
        this.resumeTimer = null;
        this.setState('paused', HELD_REASON);
        return;
      }
      if (this.state === 'off') return;
      this.lastCheckpoint = -Infinity;
      if (this.state === 'recording') this.flush(true);
      // (A failed write during that last flush pauses: then the claim stays, as after any failed write.)
      this.heldClean = this.state === 'recording';
      this.stop();
      this.setState('paused', HELD_REASON);
    } else if (this.config.enabled) {
      this.resume();
    }
  }

  /** Starts recording again, or puts it off to the end of RESUMES_WINDOW_MS after RESUMES_AT_ONCE resumes in it. */
  private resume(): void {
    const now = Date.now();
    const windowMs = this.options.resumesWindowMs ?? RESUMES_WINDOW_MS;
    while (this.resumedAt.length > 0 && now - this.resumedAt[0]! >= windowMs) this.resumedAt.shift();
    if (this.resumedAt.length < RESUMES_AT_ONCE) {
      this.resumedAt.push(now);
      this.start(true);
      return;
    }
    const wait = this.resumedAt[0]! + windowMs - now;
    this.setState(
      'paused',
      `${resumedTooOften(RESUMES_AT_ONCE, windowMs)}: recording starts again in ${Math.ceil(wait / 1000)} s`,
    );
    this.resumeTimer = setTimeout(() => {
      this.resumeTimer = null;
      if (!this.held && this.config.enabled && this.state !== 'off') this.resume();
    }, wait);
    this.resumeTimer.unref?.();
  }

  /** Writes what is pending and closes the database. */
  close(): void {
    if (this.resumeTimer !== null) clearTimeout(this.resumeTimer);
    this.resumeTimer = null;
    // The last flush writes every open connection's latest states and totals too.
    this.lastCheckpoint = -Infinity;
    if (this.state === 'recording') this.flush(true);
    this.stop();
    if (this.state === 'recording' || (this.held && this.heldClean)) releaseWriter(this.file);
    this.closeReader();
    this.state = 'off';
  }
}

/** `<file>.pid` names the process recording to the file: one recorder per file. Written at each start, removed when
 *  recording ends cleanly (close, or turned off while recording); left by a crash (an unclean end) or a pause. */
const writerFile = (file: string) => `${file}.pid`;

/**
 * Becomes the file's recorder, or says which live process is (other). A `<file>.pid` left by a recorder that is
 * gone (killed, crashed, an OS crash, or a worker of this very process that died mid-write) is an unclean end:
 * its lock directory is removed by the open as any lock left behind is (lock.ts): at once when its entry shows it
 * gone beyond doubt and nobody else named may hold the lock; where no entry tells (none there), once past the grace
 * for a maker that no entry names (STALE_LOCK_MS), the open retried quietly until then (BUSY_OPENS). The hot
 * journal it left is rolled back by that open (journal.ts: SQLite does not, here), which checks the whole file. `file` is the record's real path.
 */
function claimWriter(file: string, again: boolean): { other: number | null; unclean: boolean } {
  let previous: number | null = null;
  // Its thread among the record's users (lock.ts): alive or not whatever its pid says here (reused, or in another
  // pid namespace, where it may be this process's); by its pid only while it has not the record open.
  let name = '';
  try {
    // Read as lock.ts reads what a folder may hold (no link followed, no wait on a FIFO put there).
    const lines = readSmall(writerFile(file), 4096).split('\n');
    previous = Number.parseInt(lines[0] ?? '', 10);
    name = lines[1] ?? '';
  } catch {
    previous = null;
  }
  const mine = name === '' ? previous === process.pid : name === userName();
  if (
    previous !== null &&
    Number.isSafeInteger(previous) &&
    !mine &&
    (userAlive(file, name) ?? (previous !== process.pid && pidExists(previous)))
  )
    return { other: previous, unclean: false };
  // A retry of this recorder finds its own claim: the lock is then another process's (`netlens history`), not left,
  // and it closed the record itself before pausing.
  const unclean = previous !== null && !(again && mine);
  // Never into a file put at its name (a link: the record's folder may be a shared one).
  writeFresh(writerFile(file), writerClaim());
  return { other: null, unclean };
}

/** What this recorder's `<file>.pid` says: its pid, and its thread's name among the record's users (lock.ts). */
const writerClaim = () => `${process.pid}\n${userName()}\n`;

/** Removes `<file>.pid` when it is this recorder's claim: its pid and its thread's name, as claimWriter judges it
 *  (a process of another pid namespace may have the same pid). */
function releaseWriter(file: string): void {
  try {
    if (readSmall(writerFile(file), 4096) === writerClaim()) unlinkSync(writerFile(file));
  } catch {
    // Already gone.
  }
}

function describe(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS')
    return 'permission denied (the data folder is read-only)';
  if (code === 'ENOSPC') return 'the disk is full';
  const text = errorText(err);
  // SQLite reports the OS error only as "disk I/O error" or "unable to open database file".
  return text;
}
