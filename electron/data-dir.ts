// Where NetLens keeps its files outside Electron (the action log, the browser host's settings): the OS's
// per-user application data folder. The Electron host uses app.getPath('userData') instead.
import { homedir } from 'node:os';
import { join } from 'node:path';

export function defaultDataDir(): string {
  if (process.env.NETLENS_DATA_DIR) return process.env.NETLENS_DATA_DIR;
  if (process.platform === 'win32')
    return join(process.env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'NetLens');
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'NetLens');
  return join(process.env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'netlens');
}
