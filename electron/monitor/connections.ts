// What the monitor adds to connections: when each was first seen and last changed, and closed rows that
// linger a few seconds (marked closedAt) so the UI can show them leaving, as TCPView shows them in red.
import type { Diff } from '../../shared/protocol.js';
import type { Connection } from '../../shared/types.js';

export const CLOSED_LINGER_MS = 5000;

const DERIVED_FIELDS = new Set(['id', 'firstSeen', 'lastChanged', 'closedAt']);

/**
 * The next table from a fresh read. Rows still present carry their firstSeen and lastChanged over (the diff
 * then tells which really changed: see stampChanged); a row that reappears after closing counts as new.
 * Vanished rows stay, closed, until `lingerMs` after they closed.
 */
export function nextConnections(
  prev: ReadonlyMap<string, Connection> | null,
  rows: readonly Connection[],
  now: number,
  lingerMs = CLOSED_LINGER_MS,
): Map<string, Connection> {
  const next = new Map<string, Connection>();
  for (const row of rows) {
    const before = prev?.get(row.id);
    const known = before !== undefined && before.closedAt == null && before.firstSeen !== undefined;
    const firstSeen = known ? before.firstSeen! : now;
    const lastChanged = known ? (before.lastChanged ?? firstSeen) : now;
    next.set(row.id, withLifecycle(row, firstSeen, lastChanged));
  }
  if (prev) {
    for (const [id, before] of prev) {
      if (next.has(id)) continue;
      if (before.closedAt == null) next.set(id, { ...before, closedAt: now });
      else if (now - before.closedAt < lingerMs) next.set(id, before);
    }
  }
  return next;
}

/**
 * The row with its lifecycle fields, built as one literal: every row then has the same shape with all fields
 * stored inline, which makes the per-tick diff of a large table about twice as fast as adding the fields to
 * the collector's objects afterwards.
 */
function withLifecycle(r: Connection, firstSeen: number, lastChanged: number): Connection {
  const row: Connection = {
    id: r.id, proto: r.proto, family: r.family,
    localAddress: r.localAddress, localPort: r.localPort, remoteAddress: r.remoteAddress, remotePort: r.remotePort,
    state: r.state, recvQ: r.recvQ, sendQ: r.sendQ, uid: r.uid, user: r.user, inode: r.inode,
    processes: r.processes, ownerStatus: r.ownerStatus,
    firstSeen, lastChanged, closedAt: null,
  };
  // Unix sockets only: inet rows keep the smaller shape.
  if (r.path !== undefined) row.path = r.path;
  if (r.socketType !== undefined) row.socketType = r.socketType;
  return row;
}

/** A connection whose own fields changed (state, queues, owner...) gets lastChanged = now, in the table and
 *  in the patch that carries the change. */
export function stampChanged(diff: Diff<Connection>, table: ReadonlyMap<string, Connection>, now: number): void {
  for (const patch of diff.changed) {
    let own = false;
    for (const k in patch) {
      if (!DERIVED_FIELDS.has(k)) {
        own = true;
        break;
      }
    }
    if (!own) continue;
    const row = table.get(patch.id);
    if (row) row.lastChanged = now;
    patch.lastChanged = now;
  }
}
