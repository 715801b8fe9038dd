// The Linux collector's steady read at 20,000 sockets (TCP tables only, as bench:collect's steady tick), without
// and with traffic, in a network namespace of its own: median ms per read and the garbage each read leaves
// (KiB, from V8's GC profiler: what each collection freed, plus the heap's growth), twice each over 40 reads.
// Compare two checkouts in one bench-lock hold. Bench support only.
//   node scripts/run-ts.mjs bench/steady-garbage.ts
import v8 from 'node:v8';
import { LinuxConnectionsCollector } from '../electron/collectors/connections/linux.js';
import { benchWithSockets, median } from '../bench/loopback-sockets.js';
import { inOwnNetns } from '../bench/netns.js';
const gc = (globalThis as { gc?: () => void }).gc!;
async function measure(c: LinuxConnectionsCollector, reads: number) {
  for (let i = 0; i < 5; i++) await c.read();
  const times: number[] = [];
  gc();
  const used0 = v8.getHeapStatistics().used_heap_size;
  const p = new v8.GCProfiler();
  p.start();
  for (let i = 0; i < reads; i++) {
    const t0 = process.hrtime.bigint();
    await c.read();
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  const data = p.stop();
  const used1 = v8.getHeapStatistics().used_heap_size;
  let freed = 0;
  for (const s of data.statistics)
    freed += s.beforeGC.heapStatistics.usedHeapSize - s.afterGC.heapStatistics.usedHeapSize;
  return {
    ms: Number(median(times).toFixed(2)),
    garbageKBPerRead: Math.round((freed + used1 - used0) / reads / 1024),
    gcs: data.statistics.length,
  };
}
inOwnNetns('pipe-garbage', () =>
  benchWithSockets(10000, 4, async () => {
    const plain = new LinuxConnectionsCollector({ tables: ['tcp', 'tcp6'] });
    const traffic = new LinuxConnectionsCollector({ tables: ['tcp', 'tcp6'] });
    traffic.setExtras(['traffic']);
    const out: Record<string, unknown> = {};
    for (let r = 0; r < 2; r++) {
      out[`plain${r}`] = await measure(plain, 40);
      out[`traffic${r}`] = await measure(traffic, 40);
    }
    const rows = (await plain.read()).rows.length;
    plain.dispose();
    traffic.dispose();
    return { rows, ...out };
  }),
);
