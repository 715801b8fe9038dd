// The renderer's settings, kept as one JSON file in the data folder. A missing or corrupt file reads as no
// settings (the renderer then uses its defaults); writes go to a temporary file first, then rename, so a
// crash mid-write never leaves half a file.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface SettingsStore {
  load(): Promise<Record<string, unknown>>;
  save(settings: Record<string, unknown>): Promise<void>;
}

export function createSettingsStore(dataDir: string): SettingsStore {
  const file = join(dataDir, 'settings.json');
  let writing: Promise<void> = Promise.resolve();
  return {
    async load() {
      try {
        const parsed: unknown = JSON.parse(await readFile(file, 'utf8'));
        return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
      } catch {
        return {};
      }
    },
    save(settings) {
      // Serialise writes: the last one wins, none interleave, and one failed write (disk full) does not fail
      // every later one.
      writing = writing.catch(() => undefined).then(async () => {
        await mkdir(dataDir, { recursive: true });
        const tmp = `${file}.${process.pid}.tmp`;
        await writeFile(tmp, JSON.stringify(settings, null, 1));
        await rename(tmp, file);
      });
      return writing;
    },
  };
}
