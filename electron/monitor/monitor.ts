// The monitor proper: schedules reads, derives rates and connection lifetimes, diffs each table once per tick
// and streams the result to every client at its own pace. It knows nothing of threads or transports: the
// worker (worker.ts) runs it off the host's thread; tests run it in-thread with fake collectors.
//
// Scheduling rules:
// - A dataset is read only while some attached client subscribes to it and shows it (a client that never
//   reported visibility shows everything it subscribes to; a hidden window shows nothing).
// - Interval and pause are global. A change restarts the timer, so it takes effect within one tick.
// - Reads of one dataset never overlap: a tick that finds the previous read of a dataset still running skips
//   it and counts the lag. Each dataset is published as soon as its own read finishes, so a slow connections
//   read never holds back interfaces.
// - Interfaces are also read once a second whatever is shown, for the 10-minute rate history (cheap).
import {
  DEFAULT_INTERVAL_MS,
  type Diff,
  type HistoryPoint,
  type IntervalMs,
  type MethodResults,
  type MonitorStatus,
  type RequestParams,
  type ServerMessage,
  type StreamMessage,
  type TickInfo,
} from '../../shared/protocol.js';
import { isRemoteRowId } from '../../shared/remote.js';
import {
  COLLECT_EXTRAS,
  DATASETS,
  emptyDiagnostics,
  type CollectExtra,
  type AnyRow,
  type Dataset,
  type DatasetResult,
  type Connection,
  type Diagnostics,
  type NetInterface,
  type RemoteTagged,
} from '../../shared/types.js';
import type { Collectors } from '../collectors/collector.js';
import { ephemeralPorts } from '../collectors/ephemeral-ports.js';
import type { ClientTransport, HistoryOf, Monitor } from './api.js';
import { DatasetStream } from './clients.js';
import { CLOSED_LINGER_MS } from './connections.js';
import { createTable, type Table } from './tables.js';
import { InterfaceHistory, SAMPLE_MS } from './history.js';
import { holdable, QuietTicks } from './quiet.js';
import { Recorder } from './record/recorder.js';
import { answerRecordRequest, type RecordMethod } from './record/requests.js';
import type { PlaceInfo, RecordingConfig } from '../../shared/record.js';
import { errorText } from '../../shared/error-text.js';

export type ClientId = number;

/** The stream messages that set something for every client rather than for the one that sent them. */
export type GlobalMessage = Extract<StreamMessage, { type: 'setInterval' | 'pause' | 'setNames' }>;

export function isGlobalMessage(message: StreamMessage): message is GlobalMessage {
  return message.type === 'setInterval' || message.type === 'pause' || message.type === 'setNames';
}

export interface MonitorCoreOptions {
  collectors: Collectors;
  intervalMs?: IntervalMs;
  /** How long a closed connection stays in the table. */
  closedLingerMs?: number;
  /** Where internal failures are reported (the worker forwards them to the host's log). */
  log?: (line: string) => void;
  /** Record connections and traffic to this database (electron/monitor/record/). */
  record?: { file: string; config: RecordingConfig; flushMs?: number };
}

interface ClientState {
  send: (message: ServerMessage) => void;
  streams: Map<Dataset, DatasetStream>;
  /** null until the client reports visibility: it then counts as showing all it subscribes to. */
  visibility: { hidden: boolean; visible: Set<Dataset>; extras: Set<CollectExtra>; quiet: boolean } | null;
  /** The tick (its `at`) in which a diff that was not quiet was sent to it: that tick's other datasets go too. */
  loudAt: number;
}

/** A dataset that becomes shown is read at once unless its last read began less than this long ago. */
const SHOWN_READ_AFTER_MS = 1000;

interface DatasetState {
  /** The published table: what every client's view converges to. */
  table: Table;
  /** Whether the table was ever read (until then, subscribers wait for their snapshot). */
  loaded: boolean;
  diagnostics: Diagnostics;
  tick: TickInfo | null;
  /** A tick's read of this dataset is running (the next tick skips it). */
  polling: boolean;
}

function isResult(value: unknown): value is DatasetResult<AnyRow> {
  return typeof value === 'object' && value !== null && Array.isArray((value as DatasetResult<AnyRow>).rows);
}

/** This machine's rows only: the record is of this machine, not of the remote hosts shown beside it. */
function localRows<Row extends RemoteTagged>(rows: Row[]): Row[] {
  return rows.some((r) => r.host !== undefined) ? rows.filter((r) => r.host === undefined) : rows;
}

