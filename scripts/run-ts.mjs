// Runs a TypeScript script (benchmarks, tools) on plain Node 20: bundles it with esbuild to a temporary
// CommonJS file and runs that, passing the remaining arguments through.
//   node scripts/run-ts.mjs bench/collect.ts [args...]
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join, resolve, basename } from 'node:path';

const [entry, ...rest] = process.argv.slice(2);
if (!entry) {
  console.error('usage: node scripts/run-ts.mjs FILE.ts [args...]');
  process.exit(2);
}
// Inside the checkout, so that the packages left external (playwright-core, esbuild) resolve from it.
const cache = join(process.cwd(), 'node_modules', '.cache');
mkdirSync(cache, { recursive: true });
const dir = mkdtempSync(join(cache, 'netlens-run-'));
const outfile = join(dir, basename(entry).replace(/\.tsx?$/, '.cjs'));
await build({
  entryPoints: [resolve(entry)],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  // node-sqlite3-wasm finds its .wasm beside its own file, so it stays in node_modules.
  external: ['electron', 'playwright-core', 'esbuild', 'vite', 'node-sqlite3-wasm'],
  logLevel: 'warning',
  // Lets bundled code find the checkout (built renderer, worker bundle) as it would from out/main.
  define: { 'process.env.NETLENS_ROOT': JSON.stringify(process.cwd()) },
});
const r = spawnSync(process.execPath, ['--expose-gc', outfile, ...rest], { stdio: 'inherit' });
rmSync(dir, { recursive: true, force: true });
process.exit(r.status ?? 1);
