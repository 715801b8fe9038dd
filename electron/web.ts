// The browser host: the same renderer and the same API as the Electron host, served over HTTP and a
// WebSocket on 127.0.0.1, for machines without the Electron binary (and for people who prefer a browser).
//
// Security: a random per-launch token, printed in the URL, is required on every WebSocket upgrade and every
// HTTP request, compared in constant time. Host and Origin must name the bound address (DNS rebinding and
// cross-site defence). Loopback only, unless --host is given explicitly.
//
// No cookie carries the token: cookies are not port-scoped, so a browser would send it to every other
// server on 127.0.0.1, including one another local user runs (issue 10). Instead `/?token=T` redirects
// to `/P/#token=T`, where P is a second random per-launch path prefix that authorises only the page's
// static files; the page moves T from the fragment (never sent to a server) into sessionStorage (scoped
// to this origin, port included) and offers it as a WebSocket subprotocol. Reloading keeps working; a
// copied `/P/` address without the token gets the files but no data.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { AddressInfo, Socket } from 'node:net';
import { isUnspecified } from '../shared/address.js';
import { hostname as osHostname, networkInterfaces } from 'node:os';
import { WebSocketServer, type WebSocket } from 'ws';
import { MAX_CAPTURE_BYTES, WS_PROTOCOL, WS_TOKEN_PROTOCOL_PREFIX, type ServerMessage } from '../shared/protocol.js';
import { asHostLog } from './log-lines.js';
import { boundConnections, type ConnectionBounds } from './connection-bounds.js';
import { BINARY, type Service } from './service.js';
import { clientMessage } from './large-message.js';
import { messageText, unsendableMessage } from './unsendable.js';
import { builtPaths } from './paths.js';
import { contentSecurityPolicy, readRendererFile } from './renderer-files.js';

export interface WebHostOptions {
  /** What the page talks to (electron/backend.ts builds it). */
  service: Service;
  /** Defaults to 0: a free port. */
  port?: number;
  /** Defaults to 127.0.0.1. Anything else is exposed beyond this machine: the caller warns. */
  host?: string;
  rendererDir?: string;
  /** A fixed token (tests); by default a random one per launch. */
  token?: string;
  /** A fixed page path prefix (tests); by default a random one per launch. */
  pagePrefix?: string;
  log?: (line: string) => void;
}

export interface WebHost {
  url: string;
  /** With a wildcard --host: the same page at each of this machine's addresses. */
  otherUrls: string[];
  token: string;
  /** The per-launch path (`/<random>/`) under which the page's files are served without the token. */
  pagePath: string;
  host: string;
  port: number;
  /** The connections held that have not shown the token, and those closed to bound them. */
  readonly connections: Pick<ConnectionBounds, 'held' | 'closed'>;
  close(): Promise<void>;
}

export const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1']);

/** What may wait unread on one client's socket, beyond the largest message sent to it, before the client is
 *  disconnected: several full snapshots of a busy machine's connections (about 2 MB each for 5,000 sockets). */
export const MAX_UNREAD_BYTES = 32 * 1024 * 1024;

/** Connections that have not shown the token (connection-bounds.ts): a page's files take a browser up to 6 at
 *  once; anyone may open the rest. A page's WebSocket, once it showed the token, is not counted and never
 *  pushed out. 19,990 idle connections held 4,200 at once before (each until the 10 s headers timeout). */
export const MAX_UNTRUSTED_CONNECTIONS = 64;
export const MAX_CONNECTIONS_PER_ADDRESS = 16;
/** A connection that has sent nothing for this long is closed: a browser sends its request at once. */
export const SILENT_CONNECTION_MS = 3000;

/** This machine's addresses, by which other machines reach a server bound to a wildcard address. */
function interfaceAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flat()
    .filter((a): a is NonNullable<typeof a> => a !== undefined && !(a.family === 'IPv6' && a.scopeid))
    .map((a) => a.address);
}

/** Constant-time comparison: hashing first makes the lengths equal, so nothing leaks through timing. */
export function tokenMatches(expected: string, given: string | null | undefined): boolean {
  if (typeof given !== 'string' || given.length === 0) return false;
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256').update(given).digest();
  return timingSafeEqual(a, b);
}

