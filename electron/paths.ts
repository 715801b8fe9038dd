// Where the built pieces are. Bundles in out/main find their siblings next to them; scripts run through
// scripts/run-ts.mjs get NETLENS_ROOT; tests (vitest, ESM) run from the checkout root.
import { join } from 'node:path';

function outDir(): string {
  if (process.env.NETLENS_ROOT) return join(process.env.NETLENS_ROOT, 'out');
  if (typeof __dirname !== 'undefined' && /[\\/]out[\\/]main$/.test(__dirname)) return join(__dirname, '..');
  return join(process.cwd(), 'out');
}

export const builtPaths = {
  get renderer(): string {
    return join(outDir(), 'renderer');
  },
  get worker(): string {
    return join(outDir(), 'main', 'worker.cjs');
  },
  get preload(): string {
    return join(outDir(), 'preload', 'preload.cjs');
  },
};
