// What a grid adds when rows of several hosts may be on screen (store/hosts.ts): a Host column, and rows of a
// host that stopped answering greyed, their Host cell saying since when they are stale.
import { useMemo } from 'react';
import { rowHost, type RemoteHostInfo } from '../../shared/remote.js';
import type { GridColumn } from '../store/grid-model.js';
import { showsHostColumn, staleSince, staleText, useHosts } from '../store/hosts.js';

export const THIS_MACHINE = 'this machine';

function hostColumn<Row>(byName: Map<string, RemoteHostInfo>): GridColumn<Row> {
  const text = (row: Row) => {
    const host = rowHost(row);
    if (host === undefined) return THIS_MACHINE;
    const since = staleSince(byName.get(host));
    return since === null ? host : `${host} (${staleText(since)})`;
  };
  return {
    id: 'host',
    header: 'Host',
    description: 'The machine the row is from: this one, or a remote host read over ssh',
    width: 140,
    sortValue: (row) => rowHost(row) ?? '',
    text,
  };
}

/** The grid's columns with the Host column first when it is shown (rows of several hosts may be on screen,
 *  and this grid's rows say whose they are: a process list that sums them by name does not), and the class of
 *  a stale row. */
export function useHostGrid<Row>(
  columns: GridColumn<Row>[],
  /** The grid's rows, read only when the Host column may show. */
  rows: () => readonly Row[],
): {
  columns: GridColumn<Row>[];
  staleClass: (row: Row) => string;
} {
  const hosts = useHosts((s) => s.hosts);
  const selection = useHosts((s) => s.selection);
  const tagged = showsHostColumn(selection, hosts) && rows().some((r) => rowHost(r) !== undefined);
  return useMemo(() => {
    const byName = new Map(hosts.map((h) => [h.destination, h]));
    const staleClass = (row: Row) => {
      const host = rowHost(row);
      return host !== undefined && staleSince(byName.get(host)) !== null ? 'stale' : '';
    };
    return {
      columns: tagged ? [hostColumn<Row>(byName), ...columns] : columns,
      staleClass,
    };
  }, [hosts, tagged, columns]);
}
