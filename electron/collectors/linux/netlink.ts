// A netlink socket for sock_diag dumps (Linux): the binary socket tables ss reads, without running ss and
// without parsing its text. Node has no AF_NETLINK socket, so this uses the native part of the `netlink` npm
// package (Node-API, prebuilt for Linux x64, arm64, arm and ia32: it loads in Node and in Electron without a
// rebuild, in worker threads too). The build copies its prebuilt binaries to out/main/native; only its
// `NativeNetlink` class is used (socket, bind, send, receive through libuv), not its JavaScript layer.
// Where it cannot load or the kernel refuses the socket, a dump says why and callers read as before.
import fs from 'node:fs';
import path from 'node:path';
import { builtPaths } from '../../paths.js';

/** The native class of netlink@0.3.0's binding (src/binding.cc), as far as it is used here. */
interface NativeNetlinkSocket {
  bind(port: number, groups: number): void;
  send(port: number, groups: number, data: Uint8Array, callback: (error?: Error) => void): void;
  close(): void;
  setRecvBufferSize(size: number): void;
}
type NativeNetlinkClass = new (
  protocol: number,
  /** 0: peek each message's size first; otherwise a fixed receive buffer of this many bytes. */
  messageBuffer: number,
  onMessage: (message: Buffer, info: { truncated?: boolean }) => void,
  onError: (error: Error) => void,
) => NativeNetlinkSocket;

export const NETLINK_SOCK_DIAG = 4;
const NLMSG_ERROR = 2;
const NLMSG_DONE = 3;
const NLM_F_REQUEST = 0x1;
const NLM_F_DUMP = 0x300;
const ENOENT = 2;
/** sock_diag's answer to a get whose cookie is not the socket's now on those endpoints: the one asked for is gone. */
const ESTALE = 116;

/** The most requests one `get` asks at once (a bounded question, and one datagram of answers). */
export const MAX_GETS = 64;

/**
 * The kernel sends a dump in datagrams of less than 32 KiB (netlink_recvmsg caps the size it allocates a dump's
 * buffers for at SKB_WITH_OVERHEAD(32 KiB): 32,448 bytes here), so a 32 KiB buffer receives each one whole in one
 * system call (peeking first would take two). Each datagram kept holds its whole buffer (the binding allocates it
 * zeroed), so a larger one would hold twice the bytes a dump counts against its maxBytes (64 KiB did: 2.08 × in
 * RSS, 1.05 × now). One larger than this would come truncated: the dump fails, and the reading says so.
 */
const RECEIVE_BUFFER = 32 * 1024;

let binding: { NativeNetlink: NativeNetlinkClass } | Error | undefined;

/**
 * Where the binary for this platform may be: beside the bundles (out/main/native), and, only when running
 * from sources (tests, benchmarks: not a build, which defines NETLENS_BUILD), in the checkout's node_modules.
 * A build never looks in the working folder: a shared object planted in a folder the app was started from
 * would run as NetLens.
 */
export function netlinkBinaryCandidates(): string[] {
  const name = `${process.platform}-${process.arch}`;
  const built = path.join(builtPaths.native, `netlink-${name}.node`);
  if (process.env.NETLENS_BUILD === 'production') return [built];
  return [built, path.join(process.cwd(), 'node_modules', 'netlink', 'prebuilds', name, 'node.napi.node')];
}

function loadBinding(): { NativeNetlink: NativeNetlinkClass } | Error {
  if (binding !== undefined) return binding;
  if (process.platform !== 'linux') return (binding = new Error('netlink exists on Linux only'));
  const file = netlinkBinaryCandidates().find((p) => fs.existsSync(p));
  if (file === undefined) return (binding = new Error(`no netlink binary for ${process.platform}-${process.arch}`));
  try {
    const m = { exports: {} as { NativeNetlink?: NativeNetlinkClass } };
    process.dlopen(m, file);
    binding =
      typeof m.exports.NativeNetlink === 'function'
        ? { NativeNetlink: m.exports.NativeNetlink }
        : new Error(`${path.basename(file)} has no NativeNetlink`);
  } catch (e) {
    binding = new Error(`the netlink binary did not load: ${(e as Error).message}`);
  }
  return binding;
}

