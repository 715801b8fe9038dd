// The `names` dataset: service names, places and host names of what the connections collector reads.
// It is not read from the OS on its own: it follows the connections collector (withNames wraps its read),
// and each read of names describes the connections of the read in flight, or of the last one.
import { parseDnsServer, serviceProto, type DnsServer } from '../../../shared/names.js';
import type { Connection, DatasetResult, NameEntry } from '../../../shared/types.js';
import type { Collector, Collectors } from '../collector.js';
import { NameBook, type NamedEndpoints } from './book.js';
import type { Place } from './places.js';
import { HostResolver, type ResolverOptions } from './resolver.js';

/**
 * What the names of the next reads need of a read: the endpoints of its TCP and UDP rows, kept instead of the
 * rows (each a few hundred bytes: at 20,000 sockets 8 MB of the worker's heap until the next read). A read
 * whose collector keeps its rows (keptRows: Linux keeps its TCP and unix rows until its next read, and never
 * changes a row once given) is kept as it is: the endpoints would copy what the collector holds anyway, 20,000
 * objects a read, to save only its other rows (UDP, raw), which are built afresh and few.
 */
function endpointsOf(read: DatasetResult<Connection>): readonly NamedEndpoints[] {
  const rows = read.rows;
  if (read.keptRows === true) return rows;
  const out: NamedEndpoints[] = [];
  for (const r of rows)
    if (serviceProto(r.proto) !== null)
      out.push({ proto: r.proto, localPort: r.localPort, remoteAddress: r.remoteAddress, remotePort: r.remotePort });
  return out;
}

export class NamesCollector implements Collector<NameEntry> {
  private rows: readonly NamedEndpoints[] = [];
  private pending: Promise<void> | null = null;

  /** The server named when the process started (--dns-server), asked when a client names none. */

  constructor(readonly book: NameBook = new NameBook()) {}

  /** The client's choice (resolve or not, which server): applies to the host resolver, if there is one. A
   *  null server means the one the process started with. */
  configure(settings: { resolve: boolean; dnsServer: string | null }): void {
    const hosts = this.book.hosts;
    if (!(hosts instanceof HostResolver)) return;
    hosts.configure({
      enabled: settings.resolve,
      server: settings.dnsServer === null ? this.defaultServer : parseDnsServer(settings.dnsServer),
    });
  }

  private defaultServer: DnsServer | null = null;

  /** Names with reverse DNS, off until a client turns it on (configure), asking `server` if given. */
  static withResolver(options: ResolverOptions = {}): NamesCollector {
    const names = new NamesCollector(new NameBook({ hosts: new HostResolver(options) }));
    names.defaultServer = options.server ?? null;
    return names;
  }

  /** A connections read has started: the next names read waits for it and describes its rows. */
  follow(read: Promise<DatasetResult<Connection>>): void {
    const p: Promise<void> = read
      .then(
        (r) => {
          this.rows = endpointsOf(r);
        },
        // The connections dataset reports its own failure; names keep describing the last good read.
        () => {},
      )
      .finally(() => {
        if (this.pending === p) this.pending = null;
      });
    this.pending = p;
  }

  /** The country and AS of an address, as this dataset's entries have them (the recorder's alerts ask). */
  place(address: string): Place {
    return this.book.places.lookup(address);
  }

  async read(): Promise<DatasetResult<NameEntry>> {
    if (this.pending) await this.pending;
    const rows = this.book.update(this.rows);
    return { rows, diagnostics: this.book.diagnostics() };
  }

  dispose(): void {
    this.rows = [];
  }
}

export type OsCollectors = Omit<Collectors, 'names'>;

/** Adds the names dataset to an OS's collectors, following their connections collector. */
export function withNames(os: OsCollectors, names: NamesCollector = new NamesCollector()): Collectors {
  const connections = os.connections;
  return {
    ...os,
    connections: {
      read() {
        const read = connections.read();
        names.follow(read);
        return read;
      },
      dispose: () => connections.dispose?.(),
      // Traffic extras and notices belong to the collector underneath.
      setExtras: (extras) => connections.setExtras?.(extras),
      setNoticeSink: (sink) => connections.setNoticeSink?.(sink),
    },
    names,
  };
}
