// `netlens metrics`'s HTTP server: /metrics in the Prometheus text format, collected on scrape.
// - A scrape reads the collectors only if the last reading is older than MIN_SCRAPE_INTERVAL_MS; scrapes that
//   come meanwhile (several Prometheus servers, a refresh) share that reading, and scrapes that come while one
//   is being taken wait for it. A collector never runs twice at once, so scrapes cannot pile work onto the host.
// - At most `maxConcurrent` scrapes are answered at a time; more get 503 with Retry-After.
// - On a loopback address no token is asked unless one is given or asked for (commands/metrics.ts asks one when
//   NetLens runs as root: it then names other users' processes), but the Host header must name this server, so a web page
//   cannot read it through DNS rebinding. Anywhere else a bearer token is required on every request, compared in
//   constant time (web.ts tokenMatches).
// - Connections are bounded so that whoever can connect cannot refuse scrapes by holding them
//   (connection-bounds.ts, shared with the browser host): at most MAX_CONNECTIONS_PER_PEER from one address, a
//   new one pushing out that address's oldest that is not being answered; at most MAX_CONNECTIONS in all, a new
//   one pushing out the oldest that is not being answered (any local user can bind 127.0.1.1 to 127.0.1.64);
//   and one that sends no complete request within HEADERS_TIMEOUT_MS is closed, checked every second (Node
//   checks every 30 s unless told, which let 64 idle connections refuse every scrape for 35 s); one whose answer
//   makes no progress for REQUEST_TIMEOUT_MS (its scraper stopped reading) is closed too.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import type { Collectors } from '../collectors/collector.js';
import type { DatasetResult } from '../../shared/types.js';
import { LOOPBACK_HOSTS, tokenMatches } from '../web.js';
import { CONTENT_TYPE } from './exposition.js';
import { METRICS_DATASETS, renderMetrics, type MetricsReadings, type Reading } from './netlens.js';
import { ProcessTrafficMetrics } from './processes.js';
import { errorText } from '../../shared/error-text.js';
import { boundConnections } from '../connection-bounds.js';
import { asHostLog } from '../log-lines.js';

export const MIN_SCRAPE_INTERVAL_MS = 1000;
export const MAX_CONCURRENT_SCRAPES = 4;
/** A collector slower than this makes the scrape report it failed (netlens_collector_success 0). */
export const COLLECT_TIMEOUT_MS = 8000;
export const MAX_CONNECTIONS = 64;
/** Below MAX_CONNECTIONS, so one address cannot take every connection from the scrapers. */
export const MAX_CONNECTIONS_PER_PEER = 8;
const HEADERS_TIMEOUT_MS = 5000;
const REQUEST_TIMEOUT_MS = 10_000;
/** Prometheus scrapes every 15 s or so by default: a connection kept between scrapes only holds a slot. */
const KEEP_ALIVE_TIMEOUT_MS = 2000;

export type MetricsCollectors = Pick<Collectors, (typeof METRICS_DATASETS)[number]>;

export interface MetricsServerOptions {
  collectors: MetricsCollectors;
  /** Defaults to 127.0.0.1. */
  host?: string;
  /** Defaults to 0: a free port. */
  port?: number;
  /** The bearer token, required on every request: a random one is made when the host is not loopback, or on
   *  loopback with `tokenOnLoopback`; on loopback none is asked otherwise. */
  token?: string;
  /** Ask a token on loopback too (NetLens as root: it names other users' processes). */
  tokenOnLoopback?: boolean;
  maxConcurrent?: number;
  /** How many process names get their own traffic series (processes.ts); TOP_PROCESSES by default. */
  topProcesses?: number;
  /** The clock that decides whether a reading is fresh (tests move it). */
  now?: () => number;
  log?: (line: string) => void;
}

export interface MetricsServer {
  url: string;
  host: string;
  port: number;
  /** null on loopback without a token given: none is asked. */
  token: string | null;
  /** How many times the collectors were read (each scrape that needed a fresh reading). */
  readonly readings: number;
  close(): Promise<void>;
}

interface Rendered {
  at: number;
  text: string;
  gzip: Buffer | null;
}

/** One collector read at a time per dataset, each bounded by COLLECT_TIMEOUT_MS. */
class Readings {
  private readonly inFlight = new Map<string, Promise<DatasetResult<unknown>>>();

  constructor(private readonly collectors: MetricsCollectors) {}

  private async one<D extends keyof MetricsCollectors>(d: D): Promise<Reading<never>> {
    const started = Date.now();
    let p = this.inFlight.get(d);
    if (!p) {
      p = Promise.resolve()
        .then(() => this.collectors[d].read() as Promise<DatasetResult<unknown>>)
        .finally(() => this.inFlight.delete(d));
      this.inFlight.set(d, p);
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`the ${d} collector took longer than ${COLLECT_TIMEOUT_MS / 1000} s`)),
        COLLECT_TIMEOUT_MS,
      );
    });
    try {
      const result = await Promise.race([p, timeout]);
      return { ok: true, result: result as DatasetResult<never>, durationMs: Date.now() - started };
    } catch (err) {
      return { ok: false, error: errorText(err), durationMs: Date.now() - started };
    } finally {
      clearTimeout(timer);
    }
  }

  async all(): Promise<MetricsReadings> {
    const [statistics, interfaces, connections, processes] = await Promise.all(
      METRICS_DATASETS.map((d) => this.one(d)),
    );
    return { statistics: statistics!, interfaces: interfaces!, connections: connections!, processes: processes! };
  }
}

