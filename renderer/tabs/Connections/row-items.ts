// The items a connection's row menu opens with, wherever a connection is a row: the Connections tab (which adds
// Close and Kill after them) and the History tab's recorded connections. Filter to its process or its remote
// address, copy it whole or one of its ends.
import { spreadsheetCell } from '../../../shared/export.js';
import { withTerm } from '../../../shared/filter.js';
import { hasRemoteAddress, type NameLookup } from '../../../shared/names.js';
import type { Connection } from '../../../shared/types.js';
import { copyText } from '../../components/clipboard.js';
import type { MenuItem } from '../../components/Menu.js';
import { endpointText, type HostDisplay, remoteHostText } from './columns.js';

export interface RowItemActions {
  /** Narrows the view to the process of this name (the side list's filter, or a `proc:` term). */
  filterProcess: (name: string) => void;
  /** Changes the view's filter text (Filter to remote address adds its `raddr:` term). */
  setQuery: (update: (query: string) => string) => void;
  /** Copies the row (or the selection it is in) as the grid's Copy does. */
  copy: () => void;
  names: NameLookup;
  /** How the view shows host names (Foreign Address): the filter item says the name beside the address. */
  display: HostDisplay;
}

export function connectionRowItems(row: Connection, a: RowItemActions): MenuItem[] {
  const owner = row.processes[0];
  const hasRemote = hasRemoteAddress(row);
  // The name Foreign Address shows for it, said beside the address the filter takes.
  const remoteHost = hasRemote ? remoteHostText(a.names, row, a.display) : null;
  return [
    {
      id: 'filter-process',
      label: owner ? `Filter to ${owner.name}` : 'Filter to this process',
      names: owner ? [owner.name] : [],
      disabled: !owner,
      reason: owner ? undefined : 'no known process',
      onSelect: () => owner && a.filterProcess(owner.name),
    },
    {
      id: 'filter-remote',
      // Which end, as Copy local/remote address say: on a loopback row both ends are 127.0.0.1, and Foreign Address
      // shows "localhost" ("Filter to 127.0.0.1" said neither: a new user's review of 12-07).
      label: hasRemote
        ? `Filter to remote address ${row.remoteAddress}${remoteHost === null ? '' : ` (${remoteHost})`}`
        : 'Filter to remote address',
      names: remoteHost === null ? [] : [remoteHost],
      disabled: !hasRemote,
      reason: hasRemote ? undefined : 'no remote address',
      onSelect: () => a.setQuery((q) => withTerm(q, 'raddr', row.remoteAddress)),
    },
    { id: 'copy-row', label: 'Copy row', separatorBefore: true, onSelect: a.copy },
    {
      id: 'copy-local',
      label: 'Copy local address',
      // An unnamed unix socket has none (its cell shows its inode instead): nothing to copy.
      disabled: row.proto === 'unix' && !row.path,
      reason: row.proto === 'unix' && !row.path ? 'an unnamed unix socket has no address' : undefined,
      // As Copy row writes a cell: a path's control and bidi characters as escapes, a formula guarded (an attacker's
      // review of 12-06: a socket named `=cmd|…` with a line break and an escape reached the clipboard raw).
      onSelect: () =>
        void copyText(
          spreadsheetCell(
            row.proto === 'unix' ? (row.path ?? '') : endpointText(row.localAddress, row.localPort, row.proto),
          ),
          'the local address',
        ),
    },
    {
      id: 'copy-remote',
      label: 'Copy remote address',
      disabled: !hasRemote,
      reason: hasRemote ? undefined : 'no remote address',
      onSelect: () =>
        void copyText(
          spreadsheetCell(endpointText(row.remoteAddress, row.remotePort, row.proto)),
          'the remote address',
        ),
    },
  ];
}
