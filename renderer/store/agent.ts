// The privileged helper's state for this host's session ("Show all processes…"): asked for when the status
// bar first has hidden owners to offer it for, and again whenever the host sends an agent notice (started,
// refused, stopped). Pure state plus two requests; the host remembers the choice for the whole session.
import { create } from 'zustand';
import type { AgentStatus } from '../../shared/protocol.js';
import type { NetlensClient } from '../api/client.js';

interface AgentStore {
  status: AgentStatus | null;
  /** A request is on its way (the administrator prompt may be open). */
  busy: boolean;
  refresh(client: NetlensClient): Promise<void>;
  elevate(client: NetlensClient): Promise<void>;
}

export const useAgent = create<AgentStore>((set, get) => ({
  status: null,
  busy: false,
  async refresh(client) {
    try {
      set({ status: await client.request('agentStatus', {}) });
    } catch {
      // An older host, or the connection dropped: nothing to offer.
      set({ status: null });
    }
  },
  async elevate(client) {
    if (get().busy) return;
    set({ busy: true, status: get().status ? { ...get().status!, state: 'starting' } : null });
    try {
      set({ status: await client.request('elevate', {}) });
    } catch {
      await get().refresh(client);
    } finally {
      set({ busy: false });
    }
  },
}));

/** Notice codes the host sends when the helper starts, is refused, stops or misbehaves. */
export const isAgentNotice = (code: string): boolean => code.startsWith('agent-');
