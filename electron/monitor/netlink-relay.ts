// sock_diag dumps for the monitor's worker, run on the host's thread. netlink@0.3.0's binding crashes the
// whole process when a worker thread ends with one of its sockets open (electron/collectors/linux/netlink.ts),
// and the host must be able to end a worker at any moment (its watchdog terminates one stuck in a parser),
// so the worker never opens one: it asks the host, whose thread only waits on the socket. The host writes the
// dump's datagrams, as they arrive, into a shared buffer the worker keeps for that kind of dump and lends with
// the question; the reply says where each is (docs/performance.md, "The relayed dump in a shared buffer"). A
// dump too large for one (over MAPPED_BYTES) comes in a buffer made for it, freed once read ("A dump's buffer
// made for it, past the shared buffer's size").
import {
  type DumpLimits,
  type DumpResult,
  NetlinkDumper,
  type NetlinkTransport,
  releaseDump,
} from '../collectors/linux/netlink.js';
import type { FromWorker } from './worker-protocol.js';
import { PendingAnswers } from './pending-answers.js';
import { youngCollector } from './heap.js';
import { MessageChannel, type MessagePort } from 'node:worker_threads';

/**
 * netlink@0.3.0's binding receives each datagram into a 32 KiB buffer of its own (malloc'd, zeroed) and frees
 * it only when the Buffer wrapping it is collected. This thread allocates little else, so V8 collected only
 * once the buffers' external memory had grown by its 64 MiB limit: at 20,000 sockets (about 8 MB of
 * datagrams a tick) the host's malloc heap went from 9 to 80 MB in two minutes. Their ArrayBuffers cannot be
 * detached (a transfer copies them), so once this many bytes of a dump have been copied out of them the
 * thread runs a young collection, which frees them: the Buffers are young, and nothing holds them. A dump
 * written into the worker's shared buffer as it arrives so holds about this much of them at a time, not the
 * whole dump (42 MB at 100,000 sockets).
 */
const COLLECT_EVERY_BYTES = 2 * 1024 * 1024;
/** A dump (or its end) this large is followed by a young collection. */
const COLLECT_AFTER_BYTES = 1024 * 1024;

/**
 * A dump's result as it crosses threads: the datagrams end to end, with their lengths, either in the shared
 * buffer the worker lent for it (`shared`: nothing crosses but the lengths) or in a buffer of its own,
 * transferred (moved, not copied), which the worker frees once the dump is read (letGo).
 */
export type PackedDump =
  | { ok: true; data: ArrayBuffer; lengths: number[] }
  | { ok: true; shared: true; lengths: number[] }
  | { ok: false; error: string };

/**
 * The worker's buffer a dump is to be written into: its slot, and the buffer itself the first time the host
 * hears of it (a SharedArrayBuffer crosses once, not with each dump: each crossing is an object of its own
 * that V8 counts at the buffer's size until a collection).
 */
export interface LentBuffer {
  slot: number;
  buffer?: SharedArrayBuffer;
}

/** How many shared buffers a worker keeps (one per kind of dump: TCP, a family at a time or both, unix; the routes'
 *  and the interface names' of the Routes tab, the addresses of the Interfaces tab). Only the pages a dump wrote
 *  are resident: a small dump's slot holds a few of its 64 KiB. */
export const SHARED_SLOTS = 6;
/** The smallest buffer for a dump (shared, or of the dump's own); one too small is followed by a larger. */
const MIN_SHARED_BYTES = 64 * 1024;
/** A shared buffer over this many times its dumps' size is made again smaller (the sockets went). */
const SHRINK_WHEN_OVER = 4;

/**
 * The least size of a dump's buffer beyond MIN_SHARED_BYTES: more than glibc's largest mmap threshold (32 MiB
 * on 64-bit), so it is a mapping of its own, of which only the pages written are resident, unmapped when
 * freed. A buffer of a size between (64 KiB to 32 MiB) would be a mapping too, but freeing one raises glibc's
 * mmap threshold to its size, and its trim threshold to twice that, for the life of the process: after the
 * first dumps at 20,000 sockets (their buffers of 4, 8 and 16 MiB) every thread's malloc arena kept up to
 * 32 MiB of freed memory resident rather than give it back (docs/performance.md, "Where the host's RSS is").
 * Its memory is virtual until written: the RSS is the dump's, as with a buffer of the dump's size.
 */
export const MAPPED_BYTES = 32 * 1024 * 1024 + MIN_SHARED_BYTES;

