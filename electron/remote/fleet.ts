// The remote hosts the app shows beside this machine (added by the user, through the `addRemoteHost` request):
// one RemoteHost (host.ts) each, and collectors that add their rows to this machine's, so the monitor reads,
// diffs and streams them like local data. A remote row carries `host` and an id prefixed with it.
// - A host's read never holds up this machine's: a host that is not connected answers at once, from what it
//   sent last (its rows as of its last frame, which the client greys as stale) or with nothing yet.
// - Per-process traffic and names stay this machine's (remoteCollectors says why for a host alone).
import { emptyDiagnostics, mergeDiagnostics, type DatasetResult, type RowTypes } from '../../shared/types.js';
import { remoteRowId, type RemoteHostInfo } from '../../shared/remote.js';
import type { Collector, Collectors } from '../collectors/collector.js';
import { RemoteHost } from './host.js';

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
  onChange?: (hosts: RemoteHostInfo[]) => void;
}

interface Member {
  host: RemoteHost;
  /** Each dataset's last rows from this host, tagged, for when it stops answering. */
  last: Map<RemoteDataset, DatasetResult<unknown>>;
}

function clock(ms: number): string {
  return new Date(ms).toTimeString().slice(0, 8);
}

export class RemoteFleet {
  private readonly members = new Map<string, Member>();

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
      onStatus: () => this.options.onChange?.(this.list()),
    });
    this.members.set(destination, { host, last: new Map() });
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
    for (const d of REMOTE_DATASETS) {
      const own = local[d] as Collector<unknown>;
      const wrapped: Collector<unknown> = {
        read: async () => {
          const [mine, ...theirs] = await Promise.all([
            own.read(),
            ...[...this.members].map(([dest, m]) => this.readHost(dest, m, d)),
          ]);
          if (theirs.length === 0) return mine!;
          const rows = [...mine!.rows];
          const diagnostics = structuredClone(mine!.diagnostics);
          for (const r of theirs) {
            for (const row of r.rows) rows.push(row);
            mergeDiagnostics(diagnostics, r.diagnostics);
          }
          return { ...mine!, rows, diagnostics };
        },
      };
      // What else the collector underneath does (traffic extras, notices, disposal) stays its own.
      if (own.setExtras) wrapped.setExtras = (extras) => own.setExtras!(extras);
      if (own.setNoticeSink) wrapped.setNoticeSink = (sink) => own.setNoticeSink!(sink);
      if (own.dispose) wrapped.dispose = () => own.dispose!();
      (out as Record<RemoteDataset, Collector<unknown>>)[d] = wrapped;
    }
    return out;
  }

  private async readHost(dest: string, m: Member, d: RemoteDataset): Promise<DatasetResult<unknown>> {
    const status = m.host.status;
    if (status.state === 'connected') {
      try {
        const result = (await m.host.read(d)) as DatasetResult<RowTypes[RemoteDataset]>;
        for (const row of result.rows) {
          row.id = remoteRowId(dest, row.id);
          row.host = dest;
        }
        m.last.set(d, result);
        return result;
      } catch {
        // Dropped meanwhile: the stale rows below, like any host that is not connected.
      }
    }
    const last = m.last.get(d);
    const s = m.host.status;
    const why =
      s.state === 'connecting' && s.lastFrameAt === null
        ? `${dest}: connecting`
        : `${dest}: ${s.state}${s.reason ? ` (${s.reason})` : ''}` +
          (s.lastFrameAt === null ? '' : `; its rows are as of ${clock(s.lastFrameAt)}`);
    return {
      rows: last?.rows ?? [],
      diagnostics: { ...emptyDiagnostics(), notes: [why] },
    };
  }
}
