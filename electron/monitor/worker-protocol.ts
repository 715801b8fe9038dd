// Messages between the host's thread (host.ts) and the monitor worker (worker-runtime.ts). Client messages
// are validated by the host's service before they get here.
import type { DumpLimits } from '../collectors/linux/netlink.js';
import type { LentBuffer, PackedDump } from './netlink-relay.js';
import type { HistoryPoint, ServerMessage, StreamMessage } from '../../shared/protocol.js';
import type { GlobalMessage } from './monitor.js';
import type { InodeOwners } from '../collectors/linux/socket-owners.js';
import type { RecordMethod } from './record/requests.js';
import type { ClientTransport, HistoryOf, RemoteRequest } from './api.js';

export type ToWorker =
  | { type: 'attach'; client: number; transport?: ClientTransport }
  | { type: 'detach'; client: number }
  | { type: 'message'; client: number; message: StreamMessage }
  /** A setting for every client (interval, pause, name lookups), as the host replays it to a restarted worker:
   *  from no client in particular. */
  | { type: 'global'; message: GlobalMessage }
  | { type: 'history'; id: number; iface: string; of?: HistoryOf }
  /** Whether the privileged agent runs (the host replays this to a restarted worker). */
  | { type: 'agent'; active: boolean }
  /** The agent's answer to an 'owners' question, or null. */
  | { type: 'owners'; id: number; owners: InodeOwners | null }
  /** A request about the connection record (record/requests.ts), validated by the host's service. */
  | { type: 'record'; id: number; method: RecordMethod; params: unknown }
  /** About the remote hosts (electron/remote/fleet.ts), validated by the host's service. */
  | { type: 'remote'; id: number; request: RemoteRequest }
  /** A sock_diag dump the worker asked for (netlink-relay.ts). */
  | { type: 'netlink'; id: number; result: PackedDump }
  | { type: 'close' };

export type FromWorker =
  | { type: 'send'; client: number; message: ServerMessage }
  | { type: 'history'; id: number; points: HistoryPoint[] }
  | { type: 'record'; id: number; ok: true; result: unknown }
  | { type: 'record'; id: number; ok: false; error: string }
  | { type: 'remote'; id: number; ok: true; result: unknown }
  | { type: 'remote'; id: number; ok: false; error: string }
  | { type: 'log'; line: string }
  /** The collector asks the agent, through the host, who holds these socket inodes. */
  | { type: 'owners'; id: number; inodes: number[] }
  /** Runs a netlink dump on the host's thread (netlink-relay.ts). */
  | {
      type: 'netlink';
      id: number;
      protocol: number;
      msgType: number;
      payload: Uint8Array;
      limits: DumpLimits;
      /** The worker's shared buffer to write the dump into (netlink-relay.ts). */
      into?: LentBuffer;
      /** Lent none: how many bytes the last dump of its kind took (the size of the buffer the host makes for it). */
      expected?: number;
      /** A shared buffer's slot whose buffer the host is to let go of (the worker has: its kind's dumps outgrew it). */
      forget?: number;
      /** A get of this many requests, their payloads end to end in `payload` (NetlinkDumper.get), not a dump. */
      gets?: number;
    }
  /** Sent every HEARTBEAT_MS while the worker's event loop turns: the host restarts a worker that hangs. */
  | { type: 'heartbeat' }
  | { type: 'closed' };

export const HEARTBEAT_MS = 1000;
