// `npm start`: builds if needed, then opens the desktop app. Where the Electron binary is missing, it is fetched
// first with Electron's own installer (scripts/electron-binary.mjs: progress on the terminal, stopped by a
// watchdog when nothing arrives for NETLENS_DOWNLOAD_TIMEOUT seconds, 15 by default). Only when that fails
// (no network, a mirror that refuses or never answers) does it explain why in one paragraph and start the
// browser host instead.
// `start.mjs --cli ARGS` (`npm run cli -- ARGS`, `npm run web`): builds if needed, quietly, and runs the command
// line with ARGS. The command line, and the browser host where Electron is missing, run with glibc's malloc set
// as MALLOC_SETTINGS says, each variable unless the environment names a value: glibc reads them only as a process
// starts (docs/performance.md, "glibc's arenas at the host's start", "glibc's thresholds fixed at the host's start").
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { installElectron, installedElectron } from './electron-binary.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cliMode = process.argv[2] === '--cli';
const built = spawnSync(
  process.execPath,
  [join(root, 'scripts/build.mjs'), '--if-needed', ...(cliMode ? ['--quiet'] : [])],
  { stdio: 'inherit' },
);
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

function run(file, args, env = process.env) {
  // The host names this process among its own (NETLENS_LAUNCHER_PID): a kill of it from a row's menu would stop
  // the host through the SIGTERM passed on below.
  const child = spawn(file, args, { stdio: 'inherit', env: { ...env, NETLENS_LAUNCHER_PID: String(process.pid) } });
  // Ctrl+C on a terminal reaches the child too (one process group): a second SIGINT from here would cut its
  // shutdown short (the host exits at once on a second one, before the record's last batch is written).
  const forward = (sig) => {
    if (sig !== 'SIGINT' || !process.stdin.isTTY) child.kill(sig);
  };
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
  stopWithParent(child);
}

/** What started this launcher (npm's `sh -c`, npm, a terminal's shell) ending leaves NetLens running unseen: the
 *  prompt is back and Ctrl+C no longer reaches it (attack review of 12-06: a kill of `sh` from a row's menu; npm
 *  stopped with a SIGTERM, by a process manager or a terminal's close, did the same). So the launcher stops it
 *  then, as a SIGTERM would. The parent is gone when this process has another (Unix gives an orphan to init or a
 *  subreaper) or when it no longer exists (Windows keeps the first parent's number). */
function stopWithParent(child) {
  const parent = process.ppid;
  const gone = () => {
    if (process.ppid !== parent) return true;
    try {
      process.kill(parent, 0);
      return false;
    } catch (err) {
      return err.code === 'ESRCH';
    }
  };
  const watch = setInterval(() => {
    if (!gone()) return;
    clearInterval(watch);
    process.stderr.write(`NetLens: the process that started it (PID ${parent}) ended; stopping.\n`);
    child.kill('SIGTERM');
  }, 1000);
  watch.unref();
}

// glibc's malloc settings for the host (two arenas, thresholds fixed at 128 KiB), one list with the command's own
// restart (electron/malloc-settings.ts says why each).
const MALLOC_SETTINGS = JSON.parse(readFileSync(join(root, 'electron/malloc-settings.json'), 'utf8'));

const command = (args) =>
  run(process.execPath, [join(root, 'out/main/cli.cjs'), ...args], { ...MALLOC_SETTINGS, ...process.env });

if (cliMode) {
  command(process.argv.slice(3));
} else {
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
    command(['web', ...process.argv.slice(2)]);
  }
}