export interface DumpLimits {
  /** Give up (and close the socket) when the dump has not finished after this long. */
  timeoutMs: number;
  /** Give up when the dump is larger than this: a bounded reading, whatever the kernel holds. */
  maxBytes: number;
}

/**
 * What a dump gave: the datagrams of its reply (nlmsghdr-framed messages, NLMSG_DONE excluded). With `release`,
 * they are views of memory that is used again for a later dump, or freed, once released (a relayed dump's: the
 * monitor's worker reads it where the host's thread wrote it, netlink-relay.ts): call it when they are read, and
 * read them no more after; without, they are the reader's.
 */
export type DumpResult =
  | { ok: true; datagrams: Buffer[]; bytes: number; release?: () => void }
  | { ok: false; error: string };

/** Lets a dump's datagrams go (a relayed dump's memory is then used again, or freed). */
export function releaseDump(r: DumpResult): void {
  if (r.ok) r.release?.();
}

/** One dump read by `read`, its datagrams let go after however the reading ends; or why the kernel could not be
 *  asked. */
export async function readDump<T>(
  dumper: NetlinkDumper,
  type: number,
  payload: Buffer,
  limits: DumpLimits,
  read: (datagrams: readonly Buffer[]) => T,
): Promise<{ ok: true; value: T } | { ok: false; error: string }> {
  const r = await dumper.dump(type, payload, limits);
  if (!r.ok) return r;
  try {
    return { ok: true, value: read(r.datagrams) };
  } finally {
    releaseDump(r);
  }
}

/** Each datagram of a dump in turn as it arrives, instead of all of them at its end (NetlinkDumper.dump). */
export type DatagramSink = (datagram: Buffer) => void;

interface Pending {
  seq: number;
  /** A get's answers still to come (one per request: its record, or NLMSG_ERROR); 0 for a dump. */
  answersLeft: number;
  datagrams: Buffer[];
  sink: DatagramSink | null;
  bytes: number;
  limits: DumpLimits;
  timer: NodeJS.Timeout;
  resolve: (r: DumpResult) => void;
}

/**
 * Where dumps run when not on this thread. A worker thread must not hold netlink sockets (a worker the host
 * has to terminate while one is open takes the process down: see NetlinkDumper), so
 * the monitor's worker hands its dumps to the host's thread (electron/monitor/netlink-relay.ts), which only
 * waits on the socket and never runs the parsers that could hang.
 */
export interface NetlinkTransport {
  /** `gets`: a get of that many requests, `payload` their payloads end to end (NetlinkDumper.get); else a dump. */
  dump(protocol: number, type: number, payload: Uint8Array, limits: DumpLimits, gets?: number): Promise<DumpResult>;
}
let transport: NetlinkTransport | null = null;

/** Sends every later dump of this thread through `t` (the monitor's worker does, at start). */
export function setNetlinkTransport(t: NetlinkTransport | null): void {
  transport = t;
}

/**
 * Dumps over netlink sockets of one protocol, one dump at a time (a second waits for the first), each on a
 * socket of its own, opened for it and closed as soon as it ends however it ends (done, refused, over a
 * limit, timed out): no socket stays open between dumps, and no late datagram of one dump can be read as
 * part of the next. Once closed, a dumper makes no more sockets.
 *
 * Only on a thread that is never terminated: netlink@0.3.0's binding crashes the whole process (a segfault
 * or abort, Node 20) when a worker thread is torn down with one of its sockets open, which is why the
 * monitor's worker dumps through the host's thread (setNetlinkTransport). A plain process exiting with one
 * open is fine.
 */
export class NetlinkDumper {
  private socket: NativeNetlinkSocket | null = null;
  private pending: Pending | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private seq = 0;
  private closed = false;

