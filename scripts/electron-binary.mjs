// Finding the Electron binary for `npm start`, and fetching it with Electron's own installer when it is missing.
//
// Since Electron 42 `npm install electron` downloads nothing: node_modules/electron/install.js (the package's
// `install-electron` bin) fetches the zip through @electron/get on first use. @electron/get 5 downloads with the
// global fetch() and install.js passes it no options, so no timeout applies but undici's own: 10 s to connect,
// then 300 s for the response headers and 300 s between body chunks. A mirror or proxy that accepts the
// connection and then says nothing, or a network that drops packets after DNS, would keep `npm start` waiting
// for minutes. So the installer runs under a watchdog that measures what actually arrives: it gets a private
// temporary folder (TMPDIR/TEMP/TMP), where @electron/get writes the download, and the watchdog adds up the
// bytes there and in the package's dist/ (the extraction). When that total stays the same for `idleMs`, the
// installer is stopped and `npm start` falls back to the browser host.
import { spawn } from 'node:child_process';
import { lookup } from 'node:dns/promises';
import { connect } from 'node:net';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** How long the download may go without a new byte, unless NETLENS_DOWNLOAD_TIMEOUT (seconds) says otherwise. */
export const DEFAULT_IDLE_MS = 15_000;
const PROGRESS_EVERY_MS = 5_000;
/** How long the probe that explains "fetch failed" waits for a connection. */
const PROBE_MS = 5_000;

export function idleTimeoutMs(env = process.env) {
  const s = Number(env.NETLENS_DOWNLOAD_TIMEOUT);
  return Number.isFinite(s) && s > 0 ? Math.round(s * 1000) : DEFAULT_IDLE_MS;
}

/** The installed binary, or null. ELECTRON_OVERRIDE_DIST_PATH (Electron's own variable) wins, unchecked by Electron. */
export function installedElectron(pkgDir, env = process.env) {
  if (env.ELECTRON_OVERRIDE_DIST_PATH) {
    const p = join(env.ELECTRON_OVERRIDE_DIST_PATH, 'electron');
    return existsSync(p) ? p : null;
  }
  const pathTxt = join(pkgDir, 'path.txt');
  if (!existsSync(pathTxt)) return null;
  const bin = join(pkgDir, 'dist', readFileSync(pathTxt, 'utf8').trim());
  return existsSync(bin) ? bin : null;
}

/** Bytes of every file under dir (0 when it does not exist); files vanish while the installer works. */
function bytesUnder(dir) {
  let total = 0;
  let names;
  try {
    names = readdirSync(dir, { recursive: true, encoding: 'utf8' });
  } catch {
    return 0;
  }
  for (const name of names) {
    try {
      const st = statSync(join(dir, name));
      if (st.isFile()) total += st.size;
    } catch {
      // moved into the cache or cleaned up meanwhile
    }
  }
  return total;
}

const mb = (bytes) => `${(bytes / 1e6).toFixed(1)} MB`;

/**
 * Runs node_modules/electron/install.js (its output goes to this terminal) under the watchdog.
 * Resolves { ok: true, path } or { ok: false, reason } and never rejects.
 */
