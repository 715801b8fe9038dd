// Bundles a worker entry (testing/synthetic-worker.ts, worker.ts), or a script a test runs as a process of its own
// (record/testing/writer.ts), to a CommonJS file a worker thread or node can load: tests and the benchmark run
// from TypeScript sources, which a Worker cannot load on Node 20.
import { build } from 'esbuild';
import { copyFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';

export async function bundleWorker(outDir: string, entry: string): Promise<string> {
  const outfile = join(outDir, basename(entry).replace(/\.ts$/, '.cjs'));
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    logLevel: 'warning',
  });
  // The record's SQLite loads its .wasm from beside the bundle, as scripts/build.mjs arranges for out/main.
  const sqlite = createRequire(import.meta.url).resolve('node-sqlite3-wasm');
  copyFileSync(join(dirname(sqlite), 'node-sqlite3-wasm.wasm'), join(outDir, 'node-sqlite3-wasm.wasm'));
  return outfile;
}
