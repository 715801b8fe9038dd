// The listeners Exposure shows, followed through the live tables' changes (issue 15, the renderer at rest): at rest
// a tick changes the counters of established sockets (the page's own WebSocket) and of interfaces, which Exposure
// does not show. It went through every row (exposure()) and rendered again at each tick; the follower keeps the
// listeners by id from each version's changes and hands back the same list until a listener opens, closes or
// changes what Exposure shows of it, or an interface's addresses change.
import { exposure, isExposedListener, type Exposed } from '../../../shared/exposure.js';
import type { Connection, NetInterface } from '../../../shared/types.js';
import { missedChanges } from '../../store/live-rows.js';
import type { DatasetState } from '../../store/tables.js';

/** What Exposure shows of a listener (its address, process, user, since when), as one string. */
export function shownKey(r: Connection): string {
  const p = r.processes;
  return JSON.stringify([
    r.proto,
    r.family,
    r.localAddress,
    r.localPort,
    r.ownerStatus,
    p.map((x) => [x.pid, x.name, x.user]),
    r.user,
    r.uid,
    r.firstSeen,
  ]);
}

/** Which interface holds which address: all of the interfaces Exposure shows. */
function addressesKey(rows: Map<string, NetInterface>): string {
  const out: string[] = [];
  for (const i of rows.values()) for (const a of i.addresses) out.push(`${i.name} ${a.address}`);
  return out.join('\n');
}

export class ExposureFollower {
  private seen: { rows: unknown; version: number } | null = null;
  private readonly listeners = new Map<string, { row: Connection; key: string }>();
  private seenInterfaces: { rows: unknown; version: number } | null = null;
  private addresses = '';
  private list: Exposed[] = [];

  /** The listeners as Exposure lists them: the previous array itself while nothing it shows changed. */
  select(connections: DatasetState<Connection>, interfaces: DatasetState<NetInterface>): Exposed[] {
    let changed = this.followConnections(connections);
    const i = this.seenInterfaces;
    if (i === null || i.rows !== interfaces.rows || i.version !== interfaces.version) {
      this.seenInterfaces = { rows: interfaces.rows, version: interfaces.version };
      const key = addressesKey(interfaces.rows);
      if (i === null || key !== this.addresses) changed = true;
      this.addresses = key;
    }
    if (changed) {
      this.list = exposure(
        [...this.listeners.values()].map((l) => l.row),
        interfaces.rows.values(),
      );
    }
    return this.list;
  }

  /** Brings the listeners up to the table's version; whether any opened, closed or shows otherwise. */
  private followConnections(ds: DatasetState<Connection>): boolean {
    const last = this.seen;
    this.seen = { rows: ds.rows, version: ds.version };
    if (last !== null && last.rows === ds.rows && last.version === ds.version) return false;
    const missed = last !== null && last.rows === ds.rows ? missedChanges(ds, last.version) : null;
    if (missed === null) {
      // A new table (a snapshot), or changes no longer kept: every row again.
      this.listeners.clear();
      for (const r of ds.rows.values())
        if (isExposedListener(r)) this.listeners.set(r.id, { row: r, key: shownKey(r) });
      return true;
    }
    let changed = false;
    for (const { change } of missed) {
      for (const r of change.upserts) {
        if (!isExposedListener(r)) {
          if (this.listeners.delete(r.id)) changed = true;
          continue;
        }
        const key = shownKey(r);
        const had = this.listeners.get(r.id);
        if (had?.key !== key) {
          this.listeners.set(r.id, { row: r, key });
          changed = true;
        }
      }
      for (const id of change.removed) if (this.listeners.delete(id)) changed = true;
    }
    return changed;
  }
}