export function installElectron({
  pkgDir,
  env = process.env,
  idleMs = idleTimeoutMs(env),
  log = console.log,
  pollMs = 200,
}) {
  const version = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')).version;
  const temp = mkdtempSync(join(tmpdir(), 'netlens-electron-download-'));
  const watched = [temp, join(pkgDir, 'dist')];
  log(`Downloading Electron ${version} for this machine (once; about 100 MB) with Electron's installer...`);
  const child = spawn(process.execPath, [join(pkgDir, 'install.js')], {
    stdio: ['ignore', 'inherit', 'pipe'],
    env: { ...env, TMPDIR: temp, TEMP: temp, TMP: temp },
  });
  // Its stderr is read here (so the paragraph can say why it failed) and passed on without stack frames.
  const stderr = followStderr(child.stderr);

  return new Promise((resolve) => {
    let bytes = bytesUnder(temp) + bytesUnder(watched[1]);
    let lastChange = Date.now();
    let lastReport = Date.now();
    let stopped = null;
    const timer = setInterval(() => {
      const now = Date.now();
      const current = watched.reduce((sum, dir) => sum + bytesUnder(dir), 0);
      if (current !== bytes) {
        bytes = current;
        lastChange = now;
      }
      if (bytes > 0 && now - lastReport >= PROGRESS_EVERY_MS) {
        lastReport = now;
        log(`  ... ${mb(bytes)} so far`);
      }
      if (stopped === null && now - lastChange >= idleMs) {
        const s = Math.round(idleMs / 1000);
        stopped =
          bytes === 0 ? `nothing arrived from the download server within ${s} s` : `the download stalled for ${s} s`;
        child.kill('SIGKILL');
      }
    }, pollMs);

    const finish = (result) => {
      clearInterval(timer);
      rmSync(temp, { recursive: true, force: true });
      resolve(result);
    };
    child.once('error', (err) => finish({ ok: false, reason: `Electron's installer could not start: ${err.message}` }));
    // 'close', not 'exit': its stderr has been read to the end by then.
    child.once('close', (code, signal) => {
      if (stopped !== null) return finish({ ok: false, reason: stopped });
      if (code !== 0) {
        const said = installerError(stderr.text());
        if (!said)
          return finish({ ok: false, reason: `Electron's installer failed (${signal ?? `exit code ${code}`})` });
        if (said !== 'fetch failed') return finish({ ok: false, reason: `Electron's installer failed: ${said}` });
        return void unreachableWhy(env).then((why) =>
          finish({
            ok: false,
            reason: `Electron's installer failed: fetch failed (the download server could not be reached: ${why})`,
          }),
        );
      }
      const path = installedElectron(pkgDir, env);
      finish(
        path
          ? { ok: true, path }
          : { ok: false, reason: "Electron's installer finished but the binary is not where it said" },
      );
    });
  });
}

/** Passes the installer's stderr on line by line, leaving out stack frames; keeps its last 16 kB for installerError. */
function followStderr(stream) {
  let kept = '';
  let partial = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk) => {
    kept = (kept + chunk).slice(-16_384);
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) if (!/^\s+at /.test(line)) process.stderr.write(`${line}\n`);
  });
  stream.on('end', () => {
    if (partial && !/^\s+at /.test(partial)) process.stderr.write(`${partial}\n`);
  });
  return { text: () => kept };
}

/**
 * What the installer's last error says, from the first line of its stack trace ("HTTPError: Response code 404 (Not
 * Found) for https://…", or "fetch failed" for a TypeError whose cause install.js does not print), control
 * characters removed and at most 300 characters; null when it printed none.
 */
export function installerError(stderr) {
  const lines = stderr.split(/\r?\n/);
  for (let i = lines.length - 1; i >= 0; i--) {
    const m = /^([A-Za-z]*Error)(?: \[[\w-]+\])?: (.+)$/.exec(lines[i].trim());
    if (!m) continue;
    const text = (m[1] === 'TypeError' && m[2] === 'fetch failed' ? m[2] : `${m[1]}: ${m[2]}`).replace(
      /[\u0000-\u001f\u007f-\u009f]/g,
      ' ',
    );
    return text.length > 300 ? `${text.slice(0, 299)}…` : text;
  }
  return null;
}

/** The download server as @electron/get picks it (the mirror settings it reads, else GitHub). */
function downloadServer(env) {
  const mirror =
    env.ELECTRON_MIRROR ||
    env.npm_config_electron_mirror ||
    env.NPM_CONFIG_ELECTRON_MIRROR ||
    env.npm_package_config_electron_mirror;
  try {
    const u = new URL(mirror || 'https://github.com/');
    return { host: u.hostname.replace(/^\[|\]$/g, ''), port: Number(u.port) || (u.protocol === 'http:' ? 80 : 443) };
  } catch {
    return null;
  }
}

/** Why "fetch failed": the server's name does not resolve, the connection is refused or unanswered, or neither. */
export async function unreachableWhy(env = process.env) {
  const server = downloadServer(env);
  if (!server) return 'its address (ELECTRON_MIRROR) is not a URL';
  const where = `${server.host}:${server.port}`;
  try {
    await lookup(server.host);
  } catch (err) {
    return `${server.host} does not resolve (${err.code ?? err.message}): no network or no DNS here`;
  }
  return new Promise((resolve) => {
    const socket = connect({ host: server.host, port: server.port });
    const done = (why) => {
      socket.destroy();
      clearTimeout(timer);
      resolve(why);
    };
    const timer = setTimeout(() => done(`${where} did not answer within ${PROBE_MS / 1000} s`), PROBE_MS);
    socket.once('connect', () => done(`${where} accepts connections, so TLS or a proxy in between failed`));
    socket.once('error', (err) =>
      done(err.code === 'ECONNREFUSED' ? `${where} refused the connection` : `${where}: ${err.code ?? err.message}`),
    );
  });
}
