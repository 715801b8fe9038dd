// The process boundaries of DESIGN.md, checked on every file (the tsconfigs make most of them type errors;
// this catches the rest, such as `electron` types that resolve from node_modules in any project):
//   shared/    imports nothing from node:, Node built-ins, electron, or the DOM
//   renderer/  imports nothing from node:, Node built-ins or electron
//   electron/  only main.ts, preload.ts, ipc.ts, window-state.ts, tray.ts import electron
import { builtinModules } from 'node:module';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = process.cwd();
const NODE_BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

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

function withoutComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');
}

const ELECTRON_FILES = new Set([
  'electron/main.ts',
  'electron/preload.ts',
  'electron/ipc.ts',
  'electron/window-state.ts',
  'electron/tray.ts',
]);

describe('process boundaries', () => {
  it('shared/ imports neither Node, electron nor anything outside shared/', () => {
    const bad = files('shared')
      .filter((f) => !f.endsWith('.test.ts'))
      .flatMap((f) =>
        imports(f)
          .filter((i) => NODE_BUILTINS.has(i) || i === 'electron' || i.startsWith('../'))
          .map((i) => `${f}: ${i}`),
      );
    expect(bad).toEqual([]);
  });
  it('shared/ does not touch the DOM', () => {
    const bad = files('shared')
      .filter((f) => !f.endsWith('.test.ts'))
      .filter((f) =>
        /\b(window|document|localStorage|navigator)\./.test(withoutComments(readFileSync(join(root, f), 'utf8'))),
      );
    expect(bad).toEqual([]);
  });
  it('renderer/ imports neither Node nor electron nor electron/', () => {
    const bad = files('renderer').flatMap((f) =>
      imports(f)
        .filter((i) => NODE_BUILTINS.has(i) || i === 'electron' || i.includes('/electron/'))
        .map((i) => `${f}: ${i}`),
    );
    expect(bad).toEqual([]);
  });
  it('only the Electron host files import electron', () => {
    const bad = files('electron')
      .filter((f) => !ELECTRON_FILES.has(relative(root, join(root, f))) && !f.endsWith('.test.ts'))
      .filter((f) => imports(f).includes('electron'));
    expect(bad).toEqual([]);
  });
  it('finds the imports it checks (the scanner itself works)', () => {
    expect(imports('electron/main.ts')).toContain('electron');
    expect(imports('renderer/App.tsx').some((i) => i.startsWith('../shared/'))).toBe(true);
  });
});
