// The host's handle on the monitor worker. It only relays messages, so the host's thread never waits on a
// collector. It remembers what each client asked for (subscriptions, visibility) and the global interval and
// pause, so that when the worker dies it can start a new one, tell every client (a 'monitor-restarted'
// notice) and replay their requests: each client gets fresh snapshots of what it subscribed to.
import { Worker } from 'node:worker_threads';
import type { HistoryPoint, RequestParams, ServerMessage, StreamMessage } from '../../shared/protocol.js';
import type { RecordMethod } from './record/requests.js';
import type { Dataset } from '../../shared/types.js';
import type { ClientTransport, HistoryOf, Monitor, MonitorClient, RemoteAnswer, RemoteRequest } from './api.js';
import type { RemoteHostInfo } from '../../shared/remote.js';
import { HostNetlinkDumps, HostSharedBuffers, letGo, packDump } from './netlink-relay.js';
import { workerResourceLimits } from './heap.js';
import { removeControlDirs, workerControlPrefix } from '../remote/control-dirs.js';
import type { FromWorker, ToWorker } from './worker-protocol.js';
import type { GlobalMessage } from './monitor.js';
import type { PrivilegedOwners } from '../collectors/linux/socket-owners.js';

export interface StartMonitorOptions {
  /** The bundled worker (out/main/worker.cjs in a build). */
  workerPath: string;
  /** Handed to the worker as workerData, with `generation` added: 0 for the first worker, +1 per restart. */
  workerData?: Record<string, unknown>;
  log?: (line: string) => void;
  /** Wait before starting a new worker; doubles (up to 10 s) while workers keep dying soon after starting. */
  restartDelayMs?: number;
  /** A worker silent this long (no heartbeat: its event loop is stuck, a parser in a loop) is terminated
   *  and restarted like one that died. */
  hangTimeoutMs?: number;
  /** After workers kept dying as soon as they started, the first slow retry comes after this long; each
   *  failed one doubles it, up to 60 s. A client may ask for one at once (`retry()`). */
  failedRetryDelayMs?: number;
  /** Remote hosts to show from the start (those the user added before: electron/remote/saved-hosts.ts). */
  remoteHosts?: readonly string[];
  /** Told the remote hosts shown whenever a client added or removed one (to keep them for next time). */
  onRemoteHosts?: (destinations: string[]) => void;
}

export interface MonitorHandle extends Monitor {
  /** Workers started after the first one died. */
  readonly restarts: number;
  retry(): boolean;
  /** Where the worker's collectors ask about sockets they may not inspect (the privileged agent), or null. */
  setOwnerSource(source: PrivilegedOwners | null): void;
  /** A notice for every client (the agent started, stopped...). */
  notify(message: ServerMessage): void;
}

interface ClientRecord {
  send: (message: ServerMessage) => void;
  /** The connection the client is reached over, replayed to a restarted worker. */
  transport: ClientTransport | undefined;
  /** The datasets the client subscribes to, as it last asked. */
  subscriptions: Set<Dataset>;
  /** Those the worker was last told of: they differ from `subscriptions` only while a snapshot is on its way. */
  posted: Set<Dataset>;
  visibility: StreamMessage | null;
  /** Subscribes and resyncs passed to the worker whose snapshot (or the read's error) has not come back yet: more
   *  for the same dataset are folded into that one, and subscribes and unsubscribes meanwhile wait for it, then the
   *  worker is told where they left off (reconcile). A client repeating resync, or subscribe and unsubscribe in
   *  turn, cannot make the worker queue snapshot after snapshot: 20,000 such pairs grew the browser host to 1.9 GB
   *  and held its other clients' answers for 10 s (an attack review of 12-07). */
  resyncing: Set<Dataset>;
  /** While set, a visibility message waits for it and goes (the latest only) when it fires: see VISIBILITY_EVERY_MS. */
  visibilityTimer: ReturnType<typeof setTimeout> | null;
  /** The visibility message the worker was last given. */
  visibilityPosted: StreamMessage | null;
}

/** A client's visibility goes to the worker at most this often, the latest kept meanwhile: a window shown and hidden
 *  by hand changes a few times a second at most, and each change may start a read of every dataset it shows. 420,000
 *  messages of a client flipping hidden and shown queued in the worker, each a read, and no other client got a status
 *  or a snapshot for minutes (an attack review of 12-07). */
