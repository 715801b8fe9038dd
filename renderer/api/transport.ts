// How the renderer talks to the Node side: the Electron bridge's MessagePort when the preload is there,
// a WebSocket to the browser host otherwise. Both carry the same shared/protocol.ts messages.
import {
  PORT_MESSAGE_TAG,
  WS_PROTOCOL,
  WS_TOKEN_PROTOCOL_PREFIX,
  type ClientMessage,
  type NetlensBridge,
  type ServerMessage,
} from '../../shared/protocol.js';

export interface Transport {
  readonly kind: 'electron' | 'browser';
  send(message: ClientMessage): void;
  /** Called for every message from the host. */
  onMessage: ((message: ServerMessage) => void) | null;
  /** Called when the connection is up (again): the client re-subscribes. */
  onOpen: (() => void) | null;
  /** Called when the connection dropped; the transport retries by itself. */
  onClose: ((reason: string) => void) | null;
  /** Called when the host this page came from is gone for good (the browser host started again with a new token
   *  and page address, which this page cannot know): the transport stops retrying. */
  onGone?: ((reason: string) => void) | null;
  start(): void;
}

declare global {
  interface Window {
    netlens?: NetlensBridge;
  }
}

export function electronBridge(): NetlensBridge | null {
  const b = window.netlens;
  return b && b.host === 'electron' ? b : null;
}

class PortTransport implements Transport {
  readonly kind = 'electron' as const;
  onMessage: Transport['onMessage'] = null;
  onOpen: Transport['onOpen'] = null;
  onClose: Transport['onClose'] = null;
  private port: MessagePort | null = null;
  private queue: ClientMessage[] = [];

  constructor(private readonly bridge: NetlensBridge) {}

  start(): void {
    const onWindowMessage = (event: MessageEvent) => {
      // Only the preload, in this same window, posts the tagged port.
      if (event.source !== window || event.data !== PORT_MESSAGE_TAG || !event.ports[0]) return;
      window.removeEventListener('message', onWindowMessage);
      const port = event.ports[0];
      this.port = port;
      port.onmessage = (e: MessageEvent<ServerMessage>) => this.onMessage?.(e.data);
      port.start();
      for (const m of this.queue.splice(0)) port.postMessage(JSON.stringify(m));
      this.onOpen?.();
    };
    window.addEventListener('message', onWindowMessage);
    this.bridge.connect().catch((err: unknown) => this.onClose?.(String(err)));
  }

  send(message: ClientMessage): void {
    // As text, which the main process screens and parses as the browser host does (electron/large-message.ts).
    if (this.port) this.port.postMessage(JSON.stringify(message));
    else this.queue.push(message);
  }
}

class WebSocketTransport implements Transport {
  readonly kind = 'browser' as const;
  onMessage: Transport['onMessage'] = null;
  onOpen: Transport['onOpen'] = null;
  onClose: Transport['onClose'] = null;
  onGone: Transport['onGone'] = null;
  private ws: WebSocket | null = null;
  private retryMs = 500;
  /** Messages sent before the socket opened; delivered on open (requests made at startup). */
  private queue: ClientMessage[] = [];

  constructor(private readonly token: string | null) {}

  start(): void {
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    // The token travels as a subprotocol of this one connection: never in a URL, never in a cookie (which
    // the browser would also send to every other server on this host, whatever its port).
    const protocols = this.token ? [WS_PROTOCOL, `${WS_TOKEN_PROTOCOL_PREFIX}${this.token}`] : [WS_PROTOCOL];
    const ws = new WebSocket(`${scheme}://${location.host}/ws`, protocols);
    this.ws = ws;
    ws.onopen = () => {
      this.retryMs = 500;
      for (const m of this.queue.splice(0)) ws.send(JSON.stringify(m));
      this.onOpen?.();
    };
    ws.onmessage = (e: MessageEvent<string>) => {
      let parsed: ServerMessage;
      try {
        parsed = JSON.parse(e.data) as ServerMessage;
      } catch {
        return;
      }
      this.onMessage?.(parsed);
    };
    let opened = false;
    ws.addEventListener('open', () => {
      opened = true;
    });
    ws.onclose = (e) => {
      this.ws = null;
      // What was queued belonged to the lost session; the client re-subscribes on the next open.
      this.queue = [];
      this.onClose?.(e.reason || `connection closed (code ${e.code})`);
      const retry = () => {
        // The host may be restarting; retry with a growing delay, capped.
        setTimeout(() => this.start(), this.retryMs);
        this.retryMs = Math.min(this.retryMs * 2, 10_000);
      };
      if (opened) {
        retry();
        return;
      }
      // A try that never opened: is a server answering here, and does it know this page? A WebSocket refused
      // for its token tells the page nothing, but this page's own address answers 200 from the host that served
      // it, and 401 or 404 from a browser host started again since (a new token and page address each launch).
      // Bounded: a server that takes the connection and never answers is taken as down (retry), not waited on.
      fetch(location.pathname, { method: 'HEAD', cache: 'no-store', signal: AbortSignal.timeout(5000) }).then(
        (res) => {
          if (res.status === 401 || res.status === 404)
            this.onGone?.(`the server at ${location.host} answered ${res.status}`);
          else retry();
        },
        () => retry(), // nothing answers: the host is down or starting
      );
    };
  }

  send(message: ClientMessage): void {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(message));
    else this.queue.push(message);
  }
}

const TOKEN_KEY = 'netlens-token';

/** The browser host sends the page to `/<page path>/#token=...`: keep the token in this tab's
 *  sessionStorage (scoped to this origin, port included, and kept across a reload) and drop it from the
 *  address bar. `?token=` is read too, for an address typed by hand. */
function takeToken(): string | null {
  const url = new URL(location.href);
  const fragment = new URLSearchParams(url.hash.slice(1));
  const given = fragment.get('token') ?? url.searchParams.get('token');
  if (given) {
    url.searchParams.delete('token');
    history.replaceState(null, '', url.pathname + url.search);
    try {
      sessionStorage.setItem(TOKEN_KEY, given);
    } catch {
      /* storage disabled: the token lives in memory until the tab closes */
    }
    return given;
  }
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

export function createTransport(): Transport {
  const bridge = electronBridge();
  return bridge ? new PortTransport(bridge) : new WebSocketTransport(takeToken());
}
