// The names and places of a set of connections, as `names` entries (shared/types.ts NameEntry): a service
// entry for each port with a service name, an address entry for each remote address. Entries that did not
// change keep their object, so the monitor's diff of the names table costs an identity check per entry.
import { hasRemoteAddress, serviceProto } from '../../../shared/names.js';
import {
  emptyDiagnostics,
  mergeDiagnostics,
  type Connection,
  type Diagnostics,
  type NameEntry,
} from '../../../shared/types.js';
import { Places } from './places.js';
import { loadServices, type ServiceTable } from './services.js';

/** Where host names come from (the reverse DNS resolver); absent, every host is null. */
export interface HostSource {
  /** The name known for an address now, or null; asks for it in the background when it is not known. */
  host(address: string): string | null;
  diagnostics?(): Diagnostics;
}

/** What a connection's names come from: all the names dataset needs of a row. */
export type NamedEndpoints = Pick<Connection, 'proto' | 'localPort' | 'remoteAddress' | 'remotePort'>;

export interface NameBookOptions {
  services?: () => ServiceTable;
  places?: Places;
  hosts?: HostSource | null;
}

export class NameBook {
  private services: ServiceTable | null = null;
  private readonly loadServices: () => ServiceTable;
  readonly places: Places;
  hosts: HostSource | null;
  private entries = new Map<string, NameEntry>();
  /** Per protocol and port, the update that last looked at it: each port is looked up once per update. */
  private readonly portStamps = { tcp: new Uint32Array(65536), udp: new Uint32Array(65536) };
  private stamp = 0;

  constructor(options: NameBookOptions = {}) {
    this.loadServices = options.services ?? (() => loadServices());
    this.places = options.places ?? new Places();
    this.hosts = options.hosts ?? null;
  }

  /** The service table, read on first use. */
  serviceTable(): ServiceTable {
    return (this.services ??= this.loadServices());
  }

  /** The entries these connections refer to; the previous call's objects are reused where unchanged. */
  update(rows: readonly NamedEndpoints[]): NameEntry[] {
    const services = this.serviceTable();
    const previous = this.entries;
    const next = new Map<string, NameEntry>();
    const stamp = (this.stamp = (this.stamp + 1) >>> 0 || 1);
    const addService = (proto: 'tcp' | 'udp', port: number) => {
      const stamps = this.portStamps[proto];
      if (stamps[port] === stamp || port <= 0 || port > 65535) return;
      stamps[port] = stamp;
      const name = services[proto].get(port);
      if (name === undefined) return;
      const id = `${proto}/${port}`;
      next.set(id, previous.get(id) ?? { id, service: name, host: null, country: null, asn: null, asOrg: null });
    };
    for (const r of rows) {
      const proto = serviceProto(r.proto);
      if (proto === null) continue;
      addService(proto, r.localPort);
      const id = r.remoteAddress;
      if (next.has(id)) {
        addService(proto, r.remotePort);
        continue;
      }
      if (!hasRemoteAddress(r)) continue;
      addService(proto, r.remotePort);
      const place = this.places.lookup(id);
      const host = this.hosts?.host(id) ?? null;
      const old = previous.get(id);
      next.set(
        id,
        old && old.host === host && old.country === place.country && old.asn === place.asn && old.asOrg === place.asOrg
          ? old
          : { id, service: null, host, country: place.country, asn: place.asn, asOrg: place.asOrg },
      );
    }
    this.entries = next;
    return [...next.values()];
  }

  /** What could not be read (the services file, a places database) and where names come from. */
  diagnostics(): Diagnostics {
    const d = emptyDiagnostics();
    if (this.services) mergeDiagnostics(d, structuredClone(this.services.diagnostics));
    for (const p of this.places.problems) d.missing.push({ source: 'places', reason: p });
    if (this.hosts?.diagnostics) mergeDiagnostics(d, this.hosts.diagnostics());
    return d;
  }

  /** A lookup over the last update's entries (the CLI and captures use it as the renderer uses the dataset). */
  lookup(): ReadonlyMap<string, NameEntry> {
    return this.entries;
  }
}
