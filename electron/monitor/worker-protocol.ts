// Messages between the host's thread (host.ts) and the monitor worker (worker-runtime.ts). Client messages
// are validated by the host's service before they get here.
import type { HistoryPoint, ServerMessage, StreamMessage } from '../../shared/protocol.js';

export type ToWorker =
  | { type: 'attach'; client: number }
  | { type: 'detach'; client: number }
  | { type: 'message'; client: number; message: StreamMessage }
  | { type: 'history'; id: number; iface: string }
  | { type: 'close' };

export type FromWorker =
  | { type: 'send'; client: number; message: ServerMessage }
  | { type: 'history'; id: number; points: HistoryPoint[] }
  | { type: 'log'; line: string }
  /** Sent every HEARTBEAT_MS while the worker's event loop turns: the host restarts a worker that hangs. */
  | { type: 'heartbeat' }
  | { type: 'closed' };

export const HEARTBEAT_MS = 1000;
