// How much memory V8 keeps for the monitor: how far the worker's heap grows past what it holds, and the host
// thread's netlink receive buffers, which only a garbage collection frees. Measured with bench/mem-probe.ts
// (docs/performance.md, "The host's memory").
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { ResourceLimits } from 'node:worker_threads';

/**
 * After a full collection V8 lets the old generation grow to a multiple of what survived it before the next,
 * up to 4 × when collections are cheap beside the program's work. Each tick of the worker reads every socket
 * again, and what outlives a young collection (a tick waits on the host's dumps with its rows in hand) fills
 * the old generation with the garbage of past ticks, so the heap runs between what the worker holds and this
 * multiple of it. 1.3 ×: at 20,000 sockets with 1 % churn the worker holds about 32 MB, and its full
 * collections come every 2.7 s instead of every 4 s, concurrent marking doing most of the work (the host's
 * RSS about 10 MB lower than at 1.5 ×, its CPU within the noise; 4 × held 250-300 MB for 65: bench/mem-probe.ts,
 * docs/performance.md, "The worker's heap at 1.3 ×"). Process-wide (V8 flags are, and a worker's execArgv takes
 * none of V8's): the host's own thread holds 8 MB and allocates little, and the capture worker's heap has a
 * limit of its own.
 */
export const HEAP_GROWING_PERCENT = 30;

/**
 * The worker's young generation, in MB (V8's two semi-spaces and the young large objects: a third each). V8
 * grows the semi-spaces to 16 MB each when much survives a scavenge, and a tick at 20,000 sockets allocates
 * about 35 MB: the worker ran with 32 MB of young generation, resident, which held little but the garbage of
 * the tick in progress. At 12 (semi-spaces of 4 MB) the old generation was no larger and the host's CPU the
 * same; at 6, 2-3 % of a core more then (bench/mem-probe.ts at 20,000 sockets with 1 % churn: docs/performance.md,
 * "The host's memory"). Since the worker holds a third of what it held then and a tick allocates less, 6 (semi-
 * spaces of 2 MB) costs no CPU the probes can see and keeps 2-4 MB less resident ("The worker's young generation
 * at 6 MB"). Given to the worker when it starts (host.ts): a worker's V8 limits are set then.
 */
export const WORKER_YOUNG_GENERATION_MB = 6;

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
