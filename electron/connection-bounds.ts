// Bounds on the connections an HTTP server holds, shared by the browser host (web.ts) and `netlens metrics`
// (metrics/server.ts): whoever can connect (on loopback, any local user) must not be able to refuse the
// server's real clients, or grow it without end, by opening connections and sending nothing.
// - At most `maxPerPeer` connections from one address: one more pushes out that address's oldest idle one (not
//   being answered: it has not sent a whole request, or it is a keep-alive between requests), and is closed
//   itself only when every one of them is being answered. A page's own browser shares 127.0.0.1 with whoever
//   floods from it, so a new connection wins over an idle one rather than being refused.
// - At most `maxConnections` in all: one more pushes out the oldest idle connection from any address (any local
//   user can bind 127.0.1.1 to 127.0.1.64), or is closed itself when every one is being answered.
// - With `silentMs`, a connection that has sent nothing within that long is closed (a timer of its own: Node's
//   headersTimeout is checked only every connectionsCheckingInterval, and gives a slow request as long).
// - A connection the server trusts (a page's WebSocket, once it showed the token) leaves the bound for good:
//   no number of connections that have not can push it out, and it takes no room from them.
// Every connection so closed is counted; a line says so in the log, rate-limited (log-lines.ts).
import type { Server as HttpServer, IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { HostLog } from './log-lines.js';

export interface ConnectionBoundsOptions {
  maxConnections: number;
  maxPerPeer: number;
  /** Close a connection that has sent no byte within this long (ms); none when absent. */
  silentMs?: number;
  /** Where the closings are told (rate-limited), and the words that begin each line (`web`). */
  log: HostLog;
  label: string;
}

/** Why connections were closed, and how many, since the server started. */
export interface BoundsCounts {
  /** Pushed out, or refused, for one address holding maxPerPeer. */
  perPeer: number;
  /** Pushed out, or refused, for the server holding maxConnections. */
  full: number;
  /** Closed for sending nothing within silentMs. */
  silent: number;
}

export interface ConnectionBounds {
  /** Connections held within the bound now (trusted ones left it). */
  readonly held: number;
  readonly closed: Readonly<BoundsCounts>;
  /** Takes a connection out of the bound: it showed the server's token. */
  trust(socket: Socket): void;
}

interface Held {
  peer: string;
  busy: boolean;
  timer: ReturnType<typeof setTimeout> | null;
}

export function boundConnections(server: HttpServer, options: ConnectionBoundsOptions): ConnectionBounds {
  const { maxConnections, maxPerPeer, silentMs, log, label } = options;
  // Every held connection, oldest first; and each address's, oldest first.
  const open = new Map<Socket, Held>();
  const byPeer = new Map<string, Set<Socket>>();
  const closed: BoundsCounts = { perPeer: 0, full: 0, silent: 0 };

  function release(socket: Socket): void {
    const held = open.get(socket);
    if (!held) return;
    open.delete(socket);
    if (held.timer) clearTimeout(held.timer);
    const mine = byPeer.get(held.peer);
    mine?.delete(socket);
    if (mine?.size === 0) byPeer.delete(held.peer);
  }

  function close(socket: Socket, why: keyof BoundsCounts, peer: string): void {
    release(socket);
    socket.destroy();
    closed[why]++;
    const reason =
      why === 'perPeer'
        ? `${peer} holds ${maxPerPeer} connections`
        : why === 'full'
          ? `the server holds its most, ${maxConnections} connections`
          : `it sent nothing within ${(silentMs ?? 0) / 1000} s`;
    log.limited(
      `${label} connection bounds`,
      `${label}: closed a connection from ${peer}: ${reason} (closed so far: ${closed.perPeer} for one address's ` +
        `share, ${closed.full} for the total, ${closed.silent} silent)`,
    );
  }

  /** The oldest of `among` that is not being answered, other than `not`. */
  function oldestIdle(among: Iterable<Socket>, not: Socket): Socket | null {
    for (const s of among) if (s !== not && !open.get(s)?.busy) return s;
    return null;
  }

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const held = open.get(req.socket);
    if (!held) return;
    held.busy = true;
    res.once('close', () => {
      held.busy = false;
    });
  });
  server.on('connection', (socket: Socket) => {
    const peer = socket.remoteAddress ?? '';
    const held: Held = { peer, busy: false, timer: null };
    open.set(socket, held);
    let mine = byPeer.get(peer);
    if (!mine) byPeer.set(peer, (mine = new Set()));
    mine.add(socket);
    socket.once('close', () => release(socket));
    if (mine.size > maxPerPeer) {
      const victim = oldestIdle(mine, socket);
      close(victim ?? socket, 'perPeer', peer);
      if (!victim) return;
    }
    if (open.size > maxConnections) {
      const victim = oldestIdle(open.keys(), socket);
      close(victim ?? socket, 'full', victim ? (open.get(victim)?.peer ?? '') : peer);
      if (!victim) return;
    }
    if (silentMs !== undefined) {
      held.timer = setTimeout(() => {
        held.timer = null;
        // bytesRead counts what arrived, whoever reads it (the HTTP parser takes the socket's data itself).
        if (open.has(socket) && socket.bytesRead === 0) close(socket, 'silent', peer);
      }, silentMs);
      held.timer.unref();
    }
  });
  return {
    get held() {
      return open.size;
    },
    closed,
    trust: release,
  };
}
