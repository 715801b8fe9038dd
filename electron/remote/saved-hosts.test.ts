// The remote hosts kept for next time: written owner-only, read back only as checked destinations.
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SAVED_HOSTS_FILE, savedHosts } from './saved-hosts.js';

let dir: string | null = null;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = null;
});

describe('saved remote hosts', () => {
  it('keeps the list owner-only and reads it back', () => {
    dir = mkdtempSync(join(tmpdir(), 'fleet-saved-'));
    const logged: string[] = [];
    const saved = savedHosts(dir, (l) => logged.push(l));
    expect(saved.load()).toEqual([]);
    saved.save(['web1', 'root@db.example']);
    expect(saved.load()).toEqual(['web1', 'root@db.example']);
    expect(statSync(join(dir, SAVED_HOSTS_FILE)).mode & 0o777).toBe(0o600);
    expect(logged).toEqual([]);
  });

  it('reads a hostile or broken file as checked destinations only, and says so', () => {
    dir = mkdtempSync(join(tmpdir(), 'fleet-saved-'));
    const logged: string[] = [];
    const file = join(dir, SAVED_HOSTS_FILE);
    const saved = savedHosts(dir, (l) => logged.push(l));
    const many = Array.from({ length: 30 }, (_, i) => `h${i}`);
    writeFileSync(file, JSON.stringify({ hosts: ['-oProxyCommand=x', 'a b', 7, 'web1', 'web1', ...many] }));
    expect(saved.load()).toEqual(['web1', ...many].slice(0, 20));
    expect(logged.join('\n')).toMatch(/3 unusable entries/);
    for (const text of ['{', 'null', '[]', '{"hosts":"web1"}']) {
      writeFileSync(file, text);
      expect(saved.load()).toEqual([]);
    }
    expect(logged.join('\n')).toMatch(/not read/);
  });
});