function localDiff(diff: Diff<Connection>): Diff<Connection> {
  const remote = isRemoteRowId;
  if (!diff.added.some((r) => remote(r.id)) && !diff.changed.some((r) => remote(r.id)) && !diff.removed.some(remote))
    return diff;
  return {
    added: diff.added.filter((r) => !remote(r.id)),
    changed: diff.changed.filter((r) => !remote(r.id)),
    removed: diff.removed.filter((id) => !remote(id)),
  };
}

export class MonitorCore {
  private readonly clients = new Map<ClientId, ClientState>();
  private readonly datasets = new Map<Dataset, DatasetState>();
  /** In-flight collector reads, shared by whoever asks meanwhile (the tick and the history sampler). */
  private readonly reads = new Map<Dataset, Promise<DatasetResult<AnyRow>>>();
  private readonly interfaceHistory = new InterfaceHistory();
  private readonly quietTicks = new QuietTicks();
  /** Ten minutes of per-second send/receive rates per process name, for the process chart. */
  private readonly processHistory = new InterfaceHistory();
  private intervalMs: IntervalMs;
  private paused = false;
  private lagCount = 0;
  private tickTimer: ReturnType<typeof setInterval> | null = null;
  private historyTimer: ReturnType<typeof setInterval> | null = null;
  private lastStatus = '';
  private lastActive = new Set<Dataset>();
  /** Extras the connections collector was last asked for. */
  private extras: CollectExtra[] = [];
  private closed = false;
  private readonly lingerMs: number;
  private readonly log: (line: string) => void;
  private recorder: Recorder | null = null;

  constructor(private readonly options: MonitorCoreOptions) {
    this.intervalMs = options.intervalMs ?? DEFAULT_INTERVAL_MS;
    this.lingerMs = options.closedLingerMs ?? CLOSED_LINGER_MS;
    this.log = options.log ?? ((line) => console.warn(line));
    for (const d of DATASETS) {
      const table = createTable(d, {
        lingerMs: this.lingerMs,
        history: this.interfaceHistory,
        processHistory: this.processHistory,
        // A socket open since before this start, that the record saw then, keeps its First seen.
        ...(options.record ? { earlierSighting: (row: Connection) => this.recorder?.continuedSince(row) ?? null } : {}),
      });
      this.datasets.set(d, { table, loaded: false, diagnostics: emptyDiagnostics(), tick: null, polling: false });
    }
    // A collector's own notices (a long-lived reader restarted) go to every client, as the host's do.
    for (const d of DATASETS) {
      this.options.collectors[d]?.setNoticeSink?.((level, code, text) => {
        for (const c of this.clients.values()) c.send({ type: 'notice', level, code, text });
      });
    }
    this.historyTimer = setInterval(() => this.sampleHistory(), SAMPLE_MS);
    if (options.record) {
      const connections = this.datasets.get('connections')!.table;
      // Alerts about new countries and networks ask the names collector's places: one lookup and one cache.
      const names = this.options.collectors.names as { place?(address: string): PlaceInfo | null };
      this.recorder = new Recorder({
        ...options.record,
        liveRows: () => connections.rows() as Connection[],
        notify: (level, code, text) => this.broadcast({ type: 'notice', level, code, text }),
        changed: () => this.activityChanged(),
        alert: (alert) => this.broadcast({ type: 'alert', alert }),
        placeOf: names.place ? (address) => names.place!(address) : undefined,
        ephemeralPorts: ephemeralPorts(),
        log: this.log,
      });
      // The recorder's start (above) told activityChanged before this.recorder was set: what it wants (connections
      // with traffic) applies now, with no client at all.
      this.activityChanged();
    }
    this.schedule();
  }

  /** The recorder, when this monitor records (for the worker's record requests and the benchmark). */
  get record(): Recorder | null {
    return this.recorder;
  }

  async recordRequest<M extends RecordMethod>(method: M, params: RequestParams<M>): Promise<MethodResults[M]> {
    const result = await answerRecordRequest(this.recorder, method, params);
    // Switching recording on or off changes what is polled, and the status says so.
    if (method === 'recordConfigure') this.activityChanged();
    return result;
  }

  private broadcast(message: ServerMessage): void {
    for (const c of this.clients.values()) c.send(message);
  }

  // ---------------------------------------------------------------------------------------------
  // Clients

  attach(id: ClientId, send: (message: ServerMessage) => void, transport?: ClientTransport): void {
    this.clients.set(id, { send, streams: new Map(), visibility: null, loudAt: Number.NaN });
    if (transport) this.quietTicks.add(id, transport);
    send({ type: 'status', status: this.status() });
    // A recording paused before this client came (a read-only folder at startup) is still news to it.
    const recording = this.recorder?.status();
    if (recording?.state === 'paused' && recording.message) {
      send({
        type: 'notice',
        level: 'warning',
        code: 'record-paused',
        text: `Recording is paused: ${recording.message}.`,
      });
    }
  }