/**
 * The largest dump a shared buffer is kept for (its buffer MAPPED_BYTES). A shared buffer cannot be given back
 * while the worker lives: the pages its largest dump wrote stay resident (38.9 MB of a 64 MiB buffer at 100,000
 * sockets). A larger dump comes in a buffer made for it and freed once read: between dumps nothing of it is
 * resident. Not below: V8 counts a received ArrayBuffer at its size (MAPPED_BYTES at least) against the worker's
 * old generation until it is freed, which at 20,000 sockets (8 MB dumps, 15 MB of room) brought a full
 * collection each tick (docs/performance.md, "A dump's buffer made for it, past the shared buffer's size").
 */
export const SHARED_AT_MOST = MAPPED_BYTES;

/**
 * The size of a buffer for `needed` bytes: MIN_SHARED_BYTES, or MAPPED_BYTES doubled until they fit (from
 * `from` when larger: a buffer outgrown is followed by one twice its size).
 */
export function bufferSize(needed: number, from = 0): number {
  if (needed <= MIN_SHARED_BYTES && from < MIN_SHARED_BYTES) return MIN_SHARED_BYTES;
  let size = Math.max(from, MAPPED_BYTES);
  while (size < needed) size *= 2;
  return size;
}

/**
 * The size of the first buffer for a dump not lent a shared one, whose kind's last dump was `expected` bytes
 * (0: none yet): room for an eighth more, in whole MiB, at least MAPPED_BYTES past MIN_SHARED_BYTES; a dump
 * that outgrows it goes on in one of bufferSize's, doubled. Not doubled from the start: V8 counts the buffer
 * at its size against the old generation's room of the thread that holds it (the host's while it is written,
 * the worker's until it is read), so at 100,000 sockets (a 42 MB dump) 48 MB, not 67.
 */
export function expectedBufferSize(expected: number): number {
  const wanted = expected + Math.ceil(expected / 8);
  if (wanted <= MIN_SHARED_BYTES) return MIN_SHARED_BYTES;
  const mib = 1024 * 1024;
  return Math.max(MAPPED_BYTES, Math.ceil(wanted / mib) * mib);
}

/**
 * Frees a buffer at once, whatever still points at it: it is transferred into a message posted on a closed port,
 * which detaches it (its length and every view's become 0) and drops the message, its memory with it, before
 * postMessage returns; V8 stops counting it against the thread's heap as it does. (Posted to an open port whose
 * other end is closed, the first messages waited for the close to be handled.) Without it the memory stays until
 * a full collection finds the buffer's object, which by then is old: at 100,000 sockets 48 MB a tick.
 */
let drain: MessagePort | null = null;
export function letGo(buffer: ArrayBuffer): void {
  if (buffer.byteLength === 0) return;
  if (drain === null) {
    drain = new MessageChannel().port1;
    drain.close();
  }
  drain.postMessage(null, [buffer]);
}

/** The datagrams of a dump in one fresh buffer (transferable), with their lengths. */
export function packDump(r: DumpResult): { packed: PackedDump; transfer: ArrayBuffer[] } {
  if (!r.ok) return { packed: r, transfer: [] };
  const data = new ArrayBuffer(r.bytes);
  const view = new Uint8Array(data);
  const lengths: number[] = [];
  let at = 0;
  for (const d of r.datagrams) {
    view.set(d, at);
    at += d.length;
    lengths.push(d.length);
  }
  return { packed: { ok: true, data, lengths }, transfer: [data] };
}

/**
 * The datagrams again, as views into the one buffer (`shared`: the buffer lent for a dump answered `shared`);
 * a packing whose lengths do not add up is an error.
 */
export function unpackDump(p: PackedDump, shared?: SharedArrayBuffer): DumpResult {
  if (!p.ok) return p;
  const data = 'shared' in p ? shared : p.data;
  if (data === undefined) return { ok: false, error: 'netlink relay: a dump answered in a buffer not lent for it' };
  if (!(data instanceof ArrayBuffer || data instanceof SharedArrayBuffer))
    return { ok: false, error: 'netlink relay: a packed dump without its buffer' };
  const datagrams: Buffer[] = [];
  let at = 0;
  for (const length of p.lengths) {
    if (!(Number.isInteger(length) && length >= 0 && at + length <= data.byteLength))
      return { ok: false, error: 'netlink relay: a packed dump that does not add up' };
    datagrams.push(Buffer.from(data, at, length));
    at += length;
  }
  return { ok: true, datagrams, bytes: at };
}