/** What a request without the token gets (401). */
const NEEDS_TOKEN_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="color-scheme" content="light dark">
<meta name="viewport" content="width=device-width">
<title>NetLens: open the address it printed</title>
</head>
<body>
<h1>NetLens: open the address it printed</h1>
<p>NetLens: this page needs the address with its token, as NetLens printed it in the terminal when it started (npm start, npm run web or netlens web).</p>
<p>The token keeps other users and other web pages on this machine out; each start makes a new one, so a page left open from an earlier start needs the new address.</p>
</body>
</html>
`;

/** The token a page offers as a WebSocket subprotocol (`netlens-token.<token>`), if any. */
function protocolToken(header: string | string[] | undefined): string | null {
  const value = Array.isArray(header) ? header.join(',') : (header ?? '');
  for (const p of value.split(',')) {
    const name = p.trim();
    if (name.startsWith(WS_TOKEN_PROTOCOL_PREFIX)) return name.slice(WS_TOKEN_PROTOCOL_PREFIX.length);
  }
  return null;
}

/** The request's URL, or null when it cannot be parsed (`//`, bad escapes): answered 400, never a crash. */
function requestUrl(req: IncomingMessage): URL | null {
  try {
    return new URL(req.url ?? '/', 'http://x');
  } catch {
    return null;
  }
}