export async function startMetricsServer(options: MetricsServerOptions): Promise<MetricsServer> {
  const bindHost = options.host ?? '127.0.0.1';
  const loopback = LOOPBACK_HOSTS.has(bindHost);
  const token = options.token ?? (loopback && !options.tokenOnLoopback ? null : randomBytes(24).toString('hex'));
  const maxConcurrent = options.maxConcurrent ?? MAX_CONCURRENT_SCRAPES;
  const now = options.now ?? Date.now;
  const log = options.log ?? ((line: string) => console.warn(line));
  const readings = new Readings(options.collectors);
  const processes = new ProcessTrafficMetrics(options.topProcesses);
  let readingCount = 0;
  let last: Rendered | null = null;
  let pending: Promise<Rendered> | null = null;
  let active = 0;
  let port = 0;

  function fresh(): Promise<Rendered> {
    if (last && now() - last.at < MIN_SCRAPE_INTERVAL_MS) return Promise.resolve(last);
    if (pending) return pending;
    readingCount++;
    const at = now();
    pending = readings
      .all()
      .then((r) => {
        for (const d of METRICS_DATASETS) {
          const x = r[d];
          if (!x.ok) log(`netlens metrics: ${x.error}`);
        }
        const view = r.processes.ok ? processes.update(r.processes.result.rows) : null;
        last = { at, text: renderMetrics(r, view), gzip: null };
        return last;
      })
      .finally(() => {
        pending = null;
      });
    return pending;
  }

  function allowedHost(header: string | undefined): boolean {
    const host = (header ?? '').toLowerCase();
    const names = loopback ? [...LOOPBACK_HOSTS] : [bindHost];
    return names.some((h) => host === (h.includes(':') ? `[${h}]:${port}` : `${h}:${port}`));
  }

  function refuse(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
    res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', ...headers });
    res.end(`${text}\n`);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (token === null) {
      if (!allowedHost(req.headers.host)) return refuse(res, 403, 'netlens metrics: this Host is not this server');
    } else {
      // The scheme is case-insensitive (RFC 7235 section 2.1): Prometheus sends "Bearer", curl users type anything.
      const given = /^bearer +(\S+) *$/i.exec(req.headers.authorization ?? '')?.[1] ?? null;
      if (!tokenMatches(token, given)) {
        return refuse(res, 401, 'netlens metrics: a bearer token is required', {
          'WWW-Authenticate': 'Bearer realm="netlens"',
        });
      }
    }
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/metrics') return refuse(res, 404, 'netlens metrics: the metrics are at /metrics');
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return refuse(res, 405, 'netlens metrics: GET or HEAD', { Allow: 'GET, HEAD' });
    if (active >= maxConcurrent)
      return refuse(res, 503, 'netlens metrics: too many scrapes at once', { 'Retry-After': '1' });
    active++;
    try {
      const rendered = await fresh();
      const gzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
      const body = gzip ? (rendered.gzip ??= gzipSync(rendered.text)) : Buffer.from(rendered.text);
      res.writeHead(200, {
        'Content-Type': CONTENT_TYPE,
        'Content-Length': String(body.length),
        'Cache-Control': 'no-store',
        'X-Content-Type-Options': 'nosniff',
        ...(gzip ? { 'Content-Encoding': 'gzip' } : {}),
        Vary: 'Accept-Encoding',
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    } finally {
      active--;
    }
  }

  const server = createServer(
    {
      connectionsCheckingInterval: 1000,
      headersTimeout: HEADERS_TIMEOUT_MS,
      requestTimeout: REQUEST_TIMEOUT_MS,
      keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
    },
    (req, res) => {
      handle(req, res).catch((err: unknown) => {
        log(`netlens metrics: ${errorText(err)}`);
        if (!res.headersSent) refuse(res, 500, 'netlens metrics: internal error');
        else res.destroy();
      });
    },
  );
  server.maxHeadersCount = 50;
  // A scraper that stops reading an answer larger than the socket buffers (thousands of interfaces) keeps its
  // connection busy, and busy ones are never pushed out: a socket with no progress for this long is closed
  // (longer than COLLECT_TIMEOUT_MS, which a scrape may spend waiting for its reading).
  server.timeout = REQUEST_TIMEOUT_MS;
  boundConnections(server, {
    maxConnections: MAX_CONNECTIONS,
    maxPerPeer: MAX_CONNECTIONS_PER_PEER,
    log: asHostLog(log),
    label: 'netlens metrics',
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, bindHost, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  const urlHost = bindHost.includes(':') ? `[${bindHost}]` : bindHost;
  return {
    url: `http://${urlHost}:${port}/metrics`,
    host: bindHost,
    port,
    token,
    get readings() {
      return readingCount;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
