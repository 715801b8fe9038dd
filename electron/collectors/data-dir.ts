// Where NetLens keeps its files outside Electron (the action log, the browser host's settings): the OS's
// per-user application data folder. The Electron host uses app.getPath('userData') instead.
import {
  closeSync,
  constants,
  fchmodSync,
  fstatSync,
  lstatSync,
  mkdirSync,
  opendirSync,
  openSync,
  statSync,
  type Stats,
} from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, parse, resolve } from 'node:path';
import { errorText } from '../../shared/error-text.js';
import { inertText } from '../../shared/inert-text.js';

export function defaultDataDir(): string {
  if (process.env.NETLENS_DATA_DIR) return process.env.NETLENS_DATA_DIR;
  if (process.platform === 'win32')
    return join(process.env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'NetLens');
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'NetLens');
  return join(process.env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'netlens');
}

// The data folder holds what NetLens saw (the connection record, the action log) and the remote hosts it reaches:
// this user's alone, whatever the umask. On Linux and macOS the folder is made 0700 and every file NetLens writes
// there 0600 when it creates them, and those made before (under the umask: 0755 and 0644) are tightened at start
// (tightenDataDir). Windows: untouched (its profile folder's ACLs keep other users out; modes mean nothing there).

/** The data folder's mode: this user's alone. */
export const DATA_DIR_MODE = 0o700;
/** The mode of every file NetLens writes in the data folder. */
export const DATA_FILE_MODE = 0o600;

/** The files NetLens writes in a data folder (the Electron host's holds Chromium's too, which are left alone):
 *  settings, window state, recording.json, remote-hosts.json, the action log (and its rotated copy), the record and
 *  its journal, and the desktop window's own settings in `desktop/`. */
export const DATA_FILES = [
  'settings.json',
  'window-state.json',
  'recording.json',
  'remote-hosts.json',
  'actions.log',
  'actions.log.1',
  'history.sqlite',
  'history.sqlite-journal',
  'desktop/settings.json',
] as const;

/**
 * The folder NetLens keeps its files in, given the one the user chose (`defaultDataDir()`): that folder itself,
 * unless other users may write in it (a shared folder such as /tmp or a group's, or one owned by another user than
 * this one and root). There anybody could plant a link at one of NetLens's names, or a file of theirs: a link from
 * the record's name to a file of root's, moved aside as a corrupt record (attack review of 12-05). NetLens then keeps
 * its files in a folder of this user's own inside it, `netlens-<uid>` (as tmux keeps its sockets in
 * /tmp/tmux-<uid>), made 0700; one there already must be this user's own folder (not a link, nobody else's), or
 * this throws, saying so. `create: false` (a command that only reads) makes none. Windows: the folder as chosen.
 */
export function dataDirIn(chosen: string, options: { create?: boolean; platform?: NodeJS.Platform } = {}): string {
  const me = process.getuid?.();
  if ((options.platform ?? process.platform) === 'win32' || me === undefined) return chosen;
  let st: Stats;
  try {
    st = statSync(chosen);
  } catch (err) {
    // Not there yet: made by NetLens (DATA_DIR_MODE) when it first writes.
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return chosen;
    throw err;
  }
  // A folder NetLens makes private at start (tightenDataDir: its own, made under a umask that left it open) is used
  // as it is.
  if (!st.isDirectory() || !openToOthers(st, me) || sharedFolder(chosen, st.mode, st.uid) === null) return chosen;
  const own = join(chosen, `netlens-${me}`);
  if (options.create !== false) {
    try {
      mkdirSync(own, { mode: DATA_DIR_MODE });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  let mine: Stats;
  try {
    mine = lstatSync(own);
  } catch (err) {
    if (options.create === false && (err as NodeJS.ErrnoException).code === 'ENOENT') return own;
    throw err;
  }
  const wrong = mine.isSymbolicLink()
    ? 'a symbolic link'
    : !mine.isDirectory()
      ? 'not a folder'
      : mine.uid !== me
        ? `owned by uid ${mine.uid}`
        : null;
  if (wrong !== null)
    throw new Error(
      `${inertText(chosen)} is open to other users' files, so NetLens keeps its own in ${inertText(own)}, which is ${wrong}, ` +
        "not this user's own folder: another user may have put it there. Remove it, or set NETLENS_DATA_DIR to a folder only this user can write to",
    );
  if ((mine.mode & 0o077) !== 0) changeMode(own, mine, DATA_DIR_MODE);
  return own;
}

/** Whether users other than `me` and root may make or replace names in a folder: group or others may write in it,
 *  or another user owns it. */
function openToOthers(st: Stats, me: number): boolean {
  return (st.mode & 0o022) !== 0 || (st.uid !== me && st.uid !== 0);
}

/** Makes the data folder (and its parents that are missing) as DATA_DIR_MODE. */
export async function makeDataDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: DATA_DIR_MODE });
}

