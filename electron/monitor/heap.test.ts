// The host thread's young collection after large netlink dumps, and SQLite compiled by Liftoff only (heap.ts).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { youngCollector } from './heap.js';

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