  detach(id: ClientId): void {
    this.quietTicks.remove(id);
    if (this.clients.delete(id)) this.activityChanged();
  }

  handle(id: ClientId, message: StreamMessage): void {
    if (this.closed) return;
    if (isGlobalMessage(message)) {
      this.setGlobal(message);
      return;
    }
    const client = this.clients.get(id);
    if (!client) return;
    switch (message.type) {
      case 'subscribe':
      case 'resync': {
        let stream = client.streams.get(message.dataset);
        if (!stream) {
          // A resync of something never subscribed to asks for nothing.
          if (message.type === 'resync') break;
          stream = new DatasetStream(message.dataset, client.send);
          stream.hold(withheld(client, message.dataset));
          client.streams.set(message.dataset, stream);
        }
        const ds = this.datasets.get(message.dataset)!;
        // A table read earlier (even a while ago) is sent at once; the next read follows with a diff.
        if (ds.loaded) stream.snapshot(ds.table.rows(), ds.diagnostics, ds.tick);
        else stream.awaitingSnapshot = true;
        if (message.type === 'subscribe') this.activityChanged();
        if (!ds.loaded && !ds.polling) void this.poll(message.dataset, Date.now());
        break;
      }
      case 'unsubscribe':
        if (client.streams.delete(message.dataset)) this.activityChanged();
        break;
      case 'ack':
        client.streams.get(message.dataset)?.ack(message.seq);
        break;
      case 'acks':
        for (const a of message.acks) client.streams.get(a.dataset)?.ack(a.seq);
        break;
      case 'visibility':
        client.visibility = {
          hidden: message.hidden,
          visible: new Set(message.visible),
          extras: new Set(message.extras ?? []),
          quiet: message.quiet === true,
        };
        // A hidden window gets no diffs (recording may keep connections read), nor does a dataset the window
        // does not show (its other tabs'): one, folded, when it shows.
        for (const [d, stream] of client.streams) stream.hold(withheld(client, d));
        this.activityChanged();
        break;
    }
  }

  /** Interval, pause and name lookups are global: whichever client sets them, all see it (and the host replays
   *  them to a restarted worker without any client). */
  setGlobal(message: GlobalMessage): void {
    if (this.closed) return;
    if (message.type === 'setNames') {
      // Only the names collector resolves host names; the next read of names shows the change.
      const names = this.options.collectors.names as {
        configure?(settings: { resolve: boolean; dnsServer: string | null }): void;
      };
      names.configure?.({ resolve: message.resolve, dnsServer: message.dnsServer });
    } else if (message.type === 'setInterval') {
      if (message.intervalMs === this.intervalMs) return;
      this.intervalMs = message.intervalMs;
      this.schedule();
      this.refreshStatus();
    } else {
      if (message.paused === this.paused) return;
      this.paused = message.paused;
      // Paused, nothing is read: the recording ends there and a new one begins at the resume (Recorder.hold).
      this.recorder?.hold(this.paused);
      this.schedule();
      this.refreshStatus();
      // Resuming shows fresh data now rather than one interval later.
      if (!this.paused) this.tick();
    }
  }

  history(key: string, of: HistoryOf = 'interface'): HistoryPoint[] {
    return (of === 'process' ? this.processHistory : this.interfaceHistory).get(key);
  }

  /** Rows held for a client that is behind on one dataset (for tests and diagnostics). */
  pendingSize(id: ClientId, dataset: Dataset): number {
    return this.clients.get(id)?.streams.get(dataset)?.pendingSize ?? 0;
  }

  status(): MonitorStatus {
    const clients = [...this.clients.values()];
    return {
      intervalMs: this.intervalMs,
      paused: this.paused,
      hidden: clients.length > 0 && clients.every((c) => c.visibility?.hidden === true),
      polling: this.paused ? [] : this.activeDatasets(),
      recording: this.recorder?.status() ?? null,
      extras: this.paused ? [] : this.extras,
    };
  }

