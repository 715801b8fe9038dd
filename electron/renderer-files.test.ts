import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
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
  it('has a CSP without eval or remote origins', () => {
    const csp = contentSecurityPolicy();
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/unsafe-eval|https?:|\*/);
  });
});
