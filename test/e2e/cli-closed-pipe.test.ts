// `netlens dump connections | head -1`: a reader that goes away ends the output, as it does for every Unix tool.
// No "Unhandled 'error' event" stack trace, exit code 0; a write that fails for another reason (a full disk) is
// said in one line and exits 1. The built CLI is run as a user would run it.
import { spawn } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CLI, requireBuild } from './support.js';

function run(args: string[], stdout: 'closed' | number): Promise<{ code: number | null; stderr: string }> {
  requireBuild();
  const child = spawn(process.execPath, [CLI, ...args], {
    stdio: ['ignore', stdout === 'closed' ? 'pipe' : stdout, 'pipe'],
  });
  // The reader leaves before the command has written anything (collecting takes far longer than this).
  if (stdout === 'closed') child.stdout!.destroy();
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stderr })));
}

describe('the CLI and a reader that goes away', () => {
  for (const args of [
    ['dump', 'connections'],
    ['dump', 'statistics', '--json'],
  ]) {
    it(`\`netlens ${args.join(' ')} | head -0\` exits 0 without a stack trace`, async () => {
      const r = await run(args, 'closed');
      expect(r.stderr).not.toMatch(/Unhandled|EPIPE|node:events|\n\s+at /);
      expect(r.code).toBe(0);
    }, 60_000);
  }

  it('a full disk (/dev/full) is one line on stderr and exit code 1', async () => {
    const full = openSync('/dev/full', 'w');
    try {
      const r = await run(['dump', 'routes'], full);
      expect(r.stderr).not.toMatch(/Unhandled|node:events|\n\s+at /);
      expect(r.stderr).toMatch(/^netlens: cannot write the output: ENOSPC/m);
      expect(r.code).toBe(1);
    } finally {
      closeSync(full);
    }
  }, 60_000);
});