  close(): void {
    this.closed = true;
    if (this.tickTimer) clearInterval(this.tickTimer);
    if (this.historyTimer) clearInterval(this.historyTimer);
    this.tickTimer = this.historyTimer = null;
    this.recorder?.close();
    for (const d of DATASETS) {
      try {
        this.options.collectors[d].dispose?.();
      } catch (err) {
        this.log(`monitor: disposing the ${d} collector failed: ${errorText(err)}`);
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Scheduling

  private activeDatasets(): Dataset[] {
    // Recording keeps connections read whatever the clients show (and with no client at all).
    const recording = this.recorder?.wantsConnections === true;
    return DATASETS.filter((d) => {
      if (d === 'connections' && recording) return true;
      for (const c of this.clients.values()) if (shows(c, d)) return true;
      return false;
    });
  }

  /** Extras some client shows with its connections; a client that never reported visibility shows them all. */
  private wantedExtras(): CollectExtra[] {
    const wanted = new Set<CollectExtra>();
    // The recorder keeps byte totals per connection and per process, whatever the clients show: it consumes
    // the same read (one `ss -tainHe` per tick and the destroy-event reader), never one of its own.
    if (this.recorder?.wantsConnections) wanted.add('traffic');
    for (const c of this.clients.values()) {
      // Process rates and totals are traffic.
      if (shows(c, 'processes')) wanted.add('traffic');
      if (!shows(c, 'connections')) continue;
      for (const e of c.visibility?.extras ?? COLLECT_EXTRAS) wanted.add(e);
    }
    return COLLECT_EXTRAS.filter((e) => wanted.has(e));
  }

  private activityChanged(): void {
    const active = this.activeDatasets();
    const before = this.lastActive;
    this.lastActive = new Set(active);
    const extras = this.wantedExtras();
    const moreExtras = extras.some((e) => !this.extras.includes(e));
    if (extras.length !== this.extras.length || moreExtras) {
      this.extras = extras;
      try {
        this.options.collectors.connections.setExtras?.(extras);
      } catch (err) {
        this.log(`monitor: setting the connections collector's extras failed: ${errorText(err)}`);
      }
    }
    this.refreshStatus();
    if (this.paused) return;
    // A tab that just became visible, or a column that needs more data, gets fresh data now rather than one
    // interval later.
    const at = Date.now();
    for (const d of active) {
      const ds = this.datasets.get(d)!;
      // A dataset shown again within a second of its last read has that read's data (its diffs folded meanwhile):
      // a client flipping hidden and shown would otherwise have it read back to back (an attack review of 12-07).
      const shown = !before.has(d) && !(ds.tick !== null && at >= ds.tick.at && at - ds.tick.at < SHOWN_READ_AFTER_MS);
      if ((shown || ((d === 'connections' || d === 'processes') && moreExtras)) && !ds.polling) void this.poll(d, at);
    }
  }

  private refreshStatus(): void {
    const status = this.status();
    const text = JSON.stringify(status);
    if (text === this.lastStatus) return;
    this.lastStatus = text;
    for (const c of this.clients.values()) c.send({ type: 'status', status });
  }

  private schedule(): void {
    if (this.tickTimer) clearInterval(this.tickTimer);
    this.tickTimer = null;
    if (!this.paused && !this.closed) this.tickTimer = setInterval(() => this.tick(), this.intervalMs);
  }

  /** One tick: starts a read of every shown dataset whose previous read has finished. */
  tick(): void {
    if (this.closed || this.paused) return;
    const at = Date.now();
    let late = false;
    for (const d of this.activeDatasets()) {
      if (this.datasets.get(d)!.polling) late = true;
      else void this.poll(d, at);
    }
    if (late) this.lagCount++;
  }

  private read(d: Dataset): Promise<DatasetResult<AnyRow>> {
    let p = this.reads.get(d);
    if (!p) {
      const collector = this.options.collectors[d] as { read(): Promise<DatasetResult<AnyRow>> };
      // Promise.resolve().then: a collector that throws synchronously rejects like one that rejects.
      const started = Promise.resolve().then(() => collector.read());
      p = started.finally(() => {
        if (this.reads.get(d) === p) this.reads.delete(d);
      });
      this.reads.set(d, p);
    }
    return p;
  }

  private sampleHistory(): void {
    const at = Date.now();
    if (this.closed || this.reads.has('interfaces') || !this.interfaceHistory.due(at)) return;
    // Nobody shows the interfaces: only their counters are read (where the collector can read just those).
    const counters = this.options.collectors.interfaces.readCounters;
    const shown = this.activeDatasets().includes('interfaces');
    // Shown and read by every tick at least as often as a sample is due: the tick's read records the sample (the
    // interfaces table's update), and one of the sampler's own made a second full read a second (issue 15). Unless a
    // tick's sample is late (one came too early to be due, or was skipped while a read ran long).
    if (shown && !this.paused && this.intervalMs <= SAMPLE_MS && !this.interfaceHistory.overdue(at)) return;
    const read =
      shown || !counters
        ? this.read('interfaces')
        : Promise.resolve().then(() => counters.call(this.options.collectors.interfaces));
    read.then(
      (result) => {
        if (!isResult(result)) return;
        this.interfaceHistory.record(at, result.rows as NetInterface[], result.readAt, 'sampler');
        this.recorder?.interfaces(localRows(result.rows as NetInterface[]), at);
      },
      // The history has a gap; a shown interfaces tab reports the error through its own read.
      () => {},
    );
  }

  private async poll(d: Dataset, at: number): Promise<void> {
    const ds = this.datasets.get(d)!;
    ds.polling = true;
    const started = Date.now();
    try {
      const result = await this.read(d);
      if (!isResult(result)) throw new Error(`the ${d} collector returned no rows`);
      if (this.closed) return;
      this.publish(d, result, {
        at,
        durationMs: Date.now() - started,
        lagCount: this.lagCount,
        intervalMs: this.intervalMs,
      });
    } catch (err) {
      if (this.closed) return;
      const message: ServerMessage = { type: 'collectorError', dataset: d, message: errorText(err), at: Date.now() };
      for (const c of this.clients.values()) if (c.streams.has(d)) c.send(message);
    } finally {
      ds.polling = false;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Derive, diff, deliver

  private publish(d: Dataset, result: DatasetResult<AnyRow>, tick: TickInfo): void {
    const ds = this.datasets.get(d)!;
    const diff = ds.table.update(result.rows, tick.at, result);
    // The recorder only notes the changes here; it writes them later, in its own batch.
    if (d === 'connections')
      this.recorder?.connections(
        localDiff(diff as Diff<Connection>),
        (id) => ds.table.get?.(id) as Connection | undefined,
      );
    else if (d === 'interfaces') this.recorder?.interfaces(localRows(result.rows as NetInterface[]), tick.at);
    ds.loaded = true;
    ds.diagnostics = result.diagnostics ?? emptyDiagnostics();
    ds.tick = tick;
    let rows: AnyRow[] | null = null;
    // Quiet diffs are told apart only of the datasets that may wait, and while some client asked (the page does).
    const sameDiagnostics = holdable(d) && this.quietAsked() && this.quietTicks.sameDiagnostics(d, ds.diagnostics);
    let quiet: boolean | null = null;
    for (const c of this.clients.values()) {
      const stream = c.streams.get(d);
      if (!stream) continue;
      if (stream.awaitingSnapshot) {
        stream.snapshot((rows ??= ds.table.rows()), ds.diagnostics, tick);
        continue;
      }
      if (c.visibility?.quiet !== true) {
        stream.diff(diff, ds.diagnostics, tick);
        continue;
      }
      quiet ??= sameDiagnostics && this.quietTicks.quiet(d, diff, (id) => ds.table.get?.(id));
      if (quiet && c.loudAt !== tick.at) {
        stream.diff(diff, ds.diagnostics, tick, true);
        continue;
      }
      // News for this client: what its tick held back as quiet goes with it.
      stream.diff(diff, ds.diagnostics, tick);
      c.loudAt = tick.at;
      for (const other of c.streams.values()) if (other !== stream) other.release(tick.at);
    }
  }

  /** Some client asked to be sent quiet diffs only now and then. */
  private quietAsked(): boolean {
    for (const c of this.clients.values()) if (c.visibility?.quiet === true) return true;
    return false;
  }
}

/** A dataset whose diffs wait for the client to show it: recording keeps connections and interfaces read on every
 *  tab, and a page on Routes applied and acked them every tick for a tab nobody looked at (issue 15, the
 *  renderer at rest). A client that never said what it shows is sent everything. */
function withheld(c: ClientState, d: Dataset): boolean {
  return c.visibility !== null && (c.visibility.hidden || !c.visibility.visible.has(d));
}

function shows(c: ClientState, d: Dataset): boolean {
  return c.streams.has(d) && !withheld(c, d);
}

/** The monitor on the caller's own thread: for tests, benchmarks and the worker itself. */
export function createInThreadMonitor(options: MonitorCoreOptions): Monitor & { core: MonitorCore } {
  const core = new MonitorCore(options);
  let nextId = 0;
  return {
    core,
    attach(send, transport) {
      const id = ++nextId;
      core.attach(id, send, transport);
      return { handle: (message) => core.handle(id, message), detach: () => core.detach(id) };
    },
    history: async (iface, of) => core.history(iface, of),
    record: (method, params) => core.recordRequest(method, params),
    close: async () => core.close(),
  };
}
