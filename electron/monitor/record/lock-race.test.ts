// The record's lock (lock.ts) cleared while another process acts in between, at a point no real timing can hit
// on purpose: node:fs's readdirSync, as lock.ts sees it, runs what the other process does at that moment.
import { mkdirSync, mkdtempSync, rmdirSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it, vi } from 'vitest';

const meanwhile = vi.hoisted(() => ({ act: null as (() => void) | null }));
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
  };
});

const { clearStaleLock } = await import('./lock.js');

const dirs: string[] = [];
afterEach(() => {
  meanwhile.act = null;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

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
