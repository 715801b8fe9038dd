// Bundles a worker entry (by default testing/synthetic-worker.ts) to a CommonJS file a worker thread can load:
// tests and the benchmark run from TypeScript sources, which a Worker cannot load on Node 20.
import { build } from 'esbuild';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export async function bundleWorker(outDir: string, entry = fileURLToPath(new URL('./synthetic-worker.ts', import.meta.url))): Promise<string> {
  const outfile = join(outDir, basename(entry).replace(/\.ts$/, '.cjs'));
  await build({ entryPoints: [entry], outfile, bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'warning' });
  return outfile;
}
