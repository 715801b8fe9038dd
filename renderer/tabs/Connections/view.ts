// What the Connections grid shows, as plain functions: the row filter made of the toggles, the process
// chosen in the side list and the query; the processes behind some rows (what Kill acts on); and the count
// of sockets whose owner needs privileges.
import type { ParsedFilter } from '../../../shared/filter.js';
import type { Connection, ProcessInfo } from '../../../shared/types.js';
import type { Aggregate } from '../../store/live-rows.js';
import { matchesProcess } from './ProcessList.js';

/** A half-typed or invalid query (`port:`) keeps the last valid filter: the view does not flash to every row
 *  while a term is being typed. */
export function effectiveFilter(parsed: ParsedFilter, lastValid: ParsedFilter): ParsedFilter {
  return parsed.ok ? parsed : lastValid;
}

/** One predicate for the whole filter: the toggles, then the process (a name in the side list), then the query. */
export function connectionPredicate(
  byToggles: (r: Connection) => boolean,
  processFilter: string | null,
  filter: ParsedFilter,
): (r: Connection) => boolean {
  const q = filter.ok && filter.terms > 0 ? filter.predicate : null;
  return (r) => byToggles(r) && (processFilter === null || matchesProcess(r, processFilter)) && (q === null || q(r));
}

/** The distinct live processes behind some rows (one entry per PID), only those named `name` if given (a
 *  socket may be shared with a parent of another name). */
export function processesOf(rows: Iterable<Connection>, name?: string): ProcessInfo[] {
  const byPid = new Map<number, ProcessInfo>();
  for (const r of rows) {
    if (r.closedAt || r.ownerStatus !== 'known') continue;
    for (const p of r.processes) if ((name === undefined || p.name === name) && !byPid.has(p.pid)) byPid.set(p.pid, p);
  }
  return [...byPid.values()];
}

/** Open sockets whose owner this user may not see, among those `include` lets through. */
export function countDenied(include: (r: Connection) => boolean): Aggregate<Connection, number> {
  let n = 0;
  const counts = (r: Connection) => r.ownerStatus === 'denied' && !r.closedAt && include(r);
  return {
    add: (r) => void (counts(r) && n++),
    remove: (r) => void (counts(r) && n--),
    result: () => n,
  };
}