const VISIBILITY_EVERY_MS = 100;
const STABLE_AFTER_MS = 5000;
const HANG_TIMEOUT_MS = 15_000;
/** A worker ended for its silence makes the next one's patience twice as long, up to this many times the timeout. */
const MAX_PATIENCE_FACTOR = 8;
/** Answering this long without a silence longer than the timeout brings the patience back to it. */
const PATIENCE_RESET_MS = 60_000;
/** Workers dying this many times in a row, each soon after starting, are not started again. */
const MAX_QUICK_DEATHS = 5;
const MAX_RESTART_DELAY_MS = 10_000;
const FAILED_RETRY_DELAY_MS = 15_000;
const MAX_FAILED_RETRY_DELAY_MS = 60_000;
const CLOSE_TIMEOUT_MS = 2000;

export function startMonitor(options: StartMonitorOptions): MonitorHandle {
  const log = options.log ?? ((line: string) => console.warn(line));
  const baseDelay = options.restartDelayMs ?? 100;
  const clients = new Map<number, ClientRecord>();
  const historyRequests = new Map<
    number,
    { iface: string; of?: HistoryOf; resolve: (points: HistoryPoint[]) => void; reject: (err: Error) => void }
  >();
  const recordRequests = new Map<
    number,
    { method: RecordMethod; params: unknown; resolve: (result: unknown) => void; reject: (err: Error) => void }
  >();
  const remoteRequests = new Map<
    number,
    { request: RemoteRequest; resolve: (result: unknown) => void; reject: (err: Error) => void }
  >();
  /** The remote hosts asked for, replayed to a restarted worker. */
  const remoteHosts = new Set<string>(options.remoteHosts ?? []);
  let nextClient = 0;
  let nextRequest = 0;
  let generation = 0;
  let delay = baseDelay;
  let quickDeaths = 0;
  let failedNotice: ServerMessage | null = null;
  let intervalMessage: Extract<GlobalMessage, { type: 'setInterval' }> | null = null;
  let pauseMessage: Extract<GlobalMessage, { type: 'pause' }> | null = null;
  let namesMessage: Extract<GlobalMessage, { type: 'setNames' }> | null = null;
  let worker: Worker | null = null;
  let startedAt = 0;
  let closing = false;
  let restartTimer: ReturnType<typeof setTimeout> | null = null;
  const firstFailedDelay = options.failedRetryDelayMs ?? FAILED_RETRY_DELAY_MS;
  let failedDelay = firstFailedDelay;
  /** A retry after giving up is running: once its worker has lived STABLE_AFTER_MS, clients hear so. */
  let recovering = false;
  let onClosed: (() => void) | null = null;
  let ownerSource: PrivilegedOwners | null = null;

  const post = (message: ToWorker) => worker?.postMessage(message);
  /** The worker's sock_diag dumps, run on this thread (netlink-relay.ts). */
  const netlink = new HostNetlinkDumps();

  function spawn(): void {
    startedAt = Date.now();
    lastBeat = Date.now();
    // The folders of its remote hosts' ssh connections carry a prefix of its own: a worker ended by the watchdog
    // closes none of them, and they are removed once it has exited (an attacker's review found them left behind).
    const sshControlPrefix = workerControlPrefix();
    const w = new Worker(options.workerPath, {
      workerData: { ...options.workerData, generation, sshControlPrefix },
      resourceLimits: workerResourceLimits(),
    });
    worker = w;
    /** The shared buffers this worker has given for its dumps to be written into. */
    const shared = new HostSharedBuffers();
    w.on('message', (message: FromWorker) => {
      if (worker !== w) return;
      const now = Date.now();
      if (now - lastBeat > hangTimeoutMs) lastLongSilence = now;
      else if (patience > hangTimeoutMs && now - Math.max(startedAt, lastLongSilence) >= PATIENCE_RESET_MS)
        patience = hangTimeoutMs;
      lastBeat = now;
      if (recovering && lastBeat - startedAt >= STABLE_AFTER_MS) {
        recovering = false;
        failedDelay = firstFailedDelay;
        log('monitor worker running again');
        broadcast({
          type: 'notice',
          level: 'info',
          code: 'monitor-recovered',
          text: 'The monitor is running again; live data is back.',
        });
      }
      switch (message.type) {
        case 'heartbeat':
          break;
        case 'send': {
          const client = clients.get(message.client);
          try {
            client?.send(message.message);
          } catch (err) {
            // A client that cannot take a message (a transport's own failure) must not take the host down with it.
            log(`a ${message.message.type} message was not sent: ${err instanceof Error ? err.message : String(err)}`);
          }
          const m = message.message;
          if (client && (m.type === 'snapshot' || m.type === 'collectorError'))
            reconcile(message.client, client, m.dataset);
          break;
        }
        case 'history': {
          const request = historyRequests.get(message.id);
          historyRequests.delete(message.id);
          request?.resolve(message.points);
          break;
        }
        case 'record': {
          const request = recordRequests.get(message.id);
          recordRequests.delete(message.id);
          if (message.ok) request?.resolve(message.result);
          else request?.reject(new Error(message.error));
          break;
        }
        case 'remote': {
          const request = remoteRequests.get(message.id);
          remoteRequests.delete(message.id);
          if (message.ok) request?.resolve(message.result);
          else request?.reject(new Error(message.error));
          break;
        }
        case 'log':
          log(message.line);
          break;
        case 'owners': {
          const asked = message;
          const source = ownerSource;
          void (source ? source.owners(asked.inodes).catch(() => null) : Promise.resolve(null)).then((owners) => {
            if (worker === w) w.postMessage({ type: 'owners', id: asked.id, owners } satisfies ToWorker);
          });
          break;
        }
        case 'netlink': {
          const asked = message;
          const into = shared.resolve(asked.into, asked.forget);
          void netlink
            .dump(asked.protocol, asked.msgType, asked.payload, asked.limits, into, asked.expected, asked.gets)
            // A question that cannot be asked (a worker's bug) is answered as failed, never left unhandled.
            .catch((e: unknown) => packDump({ ok: false, error: `netlink relay: ${(e as Error).message}` }))
            .then(({ packed, transfer }) => {
              if (worker === w)
                w.postMessage({ type: 'netlink', id: asked.id, result: packed } satisfies ToWorker, transfer);
              // A worker gone meanwhile reads no more: a buffer made for the dump is freed now.
              else for (const buffer of transfer) letGo(buffer);
            });
          break;
        }
        case 'closed':
          onClosed?.();
          break;
      }
    });
    w.on('error', (err) =>
      log(`monitor worker failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`),
    );
    w.on('exit', (code) => {
      removeControlDirs(sshControlPrefix);
      if (worker !== w) return;
      worker = null;
      if (closing) {
        onClosed?.();
        return;
      }
      died(code);
    });
    // Replay what the clients asked for, so the new worker serves them as the old one did.
    if (ownerSource) post({ type: 'agent', active: true });
    for (const message of [intervalMessage, pauseMessage, namesMessage]) if (message) post({ type: 'global', message });
    for (const [id, c] of clients) replayClient(id, c);
    for (const [id, r] of historyRequests) post({ type: 'history', id, iface: r.iface, of: r.of });
    for (const [id, r] of recordRequests) post({ type: 'record', id, method: r.method, params: r.params });
    if (remoteHosts.size > 0) post({ type: 'remote', id: 0, request: { op: 'set', destinations: [...remoteHosts] } });
    for (const [id, r] of remoteRequests) post({ type: 'remote', id, request: r.request });
  }

  /** A snapshot for `dataset` came back (or its read's error): what the client asked since is passed on, one
   *  message at most (see ClientRecord's `resyncing`). */
  function reconcile(id: number, c: ClientRecord, dataset: Dataset): void {
    if (!c.resyncing.delete(dataset)) return;
    const wanted = c.subscriptions.has(dataset);
    if (wanted === c.posted.has(dataset)) return;
    if (wanted) {
      c.posted.add(dataset);
      c.resyncing.add(dataset);
      post({ type: 'message', client: id, message: { type: 'subscribe', dataset } });
    } else {
      c.posted.delete(dataset);
      post({ type: 'message', client: id, message: { type: 'unsubscribe', dataset } });
    }
  }

  function replayClient(id: number, c: ClientRecord): void {
    c.resyncing.clear();
    c.posted = new Set(c.subscriptions);
    c.visibilityPosted = c.visibility;
    post({ type: 'attach', client: id, transport: c.transport });
    if (c.visibility) post({ type: 'message', client: id, message: c.visibility });
    for (const dataset of c.subscriptions)
      post({ type: 'message', client: id, message: { type: 'subscribe', dataset } });
  }

  function died(code: number): void {
    const quick = Date.now() - startedAt < STABLE_AFTER_MS;
    quickDeaths = quick ? quickDeaths + 1 : 0;
    if (quickDeaths >= MAX_QUICK_DEATHS) {
      // Not for good: the cause (a missing file, a full disk, a permission) may go away. Retry slowly, and
      // at once when a client asks (the Retry button of the banner this notice shows).
      const seconds = (failedDelay / 1000).toFixed(failedDelay < 10_000 ? 1 : 0);
      log(
        `monitor worker exited (code ${code}), ${quickDeaths} times in a row soon after starting; retrying in ${seconds} s`,
      );
      const failed: ServerMessage = {
        type: 'notice',
        level: 'error',
        code: 'monitor-failed',
        text: `The monitor keeps stopping as soon as it starts; live data is unavailable. NetLens tries again in ${seconds} s; see the log for details.`,
      };
      failedNotice = failed;
      recovering = false;
      broadcast(failed);
      for (const r of [...historyRequests.values(), ...recordRequests.values(), ...remoteRequests.values()])
        r.reject(new Error('the monitor is not running'));
      historyRequests.clear();
      recordRequests.clear();
      remoteRequests.clear();
      restartTimer = setTimeout(() => {
        restartTimer = null;
        retryNow('scheduled');
      }, failedDelay);
      failedDelay = Math.min(failedDelay * 2, MAX_FAILED_RETRY_DELAY_MS);
      return;
    }
    delay = quick ? Math.min(Math.max(delay * 2, baseDelay), MAX_RESTART_DELAY_MS) : baseDelay;
    log(`monitor worker exited (code ${code}); restarting in ${delay} ms`);
    const notice: ServerMessage = {
      type: 'notice',
      level: 'warning',
      code: 'monitor-restarted',
      text: 'The monitor stopped unexpectedly and was restarted; the tables were reloaded.',
    };
    for (const c of clients.values()) c.send(notice);
    restartTimer = setTimeout(() => {
      restartTimer = null;
      if (closing) return;
      generation++;
      spawn();
    }, delay);
  }

  function broadcast(message: ServerMessage): void {
    for (const c of clients.values()) c.send(message);
  }

  /** Starts a worker again after giving up. One more quick death gives up again (no burst of restarts). */
  function retryNow(why: 'scheduled' | 'requested'): boolean {
    if (closing || failedNotice === null) return false;
    if (restartTimer) clearTimeout(restartTimer);
    restartTimer = null;
    failedNotice = null;
    quickDeaths = MAX_QUICK_DEATHS - 1;
    recovering = true;
    log(`monitor: retrying (${why})`);
    broadcast({ type: 'notice', level: 'info', code: 'monitor-retrying', text: 'Starting the monitor again…' });
    generation++;
    spawn();
    return true;
  }

  // The watchdog: a worker that stops answering is as good as dead; terminating it takes the restart path.
  // Each worker it ends gives the next one twice the patience (up to MAX_PATIENCE_FACTOR times): a first
  // reading that is only slow (a machine with 140,000 sockets, under load: a local user may open that many)
  // took longer than 15 s in every worker, and the restarts went on for good with nothing ever shown. The
  // patience goes back to hangTimeoutMs once a worker has answered without a long silence for a while.
  let lastBeat = Date.now();
  const hangTimeoutMs = options.hangTimeoutMs ?? HANG_TIMEOUT_MS;
  let patience = hangTimeoutMs;
  /** When a message last came after a silence longer than hangTimeoutMs. */
  let lastLongSilence = 0;
  const watchdog = setInterval(
    () => {
      if (!worker || closing || Date.now() - lastBeat < patience) return;
      patience = Math.min(patience * 2, hangTimeoutMs * MAX_PATIENCE_FACTOR);
      log(
        `monitor worker unresponsive for ${Math.round((Date.now() - lastBeat) / 1000)} s; restarting it (the next one is given ${Math.round(patience / 1000)} s)`,
      );
      lastBeat = Date.now();
      void worker.terminate();
    },
    Math.min(1000, hangTimeoutMs / 2),
  );
  watchdog.unref();

  spawn();

  return {
    get restarts() {
      return generation;
    },
    setOwnerSource(source) {
      ownerSource = source;
      post({ type: 'agent', active: source !== null });
    },
    notify(message) {
      broadcast(message);
    },
    retry() {
      return retryNow('requested');
    },
    attach(send, transport): MonitorClient {
      const id = ++nextClient;
      const record: ClientRecord = {
        send,
        transport,
        subscriptions: new Set(),
        posted: new Set(),
        visibility: null,
        resyncing: new Set(),
        visibilityTimer: null,
        visibilityPosted: null,
      };
      /** The client's latest visibility to the worker, unless it was the last given; then none for a while. */
      const postVisibility = () => {
        const latest = record.visibility;
        if (latest === null || latest === record.visibilityPosted || !clients.has(id)) return;
        record.visibilityPosted = latest;
        post({ type: 'message', client: id, message: latest });
        record.visibilityTimer = setTimeout(() => {
          record.visibilityTimer = null;
          postVisibility();
        }, VISIBILITY_EVERY_MS);
        record.visibilityTimer.unref?.();
      };
      clients.set(id, record);
      post({ type: 'attach', client: id, transport });
      if (failedNotice) send(failedNotice);
      return {
        handle(message) {
          if (!clients.has(id)) return;
          if (message.type === 'resync') {
            // Nothing to resync, or a snapshot already on its way: that one answers this request too.
            if (!record.subscriptions.has(message.dataset) || record.resyncing.has(message.dataset)) return;
            record.resyncing.add(message.dataset);
          } else if (message.type === 'subscribe' || message.type === 'unsubscribe') {
            const { dataset } = message;
            if (message.type === 'subscribe') record.subscriptions.add(dataset);
            else record.subscriptions.delete(dataset);
            // A snapshot on its way answers a subscribe too; either waits for it (reconcile).
            if (record.resyncing.has(dataset)) return;
            if (message.type === 'subscribe') {
              record.posted.add(dataset);
              record.resyncing.add(dataset);
            } else record.posted.delete(dataset);
          } else if (message.type === 'visibility') {
            record.visibility = message;
            if (record.visibilityTimer === null) postVisibility();
            return;
          } else if (message.type === 'setInterval') intervalMessage = message;
          else if (message.type === 'pause') pauseMessage = message;
          else if (message.type === 'setNames') namesMessage = message;
          post({ type: 'message', client: id, message });
        },
        detach() {
          if (record.visibilityTimer !== null) clearTimeout(record.visibilityTimer);
          if (clients.delete(id)) post({ type: 'detach', client: id });
        },
      };
    },
    history(iface, of) {
      if (closing) return Promise.reject(new Error('the monitor is closed'));
      if (failedNotice) return Promise.reject(new Error('the monitor is not running'));
      const id = ++nextRequest;
      return new Promise<HistoryPoint[]>((resolve, reject) => {
        historyRequests.set(id, { iface, of, resolve, reject });
        post({ type: 'history', id, iface, of });
      });
    },
    record(method, params) {
      if (closing) return Promise.reject(new Error('the monitor is closed'));
      if (failedNotice) return Promise.reject(new Error('the monitor is not running'));
      // A restarted worker starts with the settings last asked for.
      const record = options.workerData?.record as { config?: unknown } | undefined;
      if (method === 'recordConfigure' && record) record.config = (params as RequestParams<'recordConfigure'>).config;
      const id = ++nextRequest;
      return new Promise((resolve, reject) => {
        recordRequests.set(id, { method, params, resolve: resolve as (result: unknown) => void, reject });
        post({ type: 'record', id, method, params });
      });
    },
    remote<R extends RemoteRequest>(request: R): Promise<RemoteAnswer<R>> {
      if (closing) return Promise.reject(new Error('the monitor is closed'));
      if (failedNotice) return Promise.reject(new Error('the monitor is not running'));
      const id = ++nextRequest;
      const answer = new Promise<RemoteAnswer<R>>((resolve, reject) => {
        remoteRequests.set(id, { request, resolve: resolve as (result: unknown) => void, reject });
        post({ type: 'remote', id, request });
      });
      if (request.op !== 'add' && request.op !== 'remove') return answer;
      // The list a restarted worker gets, and the one kept for next time, is what the worker accepted.
      return answer.then((hosts) => {
        remoteHosts.clear();
        for (const h of hosts as RemoteHostInfo[]) remoteHosts.add(h.destination);
        options.onRemoteHosts?.([...remoteHosts]);
        return hosts;
      });
    },
    async close() {
      if (closing) return;
      closing = true;
      if (restartTimer) clearTimeout(restartTimer);
      clearInterval(watchdog);
      for (const r of [...historyRequests.values(), ...recordRequests.values(), ...remoteRequests.values()])
        r.reject(new Error('the monitor is closed'));
      historyRequests.clear();
      recordRequests.clear();
      remoteRequests.clear();
      netlink.close();
      const w = worker;
      if (!w) return;
      // Let the worker dispose its collectors (a PowerShell child, say), but never hang the host on it.
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, CLOSE_TIMEOUT_MS);
        onClosed = () => {
          clearTimeout(timer);
          resolve();
        };
        w.postMessage({ type: 'close' } satisfies ToWorker);
      });
      worker = null;
      await w.terminate();
    },
  };
}
