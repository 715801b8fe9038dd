// The host thread's young collection after large netlink dumps (heap.ts).
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
