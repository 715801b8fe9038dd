// Remembers the window's size, position and maximized state between launches, in the user-data folder.
import type { BrowserWindow, Rectangle } from 'electron';
import { writeFile } from 'node:fs/promises';
import { DATA_FILE_MODE, makeDataDir } from './collectors/data-dir.js';
import { readDataFile } from './collectors/data-files.js';
import { dirname } from 'node:path';

export interface WindowState {
  bounds: Partial<Rectangle> & { width: number; height: number };
  maximized: boolean;
}

const DEFAULT_STATE: WindowState = { bounds: { width: 1280, height: 800 }, maximized: false };

/** A missing or corrupt file gives the default; sizes outside sane limits are ignored. */
export async function loadWindowState(path: string): Promise<WindowState> {
  try {
    const raw = JSON.parse(await readDataFile(path, 64 * 1024)) as Partial<WindowState>;
    const b: Partial<Rectangle> = raw.bounds ?? {};
    const ok = (n: unknown, min: number, max: number) =>
      typeof n === 'number' && Number.isFinite(n) && n >= min && n <= max;
    if (!ok(b.width, 400, 20000) || !ok(b.height, 300, 20000)) return DEFAULT_STATE;
    const bounds: WindowState['bounds'] = { width: b.width!, height: b.height! };
    if (ok(b.x, -20000, 20000) && ok(b.y, -20000, 20000)) {
      bounds.x = b.x!;
      bounds.y = b.y!;
    }
    return { bounds, maximized: raw.maximized === true };
  } catch {
    return DEFAULT_STATE;
  }
}

export function trackWindowState(win: BrowserWindow, path: string): void {
  let timer: NodeJS.Timeout | undefined;
  const save = () => {
    if (win.isDestroyed()) return;
    const state: WindowState = { bounds: win.getNormalBounds(), maximized: win.isMaximized() };
    void makeDataDir(dirname(path)).then(() => writeFile(path, JSON.stringify(state), { mode: DATA_FILE_MODE }));
  };
  const later = () => {
    clearTimeout(timer);
    timer = setTimeout(save, 500);
  };
  win.on('resize', later);
  win.on('move', later);
  win.on('maximize', later);
  win.on('unmaximize', later);
  win.on('close', () => {
    clearTimeout(timer);
    save();
  });
}
