// Bundles a worker entry (testing/synthetic-worker.ts, worker.ts) to a CommonJS file a worker thread can load:
// tests and the benchmark run from TypeScript sources, which a Worker cannot load on Node 20.
import { build } from 'esbuild';
import { basename, join } from 'node:path';

export async function bundleWorker(outDir: string, entry: string): Promise<string> {
  const outfile = join(outDir, basename(entry).replace(/\.ts$/, '.cjs'));
  await build({ entryPoints: [entry], outfile, bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'warning' });
  return outfile;
}
