import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadWindowState } from './window-state.js';

const dir = mkdtempSync(join(tmpdir(), 'netlens-window-'));
const file = (name: string, content: string) => {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
};

describe('loadWindowState', () => {
  it('restores a saved size, position and maximized state', async () => {
    const p = file('ok.json', JSON.stringify({ bounds: { x: 10, y: 20, width: 900, height: 700 }, maximized: true }));
    expect(await loadWindowState(p)).toEqual({ bounds: { x: 10, y: 20, width: 900, height: 700 }, maximized: true });
  });
  it('falls back to the default for a missing, corrupt or absurd file', async () => {
    const def = { bounds: { width: 1280, height: 800 }, maximized: false };
    expect(await loadWindowState(join(dir, 'missing.json'))).toEqual(def);
    expect(await loadWindowState(file('corrupt.json', '{"bounds":'))).toEqual(def);
    expect(await loadWindowState(file('tiny.json', JSON.stringify({ bounds: { width: 10, height: 10 } })))).toEqual(
      def,
    );
    expect(await loadWindowState(file('nan.json', JSON.stringify({ bounds: { width: 'wide', height: 700 } })))).toEqual(
      def,
    );
  });
  it('keeps the size but drops a position far off any screen', async () => {
    const p = file('far.json', JSON.stringify({ bounds: { x: 1e9, y: 0, width: 900, height: 700 } }));
    expect(await loadWindowState(p)).toEqual({ bounds: { width: 900, height: 700 }, maximized: false });
  });
});