  constructor(private readonly protocol: number) {}

  /** Why netlink cannot be used here, or null. Loads the binary on first call. */
  static unavailable(): string | null {
    const b = loadBinding();
    return b instanceof Error ? b.message : null;
  }

  /**
   * Sends `request` (an nlmsghdr-framed message; its type and payload: the caller's) as a dump. With `sink`
   * (on a thread that dumps itself: the host's), each datagram goes to it as it arrives and is not kept: the
   * result then has none, its bytes counted all the same; a datagram the sink throws on ends the dump as
   * failed.
   */
  dump(type: number, payload: Uint8Array, limits: DumpLimits, sink?: DatagramSink): Promise<DumpResult> {
    return this.ask(type, payload, limits, sink ?? null, 0);
  }

  /**
   * A get, not a dump: each of `payloads` (of one size, at most MAX_GETS) is a request for one object (for
   * sock_diag, a socket by its endpoints and cookie: a lookup in the kernel's hash, not a walk of it), sent
   * together without NLM_F_DUMP. The result holds the records found; an object gone (ENOENT, or ESTALE: another
   * is on its endpoints) has none. Other refusals fail it.
   */
  get(type: number, payloads: readonly Uint8Array[], limits: DumpLimits): Promise<DumpResult> {
    const size = payloads[0]?.length ?? 0;
    if (payloads.length === 0 || payloads.length > MAX_GETS || payloads.some((p) => p.length !== size))
      return Promise.resolve({
        ok: false,
        error: `netlink: a get of ${payloads.length} requests (1 to ${MAX_GETS}, of one size)`,
      });
    return this.ask(type, Buffer.concat(payloads), limits, null, payloads.length);
  }

  /** A dump (`gets` 0), or a get of `gets` requests whose payloads are `payload`'s equal parts; see getsOf. */
  ask(type: number, payload: Uint8Array, limits: DumpLimits, sink: DatagramSink | null, gets: number) {
    if (this.closed) return Promise.resolve<DumpResult>({ ok: false, error: 'closed' });
    const wrong = getsOf(payload, gets);
    if (wrong !== null) return Promise.resolve<DumpResult>({ ok: false, error: wrong });
    if (transport) return transport.dump(this.protocol, type, payload, limits, gets > 0 ? gets : undefined);
    // The time limit counts from now, waiting included: a dump asked while others run (a worker's, relayed,
    // whose asker gave up and asked again) is given up when its time is over, never run late, so what waits
    // here is at most what was asked within one time limit.
    const deadline = Date.now() + limits.timeoutMs;
    // Never rejects: the host answers a relayed dump in a callback of its own, where a rejection would be
    // unhandled on the host's thread.
    const run = this.queue
      .then(() => this.dumpNow(type, payload, limits, deadline, sink, gets))
      .catch((e: unknown): DumpResult => ({ ok: false, error: `netlink: ${(e as Error).message}` }));
    this.queue = run;
    return run;
  }

  /** Ends the dump in progress (it resolves as failed) and every one asked for later. */
  close(): void {
    this.closed = true;
    this.finish({ ok: false, error: 'closed' });
  }

  private open(): NativeNetlinkSocket | string {
    if (this.closed) return 'closed';
    const b = loadBinding();
    if (b instanceof Error) return b.message;
    try {
      const socket = new b.NativeNetlink(
        this.protocol,
        RECEIVE_BUFFER,
        (message, info) => {
          // Nothing may throw back into the binding: an exception there aborts the process.
          try {
            this.receive(message, info.truncated === true);
          } catch (e) {
            this.finish({ ok: false, error: `netlink: ${(e as Error).message}` });
          }
        },
        (error) => this.finish({ ok: false, error: `netlink: ${error.message}` }),
      );
      this.socket = socket;
      try {
        // Port 0: the kernel assigns a free one.
        socket.bind(0, 0);
        socket.setRecvBufferSize(1024 * 1024);
      } catch (e) {
        this.closeSocket();
        throw e;
      }
      return socket;
    } catch (e) {
      return `netlink socket: ${(e as Error).message}`;
    }
  }

