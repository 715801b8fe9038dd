// Builds everything NetLens runs: the Node side with esbuild (CommonJS bundles: Electron's sandboxed preload
// cannot be ESM, and one format keeps main, worker and CLI alike) and the renderer with Vite.
//   node scripts/build.mjs              build all
//   node scripts/build.mjs --if-needed  only when a source is newer than the last build
//   node scripts/build.mjs --quiet      print nothing on success
import { build as esbuild } from 'esbuild';
import { build as viteBuild } from 'vite';
import { readdirSync, statSync, writeFileSync, mkdirSync, rmSync, existsSync, copyFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildPlaces } from './build-places.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = new Set(process.argv.slice(2));
const quiet = args.has('--quiet');
const stamp = join(root, 'out', '.build-stamp');
const log = (...m) => {
  if (!quiet) console.log(...m);
};

function newestSource() {
  let newest = 0;
  const visit = (p) => {
    const st = statSync(p);
    if (st.isDirectory()) {
      for (const e of readdirSync(p)) if (e !== 'node_modules') visit(join(p, e));
    } else if (!/\.test\.tsx?$/.test(p)) newest = Math.max(newest, st.mtimeMs);
  };
  for (const p of [
    'electron',
    'shared',
    'renderer',
    'package.json',
    'vite.config.ts',
    'scripts/build.mjs',
    'scripts/build-places.mjs',
  ]) {
    if (existsSync(join(root, p))) visit(join(root, p));
  }
  return newest;
}

if (args.has('--if-needed') && existsSync(stamp) && statSync(stamp).mtimeMs >= newestSource()) {
  process.exit(0);
}

const started = Date.now();
// Always React's production build: Vite follows NODE_ENV where it is set, and a build run from a test (vitest sets
// NODE_ENV=test) or a shell with NODE_ENV=development made a development one (its double effects asked History's
// record twice, which a browser test caught mid-run after `start.mjs` rebuilt for an edited source).
process.env.NODE_ENV = 'production';
rmSync(join(root, 'out'), { recursive: true, force: true });

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['electron'],
  logLevel: 'warning',
  sourcemap: false,
  legalComments: 'none',
  define: { 'process.env.NETLENS_BUILD': '"production"' },
};
// Node's bundles without their whitespace and with shorter syntax, names kept (a stack trace names the same
// functions), a source map beside each for the lines (`node --enable-source-maps`; the package leaves maps
// out). cli.cjs is 0.81 MiB instead of 1.11: node reads a script into a string that doubles as it fills, and
// freeing that 2 MiB buffer set glibc's mmap and trim thresholds to 2 and 4 MiB for the process's life (1 and 2
// now); V8 keeps less source and bytecode. The host at 20,000 sockets after 10 minutes of churn: 171.9 MB
// against 181.9 (docs/performance.md, "Smaller bundles").
const node = { ...common, minifyWhitespace: true, minifySyntax: true, sourcemap: 'linked' };

await Promise.all([
  esbuild({
    ...node,
    entryPoints: {
      main: 'electron/main.ts',
      worker: 'electron/monitor/worker.ts',
      'capture-worker': 'electron/capture/parse-worker.ts',
    },
    outdir: join(root, 'out/main'),
    outExtension: { '.js': '.cjs' },
  }),
  // The `netlens` command's first line (package.json "bin" is out/main/cli.cjs) stays `#!/usr/bin/env node`. An
  // `env -S MALLOC_ARENA_MAX=2 node` line would give every host glibc's arena setting (scripts/start.mjs gives
  // it to the hosts it starts), but busybox's env (Alpine) has no -S, and npm's sh shim on Windows (Git Bash)
  // turns it into `exec MALLOC_ARENA_MAX=2 node`, which the shell refuses (docs/performance.md, "glibc's
  // arenas at the host's start").
  esbuild({
    ...node,
    entryPoints: { cli: 'electron/cli.ts' },
    outdir: join(root, 'out/main'),
    outExtension: { '.js': '.cjs' },
    banner: { js: '#!/usr/bin/env node' },
  }),
  // The preload runs sandboxed: only `electron` may be required, everything else is bundled in.
  esbuild({
    ...common,
    platform: 'browser',
    target: 'chrome150',
    entryPoints: { preload: 'electron/preload.ts' },
    outdir: join(root, 'out/preload'),
    outExtension: { '.js': '.cjs' },
  }),
  viteBuild({ configFile: join(root, 'vite.config.ts'), logLevel: quiet ? 'error' : 'warn' }),
]);
// The places databases (country, autonomous systems) the names collector reads from out/data.
buildPlaces(join(root, 'out'));

// SQLite for the record (node-sqlite3-wasm): its loader looks for the .wasm beside the bundle that required it.
copyFileSync(
  join(root, 'node_modules/node-sqlite3-wasm/dist/node-sqlite3-wasm.wasm'),
  join(root, 'out/main/node-sqlite3-wasm.wasm'),
);
// The native part of `netlink` (Node-API, prebuilt per Linux architecture) that reads sock_diag
// (electron/collectors/linux/netlink.ts loads out/main/native/netlink-<platform>-<arch>.node), with its licence.
const prebuilds = join(root, 'node_modules/netlink/prebuilds');
mkdirSync(join(root, 'out/main/native'), { recursive: true });
for (const target of readdirSync(prebuilds)) {
  copyFileSync(join(prebuilds, target, 'node.napi.node'), join(root, `out/main/native/netlink-${target}.node`));
}
copyFileSync(join(root, 'node_modules/netlink/LICENSE'), join(root, 'out/main/native/netlink-LICENSE'));
mkdirSync(join(root, 'out'), { recursive: true });
// The tray icon of the desktop app (electron/tray.ts), at 1x and 2x.
copyFileSync(join(root, 'assets/icons/16x16.png'), join(root, 'out/main/tray-icon.png'));
copyFileSync(join(root, 'assets/icons/32x32.png'), join(root, 'out/main/tray-icon@2x.png'));
writeFileSync(stamp, `${new Date().toISOString()}\n`);
log(`built out/ in ${Date.now() - started} ms`);
