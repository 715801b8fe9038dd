// The data folder is this user's alone (0700) and so is every file NetLens writes there (0600), whatever the
// umask: on create, and tightened at start where an earlier NetLens left them looser. Not on Windows.
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  lstatSync,
  mkdirSync,
  renameSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_RECORDING } from '../../shared/record.js';
import type { ActionLogEntry } from '../../shared/protocol.js';
import { ACTION_LOG_FILE, createActionLog } from '../actions/action-log.js';
import { changeMode, DATA_FILES, dataDirIn, tightenDataDir } from './data-dir.js';
import { RECORD_FILE, saveRecordingConfig } from '../monitor/record/config.js';
import { SAVED_HOSTS_FILE, savedHosts } from '../remote/saved-hosts.js';
import { createSettingsStore } from '../settings-store.js';

const posix = process.platform !== 'win32';
// Under a umask of 077 every file would be private anyway: the test would show nothing.
const looseUmask = posix && (process.umask() & 0o044) === 0;

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) {
    spawnSync('chattr', ['-R', '-i', d]);
    rmSync(d, { recursive: true, force: true });
  }
});
function parent(): string {
  const d = mkdtempSync(join(tmpdir(), 'netlens-data-'));
  dirs.push(d);
  return d;
}
const mode = (path: string) => statSync(path).mode & 0o777;
/** An action, as the log keeps one. */
const LOGGED: ActionLogEntry = {
  time: 1,
  action: 'kill:TERM',
  pid: 5,
  name: 'x',
  startTime: null,
  target: null,
  outcome: 'killed',
  message: 'm',
};

