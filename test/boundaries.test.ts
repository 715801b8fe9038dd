// Which part of NetLens may import which: a default-deny table in the manner of VS Code's code-import-patterns.
// Every source file is governed by the first rule whose `files` matches it; each of its imports (resolved to a
// repository path, a Node built-in or a package name) must match one of that rule's `may` entries. A file no
// rule governs fails, so a new folder or package is a decision written here, not an accident. The tsconfigs
// make some of these type errors; this catches the rest, such as `electron` types that resolve from
// node_modules in any project. On top of the table:
//   - an OS file of electron/collectors/ (linux.ts, darwin/, win32-*.ts) never imports another OS's file; code
//     that OSes share lives in a `common` module (collectors/common.ts, <resource>/common.ts) or another
//     OS-neutral module. Only the dispatcher collectors/index.ts picks between OSes.
//   - only the runner (collectors/run-command.ts) and the long-lived conversations start child processes.
//   - shared/ does not touch the DOM.
import { builtinModules } from 'node:module';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = process.cwd();
const NODE_BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
const NODE = 'node:*';
const ANY_PACKAGE = 'pkg:*';

/** An import as the table sees it: a repository path (`electron/web.ts`), NODE, or `pkg:<name>`. */
type Target = string;

interface Rule {
  /** What the rule governs, as a repository path pattern; the first matching rule decides. */
  files: RegExp;
  /** What those files may import: repository path patterns, NODE, exact `pkg:` names, or ANY_PACKAGE. */
  may: (RegExp | string)[];
  why: string;
}

const ELECTRON_HOST = /^electron\/(main|preload|ipc|window-state|tray|menu-template)\.ts$/;
/** electron/ below the hosts: everything but the Electron host files and the browser host. */
const ELECTRON_NOT_HOSTS = /^electron\/(?!(main|preload|ipc|window-state|tray|menu-template|web)\.ts$)/;
const SHARED = /^shared\//;

