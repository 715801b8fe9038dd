// `netlens history --changes` prints what the record holds; process names are anybody's choice, so every
// character inertText escapes is escaped there too (bidi marks, line separators, zero-width characters).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