  private closeSocket(): void {
    const s = this.socket;
    this.socket = null;
    if (s === null) return;
    try {
      s.close();
    } catch {
      // already closed
    }
  }

  private dumpNow(
    type: number,
    payload: Uint8Array,
    limits: DumpLimits,
    deadline: number,
    sink: DatagramSink | null,
    gets: number,
  ): Promise<DumpResult> {
    const left = deadline - Date.now();
    if (left <= 0)
      return Promise.resolve({ ok: false, error: `netlink dump waited its ${limits.timeoutMs} ms behind others` });
    this.seq = (this.seq % 0x7fffffff) + 1;
    const seq = this.seq;
    // The request is made before the socket is opened: nothing that throws may leave one open. A get is its
    // requests one after another in one datagram (the kernel answers each in turn), all with this sequence.
    const count = gets > 0 ? gets : 1;
    const size = payload.length / count;
    const message = Buffer.alloc(count * (16 + size));
    for (let i = 0; i < count; i++) {
      const at = i * (16 + size);
      message.writeUInt32LE(16 + size, at);
      message.writeUInt16LE(type, at + 4);
      message.writeUInt16LE(gets > 0 ? NLM_F_REQUEST : NLM_F_REQUEST | NLM_F_DUMP, at + 6);
      message.writeUInt32LE(seq, at + 8);
      message.set(payload.subarray(i * size, (i + 1) * size), at + 16);
    }
    const socket = this.open();
    if (typeof socket === 'string') return Promise.resolve({ ok: false, error: socket });
    return new Promise<DumpResult>((resolve) => {
      const timer = setTimeout(
        () => this.finish({ ok: false, error: `netlink dump gave no answer within ${limits.timeoutMs} ms` }),
        left,
      );
      this.pending = { seq, answersLeft: gets, datagrams: [], sink, bytes: 0, limits, timer, resolve };
      try {
        socket.send(0, 0, message, (error) => {
          if (error) this.finish({ ok: false, error: `netlink send: ${error.message}` });
        });
      } catch (e) {
        this.finish({ ok: false, error: `netlink send: ${(e as Error).message}` });
      }
    });
  }

  private receive(message: Buffer, truncated: boolean): void {
    const p = this.pending;
    if (p === null) return; // nothing asked: a late datagram of a dump given up on (its socket is closed)
    if (truncated) {
      this.finish({ ok: false, error: 'netlink message larger than the receive buffer' });
      return;
    }
    if (p.answersLeft > 0) {
      this.receiveAnswers(p, message);
      return;
    }
    // The last message of a dump is NLMSG_DONE (or NLMSG_ERROR), alone or at the end of a datagram.
    const end = walkAnswer(message, p.seq, (type, off, len) =>
      type === NLMSG_ERROR ? `the kernel refused the dump (errno ${errnoAt(message, off, len)})` : type !== NLMSG_DONE,
    );
    if (typeof end === 'string') {
      this.finish({ ok: false, error: end });
      return;
    }
    const kept = end >= 0 ? message.subarray(0, end) : message;
    if (kept.length > 0) {
      p.bytes += kept.length;
      if (p.bytes > p.limits.maxBytes) {
        this.finish({ ok: false, error: `netlink dump larger than ${p.limits.maxBytes / 1024 / 1024} MiB` });
        return;
      }
      if (p.sink === null) p.datagrams.push(kept);
      else p.sink(kept);
    }
    if (end >= 0) this.finish({ ok: true, datagrams: p.datagrams, bytes: p.bytes });
  }

