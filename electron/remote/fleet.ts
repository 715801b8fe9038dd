// The remote hosts the app shows beside this machine (added by the user, through the `addRemoteHost` request):
// one RemoteHost (host.ts) each, and collectors that add their rows to this machine's, so the monitor reads,
// diffs and streams them like local data. A remote row carries `host` and an id prefixed with it.
// - A host's read never holds up this machine's: a host that is not connected answers at once, from what it
//   sent last (its rows as of its last frame, which the client greys as stale) or with nothing yet.
// - Connections carry their traffic while a client shows it, as this machine's do (the extras go to every host);
//   the Processes tab stays this machine's (`--host` reads a host's per-process totals alone); names (services,
//   places, host names if resolving is on) describe the remote hosts' connections too, looked up from here.
// - Each host's rows say which of its frames they are and when the host read them (DatasetResult.readAt): its
//   frames come at their own pace, so the monitor measures their rates between frames, not between its ticks.
import {
  emptyDiagnostics,
  mergeDiagnostics,
  type CollectExtra,
  type Connection,
  type DatasetResult,
  type ReadingTime,
  type RowTypes,
} from '../../shared/types.js';
import { remoteRowId, type RemoteHostInfo } from '../../shared/remote.js';
import type { Collector, Collectors } from '../collectors/collector.js';
import type { NamesCollector } from '../collectors/names/index.js';
import { formatClock } from '../../shared/format.js';
import { errorText } from '../../shared/error-text.js';
import { remoteRows } from './datasets.js';
import { RemoteConnectionsCollector, RemoteHost } from './host.js';

/** The datasets a remote host gives rows for. */
const REMOTE_DATASETS = ['connections', 'routes', 'interfaces', 'statistics', 'multicast'] as const;
type RemoteDataset = (typeof REMOTE_DATASETS)[number];

/** At most this many remote hosts at once (bench:remote measures 20 on two cores). */
export const MAX_REMOTE_HOSTS = 20;

export interface RemoteFleetOptions {
  /** `ssh -F FILE` for every host (`netlens web --ssh-config`, tests). */
  sshConfig?: string;
  /** The interval the hosts' loops print at. */
  intervalMs: number;
  /** The ssh program (tests may wrap it). */
  ssh?: string;
  /** The prefix of its hosts' ControlMaster folders (a monitor worker's own: control-dirs.ts). */
  controlPrefix?: string;
  onChange?: (hosts: RemoteHostInfo[]) => void;
}

interface Member {
  host: RemoteHost;
  /** Its connections, with traffic while some client shows it (the fleet's extras). */
  connections: RemoteConnectionsCollector;
}

export class RemoteFleet {
  private readonly members = new Map<string, Member>();
  /** The extras the monitor asked of the connections collector, for every host's connections too. */
  private extras: readonly CollectExtra[] = [];

  constructor(private readonly options: RemoteFleetOptions) {}

  list(): RemoteHostInfo[] {
    return [...this.members].map(([destination, m]) => ({ destination, ...m.host.status }));
  }

  /** The ssh argv that reaches a host through its own connection (its ControlMaster), for kill and close
   *  there (electron/actions/remote.ts). Only a connected host: an action never opens a new connection. */
  route(destination: string): string[] {
    const m = this.members.get(destination);
    if (!m) throw new Error(`${destination} is not one of the hosts shown`);
    const s = m.host.status;
    if (s.state !== 'connected')
      throw new Error(`${destination} is ${s.state}${s.reason ? ` (${s.reason})` : ''}: nothing was done`);
    return [...m.host.sshArgs(), '--', destination];
  }

  add(destination: string): RemoteHostInfo[] {
    if (this.members.has(destination)) return this.list();
    if (this.members.size >= MAX_REMOTE_HOSTS) throw new Error(`at most ${MAX_REMOTE_HOSTS} remote hosts`);
    const host = new RemoteHost({
      destination,
      sshConfig: this.options.sshConfig,
      intervalMs: this.options.intervalMs,
      ssh: this.options.ssh,
      ...(this.options.controlPrefix ? { controlPrefix: this.options.controlPrefix } : {}),
      onStatus: () => this.options.onChange?.(this.list()),
    });
    const connections = new RemoteConnectionsCollector(host);
    connections.setExtras(this.extras);
    this.members.set(destination, { host, connections });
    return this.list();
  }

  async remove(destination: string): Promise<RemoteHostInfo[]> {
    const m = this.members.get(destination);
    if (m) {
      this.members.delete(destination);
      await m.host.close();
    }
    return this.list();
  }

