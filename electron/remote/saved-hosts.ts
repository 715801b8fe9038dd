// The remote hosts the user added, kept in the data folder (remote-hosts.json) so they come back when NetLens
// starts again. Read back through the same check as a request's (shared/remote.ts checkDestination): a file
// edited by hand, or by something else, can name no option and no more hosts than may be shown.
import { makeDataDirSync } from '../collectors/data-dir.js';
import { readDataFileSync, writeDataFile } from '../collectors/data-files.js';
import { join } from 'node:path';
import { checkDestination } from '../../shared/remote.js';
import { MAX_REMOTE_HOSTS } from './fleet.js';

export const SAVED_HOSTS_FILE = 'remote-hosts.json';
const MAX_FILE_BYTES = 64 * 1024;

export interface SavedHosts {
  /** The saved destinations; none when the file is missing, unreadable or not ours. */
  load(): string[];
  save(destinations: readonly string[]): void;
}

export function savedHosts(dataDir: string, log: (line: string) => void = (l) => console.warn(l)): SavedHosts {
  const file = join(dataDir, SAVED_HOSTS_FILE);
  return {
    load() {
      let parsed: unknown;
      try {
        parsed = JSON.parse(readDataFileSync(file, MAX_FILE_BYTES));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
          log(`remote hosts: ${file} not read: ${err instanceof Error ? err.message : String(err)}`);
        return [];
      }
      const hosts = (parsed as { hosts?: unknown } | null)?.hosts;
      if (!Array.isArray(hosts)) return [];
      const ok = hosts.filter((h): h is string => typeof h === 'string' && checkDestination(h) === null);
      if (ok.length < hosts.length)
        log(`remote hosts: ${hosts.length - ok.length} unusable entries in ${file} skipped`);
      return [...new Set(ok)].slice(0, MAX_REMOTE_HOSTS);
    },
    save(destinations) {
      try {
        makeDataDirSync(dataDir);
        writeDataFile(file, `${JSON.stringify({ hosts: destinations }, null, 2)}\n`);
      } catch (err) {
        log(`remote hosts: ${file} not written: ${err instanceof Error ? err.message : String(err)}`);
      }
    },
  };
}
