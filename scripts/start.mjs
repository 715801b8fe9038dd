// `npm start`: builds if needed, then opens the desktop app. Where the Electron binary is missing, it is fetched
// first with Electron's own installer (scripts/electron-binary.mjs: progress on the terminal, stopped by a
// watchdog when nothing arrives for NETLENS_DOWNLOAD_TIMEOUT seconds, 15 by default). Only when that fails
// (no network, a mirror that refuses or never answers) does it explain why in one paragraph and start the
// browser host instead.
import { spawn, spawnSync } from 'node:child_process';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { installElectron, installedElectron } from './electron-binary.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const built = spawnSync(process.execPath, [join(root, 'scripts/build.mjs'), '--if-needed'], { stdio: 'inherit' });
if (built.status !== 0) process.exit(built.status ?? 1);

const pkgDir = join(root, 'node_modules', 'electron');

async function electronBinary() {
  const installed = installedElectron(pkgDir);
  if (installed) return { path: installed };
  // Electron's own override names a folder it will not check or download into: respect it.
  if (process.env.ELECTRON_OVERRIDE_DIST_PATH) {
    return { reason: `ELECTRON_OVERRIDE_DIST_PATH names ${process.env.ELECTRON_OVERRIDE_DIST_PATH}, which holds none` };
  }
  const result = await installElectron({ pkgDir });
  return result.ok ? { path: result.path } : { reason: `fetching it failed: ${result.reason}` };
}

function wrap(text, width) {
  const lines = [''];
  for (const word of text.split(' ')) {
    const last = lines.length - 1;
    if (lines[last] && lines[last].length + 1 + word.length > width) lines.push(word);
    else lines[last] = lines[last] ? `${lines[last]} ${word}` : word;
  }
  return lines.join('\n');
}

function run(file, args) {
  const child = spawn(file, args, { stdio: 'inherit' });
  const forward = (sig) => child.kill(sig);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

const bin = await electronBinary();
if (bin.path) {
  run(bin.path, [root, ...process.argv.slice(2)]);
} else {
  const paragraph =
    `NetLens cannot open its desktop window here: the Electron binary is not installed (${bin.reason}). ` +
    'NetLens starts its browser host instead: the same interface and the same live data, served on 127.0.0.1 ' +
    'with a per-launch token. Open the address below in a browser. To get the desktop window, run `npm start` ' +
    'again where this machine can reach the download server, or set ELECTRON_MIRROR to a mirror it can reach.';
  console.log(`\n${wrap(paragraph, 100)}\n`);
  run(process.execPath, [join(root, 'out/main/cli.cjs'), 'web', ...process.argv.slice(2)]);
}
