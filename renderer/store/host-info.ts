// What the host says of itself (its name, version, platform, privileges, process id), asked once each time the
// connection opens (a host started again is another process) and read by whoever shows it: the About dialog, the
// status bar, the Connections tab (Kill is not offered on the host's own process).
import { createStore, useStore } from 'zustand';
import type { HostInfo } from '../../shared/protocol.js';
import { serviceIndex, type ServiceIndex } from '../../shared/names.js';
import type { NetlensClient } from '../api/client.js';

export const hostInfoStore = createStore<{ info: HostInfo | null }>(() => ({ info: null }));

export function useHostInfo(): HostInfo | null {
  return useStore(hostInfoStore, (s) => s.info);
}

/** The host's service names as a filter reads them (null until the host said): made once per answer. */
export function useServiceIndex(): ServiceIndex | null {
  return useStore(hostInfoStore, (s) => indexOf(s.info));
}

let indexed: { info: HostInfo; index: ServiceIndex } | null = null;
function indexOf(info: HostInfo | null): ServiceIndex | null {
  if (!info?.services) return null;
  if (indexed?.info !== info) indexed = { info, index: serviceIndex(info.services) };
  return indexed.index;
}

/** Asks the host about itself now if the connection is open, and again each time it opens. Returns the stop. */
export function followHostInfo(client: Pick<NetlensClient, 'state' | 'request' | 'onState'>): () => void {
  const ask = () =>
    client.request('hostInfo', {}).then(
      (info) => hostInfoStore.setState({ info }),
      () => undefined,
    );
  if (client.state === 'open') void ask();
  return client.onState((s) => {
    if (s === 'open') void ask();
  });
}