  /**
   * A datagram of a get's answers: each message answers one request, its record (kept) or NLMSG_ERROR (ENOENT
   * or ESTALE: the object is gone, nothing kept; any other errno fails the get). The get ends with its last
   * answer.
   */
  private receiveAnswers(p: Pending, message: Buffer): void {
    const kept: Buffer[] = [];
    const wrong = walkAnswer(message, p.seq, (type, off, len) => {
      if (p.answersLeft === 0) return false;
      if (type === NLMSG_ERROR || type === NLMSG_DONE) {
        const errno = type === NLMSG_ERROR ? errnoAt(message, off, len) : 0;
        if (type === NLMSG_DONE || (errno !== ENOENT && errno !== ESTALE && errno !== 0))
          return `the kernel refused the request (errno ${errno})`;
      } else kept.push(message.subarray(off, off + len));
      p.answersLeft--;
      return true;
    });
    if (typeof wrong === 'string') {
      this.finish({ ok: false, error: wrong });
      return;
    }
    for (const k of kept) {
      p.bytes += k.length;
      if (p.bytes > p.limits.maxBytes) {
        this.finish({ ok: false, error: `netlink answer larger than ${p.limits.maxBytes} bytes` });
        return;
      }
      // Copied: a record is a small part of its datagram, which is then not held.
      p.datagrams.push(Buffer.from(k));
    }
    if (p.answersLeft === 0) this.finish({ ok: true, datagrams: p.datagrams, bytes: p.bytes });
  }

  /** Ends the dump in progress with `result` and closes its socket. */
  private finish(result: DumpResult): void {
    this.closeSocket();
    const p = this.pending;
    if (p === null) return;
    this.pending = null;
    clearTimeout(p.timer);
    p.resolve(result);
  }
}

/**
 * Walks the messages of a datagram answering request `seq`: `visit(type, start, length)` for each, which goes on
 * (true), stops at it (false) or says what is wrong (a string). Returns that string, or why the framing is wrong
 * (a length past the datagram, another request's sequence), or where the walk stopped (-1: at the end).
 */
export function walkAnswer(
  message: Buffer,
  seq: number,
  visit: (type: number, start: number, length: number) => boolean | string,
): number | string {
  for (let off = 0; off + 16 <= message.length; ) {
    const len = message.readUInt32LE(off);
    if (len < 16 || off + len > message.length) return 'netlink message with a bad length';
    if (message.readUInt32LE(off + 8) !== seq) return 'netlink message of another request';
    const next = visit(message.readUInt16LE(off + 4), off, len);
    if (next !== true) return next === false ? off : next;
    off += (len + 3) & ~3;
  }
  return -1;
}

/** The errno of the NLMSG_ERROR message at `off` (0 when it is too short to hold one). */
const errnoAt = (message: Buffer, off: number, len: number): number => (len >= 20 ? -message.readInt32LE(off + 16) : 0);

/** Why `gets` does not describe `payload` as a get's requests (a count up to MAX_GETS of equal parts, each whole
 *  4-byte words), or null; 0 is a dump. */
export function getsOf(payload: Uint8Array, gets: number): string | null {
  if (gets === 0) return null;
  const bytes = payload instanceof Uint8Array ? payload.length : -1;
  // Each request a whole number of 4-byte words: the kernel steps from one to the next by its aligned length.
  if (!Number.isInteger(gets) || gets < 0 || gets > MAX_GETS || bytes <= 0 || bytes % (4 * gets) !== 0)
    return `netlink: a get of ${String(gets)} requests in ${bytes} bytes`;
  return null;
}

/**
 * Walks the messages of a dump's datagrams: `visit(buffer, payloadStart, payloadEnd)` for each; returns the
 * number of messages whose framing was unreadable (the rest of their datagram is skipped).
 */
export function forEachNetlinkMessage(
  datagrams: readonly Buffer[],
  visit: (b: Buffer, start: number, end: number) => void,
): number {
  let bad = 0;
  for (const b of datagrams) {
    let off = 0;
    while (off + 16 <= b.length) {
      const len = b.readUInt32LE(off);
      if (len < 16 || off + len > b.length) {
        bad++;
        break;
      }
      visit(b, off + 16, off + len);
      off += (len + 3) & ~3;
    }
  }
  return bad;
}
