// The host thread's young collection after large netlink dumps, and SQLite compiled by Liftoff only (heap.ts).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { Worker, type ResourceLimits } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { WORKER_YOUNG_GENERATION_MB, workerResourceLimits, youngCollector } from './heap.js';

describe('youngCollector', () => {
  it('frees the memory of young buffers nothing holds', () => {
    const collect = youngCollector();
    expect(collect).toBeTypeOf('function');
    const before = process.memoryUsage().arrayBuffers;
    (() => {
      // As the binding's datagrams: young objects holding memory outside the heap.
      for (let i = 0; i < 16; i++) new Uint8Array(new ArrayBuffer(1024 * 1024)).fill(1);
    })();
    expect(process.memoryUsage().arrayBuffers - before).toBeGreaterThanOrEqual(12 * 1024 * 1024);
    // A collection finishes the sweeping of the one before: after two, what the first freed is counted.
    collect!();
    collect!();
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(4 * 1024 * 1024);
  });

  it('leaves no gc global to contexts made afterwards', () => {
    youngCollector();
    expect(runInNewContext('typeof gc')).toBe('undefined');
  });
});

describe('baselineWasmOnly', () => {
  // V8 reads --liftoff-only when node-sqlite3-wasm compiles its module, as it is loaded: the flag must be set
  // before any module that loads SQLite is evaluated. database.ts is the one that does, and imports first
  // the module that sets the flag (imports are evaluated in their order, in Node and in the esbuild bundles).
  const sources = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? sources(join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [join(dir, e.name)] : [],
    );

  it('is set before SQLite loads', () => {
    const loaders = sources('electron').filter((f) =>
      /^import (?!type )[^;]*from 'node-sqlite3-wasm'/m.test(readFileSync(f, 'utf8')),
    );
    expect(loaders).toEqual([join('electron', 'monitor', 'record', 'database.ts')]);
    const text = readFileSync(loaders[0]!, 'utf8');
    const firstImport = /^import .*$/m.exec(text)?.[0];
    expect(firstImport).toBe("import './sqlite-compiler.js';");
    expect(readFileSync('electron/monitor/record/sqlite-compiler.ts', 'utf8')).toMatch(/^baselineWasmOnly\(\);$/m);
  });
});

describe('workerResourceLimits', () => {
  /** The new space (both semi-spaces) of a worker after it allocated as a tick does: many objects that outlive a
   *  scavenge or two, for which V8 grows the semi-spaces when it may. */
  function newSpaceOf(resourceLimits: ResourceLimits | undefined): Promise<number> {
    const code = `
      const { parentPort } = require('node:worker_threads');
      const { getHeapSpaceStatistics } = require('node:v8');
      let held = [];
      for (let i = 0; i < 3000000; i++) {
        held.push({ i });
        if (held.length > 300000) held = [];
      }
      parentPort.postMessage(getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size);`;
    return new Promise((resolve, reject) => {
      const worker = new Worker(code, { eval: true, ...(resourceLimits ? { resourceLimits } : {}) });
      worker.once('message', resolve);
      worker.once('error', reject);
    });
  }

  it("keeps the worker's young generation at its size, where V8 would grow it", async () => {
    const limited = await newSpaceOf(workerResourceLimits());
    const unlimited = await newSpaceOf(undefined);
    // Two semi-spaces of the three thirds of the young generation.
    expect(limited).toBeLessThanOrEqual(((WORKER_YOUNG_GENERATION_MB * 2) / 3) * 1024 * 1024);
    expect(unlimited).toBeGreaterThan(limited);
  });
});
