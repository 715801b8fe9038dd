// The renderer's settings, kept as one JSON file in the data folder. A missing or corrupt file reads as no
// settings (the renderer then uses its defaults); writes go to a temporary file first, then rename, so a
// crash mid-write never leaves half a file.
//
// A save carries only the keys that changed, and is merged into the file key by key (one level down for
// objects: a grid by its id, a toggle by its name). Two windows or browser tabs that change different
// settings therefore never overwrite each other; the same key, changed in both, keeps the last write.
import { makeDataDir } from './collectors/data-dir.js';
import { readDataFile, writeDataFile } from './collectors/data-files.js';
import { join } from 'node:path';
import { MAX_SETTINGS_BYTES } from '../shared/protocol.js';

export interface SettingsStore {
  load(): Promise<Record<string, unknown>>;
  /** Merges the changed keys into what is saved. */
  save(changes: Record<string, unknown>): Promise<void>;
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** Keys that would reach an object's prototype if assigned; never taken from a message. */
const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** A copy of plain JSON data without prototype keys at any depth. */
function clean(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(clean);
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (!UNSAFE_KEYS.has(k)) out[k] = clean(v);
  return out;
}

/** `changes` over `saved`: each top-level key replaces the saved one, except that an object merges into a
 *  saved object one level down. Neither input is modified. */
export function mergeSettings(
  saved: Record<string, unknown>,
  changes: Record<string, unknown>,
): Record<string, unknown> {
  const out = clean(saved) as Record<string, unknown>;
  for (const [key, value] of Object.entries(clean(changes) as Record<string, unknown>)) {
    const before = out[key];
    out[key] = isPlainObject(value) && isPlainObject(before) ? { ...before, ...value } : value;
  }
  return out;
}

/** One write queue per file, shared by every store of this process (windows of one host). */
const queues = new Map<string, Promise<void>>();

export function createSettingsStore(dataDir: string): SettingsStore {
  const file = join(dataDir, 'settings.json');
  const load = async (): Promise<Record<string, unknown>> => {
    try {
      const parsed: unknown = JSON.parse(await readDataFile(file, MAX_SETTINGS_BYTES * 2));
      return isPlainObject(parsed) ? parsed : {};
    } catch {
      return {};
    }
  };
  return {
    load,
    save(changes) {
      // Serialise writes: each merges into what the one before it wrote, none interleave, and one failed
      // write (disk full) does not fail every later one.
      const next = (queues.get(file) ?? Promise.resolve())
        .catch(() => undefined)
        .then(async () => {
          const text = JSON.stringify(mergeSettings(await load(), changes), null, 1);
          if (text.length > MAX_SETTINGS_BYTES * 2) throw new Error('settings would grow too large');
          await makeDataDir(dataDir);
          writeDataFile(file, text);
        });
      queues.set(file, next);
      return next;
    },
  };
}
