// The remote hosts shown beside this machine (added by the user as ssh destinations; the Node side keeps them
// and reads them, electron/remote/fleet.ts) and which hosts the tabs show. Their states are asked for every
// few seconds while there are any, so a host that stops answering is shown as such within seconds, its rows
// greyed with the time they are from: never silently old.
import { create } from 'zustand';
import { formatClock } from '../../shared/format.js';
import { checkDestination, hostShown, rowHost, type HostSelection, type RemoteHostInfo } from '../../shared/remote.js';
import type { NetlensClient } from '../api/client.js';

interface HostsStore {
  hosts: RemoteHostInfo[];
  selection: HostSelection;
  /** The last request's failure, shown beside the selector. */
  error: string | null;
  /** The Add host dialog is open. */
  adding: boolean;
  openAdd(): void;
  closeAdd(): void;
  refresh(client: NetlensClient): Promise<void>;
  /** Adds the host (the selection stays: the Add dialog selects it once it has connected). */
  add(client: NetlensClient, destination: string): Promise<boolean>;
  remove(client: NetlensClient, destination: string): Promise<void>;
  select(selection: HostSelection): void;
}

export const ALL_HOSTS: HostSelection = { kind: 'all' };

export const useHosts = create<HostsStore>((set, get) => {
  const apply = (hosts: RemoteHostInfo[]) => {
    const sel = get().selection;
    // A removed host's selection falls back to all hosts.
    const gone = sel.kind === 'remote' && !hosts.some((h) => h.destination === sel.destination);
    set({ hosts, error: null, ...(gone ? { selection: ALL_HOSTS } : {}) });
  };
  const fail = (err: unknown) => set({ error: err instanceof Error ? err.message : String(err) });
  return {
    hosts: [],
    selection: ALL_HOSTS,
    error: null,
    adding: false,
    openAdd: () => set({ adding: true, error: null }),
    closeAdd: () => set({ adding: false }),
    async refresh(client) {
      try {
        apply(await client.request('remoteHosts', {}));
      } catch {
        // An older host, or the connection dropped: nothing to show.
      }
    },
    async add(client, destination) {
      const why = checkDestination(destination);
      if (why) {
        set({ error: why });
        return false;
      }
      try {
        apply(await client.request('addRemoteHost', { destination }));
        return true;
      } catch (err) {
        fail(err);
        return false;
      }
    },
    async remove(client, destination) {
      try {
        apply(await client.request('removeRemoteHost', { destination }));
      } catch (err) {
        fail(err);
      }
    },
    select(selection) {
      set({ selection });
    },
  };
});

/** Rows of a host that is not connected are as old as its last frame. */
export function staleSince(info: RemoteHostInfo | undefined): number | null {
  if (!info || info.state === 'connected') return null;
  return info.lastFrameAt;
}

export function staleText(since: number): string {
  return `stale since ${formatClock(since)}`;
}

/** A host's state in words, with why and since when its rows are stale ("db1: disconnected (timeout) — stale since
 *  10:42:07"): its chip's tooltip, and what a tab with none of its rows says instead of "no sockets". */
export function hostStateText(h: RemoteHostInfo): string {
  if (h.state === 'connected') return `${h.destination}: connected`;
  if (h.state === 'connecting' && h.lastFrameAt === null) return `${h.destination}: connecting…`;
  const since = staleSince(h);
  return `${h.destination}: ${h.state}${h.reason ? ` (${h.reason})` : ''}${since === null ? '' : ` — ${staleText(since)}`}`;
}

/** When the one host selected is a remote host not connected now, what to say where its tab has no rows ("Nothing
 *  read from db1: disconnected (unknown host name)"); null otherwise. An unreachable host said "No socket matches
 *  with these toggles" and "this system reported no protocol statistics" (a new user's review of 12-03). */
export function useSelectedHostDown(): string | null {
  const state = useSelectedHostState();
  return state === null ? null : `Nothing read from ${state}`;
}

/** The state of the remote host shown alone, where it is not connected (hostStateText), else null. */
export function useSelectedHostState(): string | null {
  return useHosts((s) => {
    const sel = s.selection;
    if (sel.kind !== 'remote') return null;
    const info = s.hosts.find((h) => h.destination === sel.destination);
    return info && info.state !== 'connected' ? hostStateText(info) : null;
  });
}

/** Whether a row shows under the selection (this machine's rows have no host). */
export function rowShown(selection: HostSelection, row: unknown): boolean {
  return hostShown(selection, rowHost(row));
}

/** The Host column is shown when rows of more than one host may be on screen. */
export function showsHostColumn(selection: HostSelection, hosts: readonly RemoteHostInfo[]): boolean {
  return selection.kind === 'all' && hosts.length > 0;
}