export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const log = asHostLog(options.log ?? ((line: string) => console.warn(line)));
  const bindHost = options.host ?? '127.0.0.1';
  const token = options.token ?? randomBytes(24).toString('hex');
  const pagePath = `/${options.pagePrefix ?? randomBytes(24).toString('hex')}/`;
  const rendererDir = options.rendererDir ?? builtPaths.renderer;
  const { service } = options;

  await stat(join(rendererDir, 'index.html')).catch(() => {
    throw new Error(`the renderer is not built (${join(rendererDir, 'index.html')} is missing): run npm run build`);
  });

  let port = 0;

  /** Host names this server answers to: the bound address, and the loopback names when bound to loopback. */
  function allowedHosts(): Set<string> {
    const names = new Set<string>();
    const add = (h: string) => names.add(h.includes(':') && !h.startsWith('[') ? `[${h}]:${port}` : `${h}:${port}`);
    add(bindHost);
    if (LOOPBACK_HOSTS.has(bindHost)) for (const h of LOOPBACK_HOSTS) add(h);
    if (isUnspecified(bindHost)) {
      for (const h of LOOPBACK_HOSTS) add(h);
      add(osHostname());
      for (const a of interfaceAddresses()) add(a);
    }
    return names;
  }

  /** 403 for a foreign Host or Origin, 401 for a missing or wrong token, null when the request may pass.
   *  `pageFiles`: an HTTP request for a file under the per-launch page path passes without the token. */
  function refuse(req: IncomingMessage, pageFiles: boolean): { status: 400 | 401 | 403; reason: string } | null {
    const hosts = allowedHosts();
    const host = (req.headers.host ?? '').toLowerCase();
    if (!hosts.has(host)) return { status: 403, reason: `Host ${JSON.stringify(host)} is not this server` };
    const origin = req.headers.origin;
    if (
      origin !== undefined &&
      !(origin.startsWith('http://') && hosts.has(origin.slice('http://'.length).toLowerCase()))
    ) {
      return { status: 403, reason: `Origin ${JSON.stringify(origin)} is not this server` };
    }
    const url = requestUrl(req);
    if (!url) return { status: 400, reason: 'unparseable request URL' };
    if (pageFiles && url.pathname.startsWith(pagePath)) return null;
    const given = url.searchParams.get('token') ?? protocolToken(req.headers['sec-websocket-protocol']);
    if (!tokenMatches(token, given)) return { status: 401, reason: 'missing or wrong token' };
    return null;
  }

  const securityHeaders = {
    'Content-Security-Policy': contentSecurityPolicy(),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Cache-Control': 'no-store',
  };

  async function serveFile(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    if (url.pathname === '/' && url.searchParams.has('token')) {
      // The address `netlens web` printed: on to the page path, the token in the fragment for the page.
      res.writeHead(303, { ...securityHeaders, Location: `${pagePath}#token=${encodeURIComponent(token)}` }).end();
      return;
    }
    const path = url.pathname.startsWith(pagePath) ? url.pathname.slice(pagePath.length - 1) : url.pathname;
    const file = await readRendererFile(rendererDir, path);
    if (!file) {
      res.writeHead(404, securityHeaders).end('not found');
      return;
    }
    res
      .writeHead(200, { ...securityHeaders, 'Content-Type': file.contentType })
      .end(req.method === 'HEAD' ? undefined : file.body);
  }

  // A client that trickles its headers (slowloris) is cut off after 10 s; Node checks every 2 s.
  const server = createServer(
    { headersTimeout: 10_000, requestTimeout: 30_000, connectionsCheckingInterval: 2_000 },
    (req, res) => {
      const refused = refuse(req, true);
      if (refused) {
        log.limited(
          `refused ${refused.status}`,
          `web: refused ${req.method ?? ''} ${(req.url ?? '').replace(/token=[^&]*/g, 'token=…')}: ${refused.reason}`,
        );
        if (refused.status === 401) {
          // A page, as a browser meets it (a tab left open from an earlier start): in the reader's light or dark
          // scheme (color-scheme; no style, which the CSP would refuse), text alone, nothing of the request in it.
          res.writeHead(401, { ...securityHeaders, 'Content-Type': 'text/html; charset=utf-8' }).end(NEEDS_TOKEN_PAGE);
          return;
        }
        res.writeHead(refused.status, { ...securityHeaders, 'Content-Type': 'text/plain; charset=utf-8' });
        res.end(
          refused.status === 403
            ? "NetLens: this request does not come from this server's own address.\n"
            : 'NetLens: bad request.\n',
        );
        return;
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { ...securityHeaders, Allow: 'GET, HEAD' }).end();
        return;
      }
      serveFile(req, res, requestUrl(req)!).catch((err: unknown) => {
        log(`web: serving ${req.url ?? ''} failed: ${String(err)}`);
        if (!res.headersSent) res.writeHead(500, securityHeaders);
        res.end();
      });
    },
  );

  const bounds = boundConnections(server, {
    maxConnections: MAX_UNTRUSTED_CONNECTIONS,
    maxPerPeer: MAX_CONNECTIONS_PER_ADDRESS,
    silentMs: SILENT_CONNECTION_MS,
    log,
    label: 'web',
  });

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_CAPTURE_BYTES * 2,
    // Never echo the token protocol back: answer with the plain one when the page offered it.
    handleProtocols: (offered) => (offered.has(WS_PROTOCOL) ? WS_PROTOCOL : false),
  });
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    const refused = refuse(req, false);
    const path = requestUrl(req)?.pathname;
    if (refused || path !== '/ws') {
      const status = refused?.status ?? 404;
      log.limited('refused upgrade', `web: refused WebSocket upgrade: ${refused?.reason ?? 'unknown path'}`);
      const reason = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found' }[status];
      // Closed once written: a client that never closes its side holds nothing.
      socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`, () =>
        socket.destroy(),
      );
      return;
    }
    // It showed the token: no connection that has not can push it out.
    bounds.trust(socket);
    wss.handleUpgrade(req, socket, head, (ws) => onSocket(ws, req));
  });

  let clientCount = 0;
  function onSocket(ws: WebSocket, req: IncomingMessage): void {
    const label = `ws#${++clientCount} ${req.socket.remoteAddress ?? ''}`;
    // The largest message sent to this client, in bytes. One snapshot can be larger than the bound by itself (a
    // remote host with 150,000 sockets: 54 MB); a client still reading it is not behind, so what waits unread
    // counts beyond it (it cut every page off in a loop: each reconnect asked the same snapshot again).
    let largest = 0;
    // The page's connection is NetLens's own: its counters move because the page is sent what moved (quiet.ts).
    const { localAddress, localPort, remoteAddress, remotePort } = req.socket;
    const transport =
      localAddress && localPort && remoteAddress && remotePort
        ? { localAddress, localPort, remoteAddress, remotePort }
        : undefined;
    const session = service.connect(
      (message: ServerMessage) => {
        if (ws.readyState !== ws.OPEN) return;
        // A client that does not read its socket would make the host queue without end (issue 10: 10,000
        // resyncs took it to 2.6 GB). Past the bound it is disconnected; its page reconnects and resyncs.
        if (ws.bufferedAmount > MAX_UNREAD_BYTES + largest) {
          log(
            `web: [${label}] disconnected: ${Math.round(ws.bufferedAmount / 1048576)} MB sent to it are still unread (it fell too far behind)`,
          );
          session.close();
          ws.terminate();
          return;
        }
        const text = messageText(message);
        if (text === null) {
          const what = unsendableMessage(message);
          log(`web: [${label}] ${what.text}`);
          ws.send(JSON.stringify(what.instead));
          return;
        }
        // UTF-8 takes at most 3 bytes per UTF-16 unit: a text that short cannot be the largest, and is not measured.
        if (text.length * 3 > largest) largest = Math.max(largest, Buffer.byteLength(text));
        ws.send(text);
      },
      label,
      transport,
    );
    ws.on('message', (data, isBinary) => {
      if (isBinary) {
        session.receive(BINARY);
        return;
      }
      // Only a capture or an export may be large, and then flat: anything else is refused unparsed (large-message.ts).
      session.receive(clientMessage(data.toString()));
    });
    ws.on('close', () => session.close());
    ws.on('error', () => session.close());
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, bindHost, () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  const urlHost = bindHost.includes(':') ? `[${bindHost}]` : bindHost === '0.0.0.0' ? '127.0.0.1' : bindHost;
  const url = `http://${urlHost}:${port}/?token=${token}`;

  const otherUrls = isUnspecified(bindHost)
    ? interfaceAddresses()
        .filter((a) => !LOOPBACK_HOSTS.has(a))
        .map((a) => `http://${a.includes(':') ? `[${a}]` : a}:${port}/?token=${token}`)
    : [];

  return {
    url,
    otherUrls,
    token,
    pagePath,
    host: bindHost,
    port,
    connections: bounds,
    async close() {
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
