// Settings are saved per key: saves from two windows that change different settings both survive.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSettingsStore, mergeSettings } from './settings-store.js';

const dirs: string[] = [];
function dir(): string {
  const d = mkdtempSync(join(tmpdir(), 'polish-settings-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('settings store', () => {
  it('merges saves key by key, so concurrent windows do not overwrite each other', async () => {
    const d = dir();
    const a = createSettingsStore(d);
    const b = createSettingsStore(d);
    await a.save({ theme: 'dark', grids: { connections: { order: ['pid'], sizes: {}, sort: [] } } });
    await Promise.all([
      b.save({ intervalMs: 500 }),
      a.save({ grids: { routes: { order: [], sizes: { gateway: 200 }, sort: [] } } }),
    ]);
    const saved = await createSettingsStore(d).load();
    expect(saved).toEqual({
      theme: 'dark',
      intervalMs: 500,
      grids: {
        connections: { order: ['pid'], sizes: {}, sort: [] },
        routes: { order: [], sizes: { gateway: 200 }, sort: [] },
      },
    });
  });

  it('replaces a key changed twice with the last value, one level down for objects', () => {
    expect(
      mergeSettings({ toggles: { tcp: true, udp: true }, theme: 'light' }, { toggles: { udp: false }, theme: 'dark' }),
    ).toEqual({
      toggles: { tcp: true, udp: false },
      theme: 'dark',
    });
    expect(mergeSettings({ grids: { a: { order: ['x'] } } }, { grids: { a: { order: [] } } })).toEqual({
      grids: { a: { order: [] } },
    });
  });

  it('ignores prototype keys and a corrupt file', async () => {
    const d = dir();
    writeFileSync(join(d, 'settings.json'), '{not json');
    const s = createSettingsStore(d);
    await s.save(
      JSON.parse('{"__proto__": {"polluted": true}, "grids": {"__proto__": {"x": 1}}, "theme": "dark"}') as Record<
        string,
        unknown
      >,
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(JSON.parse(readFileSync(join(d, 'settings.json'), 'utf8'))).toEqual({ theme: 'dark', grids: {} });
  });
});
