// What a host sees of the monitor. The monitor itself runs in a worker thread (electron/monitor/worker.ts);
// this handle lives on the host's thread and only relays messages, so the host never waits on a collector.
import type {
  HistoryPoint,
  MethodResults,
  RequestParams,
  ServerMessage,
  StreamMessage,
} from '../../shared/protocol.js';
import type { RecordMethod } from './record/requests.js';
import type { RemoteHostInfo } from '../../shared/remote.js';

/** What a client may ask about the remote hosts shown beside this machine ('set' replays a list to a
 *  restarted worker). */
export type RemoteRequest =
  | { op: 'list' }
  | { op: 'add'; destination: string }
  | { op: 'remove'; destination: string }
  | { op: 'set'; destinations: string[] }
  /** The ssh argv that reaches a connected host through its own connection (for kill and close there). */
  | { op: 'route'; destination: string };

export type RemoteAnswer<R extends RemoteRequest> = R extends { op: 'route' } ? string[] : RemoteHostInfo[];

export type HistoryOf = 'interface' | 'process';

export interface MonitorClient {
  /** A stream message (subscribe, ack, resync, setInterval, pause, visibility), already validated. */
  handle(message: StreamMessage): void;
  /** The client went away: drop its subscriptions and pending diffs. */
  detach(): void;
}

/** The socket a client's messages travel over (the browser host's WebSocket to its page), as the host's end names
 *  it: that connection is NetLens's own, and moves because the page is sent what moved (quiet.ts). */
export interface ClientTransport {
  localAddress: string;
  localPort: number;
  remoteAddress: string;
  remotePort: number;
}

export interface Monitor {
  /** Registers a client; everything for it (snapshots, diffs, status, notices, collector errors) goes to send.
   *  `transport`: the connection it is reached over, where it is a socket of this machine's. */
  attach(send: (message: ServerMessage) => void, transport?: ClientTransport): MonitorClient;
  /** Up to 10 minutes of per-second rates of one interface, or (of 'process') of one process name. */
  history(iface: string, of?: HistoryOf): Promise<HistoryPoint[]>;
  /** After the monitor gave up (workers dying as soon as they start): try again now. False when it had not
   *  given up. Optional: a monitor that cannot fail this way has none. */
  retry?(): boolean;
  /** A request about the connection record, answered by the worker (record/requests.ts); absent where no
   *  monitor records (stand-ins in tests). */
  record?<M extends RecordMethod>(method: M, params: RequestParams<M>): Promise<MethodResults[M]>;
  /** The remote hosts shown beside this machine (electron/remote/fleet.ts), kept by the worker; absent where
   *  none can be shown. */
  remote?<R extends RemoteRequest>(request: R): Promise<RemoteAnswer<R>>;
  close(): Promise<void>;
}