  async close(): Promise<void> {
    const all = [...this.members.values()];
    this.members.clear();
    await Promise.all(all.map((m) => m.host.close()));
  }

  /** This machine's collectors with every remote host's rows added. */
  wrap(local: Collectors): Collectors {
    const out = { ...local } as Collectors;
    // The names dataset describes the connections of the read in flight (collectors/names): with remote
    // hosts, that is this read, so their addresses get services, places and host names too.
    const names = local.names as Partial<Pick<NamesCollector, 'follow'>>;
    for (const d of REMOTE_DATASETS) {
      const own = local[d] as Collector<unknown>;
      const combined = async (): Promise<DatasetResult<unknown>> => {
        const [mine, ...theirs] = await Promise.all([
          own.read(),
          // One host's rows that cannot be read are that host's error, not the table's: this machine's rows and the
          // other hosts' are shown (a remote's 10-million-character process name once failed the whole table).
          ...[...this.members].map(([dest, m]) =>
            this.readHost(dest, m, d).catch(
              (err: unknown): DatasetResult<unknown> => ({
                rows: [],
                diagnostics: {
                  ...emptyDiagnostics(),
                  notes: [`${dest}: its ${d} could not be read: ${errorText(err)}`],
                },
              }),
            ),
          ),
        ]);
        if (theirs.length === 0) return mine!;
        const rows = [...mine!.rows];
        const diagnostics = structuredClone(mine!.diagnostics);
        // This machine's rows are read at the tick; each host's at its frame's time, from where its rows begin.
        const readAt: ReadingTime[] = [];
        for (const r of theirs) {
          for (const t of r.readAt ?? []) readAt.push({ ...t, from: t.from + rows.length });
          for (const row of r.rows) rows.push(row);
          mergeDiagnostics(diagnostics, r.diagnostics);
        }
        return { ...mine!, rows, diagnostics, readAt };
      };
      const wrapped: Collector<unknown> = {
        read: () => {
          const read = combined();
          if (d === 'connections' && this.members.size > 0 && typeof names.follow === 'function')
            names.follow(read as Promise<DatasetResult<Connection>>);
          return read;
        },
      };
      // What else the collector underneath does (traffic extras, notices, disposal) stays its own.
      if (d === 'connections')
        wrapped.setExtras = (extras) => {
          this.extras = extras;
          for (const m of this.members.values()) m.connections.setExtras(extras);
          own.setExtras?.(extras);
        };
      else if (own.setExtras) wrapped.setExtras = (extras) => own.setExtras!(extras);
      // The cheaper read serves only this machine: with remote hosts, their rows come from the whole read.
      if (own.readCounters)
        wrapped.readCounters = () => (this.members.size === 0 ? own.readCounters!() : wrapped.read());
      if (own.setNoticeSink) wrapped.setNoticeSink = (sink) => own.setNoticeSink!(sink);
      if (own.dispose) wrapped.dispose = () => own.dispose!();
      (out as Record<RemoteDataset, Collector<unknown>>)[d] = wrapped;
    }
    return out;
  }

  private async readHost(dest: string, m: Member, d: RemoteDataset): Promise<DatasetResult<unknown>> {
    const tag = (result: DatasetResult<RowTypes[RemoteDataset]>) => {
      for (const row of result.rows) {
        row.id = remoteRowId(dest, row.id);
        row.host = dest;
      }
      return result;
    };
    if (m.host.status.state === 'connected') {
      try {
        const read = d === 'connections' ? m.connections.read() : m.host.read(d);
        return tag((await read) as DatasetResult<RowTypes[RemoteDataset]>);
      } catch {
        // Dropped meanwhile: its last frame below, like any host that is not connected.
      }
    }
    // Not connected: the rows of its last frame (the client greys them, with their time), or none yet.
    const s = m.host.status;
    const last = m.host.lastReading;
    const why =
      last === null
        ? `${dest}: ${s.state === 'connecting' ? 'connecting' : `${s.state}${s.reason ? ` (${s.reason})` : ''}`}`
        : `${dest}: ${s.state}${s.reason ? ` (${s.reason})` : ''}; its rows are as of ${formatClock(s.lastFrameAt)}`;
    const diagnostics = { ...emptyDiagnostics(), notes: [why] };
    if (last === null) return { rows: [], diagnostics };
    // Its rows keep the time of that frame: their rates stay those it gave (greyed with the rest).
    const { rows, readAt } = tag(
      (d === 'connections' ? m.connections.rowsOf(last) : remoteRows(d, last)) as DatasetResult<
        RowTypes[RemoteDataset]
      >,
    );
    return { rows, diagnostics, ...(readAt ? { readAt } : {}) };
  }
}
