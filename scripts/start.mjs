// `npm start`: builds if needed, then opens the desktop app. Where the Electron binary is not installed
// (it downloads lazily on first launch, and some machines have no network for it), says so and starts the
// browser host instead. It never triggers the download itself: it only looks for the binary on disk.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const built = spawnSync(process.execPath, [join(root, 'scripts/build.mjs'), '--if-needed'], { stdio: 'inherit' });
if (built.status !== 0) process.exit(built.status ?? 1);

function electronBinary() {
  if (process.env.ELECTRON_OVERRIDE_DIST_PATH) {
    const p = join(process.env.ELECTRON_OVERRIDE_DIST_PATH, 'electron');
    return existsSync(p) ? p : null;
  }
  const pkgDir = join(root, 'node_modules', 'electron');
  const pathTxt = join(pkgDir, 'path.txt');
  if (!existsSync(pathTxt)) return null;
  const bin = join(pkgDir, 'dist', readFileSync(pathTxt, 'utf8').trim());
  return existsSync(bin) ? bin : null;
}

const bin = electronBinary();
if (bin) {
  const child = spawn(bin, [root, ...process.argv.slice(2)], { stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  console.log(
    [
      '',
      'NetLens cannot open its desktop window here: the Electron binary is not installed. Electron downloads it',
      'on first launch (`npx install-electron`), and this machine could not or did not fetch it. NetLens starts',
      'its browser host instead: the same interface and the same live data, served on 127.0.0.1 with a',
      'per-launch token. Open the address below in a browser. To get the desktop window, run',
      '`npx install-electron` on a machine with network access, then `npm start` again.',
      '',
    ].join('\n'),
  );
  const child = spawn(process.execPath, [join(root, 'out/main/cli.cjs'), 'web', ...process.argv.slice(2)], { stdio: 'inherit' });
  const forward = (sig) => child.kill(sig);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  child.on('exit', (code) => process.exit(code ?? 0));
}