/**
 * Writes a dump's datagrams, as they arrive, into the shared buffer lent for it while they fit; from the first
 * that does not (the dump outgrew it), or from the start when none was lent, into a buffer of the dump's own
 * (first of the size its kind's last dump, `expected` bytes, needed: expectedBufferSize), larger as it fills
 * (each outgrown one freed at once), which the answer then carries (transferred). Runs a young collection of
 * this thread every COLLECT_EVERY_BYTES written, so the binding's buffers go as the dump does (at 100,000
 * sockets a dump kept whole until its end raised the C heap by its 42 MB for good), and at the end when
 * COLLECT_AFTER_BYTES more have come.
 */
class DumpWriter {
  private readonly shared: Uint8Array | null;
  private own: Uint8Array | null = null;
  private written = 0;
  private readonly lengths: number[] = [];
  private sinceCollect = 0;

  constructor(
    shared: SharedArrayBuffer | undefined,
    private readonly expected: number,
    private readonly collect: () => void,
  ) {
    this.shared = shared === undefined ? null : new Uint8Array(shared);
  }

  readonly sink = (d: Buffer): void => {
    let into = this.own ?? this.shared;
    if (into === null || this.written + d.length > into.length) into = this.grow(this.written + d.length);
    into.set(d, this.written);
    this.written += d.length;
    this.lengths.push(d.length);
    this.sinceCollect += d.length;
    if (this.sinceCollect >= COLLECT_EVERY_BYTES) {
      this.sinceCollect = 0;
      this.collect();
    }
  };

  /**
   * A buffer of the dump's own for at least `needed` bytes, with what was written so far; an own one it
   * replaces is freed (letGo).
   */
  private grow(needed: number): Uint8Array {
    const own = this.own;
    const first = expectedBufferSize(this.expected);
    const size =
      own !== null
        ? bufferSize(needed, 2 * own.length)
        : this.shared !== null
          ? bufferSize(needed, 2 * this.shared.length)
          : first >= needed
            ? first
            : bufferSize(needed);
    const next = new Uint8Array(new ArrayBuffer(size));
    const before = own ?? this.shared;
    if (before !== null) next.set(before.subarray(0, this.written));
    if (own !== null) letGo(own.buffer as ArrayBuffer);
    this.own = next;
    return next;
  }

  /** The dump's answer, once it has ended well. */
  packed(): { packed: PackedDump; transfer: ArrayBuffer[] } {
    if (this.sinceCollect >= COLLECT_AFTER_BYTES) this.collect();
    const lengths = this.lengths;
    if (this.own === null && this.shared !== null) return { packed: { ok: true, shared: true, lengths }, transfer: [] };
    const data = (this.own?.buffer as ArrayBuffer | undefined) ?? new ArrayBuffer(0);
    this.own = null;
    return { packed: { ok: true, data, lengths }, transfer: [data] };
  }

  /** The dump failed: a buffer of its own is freed. */
  drop(): void {
    if (this.own !== null) letGo(this.own.buffer as ArrayBuffer);
    this.own = null;
  }
}

/**
 * A finished dump's answer as the host packs one (into `shared` while its datagrams fit, else a buffer first
 * sized for `expected` bytes), with `collect` for its young collections: for tests.
 */
export function packDumpInto(
  r: DumpResult,
  shared: SharedArrayBuffer | undefined,
  collect: () => void = () => {},
  expected = 0,
): { packed: PackedDump; transfer: ArrayBuffer[] } {
  if (!r.ok) return packDump(r);
  const writer = new DumpWriter(shared, expected, collect);
  for (const d of r.datagrams) writer.sink(d);
  return writer.packed();
}

/** One kind of dump's shared buffer, in the worker. */
interface Slot {
  index: number;
  /** The buffer (null: none yet, or let go to be made again). */
  buffer: SharedArrayBuffer | null;
  /** Whether the host has been given `buffer`. */
  hostHas: boolean;
  /**
   * free: the worker may lend it; lent: the host may be writing into it, until it answers the dump it was lent
   * for (however late: a dump given up on keeps it); held: answered, its datagrams being read until released.
   */
  state: 'free' | 'lent' | 'held';
  /** The dump it is lent for or held by (its question's id). */
  by: number;
  /** The size of the last dump of its kind. */
  needed: number;
  /** When it was last lent (for which slot a new kind takes when all are taken). */
  lentAt: number;
}

/**
 * The worker's side: each dump is a question to the host, answered with its packed result. Each kind of dump
 * (protocol, type and request) has a shared buffer of its own, made once and grown by doubling, which the
 * host writes each of its dumps into and the worker reads in place: no buffer made, moved or freed per dump.
 * Who may touch it is handed over by message, one dump at a time: lent with the question (the host writes it
 * until it answers), then held by the answer's reader until released; only then is it lent again. A dump of
 * a kind whose buffer is not free (or whose size is not known yet) comes in a buffer of its own, which is
 * freed when the dump is released. So does every dump of a kind whose last was over SHARED_AT_MOST: its shared
 * buffer is let go (the host is told to let go of it too), and the question says the last dump's size, for
 * which the host makes the dump's buffer.
 */