const RULES: Rule[] = [
  {
    files: /\.test\.tsx?$/,
    may: [/./, NODE, ANY_PACKAGE],
    why: 'tests sit beside what they test and reach into it (vitest aliases electron to a stub)',
  },
  {
    files: /^shared\//,
    may: [SHARED, 'pkg:valibot'],
    why: 'shared/ runs in every process: no Node, no electron, no DOM, nothing outside shared/',
  },
  {
    files: /^renderer\//,
    may: [/^renderer\//, SHARED, 'pkg:react', 'pkg:react-dom', 'pkg:zustand', 'pkg:@tanstack/react-table', 'pkg:uplot'],
    why: 'the renderer is a web page: shared/ and its own UI packages, never Node, electron or electron/',
  },
  {
    files: ELECTRON_HOST,
    may: [/^electron\//, SHARED, NODE, 'pkg:electron'],
    why: 'the Electron host: the only files that import electron',
  },
  {
    files: /^electron\/web\.ts$/,
    may: [
      /^electron\/(service|log-lines|paths|renderer-files|connection-bounds|large-message|unsendable)\.ts$/,
      SHARED,
      NODE,
      'pkg:ws',
    ],
    why: 'the browser host only serves a Service (electron/backend.ts builds it) and the page',
  },
  {
    files: /^electron\/collectors\//,
    may: [/^electron\/collectors\//, /^electron\/paths\.ts$/, SHARED, NODE, 'pkg:mmdb-lib'],
    why: 'collectors read the OS; they know nothing of the monitor, actions or hosts above them',
  },
  {
    files: /^electron\/capture\//,
    may: [/^electron\/(capture|collectors)\//, SHARED, NODE],
    why: 'saved output goes through the collectors’ parsers',
  },
  {
    files: /^electron\/actions\/test-support\//,
    may: [/^electron\/(actions|collectors)\//, SHARED, NODE, 'pkg:esbuild'],
    why: 'helpers that build a test child',
  },
  {
    files: /^electron\/actions\//,
    may: [/^electron\/(actions|collectors)\//, SHARED, NODE],
    why: 'actions check OS facts through the collectors’ functions, then act',
  },
  {
    files: /^electron\/monitor\/testing\//,
    may: [
      /^electron\/(monitor|collectors)\//,
      // A synthetic worker makes an ssh folder as a remote host does (host.test.ts: the ended worker's are removed).
      /^electron\/remote\/control-dirs\.ts$/,
      SHARED,
      NODE,
      'pkg:esbuild',
    ],
    why: 'synthetic collectors and a worker bundler for tests',
  },
  {
    files: /^electron\/monitor\//,
    may: [
      /^electron\/(monitor|collectors)\//,
      // The worker reads the remote hosts a client added beside this machine's collectors; the host removes the ssh
      // folders of a worker it had to end.
      /^electron\/remote\/(fleet|control-dirs)\.ts$/,
      /^electron\/actions\/process-identity\.ts$/,
      SHARED,
      NODE,
      'pkg:valibot',
      'pkg:node-sqlite3-wasm',
    ],
    why: 'the monitor schedules collectors and records; it serves hosts and never imports them',
  },
  {
    files: /^electron\/agent\//,
    may: [/^electron\/(agent|actions|collectors)\//, /^electron\/paths\.ts$/, SHARED, NODE, 'pkg:valibot'],
    why: 'the elevated agent runs collectors and actions behind its own validated protocol',
  },
  {
    files: /^electron\/remote\//,
    may: [/^electron\/(remote|capture|collectors)\//, SHARED, NODE],
    why: 'remote hosts feed the same parsers over ssh',
  },
  {
    files: /^electron\/metrics\//,
    may: [/^electron\/(metrics|collectors)\//, /^electron\/(web|connection-bounds|log-lines)\.ts$/, SHARED, NODE],
    why: 'the Prometheus host (it shares the browser host’s loopback and token rules, and its connection bounds)',
  },
  {
    files: /^electron\/commands\//,
    may: [ELECTRON_NOT_HOSTS, /^electron\/web\.ts$/, SHARED, NODE],
    why: 'CLI commands start hosts and backends; never the Electron host',
  },
  {
    files: /^electron\/[^/]+\.ts$/,
    may: [ELECTRON_NOT_HOSTS, /^package\.json$/, SHARED, NODE],
    why: 'the service, CLI and settings serve the hosts and never import one',
  },
  {
    files: /^bench\//,
    may: [
      /^bench\//,
      ELECTRON_NOT_HOSTS,
      /^electron\/web\.ts$/,
      SHARED,
      /^test\//,
      NODE,
      'pkg:playwright-core',
      'pkg:ws',
      // bench:renderer's second peer: a list in React, bundled when the bench starts.
      'pkg:esbuild',
      'pkg:react',
      'pkg:react-dom',
    ],
    why: 'benchmarks drive the Node side and a browser, like the end-to-end tests',
  },
  {
    files: /^test\//,
    may: [/./, NODE, ANY_PACKAGE],
    why: 'end-to-end support drives every part',
  },
];

const OSES = ['linux', 'darwin', 'win32'] as const;

/** The OS an electron/collectors/ file belongs to (a folder or a name that starts with it), or null. */
function collectorOs(path: string): string | null {
  if (!path.startsWith('electron/collectors/')) return null;
  const parts = path.slice('electron/collectors/'.length).split('/');
  for (const os of OSES) {
    if (parts.some((p) => p === os || p.startsWith(`${os}.`) || p.startsWith(`${os}-`))) return os;
  }
  return null;
}

function files(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return files(p);
    return /\.(ts|tsx)$/.test(e.name) ? [p] : [];
  });
}

function imports(file: string): string[] {
  const text = readFileSync(join(root, file), 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(
    /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)/g,
  )) {
    out.push((m[1] ?? m[2] ?? m[3])!);
  }
  return out;
}

/** A specifier as the table sees it. Relative paths resolve to the repository file (`.js` names its `.ts`). */
function target(file: string, specifier: string): Target {
  if (NODE_BUILTINS.has(specifier)) return NODE;
  if (!specifier.startsWith('.')) {
    const parts = specifier.split('/');
    return `pkg:${specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]}`;
  }
  const path = normalize(join(dirname(file), specifier));
  const base = path.replace(/\.js$/, '');
  for (const candidate of [`${base}.ts`, `${base}.tsx`, join(base, 'index.ts')]) {
    if (existsSync(join(root, candidate))) return candidate;
  }
  return path;
}

/** Why `file` may not import `specifier`, or null when it may. */
function violation(file: string, specifier: string): string | null {
  const rule = RULES.find((r) => r.files.test(file));
  if (!rule) return `${file}: no rule governs this file`;
  const t = target(file, specifier);
  const allowed = rule.may.some((m) =>
    typeof m === 'string' ? m === t || (m === ANY_PACKAGE && t.startsWith('pkg:')) : !t.startsWith('pkg:') && m.test(t),
  );
  if (!allowed) return `${file}: ${specifier} (${rule.why})`;
  const from = collectorOs(file);
  const to = collectorOs(t);
  if (
    file.startsWith('electron/collectors/') &&
    to !== null &&
    file !== 'electron/collectors/index.ts' &&
    !/\.test\.tsx?$/.test(file)
  ) {
    if (from === null) return `${file}: ${specifier} (an OS-neutral collector module imports an OS file)`;
    if (from !== to) return `${file}: ${specifier} (a ${from} file imports a ${to} file: share it through common)`;
  }
  return null;
}

function withoutComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');
}

const SOURCES = ['shared', 'renderer', 'electron', 'bench', 'test'].flatMap(files);

/** Who starts child processes: the one runner (a program run to completion), and the long-lived conversations
 *  that stream (the Windows PowerShell helper, `ss -E`, the elevated agent, ssh). Tests and their helpers start
 *  what they like. */
const CHILD_PROCESS_FILES = new Set([
  'electron/collectors/run-command.ts',
  'electron/collectors/win32-powershell.ts',
  'electron/collectors/connections/tcp-events.ts',
  'electron/agent/client.ts',
  'electron/remote/host.ts',
]);

describe('import boundaries', () => {
  it('only the runner and the long-lived conversations start child processes', () => {
    const bad = SOURCES.filter(
      (f) =>
        f.startsWith('electron/') &&
        !/\.test\.ts$|\/(testing|test-support)\//.test(f) &&
        !CHILD_PROCESS_FILES.has(f) &&
        imports(f).some((i) => i === 'node:child_process' || i === 'child_process'),
    );
    expect(bad).toEqual([]);
  });
  it('every import of every source file is one its rule allows', () => {
    const bad = SOURCES.flatMap((f) => imports(f).flatMap((i) => violation(f, i) ?? []));
    expect(bad).toEqual([]);
  });
  it('denies what no rule allows (the table is default-deny)', () => {
    expect(violation('shared/format.ts', 'node:fs')).toMatch(/shared/);
    expect(violation('shared/format.ts', '../electron/paths.js')).toMatch(/shared/);
    expect(violation('renderer/App.tsx', 'node:path')).toMatch(/renderer/);
    expect(violation('renderer/App.tsx', 'electron')).toMatch(/renderer/);
    expect(violation('renderer/App.tsx', '../electron/service.js')).toMatch(/renderer/);
    expect(violation('renderer/App.tsx', 'left-pad')).toMatch(/renderer/);
    expect(violation('electron/service.ts', 'electron')).toMatch(/service/);
    expect(violation('electron/service.ts', './main.js')).toMatch(/never import one/);
    expect(violation('electron/monitor/worker.ts', '../web.js')).toMatch(/monitor/);
    expect(violation('electron/collectors/index.ts', '../monitor/monitor.js')).toMatch(/collectors/);
    expect(violation('electron/web.ts', './monitor/host.js')).toMatch(/only serves a Service/);
    expect(violation('electron/somewhere/new.ts', 'node:fs')).toMatch(/no rule governs/);
    expect(violation('electron/collectors/routes/win32.ts', './linux.js')).toMatch(/win32 file imports a linux file/);
    expect(violation('electron/collectors/statistics/win32.ts', './darwin.js')).toMatch(/win32 file imports a darwin/);
    expect(violation('electron/collectors/interfaces/darwin.ts', '../linux/proc-files.js')).toMatch(/darwin file/);
    expect(violation('electron/collectors/routes/common.ts', './linux.js')).toMatch(/OS-neutral/);
  });
  it('allows what the architecture uses', () => {
    expect(violation('electron/main.ts', 'electron')).toBeNull();
    expect(violation('electron/collectors/routes/win32.ts', './common.js')).toBeNull();
    expect(violation('electron/collectors/routes/linux.ts', '../linux/proc-files.js')).toBeNull();
    expect(violation('electron/collectors/index.ts', './routes/win32.js')).toBeNull();
    expect(violation('renderer/App.tsx', '../shared/types.js')).toBeNull();
  });
  it('shared/ does not touch the DOM', () => {
    const bad = files('shared')
      .filter((f) => !f.endsWith('.test.ts'))
      .filter((f) =>
        /\b(window|document|localStorage|navigator)\./.test(withoutComments(readFileSync(join(root, f), 'utf8'))),
      );
    expect(bad).toEqual([]);
  });
  it('finds the imports it checks (the scanner itself works)', () => {
    expect(imports('electron/main.ts')).toContain('electron');
    expect(imports('renderer/App.tsx').some((i) => i.startsWith('../shared/'))).toBe(true);
    expect(target('electron/collectors/routes/win32.ts', './common.js')).toBe('electron/collectors/routes/common.ts');
    expect(collectorOs('electron/collectors/win32-powershell.ts')).toBe('win32');
    expect(collectorOs('electron/collectors/linux/users.ts')).toBe('linux');
    expect(collectorOs('electron/collectors/connections/endpoints.ts')).toBeNull();
    expect(SOURCES.length).toBeGreaterThan(300);
  });
});
