import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy, readRendererFile } from './renderer-files.js';

const base = mkdtempSync(join(tmpdir(), 'netlens-files-'));
const root = join(base, 'renderer');
mkdirSync(join(root, 'assets'), { recursive: true });
writeFileSync(join(root, 'index.html'), '<html></html>');
writeFileSync(join(root, 'assets', 'app.js'), 'console.log(1)');
writeFileSync(join(base, 'secret.txt'), 'outside');

describe('readRendererFile', () => {
  it('serves the page and its assets with their content types', async () => {
    expect((await readRendererFile(root, '/'))?.contentType).toBe('text/html; charset=utf-8');
    expect((await readRendererFile(root, '/assets/app.js'))?.contentType).toBe('text/javascript; charset=utf-8');
  });
  it('never leaves the renderer folder, and answers null for what is not there', async () => {
    for (const p of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/../../secret.txt', '/missing.js', '/%E0%A4%A']) {
      expect(await readRendererFile(root, p), p).toBeNull();
    }
  });
  it('serves no symlink that leads out of the folder, and nothing but regular files (issue 10)', async () => {
    symlinkSync('/etc/shadow', join(root, 'shadow.js'));
    symlinkSync(join(base, 'secret.txt'), join(root, 'assets', 'secret.js'));
    symlinkSync(base, join(root, 'up'));
    execFileSync('mkfifo', [join(root, 'pipe.js')]);
    mkdirSync(join(root, 'folder.js'));
    for (const p of ['/shadow.js', '/assets/secret.js', '/up/secret.txt', '/pipe.js', '/folder.js']) {
      expect(await readRendererFile(root, p), p).toBeNull();
    }
    // A symlink that stays inside the folder is still fine.
    symlinkSync(join(root, 'assets', 'app.js'), join(root, 'alias.js'));
    expect((await readRendererFile(root, '/alias.js'))?.body.toString()).toBe('console.log(1)');
  });

  it('has a CSP without eval or remote origins', () => {
    const csp = contentSecurityPolicy();
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/unsafe-eval|https?:|\*/);
  });
});
