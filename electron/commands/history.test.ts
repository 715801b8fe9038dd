// `netlens history --changes` prints what the record holds; process names are anybody's choice, so every
// character inertText escapes is escaped there too (bidi marks, line separators, zero-width characters).
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, normalize } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { inertText } from '../../shared/inert-text.js';
import { openRecord } from '../monitor/record/database.js';
import { historyCommand } from './history.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function run(argv: string[]): Promise<{ code: unknown; out: string }> {
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  try {
    return { code: await historyCommand.run(argv), out };
  } finally {
    spy.mockRestore();
  }
}

describe('netlens history', () => {
  it('prints hostile process names inert, as every other terminal output does', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'netlens-history-'));
    dirs.push(dir);
    const file = join(dir, 'record.db');
    // An Arabic letter mark (a bidi control), a line separator, a zero-width space, an escape.
    const name = 'evil\u061cgpj.exe\u2028forged\u200b\u001b[2J';
    const { db } = openRecord(file, { create: true });
    db.run('INSERT INTO processes (name, first_seen) VALUES (?, ?)', [name, Date.now() - 1000]);
    db.close();
    const { code, out } = await run(['--changes', '--since', '1h', '--db', file]);
    expect(code).toBe(0);
    expect(out).toContain(`  ${inertText(name)}  first `);
    expect(out).not.toMatch(/[\u061c\u2028\u200b\u001b]/);
  });
});

describe('a record from elsewhere (--db)', () => {
  it('has every string it prints inert: addresses, states, protocols and places too, not only names', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'netlens-history-'));
    dirs.push(dir);
    const file = join(dir, 'record.db');
    const at = Date.now() - 60_000;
    const esc = '\u001b]0;pwned\u0007\u001b[2J\u202e';
    const { db } = openRecord(file, { create: true });
    db.run('INSERT INTO sessions (id, started, alive) VALUES (1, ?, ?)', [at, Date.now()]);
    for (const [listener, state] of [
      [0, `ESTABLISHED${esc}`],
      [1, `LISTEN${esc}`],
    ] as const)
      db.run(
        `INSERT INTO conns (session, proto, family, local_addr, local_port, remote_addr, remote_port, states, listener,
          pid, process, user, exe, path, first_seen, closed_at) VALUES (1, ?, 'inet', ?, 80, ?, 443, ?, ?, 1, 'app', ?, NULL, NULL, ?, NULL)`,
        [`tcp${esc}`, `0.0.0.0${esc}`, `10.0.0.1${esc}`, state, listener, `ann${esc}`, at],
      );
    db.run('INSERT INTO remotes (address, first_seen, process) VALUES (?, ?, ?)', [`10.0.0.1${esc}`, at, 'app']);
    db.run('INSERT INTO reached (subject, first_seen) VALUES (?, ?)', [`app → country ${esc}`, at]);
    db.close();
    for (const argv of [
      ['--since', '1h', '--db', file],
      ['--changes', '--since', '1h', '--db', file],
    ]) {
      const { code, out } = await run(argv);
      expect(code).toBe(0);
      expect(out).toContain('\\x1b');
      expect(out).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/);
    }
  });
});

describe('SQLite', () => {
  /** The files a module loads when it is loaded: its static imports, followed (not `import type`, not import()). */
  function staticallyLoaded(entry: string): Set<string> {
    const seen = new Set<string>();
    const walk = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/^(?:import|export)\s+(?!type\b)(?:[^;'"]*?\sfrom\s+)?'(\.[^']+)'/gm)) {
        const path = normalize(join(dirname(file), m[1]!)).replace(/\.js$/, '');
        const found = ['.ts', '.tsx'].map((ext) => path + ext).find((f) => existsSync(f));
        if (found) walk(found);
      }
    };
    walk(entry);
    return seen;
  }

  it('is loaded by this command and the recorder, not with the CLI or the Electron main process', () => {
    const database = join('electron', 'monitor', 'record', 'database.ts');
    // The walk sees imports: the recorder's module loads the database module.
    expect(staticallyLoaded(join('electron', 'monitor', 'record', 'recorder.ts'))).toContain(database);
    // The host's thread has no record to write (the monitor's worker records): 4 MB of memory it would not use.
    expect(staticallyLoaded(join('electron', 'cli.ts'))).not.toContain(database);
    expect(staticallyLoaded(join('electron', 'main.ts'))).not.toContain(database);
  });
});
