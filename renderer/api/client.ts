// One client interface over either transport: requests with promises, dataset subscriptions that survive
// reconnects, and a listener for everything the host streams.
import type { Method, MethodResults, RequestInput, ServerMessage, StreamMessage } from '../../shared/protocol.js';
import type { Dataset } from '../../shared/types.js';
import type { Transport } from './transport.js';

/** Requests that act (on processes, connections, privileges): never kept for a reconnect. */
const ACTIONS: ReadonlySet<Method> = new Set<Method>(['kill', 'closeConnection', 'elevate']);

/** A request the connection to NetLens failed (lost with the request out, or not sent while it was lost or gone):
 *  what asked it can tell it from the host's own refusal, and stop asking (a run of Kill or Close in turn). */
export class ConnectionLostError extends Error {
  override name = 'ConnectionLostError';
}

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void };

/** A request not sent yet: made before the first connection or while it is lost, sent when it opens. */
type Waiting = Pending & { id: number; method: Method; params: unknown };

/** How many requests may wait for the connection: past it a request fails at once (a view asking on a timer
 *  through an outage of hours must not pile up requests without end). */
export const MAX_WAITING = 64;

/** `gone`: the browser host this page came from stopped and another (a new launch) answers at its address. */
export type ConnectionState = 'connecting' | 'open' | 'closed' | 'gone';

/** Whether what the page shows is as it was when the connection was lost (the tabs greyed, the status bar says so). */
export const isOffline = (s: ConnectionState): boolean => s === 'closed' || s === 'gone';

export class NetlensClient {
  private nextId = 1;
  private pending = new Map<number, Pending>();
  /** Requests held for the connection's next opening, in order (the transport's own queue is dropped at each failed
   *  try: held there, a read made during an outage failed at the next try instead of waiting, attack review of 12-06). */
  private waiting: Waiting[] = [];
  private listeners = new Set<(m: ServerMessage) => void>();
  private stateListeners = new Set<(s: ConnectionState, reason?: string) => void>();
  private subscriptions = new Set<Dataset>();
  /** Stream settings re-sent after a reconnect, so a restarted host resumes where the user left it. */
  private sticky = new Map<string, StreamMessage>();
  state: ConnectionState = 'connecting';

  constructor(private readonly transport: Transport) {
    transport.onMessage = (m) => this.dispatch(m);
    transport.onOpen = () => {
      this.setState('open');
      for (const m of this.sticky.values()) transport.send(m);
      for (const d of this.subscriptions) transport.send({ type: 'subscribe', dataset: d });
      for (const w of this.waiting.splice(0)) this.sendRequest(w);
    };
    // Each failed try to reconnect closes too: what was sent is lost with the connection; what waits, waits on.
    transport.onClose = (reason) => {
      this.rejectPending(`connection to NetLens lost: ${reason}`);
      this.setState('closed', reason);
    };
    transport.onGone = (reason) => {
      const why = `NetLens was started again (${reason}): reload the page`;
      this.rejectPending(why);
      for (const w of this.waiting.splice(0)) w.reject(new ConnectionLostError(why));
      this.setState('gone', reason);
    };
  }

  private rejectPending(why: string): void {
    for (const p of this.pending.values()) p.reject(new ConnectionLostError(why));
    this.pending.clear();
  }

  private sendRequest({ id, method, params, resolve, reject }: Waiting): void {
    this.pending.set(id, { resolve, reject });
    this.transport.send({ type: 'request', id, method, params } as Parameters<Transport['send']>[0]);
  }

  get hostKind(): 'electron' | 'browser' {
    return this.transport.kind;
  }

  start(): void {
    this.transport.start();
  }

  /** Sends a request. Once the host is gone for good it fails at once. While the connection is lost, an action
   *  (kill, close, elevate) fails at once too, rather than wait for a reconnect that may come much later: a Kill or
   *  Close confirmed now is not done an hour later (attack review of 12-06), nor does its dialog wait; a read waits
   *  for the reconnect however many tries it takes, as the views that asked expect an answer (a new review of 12-06
   *  found History's and Alerts' errors never cleared when reads failed too), up to MAX_WAITING of them. Before the
   *  first connection all wait. */
  request<M extends Method>(method: M, params: RequestInput<M>): Promise<MethodResults[M]> {
    if (this.state === 'gone' || (this.state === 'closed' && ACTIONS.has(method)))
      return Promise.reject(
        new ConnectionLostError(
          this.state === 'gone'
            ? 'not sent: NetLens was started again; reload the page'
            : 'not sent: the connection to NetLens is lost (reconnecting)',
        ),
      );
    if (this.state !== 'open' && this.waiting.length >= MAX_WAITING)
      return Promise.reject(
        new ConnectionLostError(`not sent: ${MAX_WAITING} requests already wait for the connection to NetLens`),
      );
    const id = this.nextId++;
    return new Promise<MethodResults[M]>((resolve, reject) => {
      const request: Waiting = { id, method, params, resolve: resolve as (v: unknown) => void, reject };
      if (this.state === 'open') this.sendRequest(request);
      else this.waiting.push(request);
    });
  }

  subscribe(dataset: Dataset): void {
    if (this.subscriptions.has(dataset)) return;
    this.subscriptions.add(dataset);
    this.transport.send({ type: 'subscribe', dataset });
  }

  unsubscribe(dataset: Dataset): void {
    if (!this.subscriptions.delete(dataset)) return;
    this.transport.send({ type: 'unsubscribe', dataset });
  }

  send(message: StreamMessage): void {
    if (
      message.type === 'setInterval' ||
      message.type === 'pause' ||
      message.type === 'visibility' ||
      message.type === 'setNames'
    ) {
      this.sticky.set(message.type, message);
    }
    this.transport.send(message);
  }

  onMessage(listener: (m: ServerMessage) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onState(listener: (s: ConnectionState, reason?: string) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  private setState(s: ConnectionState, reason?: string): void {
    this.state = s;
    for (const l of this.stateListeners) l(s, reason);
  }

  private dispatch(m: ServerMessage): void {
    if (m.type === 'response') {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.ok) p.resolve(m.result);
      else p.reject(new Error(m.error));
      return;
    }
    for (const l of this.listeners) l(m);
  }
}