/** The same, for callers that may not wait (the recorder's worker, saved hosts). */
export function makeDataDirSync(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: DATA_DIR_MODE });
}

/** Why a file or folder owned by `uid` is not NetLens's to change, or null when it is this user's. */
function otherUsers(uid: number): string | null {
  const me = process.getuid?.();
  return me !== undefined && uid !== me ? `owned by uid ${uid}` : null;
}

/** Why a data folder is not NetLens's to make private, or null when it is. */
function sharedFolder(path: string, mode: number, uid: number): string | null {
  // Sticky (/tmp), or setgid: a group's shared folder (its files take the folder's group), made 0700 it shuts the
  // group out.
  if ((mode & 0o3000) !== 0) return 'a shared folder';
  const owner = otherUsers(uid);
  if (owner !== null) return owner;
  const full = resolve(path);
  if (full === parse(full).root) return 'the root folder';
  if (full === resolve(homedir())) return 'the home folder';
  // A folder NETLENS_DATA_DIR names that holds anything else than NetLens's own (/etc, /srv, a project's folder)
  // is not NetLens's to close: root would shut every other user out of it.
  const chosen = process.env.NETLENS_DATA_DIR;
  if (chosen && resolve(chosen) === full) {
    const other = foreignEntry(full);
    if (other !== null) return `holds ${JSON.stringify(other)}, not NetLens's`;
  }
  return null;
}

/** NetLens's own names in a data folder: its files, `desktop/`, the record's users. */
const OWN_ENTRIES = new Set<string>([...DATA_FILES.map((f) => f.split('/')[0]!), 'history.sqlite.users']);

/** The first entry of `dir` that is not NetLens's, or null: read until one is found (a large folder is not
 *  listed whole). */
function foreignEntry(dir: string): string | null {
  const d = opendirSync(dir);
  try {
    for (let e = d.readSync(); e !== null; e = d.readSync()) if (!OWN_ENTRIES.has(e.name)) return e.name;
    return null;
  } finally {
    d.closeSync();
  }
}

/**
 * chmod of what lstat saw at `path`, through a descriptor: a name swapped for a link (or another file) between
 * the look and the change is not followed and not changed (a path's chmod would follow it to its target).
 */
export function changeMode(path: string, seen: Stats, mode: number): void {
  const flags =
    constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0) | (constants.O_NOCTTY ?? 0);
  const fd = openSync(path, flags);
  try {
    const now = fstatSync(fd);
    if (now.dev !== seen.dev || now.ino !== seen.ino) throw Object.assign(new Error('replaced'), { code: 'EAGAIN' });
    fchmodSync(fd, mode);
  } finally {
    closeSync(fd);
  }
}

/**
 * Tightens what NetLens keeps in `dir` to DATA_DIR_MODE (the folder and `desktop/`) and DATA_FILE_MODE (the
 * DATA_FILES there), where they are looser: group or others may read, write or enter. Not on Windows. A symbolic
 * link is not followed (a file named so and pointing elsewhere is someone else's), a name missing is skipped.
 * Never throws: what could not be changed (another user's file, a read-only file system) is counted and named in
 * the one note returned, null when there is none.
 */
export function tightenDataDir(dir: string, platform: NodeJS.Platform = process.platform): string | null {
  if (platform === 'win32') return null;
  const failed: string[] = [];
  const tighten = (path: string, folder: boolean) => {
    try {
      const st = lstatSync(path);
      if (st.isSymbolicLink() || (folder ? !st.isDirectory() : !st.isFile())) return;
      if ((st.mode & 0o077) === 0) return;
      // NETLENS_DATA_DIR may name a folder that is not NetLens's own: a shared one (/tmp: sticky; a group's:
      // setgid), someone else's, or the home folder. Its mode is its owner's choice: said, not changed. So is a
      // file of another user's under one of NetLens's names (/tmp/settings.json), which root could otherwise change.
      const shared = folder ? sharedFolder(path, st.mode, st.uid) : otherUsers(st.uid);
      if (shared !== null) failed.push(`${path} (${shared})`);
      else changeMode(path, st, folder ? DATA_DIR_MODE : DATA_FILE_MODE);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') failed.push(`${path} (${code ?? errorText(err)})`);
    }
  };
  tighten(dir, true);
  tighten(join(dir, 'desktop'), true);
  for (const name of DATA_FILES) tighten(join(dir, name), false);
  if (failed.length === 0) return null;
  const n = failed.length;
  return (
    `${n} of NetLens's data files could not be made private to this user ` +
    `(${n === 1 ? 'mode is left as it was' : 'modes are left as they were'}): ${failed.map((f) => inertText(f)).join(', ')}`
  );
}