describe.runIf(looseUmask)('the data folder', () => {
  it('is made 0700, and the files NetLens writes there 0600', async () => {
    const dir = join(parent(), 'netlens');
    await createSettingsStore(dir).save({ theme: 'dark' });
    expect(mode(dir)).toBe(0o700);
    expect(mode(join(dir, 'settings.json'))).toBe(0o600);
    await saveRecordingConfig(dir, DEFAULT_RECORDING);
    expect(mode(join(dir, 'recording.json'))).toBe(0o600);
    await createActionLog(dir).append(LOGGED);
    expect(mode(join(dir, ACTION_LOG_FILE))).toBe(0o600);
    const other = join(parent(), 'hosts');
    savedHosts(other, () => {}).save(['example']);
    expect(mode(other)).toBe(0o700);
    expect(mode(join(other, SAVED_HOSTS_FILE))).toBe(0o600);
  });

  it('names every file NetLens keeps there, for the tightening at start', () => {
    for (const name of ['settings.json', 'recording.json', ACTION_LOG_FILE, RECORD_FILE, SAVED_HOSTS_FILE])
      expect(DATA_FILES).toContain(name);
  });

  it('is tightened at start where an earlier NetLens left it looser; links and other files are left alone', () => {
    const dir = join(parent(), 'netlens');
    mkdirSync(join(dir, 'desktop'), { recursive: true, mode: 0o755 });
    chmodSync(dir, 0o755);
    for (const name of DATA_FILES) writeFileSync(join(dir, name), '{}', { mode: 0o644 });
    writeFileSync(join(dir, 'Preferences'), '{}', { mode: 0o644 }); // Chromium's, in the Electron host's folder
    const outside = join(parent(), 'elsewhere.json');
    writeFileSync(outside, '{}', { mode: 0o644 });
    rmSync(join(dir, 'window-state.json'));
    symlinkSync(outside, join(dir, 'window-state.json'));
    expect(tightenDataDir(dir, 'linux')).toBeNull();
    expect(mode(dir)).toBe(0o700);
    expect(mode(join(dir, 'desktop'))).toBe(0o700);
    for (const name of DATA_FILES) if (name !== 'window-state.json') expect(mode(join(dir, name))).toBe(0o600);
    expect(mode(outside)).toBe(0o644);
    expect(mode(join(dir, 'Preferences'))).toBe(0o644);
    // Windows: untouched.
    chmodSync(dir, 0o755);
    expect(tightenDataDir(dir, 'win32')).toBeNull();
    expect(mode(dir)).toBe(0o755);
    // A folder that does not exist yet: nothing to do, nothing said.
    expect(tightenDataDir(join(dir, 'none'), 'linux')).toBeNull();
  });

  it("leaves a shared folder's mode alone and says so (NETLENS_DATA_DIR=/tmp, the home folder, another user's)", () => {
    const shared = join(parent(), 'shared');
    mkdirSync(shared);
    chmodSync(shared, 0o1777); // as /tmp
    writeFileSync(join(shared, 'settings.json'), '{}', { mode: 0o644 });
    expect(tightenDataDir(shared, 'linux')).toBe(
      `1 of NetLens's data files could not be made private to this user (mode is left as it was): ${shared} (a shared folder)`,
    );
    expect(mode(shared)).toBe(0o777);
    expect(mode(join(shared, 'settings.json'))).toBe(0o600); // NetLens's own file in it still is
    // A group's shared folder (setgid, as `chmod g+s`): on main made 0700, the group shut out, nothing said.
    const team = join(parent(), 'team');
    mkdirSync(team);
    chmodSync(team, 0o2775);
    expect(tightenDataDir(team, 'linux')).toContain(`${team} (a shared folder)`);
    expect(statSync(team).mode & 0o7777).toBe(0o2775);
    const home = join(parent(), 'home');
    mkdirSync(home, { mode: 0o755 });
    chmodSync(home, 0o755);
    const was = process.env.HOME;
    process.env.HOME = home;
    try {
      expect(tightenDataDir(home, 'linux')).toContain(`${home} (the home folder)`);
    } finally {
      process.env.HOME = was;
    }
    expect(mode(home)).toBe(0o755);
  });

  it("leaves a folder NETLENS_DATA_DIR names that holds others' files as it is (sudo NETLENS_DATA_DIR=/etc)", () => {
    const etc = join(parent(), 'etc');
    mkdirSync(etc, { mode: 0o755 });
    chmodSync(etc, 0o755);
    writeFileSync(join(etc, 'passwd'), 'root:x:0:0::/root:/bin/sh\n', { mode: 0o644 });
    writeFileSync(join(etc, 'settings.json'), '{}', { mode: 0o644 });
    const was = process.env.NETLENS_DATA_DIR;
    process.env.NETLENS_DATA_DIR = etc;
    try {
      expect(tightenDataDir(etc, 'linux')).toBe(
        `1 of NetLens's data files could not be made private to this user (mode is left as it was): ${etc} (holds "passwd", not NetLens's)`,
      );
      expect(mode(etc)).toBe(0o755);
      expect(mode(join(etc, 'passwd'))).toBe(0o644);
      expect(mode(join(etc, 'settings.json'))).toBe(0o600);
      // A folder of NetLens's own files only, named the same way, is NetLens's: made private.
      rmSync(join(etc, 'passwd'));
      expect(tightenDataDir(etc, 'linux')).toBeNull();
      expect(mode(etc)).toBe(0o700);
    } finally {
      if (was === undefined) delete process.env.NETLENS_DATA_DIR;
      else process.env.NETLENS_DATA_DIR = was;
    }
  });

  it.runIf(process.getuid?.() === 0)("leaves another user's folder's mode alone", () => {
    const theirs = join(parent(), 'theirs');
    mkdirSync(theirs, { mode: 0o755 });
    chmodSync(theirs, 0o755);
    chownSync(theirs, 65534, 65534);
    expect(tightenDataDir(theirs, 'linux')).toContain(`${theirs} (owned by uid 65534)`);
    expect(mode(theirs)).toBe(0o755);
  });

  it.runIf(process.getuid?.() === 0)("leaves another user's file alone, even as root (NETLENS_DATA_DIR=/tmp)", () => {
    const dir = join(parent(), 'netlens');
    mkdirSync(dir, { mode: 0o700 });
    const theirs = join(dir, 'settings.json');
    writeFileSync(theirs, '{}', { mode: 0o644 });
    chownSync(theirs, 65534, 65534);
    writeFileSync(join(dir, 'recording.json'), '{}', { mode: 0o644 });
    // On main: made 0600 by root, nothing said.
    expect(tightenDataDir(dir, 'linux')).toContain(`${theirs} (owned by uid 65534)`);
    expect(mode(theirs)).toBe(0o644);
    expect(mode(join(dir, 'recording.json'))).toBe(0o600);
  });

  const immutable = process.platform === 'linux' && process.getuid?.() === 0;
  it.runIf(immutable)('says what it could not tighten, counted, and goes on', () => {
    const dir = join(parent(), 'netlens');
    mkdirSync(dir, { mode: 0o755 });
    chmodSync(dir, 0o755);
    writeFileSync(join(dir, 'settings.json'), '{}', { mode: 0o644 });
    writeFileSync(join(dir, 'recording.json'), '{}', { mode: 0o644 });
    // An immutable file: not even root may change its mode.
    const chattr = spawnSync('chattr', ['+i', join(dir, 'settings.json')]);
    if (chattr.status !== 0) return; // a file system without the attribute (tmpfs)
    const note = tightenDataDir(dir, 'linux');
    expect(note).toBe(
      `1 of NetLens's data files could not be made private to this user (mode is left as it was): ${join(dir, 'settings.json')} (EPERM)`,
    );
    expect(mode(join(dir, 'settings.json'))).toBe(0o644);
    expect(mode(join(dir, 'recording.json'))).toBe(0o600);
    expect(mode(dir)).toBe(0o700);
  });
});

