// The record's lock (lock.ts) cleared while another process acts in between, at a point no real timing can hit
// on purpose: node:fs's readdirSync, as lock.ts sees it, runs what the other process does at that moment.
import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  type PathLike,
  readdirSync,
  readFileSync,
  rmdirSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, expect, it, vi } from 'vitest';

const meanwhile = vi.hoisted(() => ({
  act: null as (() => void) | null,
  /** Run as lock.ts makes a folder with mkdtempSync (moveUsersAside), after it is made. */
  made: null as (() => void) | null,
  /** Run instead of lock.ts's renameSync of this path. */
  rename: null as { from: string; act: () => void } | null,
  /** Run before a mkdirSync of this path (taking the record's lock), once. */
  mkdir: null as { path: string; act: () => void } | null,
}));
vi.mock('node:fs', async (original) => {
  const fs = await original<typeof import('node:fs')>();
  return {
    ...fs,
    readdirSync: ((...args: Parameters<typeof fs.readdirSync>) => {
      const act = meanwhile.act;
      meanwhile.act = null;
      act?.();
      return fs.readdirSync(...args);
    }) as typeof fs.readdirSync,
    mkdtempSync: ((...args: Parameters<typeof fs.mkdtempSync>) => {
      const made = fs.mkdtempSync(...args);
      const act = meanwhile.made;
      meanwhile.made = null;
      act?.();
      return made;
    }) as typeof fs.mkdtempSync,
    mkdirSync: ((...args: Parameters<typeof fs.mkdirSync>) => {
      const hook = meanwhile.mkdir;
      if (hook && String(args[0]) === hook.path) {
        meanwhile.mkdir = null;
        hook.act();
      }
      return fs.mkdirSync(...args);
    }) as typeof fs.mkdirSync,
    renameSync: ((from: PathLike, to: PathLike) => {
      if (meanwhile.rename && String(from) === meanwhile.rename.from) meanwhile.rename.act();
      else fs.renameSync(from, to);
    }) as typeof fs.renameSync,
  };
});

const { clearStaleLock, moveUsersAside } = await import('./lock.js');
const { openRecord } = await import('./database.js');
const { rollBackJournal } = await import('./journal.js');
const { Recorder } = await import('./recorder.js');

const dirs: string[] = [];
afterEach(() => {
  meanwhile.act = meanwhile.made = meanwhile.rename = meanwhile.mkdir = null;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function record(): string {
  const dir = mkdtempSync(join(tmpdir(), 'record-lock-race-'));
  dirs.push(dir);
  const file = join(dir, 'history.sqlite');
  openRecord(file, { create: true }).db.close();
  return file;
}

it('removes no lock taken while it judged the holders of the one it found', () => {
  const dir = mkdtempSync(join(tmpdir(), 'record-lock-race-'));
  dirs.push(dir);
  const file = join(dir, 'history.sqlite');
  // A killed holder's lock, a minute old, nobody named.
  mkdirSync(`${file}.users`);
  mkdirSync(`${file}.lock`);
  const then = new Date(Date.now() - 60_000);
  utimesSync(`${file}.lock`, then, then);
  // While this clearer judges (a process stopped or slowed past CLEARING_STALE_MS: its `clearing` taken for one
  // left), another clears that lock and a third process takes the record: a new lock.
  meanwhile.act = () => {
    rmdirSync(`${file}.lock`);
    mkdirSync(`${file}.lock`);
  };
  // On main: the judgement over, the lock removed was the new holder's (expected true to be false).
  expect(clearStaleLock(file)).toBe(false);
  expect(() => rmdirSync(`${file}.lock`)).not.toThrow();
});

it('never moves aside a folder of users made in place of what was put there', () => {
  const file = record();
  rmSync(`${file}.users`, { recursive: true });
  writeFileSync(`${file}.users`, 'planted');
  // As the recorder makes the folder to move it into: moved away by hand, and another NetLens named itself in a
  // folder of users made anew.
  meanwhile.made = () => {
    rmSync(`${file}.users`);
    mkdirSync(`${file}.users`);
    writeFileSync(join(`${file}.users`, '4242-0123456789ab'), '{}');
  };
  expect(moveUsersAside(file)).toBeNull();
  expect(readdirSync(`${file}.users`)).toEqual(['4242-0123456789ab']);
  expect(readdirSync(dirname(file)).filter((name) => name.includes('.aside-'))).toEqual([]);
});

it('a recorder that cannot move aside what was put at <file>.users does not open the record, and says why', () => {
  const file = record();
  rmSync(`${file}.users`, { recursive: true });
  writeFileSync(`${file}.users`, 'planted');
  // A shared folder with the sticky bit, the file another user's.
  meanwhile.rename = {
    from: `${file}.users`,
    act: () => {
      throw Object.assign(new Error('operation not permitted'), { code: 'EPERM' });
    },
  };
  const recorder = new Recorder({ file, liveRows: () => [], notify: () => {}, log: () => {} });
  try {
    expect(recorder.status().state).toBe('paused');
    expect(recorder.status().message).toBe(
      `cannot open ${file}: cannot name this process among the users of the record in ${file}.users: it is a file, not a folder (NetLens follows no link there, and writes into no file it did not make): move it away, and NetLens makes the folder`,
    );
  } finally {
    recorder.close();
  }
  expect(readFileSync(`${file}.users`, 'utf8')).toBe('planted');
  expect(lstatSync(`${file}.users`).isFile()).toBe(true);
  expect(readdirSync(dirname(file)).filter((name) => name.includes('.aside-'))).toEqual([]);
});

it('a journal gone between the open’s look and its lock (played back and committed by an opener that held the lock meanwhile) is nothing to roll back, not a failure', () => {
  const file = record();
  // A journal beside the record, as one left by a writer killed mid-transaction, or live under another's lock.
  writeFileSync(`${file}-journal`, Buffer.alloc(4096, 1));
  // Before this open takes the lock, another opener (which held it) played that journal back and its first commit
  // deleted it. (Seen in CI: several waiters for a killed holder's lock, one failing with ENOENT on the journal.)
  meanwhile.mkdir = { path: `${file}.lock`, act: () => rmSync(`${file}-journal`) };
  expect(rollBackJournal(file)).toEqual({ kind: 'none' });
  expect(meanwhile.mkdir).toBeNull();
  expect(lstatSync(`${file}.lock`, { throwIfNoEntry: false })).toBeUndefined();
  writeFileSync(`${file}-journal`, Buffer.alloc(4096, 1));
  meanwhile.mkdir = { path: `${file}.lock`, act: () => rmSync(`${file}-journal`) };
  const opened = openRecord(file, { create: true });
  opened.db.close();
  expect(opened.journal).toEqual({ kind: 'none' });
});