export class WorkerNetlinkRelay implements NetlinkTransport {
  private readonly questions = new PendingAnswers<DumpResult>();
  private readonly slots = new Map<string, Slot>();
  /** The questions not yet answered by the host, with their kind's slot and whether it was lent for them. */
  private readonly asked = new Map<number, { slot: Slot | null; lent: boolean }>();
  private lendings = 0;

  constructor(private readonly post: (message: FromWorker) => void) {}

  dump(protocol: number, type: number, payload: Uint8Array, limits: DumpLimits, gets?: number): Promise<DumpResult> {
    // A get's answer is a few records, each get's request another: no shared buffer (it would take a dump's slot).
    const slot = gets ? null : this.slotFor(`${protocol} ${type} ${Buffer.from(payload).toString('hex')}`);
    const forget = slot === null ? undefined : this.letGoOutgrown(slot);
    const lent = slot !== null && this.lend(slot);
    const expected = lent || slot === null ? 0 : slot.needed;
    // The host gives up on the dump after limits.timeoutMs; the fallback only covers a host that never answers.
    return this.questions.ask(
      limits.timeoutMs + 5000,
      { ok: false, error: 'netlink relay: the host did not answer' },
      (id) => {
        this.asked.set(id, { slot, lent });
        let into: LentBuffer | undefined;
        if (lent) {
          slot.by = id;
          into = slot.hostHas ? { slot: slot.index } : { slot: slot.index, buffer: slot.buffer! };
          slot.hostHas = true;
        }
        this.post({
          type: 'netlink',
          id,
          protocol,
          msgType: type,
          payload: Uint8Array.from(payload),
          limits,
          ...(into ? { into } : {}),
          ...(expected > 0 ? { expected } : {}),
          ...(forget !== undefined ? { forget } : {}),
          ...(gets ? { gets } : {}),
        });
      },
    );
  }

  answer(id: number, packed: PackedDump): void {
    const q = this.asked.get(id);
    this.asked.delete(id);
    const slot = q?.slot ?? null;
    let result: DumpResult;
    if (q?.lent && slot !== null && 'shared' in packed && packed.ok) {
      slot.state = 'held';
      const held = unpackDump(packed, slot.buffer!);
      result = held.ok ? { ...held, release: () => this.release(slot, id) } : held;
      if (!held.ok) this.release(slot, id);
    } else {
      result = unpackDump(packed);
      if (q?.lent && slot !== null) {
        // Failed, or answered in a buffer of its own after all (the dump outgrew the one lent, or the host did
        // not know it: it is given again with the next): free again.
        if (packed.ok) slot.hostHas = false;
        this.release(slot, id);
      }
      // A buffer of the dump's own: freed once the dump is read, or now when it cannot be.
      const own = packed.ok && 'data' in packed && packed.data instanceof ArrayBuffer ? packed.data : null;
      if (own !== null) {
        if (result.ok) result = { ...result, release: () => letGo(own) };
        else letGo(own);
      }
    }
    if (result.ok && slot !== null) slot.needed = result.bytes;
    // Nobody waits for it any more (given up on): read by no one.
    if (!this.questions.answer(id, result)) releaseDump(result);
  }

  /** The shared buffer of a kind of dump, made when first asked; null when every slot is taken by others. */
  private slotFor(kind: string): Slot | null {
    const known = this.slots.get(kind);
    if (known !== undefined) return known;
    let index = this.slots.size;
    if (index >= SHARED_SLOTS) {
      // The free slot lent longest ago goes to this kind.
      let oldest: [string, Slot] | null = null;
      for (const entry of this.slots)
        if (entry[1].state === 'free' && (oldest === null || entry[1].lentAt < oldest[1].lentAt)) oldest = entry;
      if (oldest === null) return null;
      this.slots.delete(oldest[0]);
      index = oldest[1].index;
    }
    const slot: Slot = { index, buffer: null, hostHas: false, state: 'free', by: 0, needed: 0, lentAt: 0 };
    this.slots.set(kind, slot);
    return slot;
  }

  /**
   * When the last dump of `slot`'s kind was over SHARED_AT_MOST and its shared buffer is free, lets the buffer
   * go and gives its slot, for the host to let go of it too (it then goes with both threads' next full
   * collections: a shared buffer cannot be freed at once).
   */
  private letGoOutgrown(slot: Slot): number | undefined {
    if (slot.state !== 'free' || slot.needed <= SHARED_AT_MOST || slot.buffer === null) return undefined;
    slot.buffer = null;
    slot.hostHas = false;
    return slot.index;
  }

