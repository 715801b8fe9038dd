// How much memory V8 keeps for the monitor: how far the worker's heap grows past what it holds, and the host
// thread's netlink receive buffers, which only a garbage collection frees. Measured with bench/mem-probe.ts
// (docs/performance.md, "The host's memory").
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { ResourceLimits } from 'node:worker_threads';

/**
 * After a full collection V8 lets the old generation grow to a multiple of what survived it before the next,
 * up to 4 × when collections are cheap beside the program's work. Each tick of the worker reads every socket
 * again (at 20,000 sockets about 35 MB of rows, keys and owner lists a tick, a few MB of which outlive a young
 * collection because the tick waits on the host's dumps), so the old generation fills with the garbage of
 * past ticks: 250-300 MB of heap holding 65 MB of live objects. At 1.5 × it holds 140-170 MB for a host CPU
 * of 28-30 % of a core against 25-26 % (20,000 sockets, 1 % churn, recording on). Process-wide (V8 flags
 * are): the host's own thread allocates little, and the capture worker's heap has a limit of its own.
 */
export const HEAP_GROWING_PERCENT = 50;

/**
 * The worker's young generation, in MB (V8's two semi-spaces and the young large objects: a third each). V8
 * grows the semi-spaces to 16 MB each when much survives a scavenge, and a tick at 20,000 sockets allocates
 * about 35 MB: the worker ran with 32 MB of young generation, resident, which held little but the garbage of
 * the tick in progress. At 12 (semi-spaces of 4 MB) the old generation was no larger and the host's CPU the
 * same; at 6, 2-3 % of a core more (bench/mem-probe.ts at 20,000 sockets with 1 % churn: docs/performance.md,
 * "The host's memory"). Given to the worker when it starts (host.ts): a worker's V8 limits are set then.
 */
export const WORKER_YOUNG_GENERATION_MB = 12;

export function workerResourceLimits(): ResourceLimits {
  return { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB };
}

export function limitHeapGrowth(): void {
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}

/**
 * SQLite (node-sqlite3-wasm, the record's database) is a 1.2 MB WebAssembly module. V8 compiles each function
 * with Liftoff, its baseline compiler, when first called, and then recompiles the busy ones with TurboFan on
 * background threads, whose compilation memory the C allocator keeps: 35 MB of the host's RSS from its first
 * seconds on (bench/mem-probe.ts at 20,000 sockets: 131 → 94 MB at start, 337 → 303 MB after 90 s, the host's
 * CPU unchanged: the record's statements are short, and the TurboFan compilations cost more CPU than their
 * faster code saves). V8 reads the flag when it compiles the module, which node-sqlite3-wasm does as soon as
 * it is loaded: record/sqlite-compiler.ts sets it, imported first by record/database.ts. Process-wide, as V8
 * flags are; SQLite is the only WebAssembly NetLens runs.
 */
export function baselineWasmOnly(): void {
  setFlagsFromString('--liftoff-only');
}

/**
 * A young-generation collection of this thread, or null where V8 will not give one. V8 offers `gc` only to
 * contexts made while --expose-gc is set: one is made for it and the flag is turned off again, so no other
 * context (a worker started later, a page) finds a `gc` global.
 */
export function youngCollector(): (() => void) | null {
  try {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as unknown;
    if (typeof gc !== 'function') return null;
    return () => (gc as (options: { type: 'minor' }) => void)({ type: 'minor' });
  } catch {
    return null;
  } finally {
    setFlagsFromString('--no-expose-gc');
  }
}