describe.runIf(posix)("the tightening's change of mode", () => {
  it('changes the file it looked at, never a link or a file swapped in since', () => {
    const dir = parent();
    const file = join(dir, 'settings.json');
    writeFileSync(file, '{}', { mode: 0o644 });
    const seen = lstatSync(file);
    // Swapped for a link to someone's file between the look and the change: not followed. (The file it looked at
    // is kept aside, so that its inode is not given to the next one.)
    const target = join(dir, 'target');
    writeFileSync(target, 'x', { mode: 0o644 });
    renameSync(file, join(dir, 'aside'));
    symlinkSync(target, file);
    expect(() => changeMode(file, seen, 0o600)).toThrow(expect.objectContaining({ code: 'ELOOP' }));
    expect(mode(target)).toBe(0o644);
    // Swapped for another file: not changed.
    rmSync(file);
    writeFileSync(file, '{}', { mode: 0o644 });
    expect(() => changeMode(file, seen, 0o600)).toThrow(expect.objectContaining({ code: 'EAGAIN' }));
    expect(mode(file)).toBe(0o644);
    // The file it looked at: changed.
    changeMode(file, lstatSync(file), 0o600);
    expect(mode(file)).toBe(0o600);
  });
});

describe.runIf(posix)('a data folder others may write to (attack review of 12-05)', () => {
  const me = process.getuid!();

  it('keeps NetLens files in a folder of this user alone inside it, netlens-<uid>, made 0700', () => {
    const shared = join(parent(), 'shared');
    mkdirSync(shared);
    chmodSync(shared, 0o1777); // as /tmp
    const own = join(shared, `netlens-${me}`);
    // A command that only reads makes none.
    expect(dataDirIn(shared, { create: false })).toBe(own);
    expect(() => lstatSync(own)).toThrow(expect.objectContaining({ code: 'ENOENT' }));
    expect(dataDirIn(shared)).toBe(own);
    expect(mode(own)).toBe(0o700);
    // Found again; loosened since, made private again.
    chmodSync(own, 0o755);
    expect(dataDirIn(shared)).toBe(own);
    expect(mode(own)).toBe(0o700);
    // A group's shared folder (setgid, group-writable) alike.
    const team = join(parent(), 'team');
    mkdirSync(team);
    chmodSync(team, 0o2775);
    expect(dataDirIn(team)).toBe(join(team, `netlens-${me}`));
  });

  it('uses as it is a folder only this user (and root) may write to, or NetLens makes private at start', () => {
    const dir = join(parent(), 'netlens');
    expect(dataDirIn(dir)).toBe(dir); // not there yet: made 0700 when first written
    mkdirSync(dir);
    chmodSync(dir, 0o775); // NetLens's own, made under a umask of 002: tightened at start, not passed by
    expect(dataDirIn(dir)).toBe(dir);
    const home = join(parent(), 'home');
    mkdirSync(home);
    chmodSync(home, 0o755);
    writeFileSync(join(home, '.profile'), '');
    expect(dataDirIn(home)).toBe(home);
    const open = join(parent(), 'open');
    mkdirSync(open);
    chmodSync(open, 0o1777);
    expect(dataDirIn(open, { platform: 'win32' })).toBe(open);
  });

  it("refuses a netlens-<uid> there that is a link, or not this user's, saying why", () => {
    const shared = join(parent(), 'shared');
    mkdirSync(shared);
    chmodSync(shared, 0o1777);
    const elsewhere = join(parent(), 'elsewhere');
    mkdirSync(elsewhere, { mode: 0o700 });
    symlinkSync(elsewhere, join(shared, `netlens-${me}`));
    expect(() => dataDirIn(shared)).toThrow(/netlens-\d+, which is a symbolic link, not this user's own folder/);
    expect(() => dataDirIn(shared, { create: false })).toThrow(/a symbolic link/);
    rmSync(join(shared, `netlens-${me}`));
    writeFileSync(join(shared, `netlens-${me}`), '');
    expect(() => dataDirIn(shared)).toThrow(/which is not a folder/);
  });

  it.runIf(process.getuid?.() === 0)("refuses another user's netlens-<uid> there, even as root", () => {
    const shared = join(parent(), 'shared');
    mkdirSync(shared);
    chmodSync(shared, 0o1777);
    const squat = join(shared, `netlens-${me}`);
    mkdirSync(squat, { mode: 0o700 });
    chownSync(squat, 65534, 65534);
    expect(() => dataDirIn(shared)).toThrow(/which is owned by uid 65534/);
    // Another user's folder (not shared, but theirs: they may plant names in it) alike.
    const theirs = join(parent(), 'theirs');
    mkdirSync(theirs, { mode: 0o755 });
    chmodSync(theirs, 0o755);
    chownSync(theirs, 65534, 65534);
    expect(dataDirIn(theirs)).toBe(join(theirs, `netlens-${me}`));
  });

  it('writes its files through no name planted beforehand: a temporary file made afresh, the log never through a link', async () => {
    const dir = join(parent(), 'netlens');
    mkdirSync(dir, { mode: 0o700 });
    const victim = join(parent(), 'victim');
    writeFileSync(victim, 'IMPORTANT', { mode: 0o600 });
    // Links at every temporary name the writers could pick (the pid is public), and at the log's own name.
    for (const name of ['settings.json', 'recording.json', SAVED_HOSTS_FILE])
      for (let i = 0; i <= 50; i++) {
        symlinkSync(victim, join(dir, `${name}.${process.pid}.${i}.tmp`));
        if (i === 0) symlinkSync(victim, join(dir, `${name}.${process.pid}.tmp`));
      }
    symlinkSync(victim, join(dir, ACTION_LOG_FILE));
    await createSettingsStore(dir).save({ theme: 'dark' });
    await saveRecordingConfig(dir, DEFAULT_RECORDING);
    savedHosts(dir, () => undefined).save(['example-host']);
    await expect(createActionLog(dir).append(LOGGED)).rejects.toThrow(expect.objectContaining({ code: 'ELOOP' }));
    expect(readFileSync(victim, 'utf8')).toBe('IMPORTANT');
    expect(JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8'))).toEqual({ theme: 'dark' });
    expect(JSON.parse(readFileSync(join(dir, 'recording.json'), 'utf8'))).toEqual(DEFAULT_RECORDING);
    expect(JSON.parse(readFileSync(join(dir, SAVED_HOSTS_FILE), 'utf8'))).toEqual({ hosts: ['example-host'] });
  });
});