  /**
   * Lends `slot` for the next dump, its buffer made to fit the last dump of its kind; false if it cannot be (a
   * kind whose last dump was over SHARED_AT_MOST is lent none).
   */
  private lend(slot: Slot): boolean {
    if (slot.state !== 'free' || slot.needed === 0 || slot.needed > SHARED_AT_MOST) return false;
    const size = slot.buffer?.byteLength ?? 0;
    if (size < slot.needed || (size > SHRINK_WHEN_OVER * slot.needed && bufferSize(slot.needed) < size)) {
      slot.buffer = null;
      slot.hostHas = false;
      try {
        slot.buffer = new SharedArrayBuffer(bufferSize(slot.needed, size < slot.needed ? 2 * size : 0));
      } catch {
        // No memory for it now: this dump comes in a buffer of its own, as the host can make one.
        return false;
      }
    }
    slot.state = 'lent';
    slot.lentAt = ++this.lendings;
    return true;
  }

  /** The dump `by` is done with `slot`: it may be lent again (a second release, or a stale one, does nothing). */
  private release(slot: Slot, by: number): void {
    if (slot.by === by && slot.state !== 'free') slot.state = 'free';
  }
}

/**
 * The shared buffers a worker has given the host, by slot (host.ts keeps one of these per worker it starts).
 * A slot the host has not been given (or not by this worker) has none: its dump is answered in a buffer of its
 * own.
 */
export class HostSharedBuffers {
  private readonly slots = new Map<number, SharedArrayBuffer>();

  /**
   * The buffer to write the dump lent `into` into, or undefined; the buffer of slot `forget` is let go first
   * (the worker let go of it: its kind's dumps outgrew it).
   */
  resolve(into: LentBuffer | undefined, forget?: number): SharedArrayBuffer | undefined {
    if (forget !== undefined) this.slots.delete(forget);
    if (into === undefined || !Number.isInteger(into.slot) || into.slot < 0 || into.slot >= SHARED_SLOTS)
      return undefined;
    if (into.buffer instanceof SharedArrayBuffer) this.slots.set(into.slot, into.buffer);
    return this.slots.get(into.slot);
  }
}

/** The host's side: one dumper per protocol (each runs its dumps one at a time), closed with the host. */
export class HostNetlinkDumps {
  private readonly dumpers = new Map<number, NetlinkDumper>();
  private closed = false;
  private readonly collectYoung = youngCollector();
  private collecting = false;

  /**
   * Runs a dump and packs its answer: into `shared` (a buffer the worker lent for it, which it does not read
   * until answered) as its datagrams arrive while they fit, else in a buffer of its own, first made for
   * `expected` bytes (the size of its kind's last dump, as the worker says).
   */
  async dump(
    protocol: number,
    type: number,
    payload: Uint8Array,
    limits: DumpLimits,
    shared?: SharedArrayBuffer,
    expected = 0,
    gets = 0,
  ) {
    // A worker still reading while the host closes opens no socket after close.
    if (this.closed) return packDump({ ok: false, error: 'closed' });
    let d = this.dumpers.get(protocol);
    if (!d) this.dumpers.set(protocol, (d = new NetlinkDumper(protocol)));
    // A get's few records: in a buffer of their size.
    if (gets !== 0) return packDump(await d.ask(type, payload, limits, null, gets));
    // No larger than the dump may be: what the worker says is a size, never a cause to fail.
    const sized = Number.isSafeInteger(expected) && expected > 0 ? Math.min(expected, limits.maxBytes) : 0;
    const writer = new DumpWriter(shared, sized, () => this.collectSoon());
    const result = await d.dump(type, payload, limits, writer.sink);
    if (!result.ok) {
      writer.drop();
      return packDump(result);
    }
    try {
      return writer.packed();
    } catch (e) {
      writer.drop();
      // One buffer of the dump's size could not be made: the worker reads /proc for this tick.
      return packDump({ ok: false, error: `netlink relay: ${(e as Error).message}` });
    }
  }

  /** Once the datagrams in hand are copied (an immediate runs after them), they are garbage. */
  private collectSoon(): void {
    const collect = this.collectYoung;
    if (collect === null || this.collecting) return;
    this.collecting = true;
    setImmediate(() => {
      this.collecting = false;
      collect();
    });
  }

  close(): void {
    this.closed = true;
    for (const d of this.dumpers.values()) d.close();
    this.dumpers.clear();
  }
}
