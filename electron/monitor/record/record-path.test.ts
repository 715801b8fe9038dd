// The record reached through a symbolic link: every opener (the recorder and its `.pid`, the History tab's reads,
// `netlens history`) resolves one real path and locks beside it (database.ts recordPath); a name that leads to no
// regular file is refused at once, never waited on, never created through.
import { spawn, spawnSync } from 'node:child_process';
import fs, {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { until } from '../../../test/until.js';
import { bundleWorker } from '../testing/bundle-worker.js';
import { NotARecordError, openRecord, readRecord } from './database.js';
import { Recorder } from './recorder.js';

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'record-path-test-'));
  dirs.push(d);
  return realpathSync(d);
}
const children: ReturnType<typeof spawn>[] = [];
afterEach(() => {
  vi.restoreAllMocks();
  // Left running by a test that failed (a holder, a writer at a FIFO): its files go with the folders anyway.
  for (const child of children.splice(0)) child.kill('SIGKILL');
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A record in a folder of its own, and a link to it in another (a folder `--db` names). */
function linked(): { real: string; link: string; linkDir: string } {
  const real = join(tempDir(), 'history.sqlite');
  openRecord(real, { create: true }).db.close();
  const linkDir = tempDir();
  const link = join(linkDir, 'link.db');
  symlinkSync(real, link);
  return { real, link, linkDir };
}

const ours = (real: string) => readdirSync(`${real}.users`).filter((name) => name.startsWith(`${process.pid}-`));
const quiet = { liveRows: () => [], notify: () => {}, log: () => {} };

describe.skipIf(process.platform === 'win32')('a record reached through a symbolic link', () => {
  it('is read by netlens history under the record lock, beside the record, and leaves nothing beside the link', () => {
    const { real, link, linkDir } = linked();
    // The VFS's first lock of the read (mkdir of `<name>.lock`): where it is made, and who is named then.
    const locks: { path: string; named: string[] }[] = [];
    const mkdir = fs.mkdirSync;
    vi.spyOn(fs, 'mkdirSync').mockImplementation(((path: fs.PathLike, options?: fs.MakeDirectoryOptions) => {
      if (String(path).endsWith('.lock') && locks.length === 0)
        locks.push({ path: String(path), named: existsSync(`${real}.users`) ? ours(real) : [] });
      return mkdir(path, options);
    }) as typeof fs.mkdirSync);
    const during = readRecord(link, () => ours(real));
    // On main: `link.db.lock` and `link.db.users` beside the link (the recorder's lock not taken: a read torn by its
    // writes), nothing named beside the record.
    expect(locks[0]?.path).toBe(`${real}.lock`);
    expect(during).toEqual([expect.stringMatching(/^\d+-[0-9a-f]{12}$/), expect.stringMatching(/\.fifo$/)]);
    expect(readdirSync(linkDir)).toEqual(['link.db']);
    // Named before that first lock (its first statement): a lock of a reader is never one nobody named (lock.ts,
    // the grace; on main it named itself after checking the file was a record).
    expect(locks[0]?.named).toEqual([expect.stringMatching(/^\d+-[0-9a-f]{12}$/)]);
    expect(readdirSync(`${real}.users`)).toEqual([]);
  });

  it('is not read by netlens history while the recorder holds the record lock', async () => {
    const { real, link } = linked();
    const holder = spawn(
      process.execPath,
      [await bundleWorker(tempDir(), 'electron/monitor/record/testing/holder.ts'), real],
      { stdio: ['pipe', 'pipe', 'pipe'] },
    );
    children.push(holder);
    let out = '';
    holder.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    await until('the holder to hold the lock', () => out.includes('holding'), 15_000, 10);
    // On main the read through the link went past the writer's transaction.
    expect(() => readRecord(link, (db) => db.all('SELECT * FROM conns'))).toThrow(
      new RegExp(`the record is busy: .* is held by process ${holder.pid}`),
    );
    holder.stdin!.end();
  });

  it('is recorded to by a recorder named by the link: its claim and lock beside the record', () => {
    const { real, link, linkDir } = linked();
    const recorder = new Recorder({ file: link, ...quiet });
    try {
      expect(recorder.status().state).toBe('recording');
      // On main: `link.db.pid`, `link.db.users`, `link.db-journal` beside the link.
      expect(readFileSync(`${real}.pid`, 'utf8').split('\n')[0]).toBe(String(process.pid));
      expect(ours(real)).toHaveLength(2);
      expect(recorder.lockFile()).toBe(real);
      // The History tab's reads (a reader of its own while recording is off) lock where the recorder does.
      recorder.configure({ ...recorder.status().config, enabled: false });
      expect(recorder.readable()).not.toBeNull();
      expect(ours(real)).toHaveLength(2);
    } finally {
      recorder.close();
    }
    expect(readdirSync(linkDir)).toEqual(['link.db']);
  });

  it('refuses at once a link to nothing, to a FIFO, to a folder, and a loop of links, creating nothing', () => {
    const dir = tempDir();
    const target = join(dir, 'target.db');
    const names = {
      nothing: join(dir, 'dangling.db'),
      fifo: join(dir, 'fifo.db'),
      folder: join(dir, 'folder.db'),
      loop: join(dir, 'loop.db'),
    };
    symlinkSync(target, names.nothing);
    spawnSyncOk('mkfifo', [join(dir, 'fifo')]);
    symlinkSync(join(dir, 'fifo'), names.fifo);
    mkdirSync(join(dir, 'folder'));
    symlinkSync(join(dir, 'folder'), names.folder);
    symlinkSync(join(dir, 'loop2.db'), names.loop);
    symlinkSync(names.loop, join(dir, 'loop2.db'));
    const before = readdirSync(dir).sort();
    const refusals = {
      nothing: /dangling\.db is a symbolic link to nothing/,
      fifo: /fifo\.db is not a NetLens record \(a link to .*: a FIFO\)/,
      folder: /folder\.db is not a NetLens record \(a link to .*: a folder\)/,
      loop: /loop\.db is a loop of symbolic links/,
    };
    for (const [kind, name] of Object.entries(names)) {
      const refusal = refusals[kind as keyof typeof refusals];
      expect(() => readRecord(name, () => null)).toThrow(NotARecordError);
      expect(() => readRecord(name, () => null)).toThrow(refusal);
      // The recorder pauses, saying why. On main a link to nothing was recorded to: target.db created through it.
      const recorder = new Recorder({ file: name, ...quiet });
      try {
        expect(recorder.status().state).toBe('paused');
        expect(recorder.status().message).toMatch(refusal);
      } finally {
        recorder.close();
      }
    }
    expect(readdirSync(dir).sort()).toEqual(before);
  });
});

describe.runIf(process.getuid?.() === 0)('a link another user made at the record name', () => {
  it('is not followed: the file it leads to (root own) is neither opened nor moved aside as a corrupt record', () => {
    // A folder others may write to (`--db` there): another user plants history.sqlite -> a file of root's.
    const dir = tempDir();
    fs.chmodSync(dir, 0o1777);
    const victim = join(tempDir(), 'config');
    writeFileSync(victim, 'root:x:0:0:important\n', { mode: 0o600 });
    const file = join(dir, 'history.sqlite');
    symlinkSync(victim, file);
    fs.lchownSync(file, 65534, 65534);
    expect(() => readRecord(file, () => null)).toThrow(
      /history\.sqlite is a symbolic link another user made \(uid 65534\)/,
    );
    const recorder = new Recorder({ file, ...quiet });
    try {
      // On main: the victim moved to config.corrupt-<time> and a new record made in its place.
      expect(recorder.status().state).toBe('paused');
      expect(recorder.status().message).toMatch(/a symbolic link another user made/);
    } finally {
      recorder.close();
    }
    expect(readFileSync(victim, 'utf8')).toBe('root:x:0:0:important\n');
    expect(readdirSync(dirname(victim))).toEqual(['config']);
    // Root's own link (or this user's) is followed as before.
    fs.lchownSync(file, 0, 0);
    expect(() => readRecord(file, () => null)).toThrow(/history\.sqlite is not a NetLens record$/);
  });
});

describe.skipIf(process.platform === 'win32')("the recorder's claim (<file>.pid)", () => {
  it('is written through no link put at its name', () => {
    const file = join(tempDir(), 'history.sqlite');
    const victim = join(tempDir(), 'victim');
    writeFileSync(victim, 'precious');
    symlinkSync(victim, `${file}.pid`);
    const recorder = new Recorder({ file, ...quiet });
    try {
      expect(recorder.status().state).toBe('recording');
      // On main: the claim written into the victim.
      expect(readFileSync(victim, 'utf8')).toBe('precious');
      expect(readFileSync(`${file}.pid`, 'utf8').split('\n')[0]).toBe(String(process.pid));
    } finally {
      recorder.close();
    }
  });

  it('is read without waiting on a FIFO put at its name', () => {
    const file = join(tempDir(), 'history.sqlite');
    spawnSyncOk('mkfifo', [`${file}.pid`]);
    // A writer 5 s from now (it marks that it came), then a reader, then a writer, so that a recorder that waits on
    // it (to read the claim, to write its own into it, to read it again at its close) ends.
    const script = 'sleep 5; : > "$0.writer"; exec 3>"$0"; exec 3>&-; cat "$0" > /dev/null; exec 3>"$0"; exec 3>&-';
    const writer = spawn('sh', ['-c', script, `${file}.pid`], { stdio: 'ignore' });
    children.push(writer);
    const recorder = new Recorder({ file, ...quiet });
    try {
      // On main: read until the writer came, then written into (for good without either).
      expect(existsSync(`${file}.pid.writer`)).toBe(false);
      expect(recorder.status().state).toBe('recording');
    } finally {
      recorder.close();
    }
  });
});

function spawnSyncOk(command: string, args: string[]): void {
  if (spawnSync(command, args).status !== 0) throw new Error(`${command} failed`);
}

/** netlens history's count of the connections recorded in `file`, and what it warned of. */
function readWarned(file: string): { read: unknown; warnings: string[] } {
  const warnings: string[] = [];
  const read = readRecord(
    file,
    (db) => db.get('SELECT count(*) AS n FROM conns'),
    (text) => warnings.push(text),
  );
  return { read, warnings };
}

describe.skipIf(process.platform === 'win32')('an opener that cannot name itself among the users', () => {
  it('takes no lock: netlens history reads without it', () => {
    const file = join(tempDir(), 'history.sqlite');
    const { db } = openRecord(file, { create: true });
    db.run('INSERT INTO meta (key, value) VALUES (?, ?)', ['probe', 'x']);
    db.close();
    // `<file>.users` not a folder it may write (here a file; another user's folder in a shared one alike).
    rmSync(`${file}.users`, { recursive: true, force: true });
    writeFileSync(`${file}.users`, '');
    const locks: string[] = [];
    const mkdir = fs.mkdirSync;
    vi.spyOn(fs, 'mkdirSync').mockImplementation(((path: fs.PathLike, options?: fs.MakeDirectoryOptions) => {
      // The record's (not that of the private link an unlocked read opens it by: database.ts readRecord).
      if (String(path) === `${file}.lock`) locks.push(String(path));
      return mkdir(path, options);
    }) as typeof fs.mkdirSync);
    // On main: read under a lock nobody named (which the grace alone kept).
    expect(readRecord(file, (read) => read.get("SELECT value FROM meta WHERE key = 'probe'"))).toEqual({ value: 'x' });
    expect(locks).toEqual([]);
    // Nor does the worker's reader open it. (The recorder moves such a file aside, below; one that cannot does not
    // open either: lock-race.test.ts.)
    expect(() => openRecord(file, { create: false })).toThrow(/cannot name this process among the users/);
    expect(locks).toEqual([]);
  });

  it.each([
    ['a file', (users: string) => writeFileSync(users, 'planted')],
    ['a link to a folder', (users: string) => symlinkSync(tempDir(), users)],
    ['a link to nothing', (users: string) => symlinkSync(join(tempDir(), 'nothing'), users)],
  ])('the recorder moves %s put at <file>.users aside, following and removing nothing, and records', (_, plant) => {
    const file = join(tempDir(), 'history.sqlite');
    openRecord(file, { create: true }).db.close();
    rmSync(`${file}.users`, { recursive: true, force: true });
    plant(`${file}.users`);
    const link = fs.lstatSync(`${file}.users`).isSymbolicLink() ? fs.readlinkSync(`${file}.users`) : null;
    const notices: { code: string; text: string }[] = [];
    const recorder = new Recorder({
      file,
      liveRows: () => [],
      notify: (_level, code, text) => notices.push({ code, text }),
      log: () => {},
    });
    try {
      // On main: paused ("cannot name this process among the users of the record ..."), until moved by hand.
      expect(recorder.status().state).toBe('recording');
      expect(notices.map((n) => n.code)).toEqual(['record-users-moved']);
      const aside = /moved aside to (.+), and recording goes on\.$/.exec(notices[0]!.text)?.[1] ?? '';
      expect(dirname(aside).startsWith(`${file}.users.aside-`)).toBe(true);
      // The very thing put there: a link still a link to where it led (never followed), a file with its content.
      if (link !== null) expect(fs.readlinkSync(aside)).toBe(link);
      else expect(readFileSync(aside, 'utf8')).toBe('planted');
      if (link !== null && existsSync(link)) expect(readdirSync(link)).toEqual([]);
      expect(fs.lstatSync(`${file}.users`).isDirectory()).toBe(true);
    } finally {
      recorder.close();
    }
  });

  it.each([
    ['a file', 'a file', (users: string) => writeFileSync(users, '')],
    ['a link to a folder', 'a symbolic link', (users: string) => symlinkSync(tempDir(), users)],
    ['a link to nothing', 'a symbolic link', (users: string) => symlinkSync(join(tempDir(), 'nothing'), users)],
  ])('says what is at <file>.users when it is %s, not a folder', (_, kind, plant) => {
    const file = join(tempDir(), 'history.sqlite');
    openRecord(file, { create: true }).db.close();
    rmSync(`${file}.users`, { recursive: true, force: true });
    plant(`${file}.users`);
    // The recorder and the worker's reader (the History tab while recording is off). On main: "EEXIST: file already
    // exists, mkdir" (a file), "ENOENT: no such file or directory, mkdir" (a link to nothing), "is not a folder" (a
    // link to a folder).
    expect(() => openRecord(file, { create: false })).toThrow(
      `cannot name this process among the users of the record in ${file}.users: it is ${kind}, not a folder`,
    );
    // netlens history. On main: read without the lock, and nothing said of why the recorder cannot record.
    const { read, warnings } = readWarned(file);
    expect(read).toEqual({ n: 0 });
    expect(warnings).toEqual([
      `${file}.users is ${kind}, not a folder of the record's users: the record was read without its lock. NetLens cannot record to it until that is moved away, which NetLens does as it next starts recording (where it may)`,
    ]);
  });

  it('says, when a lock is held, that a <file>.users which is not a folder keeps its holder from being told', () => {
    const file = join(tempDir(), 'history.sqlite');
    openRecord(file, { create: true }).db.close();
    rmSync(`${file}.users`, { recursive: true, force: true });
    writeFileSync(`${file}.users`, '');
    // Made by SQLite opened otherwise (nobody through database.ts can name itself, so none takes the lock).
    mkdirSync(`${file}.lock`);
    // On main: "held, by whom this user cannot tell (a process that ended moments ago ...; or one whose name in
    // F.users this user may not read)".
    expect(() => readRecord(file, (db) => db.get('SELECT 1 AS k'))).toThrow(
      `the record is busy: ${file}.lock is held, by whom cannot be told: ${file}.users is a file, not a folder of the record's users`,
    );
  });

  // Root, to read a record in another user's folder.
  it.skipIf(process.getuid?.() !== 0)(
    "makes no folder of users in another user's folder, and says why it read past a dead holder's lock",
    () => {
      const dir = tempDir();
      const file = join(dir, 'history.sqlite');
      openRecord(file, { create: true }).db.close();
      // A record that no NetLens of this version opened (no `.users` yet), a lock left a minute ago, in nobody's folder.
      rmSync(`${file}.users`, { recursive: true, force: true });
      mkdirSync(`${file}.lock`);
      const then = new Date(Date.now() - 60_000);
      fs.utimesSync(`${file}.lock`, then, then);
      fs.chownSync(dir, 65534, 65534);
      const { read, warnings } = readWarned(file);
      expect(read).toEqual({ n: 0 });
      // On main: root made `.users` there (root's: its owner's NetLens could not name itself in it after).
      expect(existsSync(`${file}.users`)).toBe(false);
      expect(warnings).toEqual([
        expect.stringMatching(
          /lock left by a process that is gone; this user may not make .*\.users in another user's folder to remove it/,
        ),
      ]);
    },
  );
});
