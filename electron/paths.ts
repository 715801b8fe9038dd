// Where the built pieces are. Bundles in out/main find their siblings next to them; scripts run through
// scripts/run-ts.mjs get NETLENS_ROOT; tests (vitest, ESM) run from the checkout root.
import { join } from 'node:path';

function packaged(): boolean {
  return typeof __dirname !== 'undefined' && /\.asar([\\/]|$)/.test(__dirname);
}

function outDir(): string {
  // A packaged app loads only from its own asar: an environment variable must not redirect it (that would
  // get around the hardened fuses).
  if (process.env.NETLENS_ROOT && !packaged()) return join(process.env.NETLENS_ROOT, 'out');
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
  /** The CLI bundle: also the privileged agent's entry where a Node runs it (`netlens agent`). */
  get cli(): string {
    return join(outDir(), 'main', 'cli.cjs');
  },
  /** The tray icon (16 px; Electron picks tray-icon@2x.png beside it on HiDPI screens). */
  get trayIcon(): string {
    return join(outDir(), 'main', 'tray-icon.png');
  },
  /** Native binaries the build copies beside the bundles (netlink's, electron/collectors/linux/netlink.ts). */
  get native(): string {
    return join(outDir(), 'main', 'native');
  },
  get captureWorker(): string {
    return join(outDir(), 'main', 'capture-worker.cjs');
  },
  get preload(): string {
    return join(outDir(), 'preload', 'preload.cjs');
  },
  /** The places databases (country.mmdb, asn.bin), written by scripts/build-places.mjs. */
  get data(): string {
    return join(outDir(), 'data');
  },
};
