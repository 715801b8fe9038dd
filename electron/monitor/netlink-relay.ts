// sock_diag dumps for the monitor's worker, run on the host's thread. netlink@0.3.0's binding crashes the
// whole process when a worker thread ends with one of its sockets open (electron/collectors/linux/netlink.ts),
// and the host must be able to end a worker at any moment (its watchdog terminates one stuck in a parser),
// so the worker never opens one: it asks the host, whose thread only waits on the socket. The reply carries
// the dump's datagrams in one transferred buffer (moved, not copied, between the threads).
import { type DumpLimits, type DumpResult, NetlinkDumper, type NetlinkTransport } from '../collectors/linux/netlink.js';
import type { FromWorker } from './worker-protocol.js';
import { PendingAnswers } from './pending-answers.js';
import { youngCollector } from './heap.js';

/**
 * netlink@0.3.0's binding receives each datagram into a 32 KiB buffer of its own (malloc'd, zeroed) and frees
 * it only when the Buffer wrapping it is collected. This thread allocates little else, so V8 collected only
 * once the buffers' external memory had grown by its 64 MiB limit: at 20,000 sockets (about 8 MB of
 * datagrams a tick) the host's malloc heap went from 9 to 80 MB in two minutes. Their ArrayBuffers cannot be
 * detached (a transfer copies them), so after a dump this large the thread runs a young collection, which
 * frees them: the Buffers are young, and packDump has copied what they held.
 */
const COLLECT_AFTER_BYTES = 1024 * 1024;

/** A dump's result as it crosses threads: the datagrams end to end in one buffer, with their lengths. */
export type PackedDump = { ok: true; data: ArrayBuffer; lengths: number[] } | { ok: false; error: string };

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

/** The datagrams again, as views into the one buffer; a packing whose lengths do not add up is an error. */
export function unpackDump(p: PackedDump): DumpResult {
  if (!p.ok) return p;
  const datagrams: Buffer[] = [];
  let at = 0;
  for (const length of p.lengths) {
    if (!(Number.isInteger(length) && length >= 0 && at + length <= p.data.byteLength))
      return { ok: false, error: 'netlink relay: a packed dump that does not add up' };
    datagrams.push(Buffer.from(p.data, at, length));
    at += length;
  }
  return { ok: true, datagrams, bytes: at };
}

/** The worker's side: each dump is a question to the host, answered with its packed result. */
export class WorkerNetlinkRelay implements NetlinkTransport {
  private readonly questions = new PendingAnswers<DumpResult>();

  constructor(private readonly post: (message: FromWorker) => void) {}

  dump(protocol: number, type: number, payload: Uint8Array, limits: DumpLimits): Promise<DumpResult> {
    // The host gives up on the dump after limits.timeoutMs; the fallback only covers a host that never answers.
    return this.questions.ask(
      limits.timeoutMs + 5000,
      { ok: false, error: 'netlink relay: the host did not answer' },
      (id) => this.post({ type: 'netlink', id, protocol, msgType: type, payload: Uint8Array.from(payload), limits }),
    );
  }

  answer(id: number, packed: PackedDump): void {
    this.questions.answer(id, unpackDump(packed));
  }
}

/** The host's side: one dumper per protocol (each runs its dumps one at a time), closed with the host. */
export class HostNetlinkDumps {
  private readonly dumpers = new Map<number, NetlinkDumper>();
  private closed = false;
  private readonly collectYoung = youngCollector();
  private collecting = false;

  async dump(protocol: number, type: number, payload: Uint8Array, limits: DumpLimits) {
    // A worker still reading while the host closes opens no socket after close.
    if (this.closed) return packDump({ ok: false, error: 'closed' });
    let d = this.dumpers.get(protocol);
    if (!d) this.dumpers.set(protocol, (d = new NetlinkDumper(protocol)));
    const result = await d.dump(type, payload, limits);
    if (result.ok && result.bytes >= COLLECT_AFTER_BYTES) this.collectSoon();
    try {
      return packDump(result);
    } catch (e) {
      // One buffer of the dump's size could not be made: the worker reads /proc for this tick.
      return packDump({ ok: false, error: `netlink relay: ${(e as Error).message}` });
    }
  }

  /** Once the dump in hand is packed and posted (an immediate runs after both), its datagrams are garbage. */
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
